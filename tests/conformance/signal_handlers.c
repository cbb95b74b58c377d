// Checks signal delivery to handlers: SIGSEGV with siginfo and siglongjmp, raise, blocking and sigpending, alarm+pause, SA_RESETHAND, nested handlers, and an overflow handler on sigaltstack.
// expect: exit 0
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile sig_atomic_t got, depth, maxdepth;
static char altstack[65536];

static void segv(int s, siginfo_t *si, void *uc) {
    (void)uc;
    printf("SIGSEGV sig=%d code=%d addr=%p\n", s, si->si_code, si->si_addr);
    siglongjmp(jb, 1);
}
static void simple(int s) { got = s; }
static void nested(int s) {
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    if (s == SIGUSR1) raise(SIGUSR2); /* delivered inside this handler: SIGUSR2 is not masked */
    depth--;
}
static void ovf(int s) {
    int on = 0;
    stack_t cur;
    sigaltstack(NULL, &cur);
    on = (cur.ss_flags & SS_ONSTACK) != 0;
    printf("overflow handler sig=%d on altstack=%d\n", s, on);
    fflush(stdout);
    _exit(0);
}
static int deep(int n) {
    volatile char buf[1024];
    buf[0] = (char)n;
    return n ? deep(n + 1) + buf[0] : 0;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    volatile int *volatile bad = (volatile int *)16;
    if (!sigsetjmp(jb, 1)) *bad = 1;
    printf("after siglongjmp\n");

    signal(SIGUSR1, simple);
    raise(SIGUSR1);
    printf("raise: got=%d\n", got);

    sigset_t m, p;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, 0);
    got = 0;
    raise(SIGUSR1);
    sigpending(&p);
    printf("blocked: got=%d pending=%d\n", got, sigismember(&p, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &m, 0);
    printf("unblocked: got=%d\n", got);

    signal(SIGALRM, simple);
    got = 0;
    alarm(1);
    pause();
    printf("alarm: got=%d\n", got);

    struct timespec ts = {0, 20000000};
    printf("nanosleep: %d\n", nanosleep(&ts, 0));

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = simple;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, 0);
    got = 0;
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, 0, &now);
    printf("resethand: got=%d now default=%d\n", got, now.sa_handler == SIG_DFL);

    signal(SIGUSR1, nested);
    signal(SIGUSR2, nested);
    raise(SIGUSR1);
    printf("nested: max depth=%d\n", maxdepth);

    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ovf;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, 0);
    fflush(stdout);
    return deep(1);
}
