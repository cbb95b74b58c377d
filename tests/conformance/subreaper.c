// Checks PR_SET/GET_CHILD_SUBREAPER: orphans (running or already zombies) are reparented to the nearest subreaper ancestor, which gets SIGCHLD and waits for them; the flag is not inherited by fork, and clearing it sends later orphans past.
// expect: exit 0
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld;
static void on_chld(int s) { (void)s; chld++; }
static int get_sub(void) {
  int v = -1;
  prctl(PR_GET_CHILD_SUBREAPER, &v);
  return v;
}

static int fds[2];

/* Forks a child that forks a grandchild running fn, then exits at once: the grandchild is orphaned. */
static pid_t orphan(int (*fn)(pid_t), pid_t watch) {
  pid_t m = fork();
  if (m == 0) {
    pid_t g = fork();
    if (g == 0) _exit(fn(watch));
    write(fds[1], &g, sizeof g);
    _exit(0);
  }
  int st;
  waitpid(m, &st, 0);
  pid_t g;
  read(fds[0], &g, sizeof g);
  return g;
}
/* The grandchild waits until its parent is gone, then reports whether it is now watch's child. */
static int report_parent(pid_t watch) {
  for (int i = 0; i < 2000 && getppid() != watch; i++) usleep(1000);
  return getppid() == watch ? 7 : 8;
}
static int quick_exit(pid_t watch) {
  (void)watch;
  return 9;
}

int main(void) {
  printf("initial: %d\n", get_sub());
  int r = prctl(PR_SET_CHILD_SUBREAPER, 1);
  printf("set: %d, now: %d\n", r, get_sub());
  struct sigaction sa = {0};
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  pipe(fds);
  fflush(stdout);

  /* A running orphan comes to us. */
  chld = 0;
  pid_t g = orphan(report_parent, getpid());
  int st;
  pid_t w = waitpid(-1, &st, 0);
  printf("reaped the orphan: %s, its status %d (7: it saw us as its parent)\n", w == g ? "yes" : "no", WEXITSTATUS(st));
  printf("SIGCHLD received: %s\n", chld >= 1 ? "yes" : "no");

  /* An orphan that is already a zombie when its parent exits is reparented too, and signalled. */
  pid_t m = fork();
  if (m == 0) {
    pid_t z = fork();
    if (z == 0) _exit(quick_exit(0));
    while (waitid(P_PID, z, &(siginfo_t){0}, WEXITED | WNOWAIT) != 0) {}
    write(fds[1], &z, sizeof z);
    _exit(0);
  }
  pid_t z;
  read(fds[0], &z, sizeof z);
  waitpid(m, &st, 0);
  w = waitpid(z, &st, 0);
  printf("reaped the orphaned zombie: %s, status %d\n", w == z ? "yes" : "no", WEXITSTATUS(st));

  /* The nearest subreaper wins; the flag is not inherited. */
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    printf("child inherits the flag: %d\n", get_sub());
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t g2 = orphan(report_parent, getpid());
    pid_t w2 = waitpid(g2, &st, 0);
    printf("nearer subreaper reaped its orphan: %s, status %d\n", w2 == g2 ? "yes" : "no", WEXITSTATUS(st));
    fflush(stdout);
    _exit(0);
  }
  waitpid(c, &st, 0);

  /* Cleared: a later orphan goes past us (to init or an outer subreaper). */
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  printf("cleared: %d\n", get_sub());
  g = orphan(quick_exit, 0);
  usleep(50000);
  w = waitpid(-1, &st, WNOHANG);
  printf("no children left to wait for: %s\n", w == -1 ? "yes" : "no");
  return 0;
}
