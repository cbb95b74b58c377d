// Checks a guest-side pseudo-terminal pair: posix_openpt/grantpt/unlockpt/ptsname, the locked slave, the pty's default termios, data both ways through the line discipline (echo, ONLCR, canonical editing, EOF), raw mode with VMIN/VTIME, FIONREAD, poll on both sides, window size, packet mode, TIOCGPTPEER, and what closing either side does.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

/* The kernel hands a master's writes to the slave's line discipline asynchronously: give it time. */
#define SEND(fd, lit) (write(fd, lit, sizeof(lit) - 1), usleep(100000))

static void show(const char *what, const char *buf, ssize_t n) {
  printf("%s %zd \"", what, n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = buf[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') putchar(c);
    else printf("\\x%02x", c);
  }
  printf("\"\n");
}

/* Reads what is there within a short time (the slave's output, echo). */
static ssize_t drain(int fd, char *buf, size_t size) {
  ssize_t total = 0;
  struct pollfd p = {fd, POLLIN, 0};
  while (total < (ssize_t)size && poll(&p, 1, 200) == 1 && (p.revents & POLLIN)) {
    ssize_t n = read(fd, buf + total, size - total);
    if (n <= 0) break;
    total += n;
  }
  return total;
}

static int pollev(int fd, short ev) {
  struct pollfd p = {fd, ev, 0};
  int r = poll(&p, 1, 0);
  return r < 0 ? -1 : p.revents;
}

int main(void) {
  char buf[256];
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  printf("posix_openpt ok %d\n", m >= 0);
  printf("isatty master %d\n", isatty(m));
  const char *name = ptsname(m);
  printf("ptsname /dev/pts/ %d\n", name && strncmp(name, "/dev/pts/", 9) == 0);
  char slave_name[64];
  snprintf(slave_name, sizeof slave_name, "%s", name);
  int s = open(slave_name, O_RDWR | O_NOCTTY);
  printf("open locked slave %d errno EIO %d\n", s, errno == EIO);
  printf("grantpt %d unlockpt %d\n", grantpt(m), unlockpt(m));
  unsigned ptn = 99;
  printf("TIOCGPTN matches %d\n", ioctl(m, TIOCGPTN, &ptn) == 0 && ptn == (unsigned)atoi(slave_name + 9));
  int lck = -1;
  int r0 = ioctl(m, TIOCGPTLCK, &lck);
  printf("TIOCGPTLCK %d lock %d\n", r0, lck);
  s = open(slave_name, O_RDWR | O_NOCTTY);
  printf("open slave ok %d isatty %d\n", s >= 0, isatty(s));
  struct stat st, st2;
  fstat(s, &st);
  stat(slave_name, &st2);
  printf("slave chr %d major 136 %d same inode %d\n", S_ISCHR(st.st_mode), major(st.st_rdev) == 136,
         st.st_ino == st2.st_ino && st.st_dev == st2.st_dev && st.st_rdev == st2.st_rdev);
  fstat(m, &st);
  printf("master rdev 5:2 %d\n", major(st.st_rdev) == 5 && minor(st.st_rdev) == 2);
  char *tn = ttyname(s);
  printf("ttyname matches %d\n", tn && strcmp(tn, slave_name) == 0);

  struct termios t;
  tcgetattr(s, &t);
  printf("termios iflag %o oflag %o cflag %o lflag %o\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
  printf("cc intr %d quit %d erase %d kill %d eof %d min %d time %d susp %d werase %d lnext %d\n", t.c_cc[VINTR], t.c_cc[VQUIT],
         t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VMIN], t.c_cc[VTIME], t.c_cc[VSUSP], t.c_cc[VWERASE], t.c_cc[VLNEXT]);
  struct termios tm;
  tcgetattr(m, &tm);
  printf("master sees slave termios %d\n", tm.c_lflag == t.c_lflag && tm.c_iflag == t.c_iflag);
  printf("ispeed %d ospeed %d\n", (int)cfgetispeed(&t), (int)cfgetospeed(&t));

  /* Canonical: nothing readable until the line ends; echo and ONLCR on the master side. */
  printf("slave poll before %x\n", pollev(s, POLLIN));
  SEND(m, "abc\x7f" "d");
  int avail = -1;
  ioctl(s, FIONREAD, &avail);
  printf("FIONREAD partial line %d slave poll %x\n", avail, pollev(s, POLLIN));
  SEND(m, "\n");
  ioctl(s, FIONREAD, &avail);
  printf("FIONREAD line %d slave poll %x\n", avail, pollev(s, POLLIN));
  show("slave read", buf, read(s, buf, sizeof buf));
  show("master echo", buf, drain(m, buf, sizeof buf));

  /* Editing: word erase, kill, literal next, reprint. */
  SEND(m, "one two\x17" "three\n");
  show("werase", buf, read(s, buf, sizeof buf));
  SEND(m, "gone\x15kept\n");
  show("kill", buf, read(s, buf, sizeof buf));
  SEND(m, "a\x16\x7f" "b\n");
  show("lnext", buf, read(s, buf, sizeof buf));
  SEND(m, "x\ty\x7f\x7f\x7fz\n");
  show("erase tab", buf, read(s, buf, sizeof buf));
  show("master echo", buf, drain(m, buf, sizeof buf));
  SEND(m, "re\x12" "p\n");
  show("reprint", buf, read(s, buf, sizeof buf));
  show("master echo", buf, drain(m, buf, sizeof buf));
  /* A short buffer takes part of a line; EOF ends a line without being read; EOF alone reads 0. */
  SEND(m, "long line\n");
  show("part", buf, read(s, buf, 4));
  show("rest", buf, read(s, buf, sizeof buf));
  SEND(m, "eof\x04");
  show("eof line", buf, read(s, buf, sizeof buf));
  SEND(m, "\x04");
  show("eof alone", buf, read(s, buf, sizeof buf));
  drain(m, buf, sizeof buf);

  /* Output processing: ONLCR, then OPOST off. */
  SEND(s, "out\n");
  show("master reads", buf, drain(m, buf, sizeof buf));
  printf("master poll empty %x\n", pollev(m, POLLIN | POLLOUT));

  /* Echo off, ECHONL. */
  t.c_lflag &= ~ECHO;
  tcsetattr(s, TCSANOW, &t);
  SEND(m, "secret\n");
  show("noecho read", buf, read(s, buf, sizeof buf));
  show("noecho echo", buf, drain(m, buf, sizeof buf));
  t.c_lflag |= ECHONL;
  tcsetattr(s, TCSANOW, &t);
  SEND(m, "nl\n");
  read(s, buf, sizeof buf);
  show("echonl", buf, drain(m, buf, sizeof buf));

  /* Raw mode: no editing, no CR mapping; VMIN/VTIME. */
  struct termios raw = t;
  cfmakeraw(&raw);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &raw);
  show("raw empty MIN0 TIME0", buf, read(s, buf, sizeof buf));
  raw.c_cc[VTIME] = 2;
  tcsetattr(s, TCSANOW, &raw);
  show("raw MIN0 TIME2 timeout", buf, read(s, buf, sizeof buf));
  SEND(m, "x\r\x7f\x03");
  show("raw MIN0 TIME2 data", buf, read(s, buf, sizeof buf));
  raw.c_cc[VMIN] = 3;
  raw.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &raw);
  SEND(m, "ab");
  printf("raw MIN3 poll with 2 %x\n", pollev(s, POLLIN));
  SEND(m, "cd");
  show("raw MIN3", buf, read(s, buf, sizeof buf));
  raw.c_cc[VMIN] = 5;
  raw.c_cc[VTIME] = 2;
  tcsetattr(s, TCSANOW, &raw);
  SEND(m, "12");
  show("raw MIN5 TIME2 interbyte", buf, read(s, buf, sizeof buf));
  SEND(s, "r\n");
  show("raw output", buf, drain(m, buf, sizeof buf));
  /* Back to canonical: a partial raw line becomes readable at once. */
  SEND(m, "pend");
  tcsetattr(s, TCSANOW, &t);
  show("after icanon", buf, read(s, buf, sizeof buf));
  t.c_lflag |= ECHO;
  t.c_lflag &= ~ECHONL;
  tcsetattr(s, TCSAFLUSH, &t);

  /* TCFLSH on the slave's input. */
  SEND(m, "flushed\n");
  drain(m, buf, sizeof buf);
  printf("tcflush %d\n", tcflush(s, TCIFLUSH));
  ioctl(s, FIONREAD, &avail);
  printf("after flush FIONREAD %d\n", avail);
  printf("tcdrain %d tcflow %d tcsendbreak %d\n", tcdrain(s), tcflow(s, TCOON), tcsendbreak(s, 0));

  /* Window size, set on the master, seen on the slave. */
  struct winsize ws = {30, 100, 0, 0}, ws2 = {0, 0, 0, 0};
  ioctl(m, TIOCSWINSZ, &ws);
  ioctl(s, TIOCGWINSZ, &ws2);
  printf("winsize %d %d\n", ws2.ws_row, ws2.ws_col);

  /* Packet mode: a status byte before each read. */
  int one = 1;
  printf("TIOCPKT %d\n", ioctl(m, TIOCPKT, &one));
  SEND(s, "pk");
  show("packet", buf, drain(m, buf, sizeof buf));
  int zero = 0;
  ioctl(m, TIOCPKT, &zero);

  /* TIOCGPTPEER: another slave descriptor from the master. */
  int s2 = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  printf("TIOCGPTPEER ok %d isatty %d\n", s2 >= 0, isatty(s2));
  r0 = ioctl(s, TIOCGPTN, &ptn);
  printf("TIOCGPTN on slave %d errno %d\n", r0, errno);
  r0 = ioctl(s, 0x4B44 /* KDGKBMODE */, &avail);
  printf("KDGKBMODE %d errno %d\n", r0, errno);
  r0 = ioctl(s, TIOCGPGRP, &avail);
  printf("TIOCGPGRP not ctty %d errno %d\n", r0, errno);
  r0 = ioctl(s, TIOCGSID, &avail);
  printf("TIOCGSID not ctty %d errno %d\n", r0, errno);
  r0 = ioctl(m, TIOCGPGRP, &avail);
  printf("TIOCGPGRP on master %d pgrp %d\n", r0, avail);
  r0 = ioctl(1, TCGETS, &t);
  printf("TCGETS on a file %d errno %d\n", r0, errno);

  /* Closing every slave: the master reads what is left, then EIO, and polls POLLHUP. */
  SEND(s, "last");
  close(s);
  close(s2);
  printf("master poll slave closed %x\n", pollev(m, POLLIN | POLLOUT));
  show("master leftover", buf, read(m, buf, sizeof buf));
  ssize_t r = read(m, buf, sizeof buf);
  printf("master read after slave close %zd EIO %d\n", r, errno == EIO);
  printf("master poll drained %x\n", pollev(m, POLLIN | POLLOUT));

  /* Reopened; then the master closes: the slave hangs up (EOF, EIO on write) and its node goes. */
  s = open(slave_name, O_RDWR | O_NOCTTY);
  printf("reopen slave ok %d\n", s >= 0);
  close(m);
  printf("slave poll hung up %x\n", pollev(s, POLLIN | POLLOUT));
  printf("slave read after hangup %zd\n", read(s, buf, sizeof buf));
  r = write(s, "x", 1);
  printf("slave write after hangup %zd EIO %d\n", r, errno == EIO);
  r0 = stat(slave_name, &st);
  printf("stat after master close %d errno %d\n", r0, errno);
  close(s);
  return 0;
}
