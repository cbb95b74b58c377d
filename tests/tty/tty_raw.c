// Raw mode: VMIN/VTIME reads, no signal characters or CR mapping, output without ONLCR; then the terminal restored.
#include <termios.h>
#include "common.h"
int main(void) {
  struct termios t, raw;
  char buf[256];
  tcgetattr(0, &t);
  raw = t;
  cfmakeraw(&raw);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 3;
  tcsetattr(0, TCSAFLUSH, &raw);
  ready("timeout\r");
  show("MIN 0 TIME 3 with nothing typed:", buf, read(0, buf, sizeof buf));
  printf("\r");
  raw.c_cc[VMIN] = 3;
  raw.c_cc[VTIME] = 0;
  tcsetattr(0, TCSANOW, &raw);
  ready("three\r");
  show("MIN 3:", buf, read(0, buf, sizeof buf));
  printf("\r");
  raw.c_cc[VMIN] = 2;
  tcsetattr(0, TCSANOW, &raw);
  ready("keys\r");
  show("MIN 2:", buf, read(0, buf, sizeof buf));
  printf("lf only\nthen cr\r\n");
  fflush(stdout);
  tcsetattr(0, TCSANOW, &t);
  printf("restored\n");
  return 0;
}
