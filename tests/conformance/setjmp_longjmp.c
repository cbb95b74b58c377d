// Checks setjmp/longjmp: return values, jumping out of nested calls, volatile locals, repeated jumps.
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int calls;

static void deep(int n) {
    calls++;
    if (n < 0) return;
    if (n == 0) longjmp(env, 7);
    deep(n - 1);
}
static void zero_jump(void) { longjmp(env, 0); }

int main(void) {
    volatile int counter = 0;
    int r = setjmp(env);
    if (r == 0) { printf("first return 0\n"); deep(50); }
    printf("returned %d after %d calls\n", r, calls);
    r = setjmp(env);
    counter++;
    if (counter < 5) longjmp(env, counter);
    printf("loop via longjmp: counter=%d last r=%d\n", counter, r);
    if ((r = setjmp(env)) == 0) zero_jump();
    printf("longjmp(env,0) makes setjmp return %d\n", r);
    sigjmp_buf senv;
    if ((r = sigsetjmp(senv, 0)) == 0) siglongjmp(senv, 99);
    printf("siglongjmp r=%d\n", r);
    double d = 1.5; volatile double vd = 2.5;
    if (setjmp(env) == 0) { d = 3.0; vd = 4.5; longjmp(env, 1); }
    printf("volatile double survived: %.1f\n", vd);
    (void)d;
    return 0;
}
