// Checks rcpps/rsqrtps (SSE and 256-bit VEX) against the architectural error bound (|rel err| <= 1.5*2^-12) and their special cases: both the CPU and rustos must meet it.
// cflags: -mavx
// expect: exit 0
#include <immintrin.h>
#include <stdio.h>
#include <math.h>
int main(void) {
  float in[8] = {1.0f, 3.0f, -7.5f, 1e30f, 0.0f, -0.0f, INFINITY, 2.5e-39f};
  float o[8], q[8];
  for (int k = 0; k < 8; k += 4) {
    _mm_storeu_ps(o + k, _mm_rcp_ps(_mm_loadu_ps(in + k)));
    _mm_storeu_ps(q + k, _mm_rsqrt_ps(_mm_loadu_ps(in + k)));
  }
  for (int k = 0; k < 8; k++) {
    double e = 1.0 / in[k], r = 1.0 / sqrt(in[k]);
    int okr = isinf(e) || e == 0 || isnan(e) ? (o[k] == (float)e || (isnan(o[k]) && isnan(e)) || (e != 0 && fabs(in[k]) > 1e38 && o[k] == 0)) : fabs(o[k] - e) / fabs(e) <= 1.5 / 4096;
    int oks = isinf(r) || r == 0 || isnan(r) ? (q[k] == (float)r || (isnan(q[k]) && isnan(r))) : fabs(q[k] - r) / fabs(r) <= 1.5 / 4096;
    printf("%d: rcp ok=%d rsqrt ok=%d\n", k, okr, oks);
  }
  __m256 v = _mm256_rcp_ps(_mm256_set1_ps(4.0f)); float w[8]; _mm256_storeu_ps(w, v);
  printf("vrcpps ymm ok=%d\n", fabsf(w[7] - 0.25f) < 0.001f);
  return 0;
}
