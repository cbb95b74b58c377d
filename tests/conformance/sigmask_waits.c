// Checks the signal mask of ppoll, pselect, epoll_pwait and epoll_pwait2: swapped in for the wait (a pending signal it unblocks interrupts at once, one arriving later interrupts the wait), the handler runs under it and its frame saves the caller's mask, and the caller's mask is back afterwards in every case (timeout, ready fd, EINTR); a wrong sigsetsize is EINVAL.
// expect: exit 0
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t hits, usr2_in_handler, usr1_in_uc, usr2_in_uc;
static void on_usr1(int s, siginfo_t *si, void *uc) {
  (void)s; (void)si;
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  usr2_in_handler = sigismember(&now, SIGUSR2);
  ucontext_t *u = uc;
  usr1_in_uc = sigismember(&u->uc_sigmask, SIGUSR1);
  usr2_in_uc = sigismember(&u->uc_sigmask, SIGUSR2);
  hits++;
}

static int rfd, wfd, ep;
enum { PPOLL, PSELECT, EPWAIT, EPWAIT2 };
static const char *names[] = {"ppoll", "pselect", "epoll_pwait", "epoll_pwait2"};

/* One wait on the pipe's read end under `mask`, with a timeout in ms. */
static int wait_with(int how, int ms, const sigset_t *mask) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  struct epoll_event ev;
  switch (how) {
    case PPOLL: {
      struct pollfd p = {rfd, POLLIN, 0};
      return ppoll(&p, 1, &ts, mask);
    }
    case PSELECT: {
      fd_set r;
      FD_ZERO(&r);
      FD_SET(rfd, &r);
      return pselect(rfd + 1, &r, NULL, NULL, &ts, mask);
    }
    case EPWAIT:
      return epoll_pwait(ep, &ev, 1, ms, mask);
    default:
      return syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, mask, 8);
  }
}

static void show_mask(const char *what) {
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  printf("  %s: mask after has USR1=%d USR2=%d\n", what, sigismember(&m, SIGUSR1), sigismember(&m, SIGUSR2));
}

int main(void) {
  int p[2];
  pipe(p);
  rfd = p[0];
  wfd = p[1];
  ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = rfd};
  epoll_ctl(ep, EPOLL_CTL_ADD, rfd, &ev);
  struct sigaction sa = {0};
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);

  /* The caller blocks USR1; the waits' mask blocks USR2 instead. */
  sigset_t orig, tmp;
  sigemptyset(&orig);
  sigaddset(&orig, SIGUSR1);
  sigprocmask(SIG_SETMASK, &orig, NULL);
  sigemptyset(&tmp);
  sigaddset(&tmp, SIGUSR2);

  for (int how = PPOLL; how <= EPWAIT2; how++) {
    printf("%s\n", names[how]);
    /* A pending USR1 is unblocked by the wait's mask: EINTR at once, the handler sees the masks. */
    hits = 0;
    raise(SIGUSR1);
    int r = wait_with(how, 2000, &tmp);
    int e = errno;
    printf("  pending signal: %d %s, handler ran %d, USR2 blocked in handler %d, frame saved USR1=%d USR2=%d\n", r,
           r < 0 ? strerror(e) : "-", hits, usr2_in_handler, usr1_in_uc, usr2_in_uc);
    show_mask("EINTR");
    /* Nothing happens: a timeout, and the caller's mask back. */
    r = wait_with(how, 20, &tmp);
    printf("  timeout: %d\n", r);
    show_mask("timeout");
    /* A ready descriptor. */
    write(wfd, "x", 1);
    r = wait_with(how, 1000, &tmp);
    char b;
    read(rfd, &b, 1);
    printf("  ready: %d\n", r);
    show_mask("ready");
    /* A signal sent while waiting interrupts the wait. */
    hits = 0;
    pid_t c = fork();
    if (c == 0) {
      usleep(50000);
      kill(getppid(), SIGUSR1);
      _exit(0);
    }
    r = wait_with(how, 5000, &tmp);
    e = errno;
    printf("  signal during the wait: %d %s, handler ran %d\n", r, r < 0 ? strerror(e) : "-", hits);
    show_mask("after");
    waitpid(c, NULL, 0);
    /* A signal the wait's mask blocks stays pending and does not interrupt. */
    sigprocmask(SIG_BLOCK, &tmp, NULL); /* USR2 blocked before and after, too */
    raise(SIGUSR2);
    sigset_t both = tmp;
    sigaddset(&both, SIGUSR1);
    r = wait_with(how, 20, &both);
    sigset_t pend;
    sigpending(&pend);
    printf("  USR2 blocked by the wait's mask: %d, still pending %d\n", r, sigismember(&pend, SIGUSR2));
    signal(SIGUSR2, SIG_IGN); /* discard it */
    signal(SIGUSR2, SIG_DFL);
    sigprocmask(SIG_SETMASK, &orig, NULL);
  }

  struct pollfd pf = {rfd, POLLIN, 0};
  struct timespec ts = {0, 1000000};
  long r = syscall(SYS_ppoll, &pf, 1, &ts, &tmp, 4);
  printf("ppoll sigsetsize 4: %ld %s\n", r, strerror(errno));
  struct epoll_event e2;
  r = syscall(SYS_epoll_pwait, ep, &e2, 1, 1, &tmp, 4);
  printf("epoll_pwait sigsetsize 4: %ld %s\n", r, strerror(errno));
  r = syscall(SYS_epoll_pwait, ep, &e2, 1, 1, NULL, 4);
  printf("epoll_pwait no mask, sigsetsize 4: %ld\n", r);
  struct timespec bad = {0, 1000000000};
  r = syscall(SYS_epoll_pwait2, ep, &e2, 1, &bad, NULL, 8);
  printf("epoll_pwait2 tv_nsec 1e9: %ld %s\n", r, strerror(errno));
  return 0;
}
