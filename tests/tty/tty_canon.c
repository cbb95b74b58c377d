// Canonical input on the terminal: the line discipline's editing (ERASE, WERASE, KILL, LNEXT, tabs, EOF) and echo.
#include "common.h"
int main(void) {
  char buf[256];
  ready("ready");
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    show("got", buf, n);
    if (n <= 0) break;
    printf("next\n");
    fflush(stdout);
  }
  return 0;
}
