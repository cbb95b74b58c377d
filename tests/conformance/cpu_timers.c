// Checks timers on CPU time: setitimer/getitimer ITIMER_PROF (SIGPROF, interval reload) and ITIMER_VIRTUAL (SIGVTALRM, blind to sleeping), their argument errors, fork and exec rules, POSIX timers on CPU clocks (own process, own thread, a child's clock) and clock_nanosleep on a process CPU clock.
// cflags: -pthread
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double clk(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static volatile unsigned sink;
static void work(void) {
  for (int i = 0; i < 20000; i++) sink += i * 7;
}
static void spin(clockid_t c, double secs) {
  double end = clk(c) + secs;
  while (clk(c) < end) work();
}
static const char *yesno(int b) { return b ? "yes" : "no"; }
static double tvd(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static volatile sig_atomic_t prof, vt, rt, rt_other;
static void on_prof(int s) { (void)s; prof++; }
static void on_vt(int s) { (void)s; vt++; }
static void on_rt(int s, siginfo_t *si, void *u) {
  (void)s; (void)u;
  if (si->si_value.sival_int == 7) rt++;
  else rt_other++;
}

static volatile int stop;
/* Burns CPU until told to stop (the sleeper below needs someone to use the process's time). */
static void *burner(void *arg) {
  (void)arg;
  while (!stop) work();
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--after-exec") == 0) {
    struct itimerval g;
    getitimer(ITIMER_VIRTUAL, &g);
    printf("after exec: ITIMER_VIRTUAL still armed: %s, interval %ld.%06ld\n", yesno(g.it_value.tv_sec > 0 || g.it_value.tv_usec > 0),
           (long)g.it_interval.tv_sec, (long)g.it_interval.tv_usec);
    return 0;
  }
  signal(SIGPROF, on_prof);
  signal(SIGVTALRM, on_vt);

  /* ITIMER_PROF: every 10ms of CPU, reloaded. */
  struct itimerval it = {{0, 10000}, {0, 10000}}, old;
  double p0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  printf("setitimer(PROF) = %d\n", setitimer(ITIMER_PROF, &it, NULL));
  while (prof < 5) work();
  double used = clk(CLOCK_PROCESS_CPUTIME_ID) - p0;
  printf("5 SIGPROFs took 30ms..2s of CPU: %s\n", yesno(used >= 0.03 && used < 2));
  struct itimerval zero = {{0, 0}, {0, 0}};
  setitimer(ITIMER_PROF, &zero, &old);
  printf("old PROF interval: %ld.%06ld, value <= 25ms: %s\n", (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec,
         yesno(tvd(old.it_value) <= 0.025));
  getitimer(ITIMER_PROF, &old);
  printf("disarmed: %ld %ld %ld %ld\n", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec, (long)old.it_interval.tv_sec,
         (long)old.it_interval.tv_usec);

  /* ITIMER_VIRTUAL counts user time only: a sleep does not move it. */
  struct itimerval v = {{0, 0}, {0, 100000}};
  setitimer(ITIMER_VIRTUAL, &v, NULL);
  usleep(200000);
  struct itimerval g;
  getitimer(ITIMER_VIRTUAL, &g);
  printf("no SIGVTALRM while sleeping: %s; still 50ms..110ms left: %s\n", yesno(vt == 0),
         yesno(tvd(g.it_value) > 0.05 && tvd(g.it_value) <= 0.11));
  double u0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  while (vt == 0) work();
  used = clk(CLOCK_PROCESS_CPUTIME_ID) - u0;
  printf("SIGVTALRM after 50ms..2s of CPU: %s\n", yesno(used >= 0.05 && used < 2));
  getitimer(ITIMER_VIRTUAL, &g);
  printf("one-shot VIRTUAL disarmed after firing: %s\n", yesno(g.it_value.tv_sec == 0 && g.it_value.tv_usec == 0));

  /* Errors and the old value. */
  struct itimerval bad = {{0, 0}, {0, 1000000}};
  int r = setitimer(ITIMER_VIRTUAL, &bad, NULL);
  printf("usec 1000000: %d %s\n", r, strerror(errno));
  struct itimerval neg = {{0, 0}, {-1, 0}};
  r = setitimer(ITIMER_PROF, &neg, NULL);
  printf("negative sec: %d %s\n", r, strerror(errno));
  r = setitimer(3, &v, NULL);
  printf("which 3: %d %s\n", r, strerror(errno));
  r = getitimer(-1, &g);
  printf("getitimer which -1: %d %s\n", r, strerror(errno));
  struct itimerval longv = {{0, 250000}, {100, 0}};
  setitimer(ITIMER_VIRTUAL, &longv, NULL);
  setitimer(ITIMER_VIRTUAL, &longv, &old);
  printf("old VIRTUAL: interval %ld.%06ld, value in (99s, 100.01s]: %s\n", (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec,
         yesno(tvd(old.it_value) > 99 && tvd(old.it_value) <= 100.01));

  /* Not inherited by fork; kept across exec. */
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    getitimer(ITIMER_VIRTUAL, &g);
    printf("child of fork: ITIMER_VIRTUAL %ld.%06ld\n", (long)g.it_value.tv_sec, (long)g.it_value.tv_usec);
    fflush(stdout);
    setitimer(ITIMER_VIRTUAL, &longv, NULL);
    execl("/proc/self/exe", argv[0], "--after-exec", (char *)NULL);
    _exit(99);
  }
  int st;
  waitpid(c, &st, 0);
  setitimer(ITIMER_VIRTUAL, &zero, NULL);

  /* POSIX timer on the process CPU clock: 20ms period. */
  struct sigaction sa = {0};
  sa.sa_sigaction = on_rt;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN, &sa, NULL);
  struct sigevent ev = {0};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN;
  ev.sigev_value.sival_int = 7;
  timer_t tid;
  printf("timer_create(PROCESS_CPUTIME) = %d\n", timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &tid));
  struct itimerspec its = {{0, 20000000}, {0, 20000000}}, cur;
  p0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  timer_settime(tid, 0, &its, NULL);
  timer_gettime(tid, &cur);
  printf("timer_gettime: interval %ld.%09ld, value <= 20ms: %s\n", (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec,
         yesno(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000));
  while (rt < 3) work();
  used = clk(CLOCK_PROCESS_CPUTIME_ID) - p0;
  printf("3 CPU-timer signals after 40ms..2s of CPU: %s\n", yesno(used >= 0.04 && used < 2));
  timer_delete(tid);

  /* On the calling thread's clock, with an absolute expiry. */
  ev.sigev_value.sival_int = 8;
  timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &tid);
  struct timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  now.tv_nsec += 30000000;
  if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
  struct itimerspec abs = {{0, 0}, now};
  timer_settime(tid, TIMER_ABSTIME, &abs, NULL);
  while (rt_other == 0) work();
  printf("thread-clock timer fired: %s\n", yesno(rt_other == 1));
  timer_delete(tid);

  /* On a child's clock: it fires here when the child has used 20ms. */
  int fds[2];
  pipe(fds);
  fflush(stdout);
  c = fork();
  if (c == 0) {
    char b;
    read(fds[0], &b, 1);
    spin(CLOCK_PROCESS_CPUTIME_ID, 0.2);
    _exit(0);
  }
  clockid_t cc;
  clock_getcpuclockid(c, &cc);
  ev.sigev_value.sival_int = 7;
  rt = 0;
  printf("timer_create(child's clock) = %d\n", timer_create(cc, &ev, &tid));
  struct itimerspec once = {{0, 0}, {0, 20000000}};
  timer_settime(tid, 0, &once, NULL);
  sigset_t block, orig;
  sigemptyset(&block);
  sigaddset(&block, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &block, &orig);
  write(fds[1], "x", 1);
  while (rt == 0) sigsuspend(&orig);
  sigprocmask(SIG_SETMASK, &orig, NULL);
  printf("child's CPU clock reached 20ms while we waited: %s\n", yesno(clk(cc) >= 0.02));
  waitpid(c, &st, 0);
  timer_delete(tid);

  /* clock_nanosleep on the process clock returns when other threads have used the time. */
  pthread_t th;
  pthread_create(&th, NULL, burner, NULL);
  struct timespec req = {0, 30000000};
  p0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  r = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &req, NULL);
  printf("clock_nanosleep(PROCESS_CPUTIME, 30ms) = %d after >= 30ms of CPU: %s\n", r, yesno(clk(CLOCK_PROCESS_CPUTIME_ID) - p0 >= 0.03));
  stop = 1;
  pthread_join(th, NULL);
  printf("clock_nanosleep(THREAD_CPUTIME) = %s\n", strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
  return 0;
}
