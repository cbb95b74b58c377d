// The terminal as controlling terminal: ttyname, /dev/tty, tcgetsid/tcgetpgrp, /proc/self/stat's tty and foreground group; a background group gets SIGTTOU for tcsetpgrp and SIGTTIN for reads; a foreground job is given the terminal and takes ^Z.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include "common.h"
static const char *how(int st) {
  static char b[64];
  if (WIFEXITED(st)) snprintf(b, sizeof b, "exit %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) snprintf(b, sizeof b, "signal %d", WTERMSIG(st));
  else snprintf(b, sizeof b, "stopped %d", WSTOPSIG(st));
  return b;
}
int main(void) {
  char *name = ttyname(0);
  printf("ttyname /dev/pts/ %d\n", name && strncmp(name, "/dev/pts/", 9) == 0);
  char link[64] = "";
  readlink("/proc/self/fd/0", link, sizeof link - 1);
  printf("fd 0 link is ttyname %d\n", name && strcmp(link, name) == 0);
  struct stat a, b;
  stat(name, &a);
  fstat(0, &b);
  printf("same device %d\n", a.st_rdev == b.st_rdev);
  int t = open("/dev/tty", O_RDWR);
  printf("/dev/tty %d isatty %d\n", t >= 0, isatty(t));
  printf("tcgetsid is getsid %d tcgetpgrp is getpgrp %d\n", tcgetsid(0) == getsid(0), tcgetpgrp(0) == getpgrp());
  FILE *f = fopen("/proc/self/stat", "r");
  char line[1024];
  fgets(line, sizeof line, f);
  fclose(f);
  int pgrp, tty, tpgid;
  sscanf(strrchr(line, ')') + 2, "%*c %*d %d %*d %d %d", &pgrp, &tty, &tpgid);
  printf("stat tty_nr is the device %d tpgid is pgrp %d\n", (dev_t)tty == b.st_rdev, tpgid == pgrp);
  fflush(stdout);

  pid_t p = fork();
  if (p == 0) {
    setpgid(0, 0);
    tcsetpgrp(0, getpgrp());
    _exit(0);
  }
  setpgid(p, p);
  int st;
  waitpid(p, &st, WUNTRACED);
  printf("background tcsetpgrp: %s\n", how(st));
  kill(p, SIGKILL);
  waitpid(p, &st, 0);
  p = fork();
  if (p == 0) {
    setpgid(0, 0);
    char c;
    read(0, &c, 1);
    _exit(0);
  }
  setpgid(p, p);
  waitpid(p, &st, WUNTRACED);
  printf("background read: %s\n", how(st));
  kill(p, SIGKILL);
  waitpid(p, &st, 0);
  fflush(stdout);

  /* A foreground job: given the terminal, stopped by ^Z, continued in the foreground. */
  p = fork();
  if (p == 0) {
    setpgid(0, 0);
    char buf[64];
    ready("job reading");
    ssize_t n = read(0, buf, sizeof buf);
    show("job got", buf, n);
    _exit(0);
  }
  setpgid(p, p);
  signal(SIGTTOU, SIG_IGN);
  tcsetpgrp(0, p);
  waitpid(p, &st, WUNTRACED);
  tcsetpgrp(0, getpgrp());
  printf("job: %s\n", how(st));
  fflush(stdout);
  tcsetpgrp(0, p);
  kill(p, SIGCONT);
  waitpid(p, &st, WUNTRACED);
  tcsetpgrp(0, getpgrp());
  printf("job: %s\n", how(st));
  return 0;
}
