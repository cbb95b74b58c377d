// Checks that integer division by zero kills the process with SIGFPE (no handler installed).
// expect: signal SIGFPE
#include <stdio.h>

int main(void) {
    volatile int a = 42, b = 0;
    printf("dividing %d by %d\n", a, b);
    fflush(stdout);
    int c = a / b;
    printf("not reached %d\n", c);
    return 0;
}
