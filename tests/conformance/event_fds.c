// Checks eventfd, timerfd (interval timer), signalfd (a blocked SIGUSR1 read as a record) and epoll over a timerfd and a pipe written by a child.
// expect: exit 0
#include <stdio.h>
#include <stdint.h>
#include <signal.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
int main(void) {
  int efd = eventfd(3, 0); uint64_t v = 4; write(efd, &v, 8); read(efd, &v, 8); printf("eventfd read=%lu\n", (unsigned long)v);
  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec its = {{0, 10000000}, {0, 20000000}}; timerfd_settime(tfd, 0, &its, 0);
  int ep = epoll_create1(0);
  struct epoll_event e = {EPOLLIN, {.u64 = 42}}; epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &e);
  struct epoll_event out[4]; int n = epoll_wait(ep, out, 4, 1000);
  printf("epoll n=%d data=%lu ev=%u\n", n, (unsigned long)out[0].data.u64, out[0].events);
  read(tfd, &v, 8); printf("timer expirations>=1: %d\n", v >= 1);
  sigset_t m; sigemptyset(&m); sigaddset(&m, SIGUSR1); sigprocmask(SIG_BLOCK, &m, 0);
  int sfd = signalfd(-1, &m, 0); raise(SIGUSR1);
  struct signalfd_siginfo si; int rr = read(sfd, &si, sizeof si); printf("signalfd read=%d signo=%u\n", rr, si.ssi_signo);
  int p[2]; pipe(p); struct epoll_event e2 = {EPOLLIN, {.u64 = 7}}; epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e2);
  epoll_ctl(ep, EPOLL_CTL_DEL, tfd, 0);
  if (fork() == 0) { usleep(20000); write(p[1], "z", 1); _exit(0); }
  n = epoll_wait(ep, out, 4, 2000); printf("pipe via epoll n=%d data=%lu\n", n, (unsigned long)out[0].data.u64);
  wait(0);
  return 0;
}
