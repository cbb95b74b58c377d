// Checks x87 long double through glibc: printf %Lf/%La/%Le, strtold round trips, libm long double functions (sinl, cosl, tanl, atan2l, expl, exp2l, logl, log2l, log1pl, powl, fmodl, remainderl, remquol, frexpl, ldexpl, rintl under each rounding mode) and the fenv exception flags.
// cflags: -lm
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long double vs[] = {0.0L, 1.0L, -2.5L, 0.1L, 3.14159265358979323846264338327950288L, 1e-300L, 1e300L,
                                    12345.6789L, -0.000123L, 7.0L / 3.0L, 1e4000L, 1e-4000L, 2.0L, 0.5L, 100.0L};
#define NV (int)(sizeof vs / sizeof vs[0])

int main(void) {
    // Printing: %Lf, %Le, %La, %Lg at several precisions.
    for (int k = 0; k < NV; k++) {
        long double x = vs[k];
        printf("v%-2d %.20Le | %La | %.25Lg | %.3Lf\n", k, x, x, x, fabsl(x) < 1e30L ? x : 0.0L);
    }
    // strtold round trips and parsing edge cases.
    const char *strs[] = {"0.1", "1e-4950", "1.18973149535723176502e+4932", "1.18973149535723176508e+4932", "3.6451995318824746025e-4951",
                          "0x1.fffffffffffffffep+16383", "-0x1p-16445", "123456789012345678901234567890", "inf", "-nan", "2.5e-1", "1e5000"};
    for (unsigned k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        char *end;
        long double x = strtold(strs[k], &end);
        char buf[64];
        snprintf(buf, sizeof buf, "%.21Lg", x);
        long double y = strtold(buf, 0);
        printf("strtold(%s) = %La (%s) roundtrip=%d\n", strs[k], x, buf, isnan(x) ? isnan(y) : x == y);
    }
    // Transcendentals, printed to 16 digits (the x87's own results may differ from a correctly
    // rounded one by an ulp of the 64-bit significand; 16 digits do not show that).
    long double args[] = {0.5L, 1.0L, 2.0L, 10.0L, 1e-10L, 100.0L, 0.7853981633974483L};
    for (unsigned k = 0; k < sizeof args / sizeof args[0]; k++) {
        long double a = args[k];
        printf("a=%Lg sin %.16Lg cos %.16Lg tan %.16Lg atan2 %.16Lg\n", a, sinl(a), cosl(a), tanl(a), atan2l(a, 3.0L));
        printf("  exp %.16Lg exp2 %.16Lg log %.16Lg log2 %.16Lg log1p %.16Lg pow %.16Lg sqrt %.18Lg\n", expl(a), exp2l(a), logl(a),
               log2l(a), log1pl(a), powl(a, 1.5L), sqrtl(a));
    }
    // Remainders (fprem/fprem1), frexpl/ldexpl (fxtract/fscale), big exponent differences.
    long double nums[] = {10.0L, -7.5L, 1e100L, 3.0L, 1e-3000L, 5.0L};
    long double dens[] = {3.0L, 2.0L, 7.0L, 1e-20L, 3e-3001L, -0.3L};
    for (unsigned k = 0; k < sizeof nums / sizeof nums[0]; k++) {
        int q;
        long double r = remquol(nums[k], dens[k], &q);
        printf("fmodl %La remainderl %La remquol %La q=%d\n", fmodl(nums[k], dens[k]), remainderl(nums[k], dens[k]), r, q & 7);
        int e;
        long double m = frexpl(nums[k], &e);
        printf("frexpl %La %d ldexpl %La\n", m, e, ldexpl(m, e + 5));
    }
    // Rounding modes: rintl/nearbyintl/llrintl and arithmetic under each mode.
    int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    const char *mn[] = {"near", "down", "up", "zero"};
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        volatile long double a = 2.5L, b = -2.5L, c = 1.0L, d = 3.0L;
        printf("%s: rintl %Lg %Lg nearbyintl %Lg llrintl %lld 1/3=%La -1/3=%La sqrt2=%La\n", mn[m], rintl(a), rintl(b), nearbyintl(-3.5L),
               llrintl(b), c / d, -c / d, sqrtl(2.0L));
    }
    fesetround(FE_TONEAREST);
    // Exception flags through fenv (fnstsw/fnclex under the hood).
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double z = 0.0L, one = 1.0L, tiny = LDBL_MIN, big = LDBL_MAX;
    volatile long double r1 = one / z;
    printf("1/0=%Lg divbyzero=%d\n", r1, fetestexcept(FE_DIVBYZERO) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double r2 = z / z;
    printf("0/0 nan=%d invalid=%d\n", isnan(r2), fetestexcept(FE_INVALID) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double r3 = big * 2;
    printf("overflow=%d inexact=%d r=%Lg\n", fetestexcept(FE_OVERFLOW) != 0, fetestexcept(FE_INEXACT) != 0, r3);
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double r4 = tiny / 3;
    printf("underflow=%d r=%La\n", fetestexcept(FE_UNDERFLOW) != 0, r4);
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double r5 = one / 4;
    printf("exact: inexact=%d r=%Lg\n", fetestexcept(FE_INEXACT) != 0, r5);
    // Conversions between long double and integers/doubles/floats.
    volatile long double big2 = 9.2233720368547758e18L;
    printf("(long long)%.0Lf=%lld (unsigned long long)1.8e19=%llu (int)-3.99=%d (double)1/3=%.17g (float)1/3=%.9g\n", big2 - 1024,
           (long long)(big2 - 1024), (unsigned long long)18000000000000000000.0L, (int)-3.99L, (double)(1.0L / 3), (float)(1.0L / 3));
    return 0;
}
