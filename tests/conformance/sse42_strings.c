// Checks SSE3/SSSE3/SSE4.1/SSE4.2 through intrinsics and vectorized loops: pcmpistri/pcmpestrm string scans, crc32c, pshufb, ptest, blendv, round, dpps, hadd, pmin/pmax, pmovzx.
// cflags: -msse4.2
#include <nmmintrin.h>
#include <smmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Inputs come through volatile so gcc cannot fold the intrinsics at compile time. */
static volatile uint32_t seed = 0x12345678u;
static uint32_t rnd(void) {
  uint32_t x = seed;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  seed = x;
  return x;
}

/* strcspn-like scan with pcmpistri (equal any, least significant index). */
__attribute__((noinline)) static size_t scan_any(const char *s, const char *set) {
  __m128i needles = _mm_loadu_si128((const __m128i *)set);
  size_t off = 0;
  for (;;) {
    __m128i hay = _mm_loadu_si128((const __m128i *)(s + off));
    int idx = _mm_cmpistri(needles, hay, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_LEAST_SIGNIFICANT);
    if (idx < 16) return off + idx;
    if (_mm_cmpistrz(needles, hay, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY)) return off + strlen(s + off);
    off += 16;
  }
}

/* Substring search with equal ordered. */
__attribute__((noinline)) static long find_sub(const char *hay, const char *needle) {
  __m128i n = _mm_loadu_si128((const __m128i *)needle);
  size_t len = strlen(hay);
  for (size_t off = 0; off < len; off++) {
    __m128i h = _mm_loadu_si128((const __m128i *)(hay + off));
    int idx = _mm_cmpistri(n, h, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ORDERED);
    if (idx == 0) return (long)off;
    if (idx < 16) off += idx - 1;
    else off += 15;
  }
  return -1;
}

/* Character class ranges: mask of [a-z] and [0-9] bytes with pcmpestrm. */
__attribute__((noinline)) static unsigned ranges_mask(const char *s, int len) {
  char r[16] = "az09";
  __m128i ranges = _mm_loadu_si128((const __m128i *)r);
  __m128i v = _mm_loadu_si128((const __m128i *)s);
  __m128i m = _mm_cmpestrm(ranges, 4, v, len, _SIDD_UBYTE_OPS | _SIDD_CMP_RANGES | _SIDD_BIT_MASK);
  return (unsigned)_mm_cvtsi128_si32(m);
}

__attribute__((noinline)) static uint32_t crc32c(const uint8_t *p, size_t n) {
  uint64_t c = 0xffffffffu;
  while (n >= 8) { uint64_t v; memcpy(&v, p, 8); c = _mm_crc32_u64(c, v); p += 8; n -= 8; }
  uint32_t c32 = (uint32_t)c;
  if (n >= 4) { uint32_t v; memcpy(&v, p, 4); c32 = _mm_crc32_u32(c32, v); p += 4; n -= 4; }
  if (n >= 2) { uint16_t v; memcpy(&v, p, 2); c32 = _mm_crc32_u16(c32, v); p += 2; n -= 2; }
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

static void print128(const char *what, __m128i v) {
  uint8_t b[16];
  _mm_storeu_si128((__m128i *)b, v);
  printf("%s:", what);
  for (int i = 0; i < 16; i++) printf(" %02x", b[i]);
  printf("\n");
}

static void printps(const char *what, __m128 v) {
  float f[4];
  _mm_storeu_ps(f, v);
  printf("%s: %a %a %a %a\n", what, f[0], f[1], f[2], f[3]);
}

int main(void) {
  static char text[256] = "The quick brown fox jumps over the lazy dog; 0123456789 sphinx of black quartz, judge my vow.";
  char set[16] = ";,.";
  printf("scan_any: %zu\n", scan_any(text, set));
  char set2[16] = "xyz";
  printf("scan_any xyz: %zu\n", scan_any(text, set2));
  char nd[16] = "lazy";
  printf("find lazy: %ld\n", find_sub(text, nd));
  char nd2[16] = "quartz";
  printf("find quartz: %ld\n", find_sub(text, nd2));
  char nd3[16] = "zebra";
  printf("find zebra: %ld\n", find_sub(text, nd3));
  printf("ranges: %04x %04x\n", ranges_mask(text + 40, 16), ranges_mask(text + 44, 9));

  printf("crc32c(text): %08x\n", crc32c((const uint8_t *)text, strlen(text)));
  printf("crc32c(123456789): %08x\n", crc32c((const uint8_t *)"123456789", 9));
  static uint8_t big[4099];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)rnd();
  printf("crc32c(big): %08x\n", crc32c(big, sizeof big));

  __m128i a = _mm_set_epi32((int)rnd(), (int)rnd(), (int)rnd(), (int)rnd());
  __m128i ctl = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, (char)0x80, 9, 10, 11, 12, 13, 14, 15);
  print128("pshufb", _mm_shuffle_epi8(a, ctl));
  print128("palignr", _mm_alignr_epi8(a, ctl, 5));
  print128("pabsb", _mm_abs_epi8(a));
  print128("phaddw", _mm_hadd_epi16(a, ctl));
  print128("pmaddubsw", _mm_maddubs_epi16(a, ctl));
  print128("pmulhrsw", _mm_mulhrs_epi16(a, ctl));
  printf("ptest z=%d c=%d\n", _mm_testz_si128(a, ctl), _mm_testc_si128(a, ctl));
  printf("ptest self z=%d c=%d\n", _mm_testz_si128(a, a), _mm_testc_si128(a, a));
  print128("pblendvb", _mm_blendv_epi8(a, ctl, a));
  print128("pminsd", _mm_min_epi32(a, ctl));
  print128("pmaxuw", _mm_max_epu16(a, ctl));
  print128("pmulld", _mm_mullo_epi32(a, ctl));
  print128("pmovzxbw", _mm_cvtepu8_epi16(a));
  print128("pmovsxwd", _mm_cvtepi16_epi32(a));
  print128("packusdw", _mm_packus_epi32(a, ctl));
  print128("mpsadbw", _mm_mpsadbw_epu8(a, ctl, 5));
  print128("phminposuw", _mm_minpos_epu16(a));
  printf("pextrb %d pextrd %d\n", _mm_extract_epi8(a, 7), _mm_extract_epi32(a, 2));

  float fv[4] = { 2.5f, -1.5f, 0.49999997f, -0.5f };
  for (int i = 0; i < 4; i++) fv[i] *= (float)(seed & 1 ? 1 : 1);
  __m128 f = _mm_loadu_ps(fv);
  printps("round nearest", _mm_round_ps(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  printps("floor", _mm_floor_ps(f));
  printps("ceil", _mm_ceil_ps(f));
  printps("trunc", _mm_round_ps(f, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
  __m128d d = _mm_set_pd(-2.5 * (seed & 1 ? 1 : 1), 1e300);
  __m128d dr = _mm_round_pd(d, _MM_FROUND_CUR_DIRECTION);
  printf("roundpd: %a %a\n", _mm_cvtsd_f64(dr), _mm_cvtsd_f64(_mm_unpackhi_pd(dr, dr)));
  __m128 g = _mm_set_ps(1.0f, 2.0f, 3.0f, 4.0f);
  printps("dpps", _mm_dp_ps(f, g, 0xf1));
  printps("blendvps", _mm_blendv_ps(f, g, f));
  printps("hadd", _mm_hadd_ps(f, g));
  printps("addsub", _mm_addsub_ps(f, g));
  printps("insertps", _mm_insert_ps(f, g, 0x9a));
  printps("movshdup", _mm_movehdup_ps(g));

  /* A loop gcc vectorizes with SSE4.1 (pmulld, pminsd, pmaxsd). */
  static int32_t x[1000], y[1000], z[1000];
  for (int i = 0; i < 1000; i++) { x[i] = (int32_t)rnd(); y[i] = (int32_t)rnd() >> (i & 15); }
  int64_t sum = 0;
  for (int i = 0; i < 1000; i++) z[i] = (x[i] * y[i]) ^ (x[i] < y[i] ? x[i] : y[i]);
  for (int i = 0; i < 1000; i++) sum += z[i];
  printf("vector loop: %lld\n", (long long)sum);
  return 0;
}
