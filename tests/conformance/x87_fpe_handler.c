// Checks unmasked x87 exceptions delivered to a SIGFPE handler: si_code per exception, the FPU state in the signal frame (status/control words), a clean FPU in the handler, and sigreturn restoring the state (a handler that masks the exception and returns).
// expect: exit 0
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf jb;
static volatile int code, swd, cwd, hcw, fixes;

static void onfpe(int s, siginfo_t *si, void *ucv) {
    (void)s;
    ucontext_t *uc = ucv;
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    code = si->si_code;
    swd = uc->uc_mcontext.fpregs->swd;
    cwd = uc->uc_mcontext.fpregs->cwd;
    hcw = cw;
    siglongjmp(jb, 1);
}

/* Masks every exception and clears the flags in the saved state, then returns: the faulting
   instruction runs again and completes. */
static void fixup(int s, siginfo_t *si, void *ucv) {
    (void)s;
    (void)si;
    ucontext_t *uc = ucv;
    uc->uc_mcontext.fpregs->cwd |= 0x3f;
    uc->uc_mcontext.fpregs->swd &= ~0x80ff;
    fixes++;
}

static void run(const char *name, unsigned short cw, long double a, long double b, int op) {
    long double r = 0;
    code = swd = cwd = hcw = -1;
    if (sigsetjmp(jb, 1) == 0) {
        switch (op) {
        case 0: __asm__ volatile("fninit\n\tfldcw %3\n\tfldt %2\n\tfldt %1\n\tfdivp\n\tfstpt %0\n\tfwait" : "=m"(r) : "m"(a), "m"(b), "m"(cw)); break;
        case 1: __asm__ volatile("fninit\n\tfldcw %3\n\tfldt %2\n\tfldt %1\n\tfmulp\n\tfstpt %0\n\tfwait" : "=m"(r) : "m"(a), "m"(b), "m"(cw)); break;
        default: __asm__ volatile("fninit\n\tfldcw %3\n\tfldt %2\n\tfldt %1\n\tfsqrt\n\tfstpt %0\n\tfstp %%st(0)\n\tfwait" : "=m"(r) : "m"(a), "m"(b), "m"(cw)); break;
        }
        printf("%-10s no signal r=%La\n", name, r);
    } else {
        printf("%-10s si_code=%d swd=%04x cwd=%04x handler fcw=%04x\n", name, code, swd & 0xbfff, cwd, hcw);
    }
    __asm__ volatile("fninit");
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = onfpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, 0);
    run("invalid", 0x037e, 0.0L, 0.0L, 0);
    run("zerodiv", 0x037b, 1.0L, 0.0L, 0);
    run("overflow", 0x0377, 1e4000L, 1e-4000L, 0);
    run("underflow", 0x036f, 1e-4000L, 1e4000L, 0);
    run("precision", 0x035f, 1.0L, 3.0L, 0);
    run("denormal", 0x037d, 3.6e-4951L, 2.0L, 1);
    run("sqrt(-1)", 0x037e, -1.0L, 0.0L, 2);
    run("masked", 0x037f, 1.0L, 0.0L, 0);

    sa.sa_sigaction = fixup;
    sigaction(SIGFPE, &sa, 0);
    long double r, z = 0.0L, one = 1.0L;
    unsigned short cw = 0x037b, sw;
    __asm__ volatile("fninit\n\tfldcw %3\n\tfldt %1\n\tfldt %2\n\tfdivrp\n\tfstpt %0\n\tfnstsw %%ax\n\tmov %%ax, %4"
                     : "=m"(r) : "m"(one), "m"(z), "m"(cw), "m"(sw) : "ax");
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    printf("after fixup: r=%Lg fixes=%d cw=%04x\n", r, fixes, cw);
    return 0;
}
