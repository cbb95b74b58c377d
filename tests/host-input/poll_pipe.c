// select/poll on a host pipe: not ready before the writer writes, ready after, POLLHUP at the end.
#include <stdio.h>
#include <sys/select.h>
#include <poll.h>
#include <unistd.h>
int main(void) {
  fd_set r; FD_ZERO(&r); FD_SET(0, &r);
  struct timeval tv = {0, 300000};
  int n = select(1, &r, NULL, NULL, &tv);
  printf("select before the data: %d\n", n);
  struct pollfd p = {0, POLLIN, 0};
  n = poll(&p, 1, 10000);
  char buf[100];
  int k = read(0, buf, sizeof buf);
  printf("poll when data came: %d POLLIN %d read %d\n", n, !!(p.revents & POLLIN), k);
  n = poll(&p, 1, 10000);
  printf("poll at the end: %d rev %x read %d\n", n, p.revents, (int)read(0, buf, 100));
  return 0;
}
