// Echo off for a password, ECHONL, then echo back on: what the terminal shows and what the program reads.
#include <string.h>
#include <termios.h>
#include "common.h"
int main(void) {
  struct termios t, quiet;
  char buf[256];
  tcgetattr(0, &t);
  quiet = t;
  quiet.c_lflag &= ~ECHO;
  tcsetattr(0, TCSAFLUSH, &quiet);
  ready("password:");
  show("got", buf, read(0, buf, sizeof buf));
  quiet.c_lflag |= ECHONL;
  tcsetattr(0, TCSANOW, &quiet);
  ready("again:");
  show("got", buf, read(0, buf, sizeof buf));
  tcsetattr(0, TCSANOW, &t);
  ready("visible:");
  show("got", buf, read(0, buf, sizeof buf));
  return 0;
}
