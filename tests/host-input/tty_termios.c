// On a terminal: tcgetattr fills the kernel's 36-byte struct termios only (a canary after glibc's larger struct survives), the window size is readable, and tcsetattr succeeds.
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>
int main(void) {
  struct { struct termios t; unsigned long canary; } s;
  s.canary = 0x1122334455667788UL;
  int r = tcgetattr(0, &s.t);
  printf("isatty %d tcgetattr %d canary %s icanon %d\n", isatty(0), r, s.canary == 0x1122334455667788UL ? "intact" : "smashed", !!(s.t.c_lflag & ICANON));
  struct winsize ws;
  printf("TIOCGWINSZ %d\n", ioctl(0, TIOCGWINSZ, &ws));
  printf("tcsetattr %d\n", tcsetattr(0, TCSANOW, &s.t));
  return 0;
}
