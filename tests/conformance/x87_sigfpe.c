// Checks an unmasked x87 exception: after fldcw unmasks invalid-operation, 0/0 sets the flag and the next waiting x87 instruction raises SIGFPE.
// expect: signal SIGFPE
#include <stdio.h>

int main(void) {
    unsigned short cw = 0x037e; /* default with IM cleared */
    volatile double z = 0.0;
    double r;
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("fldcw %1\n\tfldl %2\n\tfdivl %2\n\tfstpl %0\n\tfwait" : "=m"(r) : "m"(cw), "m"(z));
    printf("not reached %g\n", r);
    return 0;
}
