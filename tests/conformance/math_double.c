// Checks libm double math: sqrt, fabs, floor/ceil/trunc/round/rint, fmod, pow, exp/log, trig, hypot, frexp/ldexp, NaN/inf classification.
// cflags: -lm
#include <float.h>
#include <math.h>
#include <stdio.h>

int main(void) {
    volatile double v[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 2.0, 1e10 + 0.5, -7.75, 123.456, 1e-310, 4503599627370497.0};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        double d = v[i];
        printf("%-12g floor=%g ceil=%g trunc=%g round=%g rint=%g nearbyint=%g fabs=%g sqrt(|x|)=%.17g lround=%ld\n", d, floor(d), ceil(d), trunc(d),
               round(d), rint(d), nearbyint(d), fabs(d), sqrt(fabs(d)), lround(d));
    }
    printf("sqrt(2)=%.17g sqrt(-1)=%g sqrt(-0)=%g\n", sqrt(2.0), sqrt(-1.0), sqrt(-0.0));
    printf("fmod(10.5,3)=%g fmod(-10.5,3)=%g remainder(10.5,3)=%g\n", fmod(10.5, 3), fmod(-10.5, 3), remainder(10.5, 3));
    printf("pow(2,0.5)=%.17g pow(-8,1/3.)=%g pow(0,0)=%g pow(2,1024)=%g pow(2,-1074)=%g\n", pow(2, 0.5), pow(-8, 1 / 3.), pow(0, 0), pow(2, 1024), pow(2, -1074));
    printf("exp(1)=%.17g log(10)=%.17g log2(1024)=%g log10(1e-5)=%g log(0)=%g log(-1)=%g\n", exp(1), log(10), log2(1024), log10(1e-5), log(0), log(-1));
    printf("sin(1)=%.17g cos(1)=%.17g tan(0.5)=%.17g atan2(1,-1)=%.17g\n", sin(1), cos(1), tan(0.5), atan2(1, -1));
    printf("hypot(3,4)=%g cbrt(27)=%g expm1(1e-10)=%.17g log1p(1e-10)=%.17g\n", hypot(3, 4), cbrt(27), expm1(1e-10), log1p(1e-10));
    int e; double m = frexp(1234.5, &e);
    printf("frexp(1234.5)=%g*2^%d ldexp(1,-1074)=%g ldexp(1,1024)=%g\n", m, e, ldexp(1, -1074), ldexp(1, 1024));
    double ip; double fp = modf(-3.75, &ip);
    printf("modf(-3.75)=%g,%g copysign(3,-0.)=%g nextafter(1,2)=%.17g\n", ip, fp, copysign(3, -0.0), nextafter(1, 2));
    volatile double z = 0.0;
    double nan_ = z / z, inf = 1.0 / z;
    printf("isnan=%d isinf=%d isinf(-inf)=%d isfinite=%d signbit(-0)=%d fpclassify(denorm)=%d\n", isnan(nan_), isinf(inf), isinf(-inf), isfinite(DBL_MAX),
           signbit(-0.0) != 0, fpclassify(1e-310) == FP_SUBNORMAL);
    printf("fmin(nan,1)=%g fmax(1,nan)=%g fmin(-0,0) signbit=%d\n", fmin(nan_, 1), fmax(1, nan_), signbit(fmin(-0.0, 0.0)) != 0);
    double acc = 0;
    for (int i = 1; i <= 100000; i++) acc += 1.0 / ((double)i * i);
    printf("sum 1/i^2 = %.17g (pi^2/6 = %.17g)\n", acc, M_PI * M_PI / 6);
    float f = sqrtf(2.0f);
    printf("sqrtf(2)=%.9g floorf(-1.5f)=%g fabsf(-3)=%g\n", f, floorf(-1.5f), fabsf(-3.0f));
    return 0;
}
