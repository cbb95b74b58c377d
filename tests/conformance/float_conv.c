// Checks int<->double and float<->double conversions (truncation, rounding, saturation to 0x8000...), and comparisons involving NaN.
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

int main(void) {
    volatile double ds[] = {0.0, -0.0, 0.49999999999999994, 0.5, 1.9999, -1.9999, 2147483647.9, -2147483648.9, 2147483648.0, 9.2233720368547758e18,
                            -9.2233720368547758e18, 1.8446744073709552e19, 1e300, -1e300, 123456789.987654321};
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        double d = ds[i];
        int32_t i32 = (d > -2147483649.0 && d < 2147483648.0) ? (int32_t)d : INT32_MIN;
        int64_t i64 = (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) ? (int64_t)d : INT64_MIN;
        uint64_t u64 = (d >= 0 && d < 1.8446744073709552e19) ? (uint64_t)d : 0;
        printf("%.17g -> i32=%d i64=%lld u64=%llu lrint=%ld float=%.9g\n", d, i32, (long long)i64, (unsigned long long)u64, lrint(d), (float)d);
    }
    volatile int64_t is[] = {0, 1, -1, 9007199254740993LL, INT64_MAX, INT64_MIN, 123456789};
    for (unsigned i = 0; i < sizeof is / sizeof is[0]; i++)
        printf("i64 %lld -> double %.17g float %.9g\n", (long long)is[i], (double)is[i], (double)(float)is[i]);
    volatile uint64_t us[] = {0, 1ULL << 63, UINT64_MAX, (1ULL << 53) + 1, 0x8000000000000801ULL};
    for (unsigned i = 0; i < sizeof us / sizeof us[0]; i++)
        printf("u64 %llu -> double %.17g float %.9g\n", (unsigned long long)us[i], (double)us[i], (double)(float)us[i]);
    volatile uint32_t u32 = 4294967295u; volatile int32_t s32 = -5;
    printf("u32 max -> %.17g, -5 -> %.17g, (unsigned)(-5) -> %.17g\n", (double)u32, (double)s32, (double)(uint32_t)s32);
    volatile float fs[] = {0.1f, 3.4028235e38f, 1e-45f, -0.0f, 16777217.0f};
    for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) printf("float %08x -> double %016llx (%.17g)\n", fbits(fs[i]), (unsigned long long)bits((double)fs[i]), (double)fs[i]);
    volatile double dd[] = {0.1, 1e39, 1e-46, 3.4028235677973366e38, 1.00000005960464477539};
    for (unsigned i = 0; i < sizeof dd / sizeof dd[0]; i++) printf("double %.17g -> float %08x\n", dd[i], fbits((float)dd[i]));
    volatile double zero = 0.0;
    double nan_ = zero / zero;
    volatile double one = 1.0;
    printf("nan==nan %d nan!=nan %d nan<1 %d nan>1 %d nan<=1 %d nan>=1 %d !(nan<1) %d\n", nan_ == nan_, nan_ != nan_, nan_ < one, nan_ > one, nan_ <= one, nan_ >= one, !(nan_ < one));
    printf("isunordered=%d isless=%d isgreaterequal=%d islessgreater(1,2)=%d\n", isunordered(nan_, one), isless(nan_, one), isgreaterequal(one, nan_), islessgreater(one, 2.0));
    printf("-0==0 %d  1/-0 %g  nan bits sign=%d\n", -zero == zero, 1.0 / -zero, (int)(bits(nan_) >> 63));
    volatile float fn = (float)nan_;
    printf("float nan == itself %d, (double)(float)nan is nan %d\n", fn == fn, isnan((double)fn));
    return 0;
}
