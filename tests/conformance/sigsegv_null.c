// Checks that writing through a NULL pointer kills the process with SIGSEGV (no handler installed).
// expect: signal SIGSEGV
#include <stdio.h>

int main(void) {
    volatile int *volatile p = NULL;
    printf("writing to NULL\n");
    fflush(stdout);
    *p = 1;
    printf("not reached\n");
    return 0;
}
