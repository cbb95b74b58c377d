// Checks scheduling priority: the sched_* policy calls' answers and errors (OTHER/BATCH/IDLE, RESET_ON_FORK, priority ranges), nice per thread and inherited by fork, and that the scheduler honours it: on one CPU a nice 19 or SCHED_IDLE spinner gets a small share against a nice 0 one, and two nice 0 spinners share evenly.
// cflags: -pthread
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err(int r) { return r == 0 ? "ok" : strerror(errno); }
static double clk(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static volatile unsigned sink;

/* A child that spins forever with the given nice value (and SCHED_IDLE if idle). */
static pid_t spinner(int nice_value, int idle) {
  pid_t c = fork();
  if (c == 0) {
    if (nice_value) setpriority(PRIO_PROCESS, 0, nice_value);
    if (idle) {
      struct sched_param p = {0};
      sched_setscheduler(0, SCHED_IDLE, &p);
    }
    for (;;) sink++;
  }
  return c;
}

/* Runs two spinners for a while on one CPU; returns the CPU time each got. */
static void contest(int nice_a, int nice_b, int idle_b, double *a, double *b) {
  pid_t pa = spinner(nice_a, 0), pb = spinner(nice_b, idle_b);
  usleep(400000);
  clockid_t ca, cb;
  clock_getcpuclockid(pa, &ca);
  clock_getcpuclockid(pb, &cb);
  *a = clk(ca);
  *b = clk(cb);
  kill(pa, SIGKILL);
  kill(pb, SIGKILL);
  waitpid(pa, NULL, 0);
  waitpid(pb, NULL, 0);
}

static void *thread_nice(void *arg) {
  (void)arg;
  setpriority(PRIO_PROCESS, 0, 7);
  int tid = syscall(SYS_gettid);
  printf("thread: own nice %d, via its tid %d\n", getpriority(PRIO_PROCESS, 0), getpriority(PRIO_PROCESS, tid));
  return NULL;
}

/* The calls' answers; in a child, since an unprivileged one cannot undo what it sets. */
static void calls(void) {
  int root = geteuid() == 0;
  struct sched_param p0 = {0}, p1 = {1}, pg;
  printf("getscheduler: %d\n", sched_getscheduler(0));
  for (int pol = -1; pol <= 6; pol++) /* 7 is SCHED_EXT on kernels >= 6.12 */
    printf("priority range of %d: %d..%d\n", pol, sched_get_priority_min(pol), sched_get_priority_max(pol));
  int r = sched_setscheduler(0, SCHED_BATCH, &p0);
  printf("BATCH: %s, now %d\n", err(r), sched_getscheduler(0));
  r = sched_setscheduler(0, SCHED_OTHER, &p1);
  printf("OTHER prio 1: %s\n", err(r));
  r = sched_setscheduler(0, SCHED_FIFO, &p0);
  printf("FIFO prio 0: %s\n", err(r));
  struct sched_param p100 = {100};
  r = sched_setscheduler(0, SCHED_RR, &p100);
  printf("RR prio 100: %s\n", err(r));
  r = sched_setscheduler(0, 4, &p0);
  printf("policy 4: %s\n", err(r));
  r = sched_setscheduler(0, -1, &p0);
  printf("policy -1: %s\n", err(r));
  r = sched_setscheduler(-1, SCHED_OTHER, &p0);
  printf("pid -1: %s\n", err(r));
  r = sched_setscheduler(0, SCHED_OTHER, NULL);
  printf("NULL param: %s\n", err(r));
  r = sched_setscheduler(0, SCHED_DEADLINE, &p0);
  printf("DEADLINE via setscheduler: %s\n", err(r));
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, NULL, 0);
  r = sched_setscheduler(dead, SCHED_OTHER, &p0);
  printf("a reaped pid: %s\n", err(r));
  printf("getscheduler(reaped): %d %s\n", sched_getscheduler(dead), strerror(errno));
  r = sched_getparam(0, &pg);
  printf("getparam: %s prio %d\n", err(r), pg.sched_priority);
  if (!root) {
    r = sched_setscheduler(0, SCHED_FIFO, &p1);
    printf("FIFO prio 1 unprivileged: %s\n", err(r));
  } else {
    printf("FIFO prio 1 unprivileged: skipped as root\n");
  }
  r = sched_setscheduler(0, SCHED_IDLE, &p0);
  printf("IDLE: %s, now %d\n", err(r), sched_getscheduler(0));
  r = sched_setparam(0, &p0);
  printf("setparam keeps IDLE: %s, now %d\n", err(r), sched_getscheduler(0));
  r = sched_setscheduler(0, SCHED_OTHER, &p0);
  printf("IDLE back to OTHER: %s\n", root ? "ok (root)" : err(r));
  if (root) sched_setscheduler(0, SCHED_OTHER, &p0);
  r = sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &p0);
  printf("RESET_ON_FORK: %s, getscheduler 0x%x\n", err(r), sched_getscheduler(0));
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    printf("child of RESET_ON_FORK: 0x%x\n", sched_getscheduler(0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  r = sched_setscheduler(0, SCHED_OTHER, &p0);
  printf("clearing RESET_ON_FORK: %s\n", root ? "ok (root)" : err(r));
  if (root) sched_setscheduler(0, SCHED_OTHER, &p0);

  /* nice is per thread; fork inherits it. */
  pthread_t th;
  pthread_create(&th, NULL, thread_nice, NULL);
  pthread_join(th, NULL);
  printf("main thread nice after the thread's change: %d\n", getpriority(PRIO_PROCESS, 0));
  setpriority(PRIO_PROCESS, 0, 3);
  fflush(stdout);
  c = fork();
  if (c == 0) {
    printf("child inherits nice %d\n", getpriority(PRIO_PROCESS, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  r = setpriority(PRIO_PROCESS, 0, 1);
  printf("lowering nice: %s\n", root ? "ok (root)" : err(r));
  setpriority(PRIO_PROCESS, 0, 0);
  r = setpriority(PRIO_PROCESS, 0, 100);
  printf("nice 100 clamps: %s, now %d\n", err(r), getpriority(PRIO_PROCESS, 0));
  errno = 0;
  r = getpriority(PRIO_PROCESS, dead);
  printf("getpriority(reaped pid): %d %s\n", r, strerror(errno));
  r = setpriority(3, 0, 0);
  printf("setpriority which 3: %s\n", err(r));
}

int main(void) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    calls();
    fflush(stdout);
    _exit(0);
  }
  waitpid(c, NULL, 0);

  /* The share of one CPU (the spinners are pinned to our first CPU). */
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  int first = 0;
  while (!CPU_ISSET(first, &set)) first++;
  CPU_ZERO(&set);
  CPU_SET(first, &set);
  printf("pinned: %d\n", sched_setaffinity(0, sizeof set, &set));
  fflush(stdout);
  double a, b;
  contest(0, 0, 0, &a, &b);
  printf("nice 0 vs nice 0: ran %s, each at least a third: %s\n", a + b > 0.02 ? "yes" : "no", a * 2 > b && b * 2 > a ? "yes" : "no");
  contest(0, 19, 0, &a, &b);
  printf("nice 0 vs nice 19: ran %s, nice 19 under a fifth of nice 0: %s\n", a + b > 0.02 ? "yes" : "no", b * 5 < a ? "yes" : "no");
  contest(0, 0, 1, &a, &b);
  printf("nice 0 vs SCHED_IDLE: ran %s, idle under a fifth: %s\n", a + b > 0.02 ? "yes" : "no", b * 5 < a ? "yes" : "no");
  return 0;
}
