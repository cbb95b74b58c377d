// Checks a SIGSEGV handler that repairs the fault (mprotect to read-write) and returns, so the faulting store is re-executed; also si_code SEGV_ACCERR vs SEGV_MAPERR and a nested signal inside the handler.
// expect: exit 0
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *page;
static volatile int faults, codes[4], usr1;
static void usr1h(int s) { (void)s; usr1++; }
static void segv(int s, siginfo_t *si, void *uc) {
    (void)s; (void)uc;
    if (faults < 4) codes[faults] = si->si_code;
    faults++;
    raise(SIGUSR1); /* handled inside this handler: SIGUSR1 is not blocked */
    char *base = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)4095);
    if (mprotect(base, 4096, PROT_READ | PROT_WRITE) != 0) _exit(3);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    signal(SIGUSR1, usr1h);
    page = mmap(0, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[100] = 'a';          /* read-only: SEGV_ACCERR, fixed, re-executed */
    page[4096 + 7] = 'b';     /* the next page, also read-only */
    munmap(page + 8192, 4096);
    mprotect(page + 8192, 4096, PROT_NONE); /* fails: unmapped (ENOMEM) */
    char *q = mmap(page + 8192, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    q[5] = 'c';               /* PROT_NONE: SEGV_ACCERR too */
    printf("values %c %c %c, faults=%d codes=%d %d %d, nested usr1=%d\n", page[100], page[4096 + 7], q[5], faults, codes[0], codes[1], codes[2], usr1);
    return 0;
}
