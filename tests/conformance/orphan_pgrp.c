// Checks orphaned process groups: SIGTSTP/SIGTTIN/SIGTTOU with the default action do nothing in an orphaned group (SIGSTOP still stops, a handler still runs), they stop a member of a group with a parent elsewhere in the session, and an exit that orphans a group with a stopped member sends it SIGHUP then SIGCONT (and a group without one nothing).
// expect: exit 0
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Unbuffered output: several processes write, ordered by waits. */
static void say(const char *s) { write(1, s, strlen(s)); }

static void g2_hup(int s) { (void)s; say("G2: SIGHUP handler\n"); }
static void g2_cont(int s) { (void)s; say("G2: SIGCONT handler\n"); }
static volatile sig_atomic_t g3_hup;
static void g3_hup_h(int s) { (void)s; g3_hup = 1; }
static void g3_term(int s) {
  (void)s;
  say(g3_hup ? "G3: SIGTERM, after a SIGHUP\n" : "G3: SIGTERM, no SIGHUP before it\n");
  _exit(4);
}
static volatile sig_atomic_t tstp_handled;
static void on_tstp(int s) { (void)s; tstp_handled = 1; }

/* The session C leads; its own group is orphaned (its parent, the test, is in another session). */
static void child_c(void) {
  setsid();

  /* A: G1 in its own group, parent C in the same session: the group is not orphaned. */
  pid_t g1 = fork();
  if (g1 == 0) {
    setpgid(0, 0);
    raise(SIGTSTP);
    say("G1: continued\n");
    _exit(0);
  }
  setpgid(g1, g1);
  int st;
  waitpid(g1, &st, WUNTRACED);
  say(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP ? "C: G1 (group with an outside parent) stopped by SIGTSTP\n" : "C: G1 not stopped\n");
  kill(g1, SIGKILL);
  waitpid(g1, &st, 0);

  /* B: C's own group is orphaned: the job-control stops are discarded, SIGSTOP is not. */
  raise(SIGTSTP);
  say("C: SIGTSTP discarded in an orphaned group\n");
  raise(SIGTTIN);
  say("C: SIGTTIN discarded\n");
  raise(SIGTTOU);
  say("C: SIGTTOU discarded\n");
  kill(0, SIGTSTP);
  say("C: SIGTSTP to the whole group discarded\n");
  signal(SIGTSTP, on_tstp);
  raise(SIGTSTP);
  say(tstp_handled ? "C: a SIGTSTP handler still runs\n" : "C: handler did not run\n");
  signal(SIGTSTP, SIG_DFL);
  raise(SIGSTOP);
  say("C: continued after SIGSTOP\n");

  /* C, D: G2 stops in its own group; G3 waits in another; C's exit orphans both groups. */
  pid_t g2 = fork();
  if (g2 == 0) {
    setpgid(0, 0);
    signal(SIGHUP, g2_hup);
    signal(SIGCONT, g2_cont);
    raise(SIGSTOP);
    say("G2: running again\n");
    _exit(3);
  }
  setpgid(g2, g2);
  waitpid(g2, &st, WUNTRACED);
  say(WIFSTOPPED(st) ? "C: G2 stopped; exiting\n" : "C: G2 not stopped\n");
  int ready[2];
  pipe(ready);
  pid_t g3 = fork();
  if (g3 == 0) {
    setpgid(0, 0);
    signal(SIGHUP, g3_hup_h);
    signal(SIGTERM, g3_term);
    write(ready[1], "r", 1);
    for (;;) pause();
  }
  setpgid(g3, g3);
  char r;
  read(ready[0], &r, 1);
  char pids[64];
  snprintf(pids, sizeof pids, "%d %d\n", g2, g3);
  write(10, pids, strlen(pids)); /* tell the test the grandchildren's pids */
  _exit(0);
}

int main(void) {
  /* Orphans come to us (so we can wait for them), and we are in another session. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  int fds[2];
  pipe(fds);
  pid_t c = fork();
  if (c == 0) {
    dup2(fds[1], 10);
    close(fds[0]);
    close(fds[1]);
    child_c();
  }
  close(fds[1]);
  int st;
  waitpid(c, &st, WUNTRACED);
  say(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP ? "test: C stopped by SIGSTOP\n" : "test: C not stopped\n");
  kill(c, SIGCONT);
  waitpid(c, &st, 0);
  int c_exited = WIFEXITED(st);
  char buf[64] = {0};
  read(fds[0], buf, sizeof buf - 1);
  int g2, g3;
  sscanf(buf, "%d %d", &g2, &g3);
  waitpid(g2, &st, 0); /* G2 prints as it runs; we print after it is done */
  printf("test: C exited: %d\n", c_exited);
  printf("test: G2 exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  fflush(stdout);
  kill(g3, SIGTERM);
  waitpid(g3, &st, 0);
  printf("test: G3 exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
