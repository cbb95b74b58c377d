// Checks job control on a pseudo-terminal: a session leader's first terminal becomes its controlling terminal (/dev/tty, tcgetsid), background groups get SIGTTOU for tcsetpgrp/tcsetattr and TOSTOP writes and SIGTTIN for reads (EIO when ignored or orphaned), tcsetpgrp's errors, INTR/SUSP typed on the master signal the foreground group, TIOCSWINSZ sends SIGWINCH, TIOCNOTTY, and closing the master hangs the session up.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void say(const char *fmt, ...) {
  char b[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  write(1, b, n);
}

static const char *how(int st) {
  static char b[64];
  if (WIFEXITED(st)) snprintf(b, sizeof b, "exit %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) snprintf(b, sizeof b, "signal %d", WTERMSIG(st));
  else if (WIFSTOPPED(st)) snprintf(b, sizeof b, "stopped %d", WSTOPSIG(st));
  return b;
}

/* The session leader asks the parent (outside the session, holding the master) to act. */
static int ctl_w, ack_r;
static void ask(char c) {
  char a;
  write(ctl_w, &c, 1);
  read(ack_r, &a, 1);
}

static int s; /* the slave: the session's controlling terminal */
static char name[64];

static void bg_tcsetpgrp(void) { int r = tcsetpgrp(s, getpgrp()); say("  tcsetpgrp returned %d\n", r); }
static void bg_tcsetpgrp_ignored(void) {
  signal(SIGTTOU, SIG_IGN);
  int r = tcsetpgrp(s, getpgrp());
  say("  ignored SIGTTOU: tcsetpgrp %d foreground is me %d\n", r, tcgetpgrp(s) == getpgrp());
  tcsetpgrp(s, getppid()); /* the leader's group (its pid) gets it back */
}
static void bg_read(void) { char c; ssize_t r = read(s, &c, 1); say("  read returned %zd\n", r); }
static void bg_read_ignored(void) {
  signal(SIGTTIN, SIG_IGN);
  char c;
  ssize_t r = read(s, &c, 1);
  say("  ignored SIGTTIN: read %zd EIO %d\n", r, errno == EIO);
}
static void bg_write(void) { ssize_t r = write(s, "w", 1); say("  write %zd\n", r); }
static void bg_tcsetattr(void) {
  struct termios t;
  tcgetattr(s, &t);
  int r = tcsetattr(s, TCSANOW, &t);
  say("  tcsetattr returned %d\n", r);
}
static void bg_tcsetattr_blocked(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTTOU);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct termios t;
  tcgetattr(s, &t);
  say("  blocked SIGTTOU: tcsetattr %d\n", tcsetattr(s, TCSANOW, &t));
}
/* A process left in a background group whose parent is gone: its group is orphaned. */
static int orphan_done[2], orphan_go[2];
static void bg_orphan(void) {
  pid_t parent = getpid();
  if (fork() == 0) {
    while (getppid() == parent) usleep(1000); /* reparented: the group is orphaned now */
    char c;
    read(orphan_go[0], &c, 1); /* after the leader has reported its parent's exit */
    ssize_t r = read(s, &c, 1);
    say("  orphaned read %zd EIO %d\n", r, errno == EIO);
    r = tcsetpgrp(s, getpgrp());
    say("  orphaned tcsetpgrp %d ENOTTY %d\n", r, errno == ENOTTY);
    write(orphan_done[1], "d", 1);
    _exit(0);
  }
  _exit(0);
}

/* Runs fn in a new background process group of the session; reports how it ended or stopped. */
static void bg(const char *what, void (*fn)(void)) {
  pid_t p = fork();
  if (p == 0) {
    setpgid(0, 0);
    signal(SIGTTOU, SIG_DFL); /* the leader ignores it, as a shell does; its jobs do not */
    fn();
    _exit(0);
  }
  setpgid(p, p);
  int st;
  waitpid(p, &st, WUNTRACED);
  say("%s: %s\n", what, how(st));
  if (WIFSTOPPED(st)) {
    kill(p, SIGKILL);
    waitpid(p, &st, 0);
  }
}

static volatile sig_atomic_t winch, hup, cont;
static void on_winch(int sig) { (void)sig; winch = 1; }
static void on_hup(int sig) { (void)sig; hup++; }
static void on_cont(int sig) { (void)sig; cont++; }

/* A foreground job: fn runs in a group that is given the terminal; the leader waits for it. */
static void fg(const char *what, void (*fn)(int), char request) {
  int sync[2];
  pipe(sync);
  pid_t p = fork();
  if (p == 0) {
    setpgid(0, 0);
    signal(SIGTTOU, SIG_DFL);
    close(sync[0]);
    fn(sync[1]);
    _exit(0);
  }
  close(sync[1]);
  setpgid(p, p);
  tcsetpgrp(s, p);
  char c;
  read(sync[0], &c, 1); /* the job is ready */
  close(sync[0]);
  ask(request);
  int st;
  waitpid(p, &st, WUNTRACED);
  say("%s: %s\n", what, how(st));
  if (WIFSTOPPED(st)) {
    kill(p, SIGKILL);
    waitpid(p, &st, 0);
  }
  tcsetpgrp(s, getpgrp()); /* SIGTTOU is ignored by the leader, as a shell does */
}

static void job_read(int ready) {
  write(ready, "r", 1);
  char c;
  read(s, &c, 1);
  say("  job read returned\n");
}
static void job_winch(int ready) {
  signal(SIGWINCH, on_winch);
  write(ready, "r", 1);
  while (!winch) pause();
  struct winsize ws;
  ioctl(s, TIOCGWINSZ, &ws);
  say("  SIGWINCH: %d x %d\n", ws.ws_row, ws.ws_col);
}

static void leader(void) {
  setsid();
  s = open(name, O_RDWR);
  say("slave became controlling terminal: tcgetsid is me %d, foreground is me %d\n", tcgetsid(s) == getpid(), tcgetpgrp(s) == getpgrp());
  int t = open("/dev/tty", O_RDWR);
  say("/dev/tty opens %d isatty %d\n", t >= 0, isatty(t));
  struct termios a, b;
  tcgetattr(s, &a);
  a.c_lflag ^= ECHOKE;
  tcsetattr(t, TCSANOW, &a);
  tcgetattr(s, &b);
  say("/dev/tty is the same terminal %d\n", a.c_lflag == b.c_lflag);
  a.c_lflag ^= ECHOKE;
  tcsetattr(t, TCSANOW, &a);
  close(t);
  signal(SIGTTOU, SIG_IGN);

  bg("background tcsetpgrp", bg_tcsetpgrp);
  bg("background tcsetpgrp, SIGTTOU ignored", bg_tcsetpgrp_ignored);
  say("leader in the foreground again %d\n", tcgetpgrp(s) == getpgrp());
  bg("background read", bg_read);
  bg("background read, SIGTTIN ignored", bg_read_ignored);
  bg("background write", bg_write);
  tcgetattr(s, &a);
  a.c_lflag |= TOSTOP;
  tcsetattr(s, TCSANOW, &a);
  bg("background write with TOSTOP", bg_write);
  a.c_lflag &= ~TOSTOP;
  tcsetattr(s, TCSANOW, &a);
  bg("background tcsetattr", bg_tcsetattr);
  bg("background tcsetattr, SIGTTOU blocked", bg_tcsetattr_blocked);
  pipe(orphan_done);
  pipe(orphan_go);
  bg("orphan maker", bg_orphan);
  write(orphan_go[1], "g", 1);
  char d;
  read(orphan_done[0], &d, 1);

  int r = tcsetpgrp(s, 0x3fffff00);
  say("tcsetpgrp to a missing group %d errno %d\n", r, errno);
  r = tcsetpgrp(s, getppid());
  say("tcsetpgrp to another session's group %d errno %d\n", r, errno);
  r = tcsetpgrp(s, -5);
  say("tcsetpgrp negative %d errno %d\n", r, errno);
  int m2 = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m2);
  unlockpt(m2);
  int s2 = open(ptsname(m2), O_RDWR);
  r = tcsetpgrp(s2, getpgrp());
  say("second terminal did not become controlling: tcsetpgrp %d errno %d\n", r, errno);
  r = ioctl(s2, TIOCSCTTY, 0);
  say("TIOCSCTTY with a controlling terminal %d errno %d\n", r, errno);
  r = ioctl(s, TIOCSCTTY, 0);
  say("TIOCSCTTY on its own terminal %d\n", r);
  close(s2);
  close(m2);

  fg("foreground job, ^C typed", job_read, 'C');
  fg("foreground job, ^Z typed", job_read, 'Z');
  fg("foreground job, ^\\ with QUIT disabled, then ^C", job_read, 'Q');
  fg("foreground job, window resized", job_winch, 'W');

  signal(SIGHUP, on_hup);
  signal(SIGCONT, on_cont);
  ask('H');
  char c;
  say("after hangup: SIGHUP %d SIGCONT %d\n", hup, cont);
  ssize_t n = read(s, &c, 1);
  say("read %zd\n", n);
  n = write(s, "x", 1);
  say("write %zd errno %d\n", n, errno);
  t = open("/dev/tty", O_RDWR);
  say("/dev/tty %d errno %d\n", t, errno);
  errno = 0;
  int pg = tcgetpgrp(s);
  say("tcgetpgrp %d errno %d\n", pg, errno);
  errno = 0;
  pg = tcsetpgrp(s, getpgrp());
  say("tcsetpgrp %d errno %d\n", pg, errno);
}

/* TIOCNOTTY by a session leader: the foreground group (itself) gets SIGHUP and SIGCONT. */
static void notty(void) {
  setsid();
  s = open(name, O_RDWR);
  signal(SIGHUP, on_hup);
  signal(SIGCONT, on_cont);
  int r = ioctl(s, TIOCNOTTY);
  say("TIOCNOTTY %d\n", r);
  r = tcgetpgrp(s);
  say("after TIOCNOTTY: SIGHUP %d SIGCONT %d tcgetpgrp %d errno %d\n", hup, cont, r, errno);
  r = open("/dev/tty", O_RDWR);
  say("/dev/tty %d errno %d\n", r, errno);
  r = ioctl(s, TIOCSCTTY, 0);
  say("TIOCSCTTY again %d foreground is me %d\n", r, tcgetpgrp(s) == getpgrp());
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int t = open("/dev/tty", O_RDWR);
  say("/dev/tty without a controlling terminal %d errno %d\n", t, errno);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m);
  unlockpt(m);
  snprintf(name, sizeof name, "%s", ptsname(m));
  say("opening the master made no controlling terminal %d\n", open("/dev/tty", O_RDWR) < 0);

  int ctl[2], ack[2];
  pipe(ctl);
  pipe(ack);
  pid_t p = fork();
  if (p == 0) {
    close(m);
    close(ctl[0]);
    close(ack[1]);
    ctl_w = ctl[1];
    ack_r = ack[0];
    leader();
    _exit(0);
  }
  close(ctl[1]);
  close(ack[0]);
  char echo[512];
  size_t got = 0;
  char c;
  while (read(ctl[0], &c, 1) == 1) {
    if (c == 'C') write(m, "\x03", 1);
    if (c == 'Z') write(m, "\x1a", 1);
    if (c == 'Q') {
      struct termios a;
      tcgetattr(m, &a);
      a.c_cc[VQUIT] = _POSIX_VDISABLE;
      tcsetattr(m, TCSANOW, &a);
      write(m, "\x1c\x03", 2);
    }
    if (c == 'W') {
      struct winsize ws = {40, 120, 0, 0};
      ioctl(m, TIOCSWINSZ, &ws);
    }
    usleep(100000);
    struct pollfd pf = {m, POLLIN, 0};
    while (got < sizeof echo && poll(&pf, 1, 100) == 1 && (pf.revents & POLLIN)) {
      ssize_t n = read(m, echo + got, sizeof echo - got);
      if (n <= 0) break;
      got += n;
    }
    if (c == 'H') close(m);
    write(ack[1], "k", 1);
  }
  int st;
  waitpid(p, &st, 0);
  say("leader: %s\n", how(st));
  say("typed on the master echoed as \"");
  for (size_t i = 0; i < got; i++) say(echo[i] >= 0x20 && echo[i] < 0x7f ? "%c" : "\\x%02x", (unsigned char)echo[i]);
  say("\"\n");

  /* Another session: TIOCNOTTY. */
  m = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m);
  unlockpt(m);
  snprintf(name, sizeof name, "%s", ptsname(m));
  p = fork();
  if (p == 0) {
    notty();
    _exit(0);
  }
  waitpid(p, &st, 0);
  say("notty leader: %s\n", how(st));
  return 0;
}
