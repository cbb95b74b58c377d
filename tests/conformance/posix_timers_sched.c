// Checks POSIX timers (timer_create with SIGEV_SIGNAL, a periodic timer delivering si_value), nice values and the sched_* policy calls.
// expect: exit 0
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <sys/resource.h>
static volatile int hits; static volatile int val;
static void h(int s, siginfo_t *si, void *u) { (void)s; (void)u; hits++; val = si->si_value.sival_int; }
int main(void) {
  struct sigaction sa = {0}; sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO; sigaction(SIGRTMIN, &sa, 0);
  struct sigevent ev = {0}; ev.sigev_notify = SIGEV_SIGNAL; ev.sigev_signo = SIGRTMIN; ev.sigev_value.sival_int = 77;
  timer_t tid; printf("create=%d\n", timer_create(CLOCK_MONOTONIC, &ev, &tid));
  struct itimerspec its = {{0, 5000000}, {0, 5000000}}; timer_settime(tid, 0, &its, 0);
  while (hits < 3) pause();
  timer_delete(tid);
  printf("hits>=3 val=%d\n", val);
  printf("prio=%d policy=%d max=%d\n", getpriority(PRIO_PROCESS, 0), sched_getscheduler(0), sched_get_priority_max(SCHED_FIFO));
  printf("setprio=%d now=%d\n", setpriority(PRIO_PROCESS, 0, 5), getpriority(PRIO_PROCESS, 0));
  return 0;
}
