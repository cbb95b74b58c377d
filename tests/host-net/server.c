// A guest server: listens (unix PATH | tcp), says where ("port N" or "ready") on stdout, accepts
// one connection, answers what it reads upper-cased until EOF, then says how much it served.
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int s;
  if (strcmp(argv[1], "unix") == 0) {
    struct sockaddr_un a = {AF_UNIX};
    strncpy(a.sun_path, argv[2], sizeof a.sun_path - 1);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4) < 0) { perror("listen"); return 1; }
    printf("ready\n");
  } else {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s = socket(AF_INET, SOCK_STREAM, 0);
    socklen_t l = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4) < 0 || getsockname(s, (struct sockaddr *)&a, &l) < 0) { perror("listen"); return 1; }
    printf("port %d\n", ntohs(a.sin_port));
  }
  fflush(stdout);
  int c = accept(s, NULL, NULL);
  if (c < 0) { perror("accept"); return 1; }
  char buf[256];
  ssize_t n;
  long total = 0;
  while ((n = read(c, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
    write(c, buf, n);
    total += n;
  }
  close(c);
  printf("served %ld bytes\n", total);
  return 0;
}
