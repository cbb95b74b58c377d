// Checks CPU-time accounting: the CPU clocks (process, thread, clock_getcpuclockid, pthread_getcpuclockid), getrusage SELF/THREAD/CHILDREN, times() and /proc/PID/stat advance with work and not while blocked; children count once waited for, with their waited-for children only.
// cflags: -pthread
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double clk(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return -1;
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static volatile unsigned sink;
/* Burns `secs` of CPU as measured by clock c (work between reads, so it is mostly user time). */
static void spin(clockid_t c, double secs) {
  double end = clk(c) + secs;
  while (clk(c) < end)
    for (int i = 0; i < 100000; i++) sink += i * 7;
}
static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }
static const char *yesno(int b) { return b ? "yes" : "no"; }

/* utime and stime ticks (fields 14 and 15) of a /proc stat file. */
static int stat_ticks(const char *path, long *ut, long *st, long *cut) {
  char buf[1024];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  int n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime */
  char state;
  long v[12];
  if (sscanf(p + 2, "%c %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", &state, &v[0], &v[1], &v[2], &v[3], &v[4],
             &v[5], &v[6], &v[7], &v[8], &v[9], ut, st, cut) != 14)
    return -1;
  return 0;
}

static sem_t go, done;
static clockid_t worker_clock;
static void *worker(void *arg) {
  (void)arg;
  spin(CLOCK_THREAD_CPUTIME_ID, 0.1);
  sem_post(&done);
  sem_wait(&go);
  return NULL;
}

int main(void) {
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double p0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  spin(CLOCK_PROCESS_CPUTIME_ID, 0.1);
  double p1 = clk(CLOCK_PROCESS_CPUTIME_ID);
  getrusage(RUSAGE_SELF, &r1);
  printf("process clock advanced 100ms: %s\n", yesno(p1 - p0 >= 0.1));
  printf("ru_utime advanced >= 50ms: %s\n", yesno(tv(r1.ru_utime) - tv(r0.ru_utime) >= 0.05));
  printf("ru_utime+ru_stime within 20ms of the clock: %s\n", yesno(fabs(tv(r1.ru_utime) + tv(r1.ru_stime) - p1) < 0.02));
  printf("ru_maxrss > 0: %s\n", yesno(r1.ru_maxrss > 0));
  struct timespec res;
  clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res);
  printf("process clock resolution: %ld.%09ld\n", (long)res.tv_sec, res.tv_nsec);

  /* Blocked time is not CPU time. */
  double b0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  usleep(200000);
  printf("a 200ms sleep costs < 100ms of CPU: %s\n", yesno(clk(CLOCK_PROCESS_CPUTIME_ID) - b0 < 0.1));

  /* times(): ticks of 1/100 s; its result is elapsed real time. */
  struct tms tm0, tm1;
  clock_t c0 = times(&tm0);
  usleep(100000);
  clock_t c1 = times(&tm1);
  printf("sysconf(_SC_CLK_TCK): %ld\n", sysconf(_SC_CLK_TCK));
  printf("tms_utime >= 5 ticks: %s\n", yesno(tm0.tms_utime >= 5));
  printf("times() advanced 9..500 ticks over a 100ms sleep: %s\n", yesno(c1 - c0 >= 9 && c1 - c0 < 500));
  long ut, st, cut;
  stat_ticks("/proc/self/stat", &ut, &st, &cut);
  long tt = (long)(tm1.tms_utime + tm1.tms_stime);
  printf("/proc/self/stat utime+stime within 10 ticks after times(): %s\n", yesno(ut + st >= tt - 2 && ut + st <= tt + 10));

  /* A thread's time is its own and its process's. */
  sem_init(&go, 0, 0);
  sem_init(&done, 0, 0);
  double main0 = clk(CLOCK_THREAD_CPUTIME_ID), proc0 = clk(CLOCK_PROCESS_CPUTIME_ID);
  pthread_t th;
  pthread_create(&th, NULL, worker, NULL);
  sem_wait(&done);
  printf("pthread_getcpuclockid: %d\n", pthread_getcpuclockid(th, &worker_clock));
  printf("worker thread clock >= 100ms: %s\n", yesno(clk(worker_clock) >= 0.1));
  char path[64];
  long tut, tst, pst_u, pst_s;
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", getpid());
  stat_ticks(path, &tut, &tst, &cut);
  stat_ticks("/proc/self/stat", &pst_u, &pst_s, &cut);
  printf("/proc/self/task/MAIN/stat is >= 8 ticks below /proc/self/stat: %s\n", yesno(pst_u + pst_s - tut - tst >= 8));
  printf("main thread clock advanced < 50ms while it waited: %s\n", yesno(clk(CLOCK_THREAD_CPUTIME_ID) - main0 < 0.05));
  printf("process clock includes the worker's 100ms: %s\n", yesno(clk(CLOCK_PROCESS_CPUTIME_ID) - proc0 >= 0.1));
  struct rusage self, thread;
  getrusage(RUSAGE_THREAD, &thread);
  getrusage(RUSAGE_SELF, &self);
  printf("RUSAGE_SELF exceeds RUSAGE_THREAD by >= 90ms: %s\n",
         yesno(tv(self.ru_utime) + tv(self.ru_stime) - tv(thread.ru_utime) - tv(thread.ru_stime) >= 0.09));
  sem_post(&go);
  pthread_join(th, NULL);

  /* Children: counted once reaped, with the grandchildren they reaped themselves. */
  struct rusage ch;
  getrusage(RUSAGE_CHILDREN, &ch);
  printf("children before any wait: %s\n", yesno(tv(ch.ru_utime) + tv(ch.ru_stime) == 0 && ch.ru_maxrss == 0));
  int fds[2];
  pipe(fds);
  pid_t c = fork();
  if (c == 0) {
    pid_t g1 = fork();
    if (g1 == 0) { spin(CLOCK_PROCESS_CPUTIME_ID, 0.2); _exit(0); }
    waitpid(g1, NULL, 0);
    pid_t g2 = fork();
    if (g2 == 0) { spin(CLOCK_PROCESS_CPUTIME_ID, 0.4); _exit(0); }
    while (waitid(P_PID, g2, &(siginfo_t){0}, WEXITED | WNOWAIT) != 0) {}
    spin(CLOCK_PROCESS_CPUTIME_ID, 0.02);
    write(fds[1], "x", 1);
    pause();
    _exit(0);
  }
  char b;
  read(fds[0], &b, 1);
  clockid_t cc;
  printf("clock_getcpuclockid(child): %d\n", clock_getcpuclockid(c, &cc));
  double cv = clk(cc);
  printf("child's clock 20ms..150ms (its own time only): %s\n", yesno(cv >= 0.02 && cv < 0.15));
  clockid_t tc = ((~(clockid_t)c) << 3) | 2 | 4; /* a thread clock of another process */
  printf("thread clock of another process: %s\n", clk(tc) < 0 && errno == EINVAL ? "EINVAL" : "readable");
  kill(c, SIGKILL);
  siginfo_t si;
  waitid(P_PID, c, &si, WEXITED | WNOWAIT);
  getrusage(RUSAGE_CHILDREN, &ch);
  printf("a zombie child is not counted yet: %s\n", yesno(tv(ch.ru_utime) + tv(ch.ru_stime) == 0));
  struct rusage w;
  wait4(c, NULL, 0, &w);
  double wt = tv(w.ru_utime) + tv(w.ru_stime);
  printf("wait4's rusage has the child and its waited-for grandchild, not the other (220ms..550ms): %s\n", yesno(wt >= 0.22 && wt < 0.55));
  getrusage(RUSAGE_CHILDREN, &ch);
  double cht = tv(ch.ru_utime) + tv(ch.ru_stime);
  printf("RUSAGE_CHILDREN after the wait, same: %s\n", yesno(fabs(cht - wt) < 0.01));
  printf("children's ru_maxrss > 0: %s\n", yesno(ch.ru_maxrss > 0));
  times(&tm1);
  printf("tms_cutime+tms_cstime >= 20 ticks: %s\n", yesno(tm1.tms_cutime + tm1.tms_cstime >= 20));
  stat_ticks("/proc/self/stat", &ut, &st, &cut);
  printf("/proc/self/stat cutime >= 10 ticks: %s\n", yesno(cut >= 10));
  printf("clock_getcpuclockid(reaped child): %s\n", clock_getcpuclockid(c, &cc) == ESRCH ? "ESRCH" : "other");
  printf("invalid CPU clock id: %s\n", clk(((~(clockid_t)0) << 3) | 3) < 0 && errno == EINVAL ? "EINVAL" : "readable");
  return 0;
}
