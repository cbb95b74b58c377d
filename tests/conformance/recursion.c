// Checks recursion: Ackermann, deep (50k-frame) recursion, mutual recursion and naive fib.
#include <stdio.h>

static long ack(long m, long n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
static long depth(volatile long n) { volatile char pad[64]; pad[0] = (char)n; return n == 0 ? pad[0] : 1 + depth(n - 1) + pad[0] * 0; }
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
    for (long m = 0; m <= 3; m++)
        for (long n = 0; n <= 4; n++) printf("ack(%ld,%ld)=%ld\n", m, n, ack(m, n));
    printf("ack(2,300)=%ld ack(3,7)=%ld\n", ack(2, 300), ack(3, 7));
    printf("depth(50000)=%ld\n", depth(50000));
    volatile unsigned k = 77777;
    printf("even(77777)=%d\n", is_even(k));
    printf("fib(27)=%ld\n", fib(27));
    return 0;
}
