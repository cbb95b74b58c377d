// Checks that INT64_MIN / -1 overflows the idiv instruction and kills the process with SIGFPE.
// expect: signal SIGFPE
#include <stdint.h>
#include <stdio.h>

int main(void) {
    volatile int64_t a = INT64_MIN, b = -1;
    printf("computing INT64_MIN / -1\n");
    fflush(stdout);
    int64_t c = a / b;
    printf("not reached %lld\n", (long long)c);
    return 0;
}
