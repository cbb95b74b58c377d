// libm through glibc's FMA/AVX2 variants (sin, cos, tan, exp, exp2, log, log2, pow, atan, sinf, expf, powf...) and fma()/fmaf() with -mfma. The fma results are hashed to the last bit; the libm results (whose last bit may differ between glibc's FMA and SSE2 variants, i.e. with rustos --cpu=v2) are summed and printed to 10 digits, exact special cases in full.
// cflags: -mavx2 -mfma
#include <math.h>
#include <stdio.h>

int main(void) {
  double acc = 0;
  unsigned long h = 1469598103934665603ul;
  for (int i = -300; i <= 300; i++) {
    double x = i * 0.173 + 0.001 * (i % 7);
    double r[] = {sin(x), cos(x), tan(x * 0.3), exp(x * 0.1), exp2(x * 0.05), log(fabs(x) + 0.5), log2(fabs(x) + 1.25),
                  pow(fabs(x) + 0.75, 0.37 * (i % 5)), atan(x), atan2(x, 1.5), sinh(x * 0.05), cbrt(x), hypot(x, 3.0),
                  fma(x, 1.0000001, -x), expm1(x * 1e-3), log1p(fabs(x) * 1e-3)};
    for (unsigned k = 0; k < sizeof r / sizeof r[0]; k++) {
      acc += r[k];
    }
    float xf = (float)x;
    float rf[] = {sinf(xf), cosf(xf), expf(xf * 0.1f), logf(fabsf(xf) + 0.5f), powf(fabsf(xf) + 0.75f, 1.3f), fmaf(xf, 3.0f, 0.1f), exp2f(xf * 0.05f), log2f(fabsf(xf) + 2)};
    for (unsigned k = 0; k < sizeof rf / sizeof rf[0]; k++) acc += rf[k];
    // Fused multiply-adds: one rounding, so every bit is defined.
    double f3[] = {fma(x, x * 0.3, -x * x * 0.3), fma(x, 1.0 / 3, 1e-17 * i), fma(-x, x, 0.5 * i)};
    for (unsigned k = 0; k < 3; k++) {
      union { double d; unsigned long u; } v = {f3[k]};
      h = (h ^ v.u) * 1099511628211ul;
    }
    union { float f; unsigned u; } vf = {fmaf(xf, xf * 0.7f, -xf)};
    h = (h ^ vf.u) * 1099511628211ul;
  }
  printf("fma hash %016lx libm sum %.10g\n", h, acc);
  printf("sin(1e22) %.10g exp(700) %.10g pow(2,-1074) %.17g sqrt(2) %.17g\n", sin(1e22), exp(700.0), pow(2.0, -1074.0), sqrt(2.0));
  printf("fma exact: %.17g %.17g %a\n", fma(0.1, 10.0, -1.0), fma(1.0 + 0x1p-52, 1.0 - 0x1p-53, -1.0), fmaf(0x1.fffffep-1f, 0x1.000002p0f, -1.0f));
  return 0;
}
