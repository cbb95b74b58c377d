// Checks that writing to a page made read-only with mprotect kills the process with SIGSEGV.
// expect: signal SIGSEGV
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
    volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    p[10] = 42;
    if (mprotect((void *)p, 4096, PROT_READ) != 0) return 2;
    printf("read-only page still readable: %d\n", p[10]);
    fflush(stdout);
    p[10] = 43;
    printf("not reached\n");
    return 0;
}
