// A read of a pipe with no data is interrupted by SIGALRM (EINTR without SA_RESTART, restarted with it), and nothing that arrives later is lost.
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
static void on(int s) { (void)s; write(1, "[alarm]\n", 8); }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on;
  sigaction(SIGALRM, &sa, NULL);
  char buf[64];
  alarm(1);
  int n = read(0, buf, sizeof buf);
  printf("read 1: %d %s\n", n, n < 0 ? strerror(errno) : "");
  sa.sa_flags = SA_RESTART; sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  n = read(0, buf, sizeof buf);
  printf("read 2: %d %.*s", n, n > 0 ? n : 0, buf);
  return 0;
}
