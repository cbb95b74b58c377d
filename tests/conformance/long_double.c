// Checks x87 long double arithmetic: 64-bit mantissa precision, conversions, sqrtl/fabsl, and printing with %La/%.21Lg.
// cflags: -lm
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
    volatile long double third = 1.0L / 3.0L;
    printf("1/3 = %.21Lg (%La)\n", third, third);
    printf("LDBL_MANT_DIG=%d LDBL_EPSILON=%La LDBL_MAX=%Lg\n", LDBL_MANT_DIG, LDBL_EPSILON, LDBL_MAX);
    volatile long double big = 18446744073709551615.0L; /* 2^64-1 is exact in 64-bit mantissa */
    printf("2^64-1 as long double = %.0Lf, back to u64 = %llu\n", big, (unsigned long long)big);
    volatile int64_t i = INT64_MIN + 1;
    printf("int64 %lld -> long double -> int64 %lld\n", (long long)i, (long long)(long double)i);
    long double acc = 0;
    for (int k = 1; k <= 1000; k++) acc += 1.0L / ((long double)k * k);
    printf("sum 1/k^2 (k<=1000) = %.20Lg\n", acc);
    printf("sqrtl(2) = %.21Lg fabsl(-3.5) = %Lg\n", sqrtl(2.0L), fabsl(-3.5L));
    volatile double d = 0.1;
    long double ld = d;
    printf("(long double)0.1 = %.25Lg, (double)back exact = %d\n", ld, (double)ld == d);
    volatile long double x = 1.0L;
    int steps = 0;
    while (1.0L + x != 1.0L) { x /= 2; steps++; }
    printf("epsilon halvings = %d\n", steps);
    volatile long double z = 0.0L;
    printf("inf=%Lg nan=%Lg -0=%Lg\n", 1.0L / z, z / z, -z);
    printf("powl(2,100)=%.0Lf expl(1)=%.20Lg logl(10)=%.20Lg\n", powl(2, 100), expl(1.0L), logl(10.0L));
    return 0;
}
