// A guest client: connects to a host server (unix PATH | tcp PORT | tcp6 PORT), sends a line,
// shuts down its sending side and prints what comes back until EOF.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int s;
  if (strcmp(argv[1], "unix") == 0) {
    struct sockaddr_un a = {AF_UNIX};
    strncpy(a.sun_path, argv[2], sizeof a.sun_path - 1);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  } else if (strcmp(argv[1], "tcp6") == 0) {
    struct sockaddr_in6 a = {0};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(atoi(argv[2]));
    a.sin6_addr = in6addr_loopback;
    s = socket(AF_INET6, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  } else {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(atoi(argv[2]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  }
  const char *msg = "hello from the guest\n";
  write(s, msg, strlen(msg));
  shutdown(s, SHUT_WR);
  char buf[256];
  ssize_t n;
  while ((n = read(s, buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
  printf("EOF\n");
  return 0;
}
