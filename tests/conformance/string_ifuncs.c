// Checks glibc's CPU-selected string functions (SSE2/SSSE3/SSE4.x variants by CPUID) on random strings at every alignment, ending near a page boundary: strcspn/strspn/strpbrk, strcasecmp, strstr, memcmp, strcmp, memchr, memrchr, strrchr, strnlen, wcslen, wmemchr, memmove.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <wchar.h>

static uint32_t s = 2463534242u;
static uint32_t rnd(void) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }

static uint64_t h = 1469598103934665603ull;
static void mix(long v) { h = (h ^ (uint64_t)v) * 1099511628211ull; }

int main(void) {
  /* Two pages, the second one inaccessible: strings end right before it. */
  char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED || mprotect(m + 4096, 4096, PROT_NONE)) return 1;
  char *end = m + 4096;
  static char a[600], b[600];
  const char *alpha = "abcABC xyz,;019";
  for (int iter = 0; iter < 3000; iter++) {
    int la = (int)(rnd() % 300), lb = (int)(rnd() % 40), k = (int)(rnd() % 16);
    for (int i = 0; i < la; i++) a[i] = alpha[rnd() % (iter % 3 == 0 ? 3 : 15)];
    a[la] = 0;
    for (int i = 0; i < lb; i++) b[i] = alpha[rnd() % 15];
    b[lb] = 0;
    /* a at an arbitrary alignment, ending just before the protected page. */
    char *p = end - la - 1;
    memcpy(p, a, (size_t)la + 1);
    char *q = m + (rnd() % 64);
    memcpy(q, b, (size_t)lb + 1);
    mix((long)strcspn(p, q));
    mix((long)strspn(p, q));
    mix(strpbrk(p, q) ? strpbrk(p, q) - p : -1);
    mix(strcasecmp(p, q) > 0 ? 1 : strcasecmp(p, q) < 0 ? -1 : 0);
    mix(strncasecmp(p, q, (size_t)k) > 0 ? 1 : strncasecmp(p, q, (size_t)k) < 0 ? -1 : 0);
    const char *needle = la > 8 ? a + rnd() % (unsigned)(la - 4) : "ab";
    char nb[8];
    memcpy(nb, needle, 3);
    nb[3] = 0;
    mix(strstr(p, nb) ? strstr(p, nb) - p : -1);
    mix(strcasestr(p, nb) ? strcasestr(p, nb) - p : -1);
    mix(strcmp(p, q) > 0 ? 1 : strcmp(p, q) < 0 ? -1 : 0);
    mix(strncmp(p, q, (size_t)k) > 0 ? 1 : strncmp(p, q, (size_t)k) < 0 ? -1 : 0);
    mix(memcmp(p, a, (size_t)la + 1));
    if (la > 2) { char *r = end - la - 1; r[la / 2] ^= 1; mix(memcmp(r, a, (size_t)la) > 0 ? 1 : -1); r[la / 2] ^= 1; }
    mix(memchr(p, 'x', (size_t)la) ? (char *)memchr(p, 'x', (size_t)la) - p : -1);
    mix(memrchr(p, 'a', (size_t)la) ? (char *)memrchr(p, 'a', (size_t)la) - p : -1);
    mix(strrchr(p, ',') ? strrchr(p, ',') - p : -1);
    mix((long)strnlen(p, (size_t)k * 20));
    mix((long)strlen(p));
    /* memmove, overlapping either way, odd sizes and alignments. */
    char *t = m + 100 + rnd() % 64;
    memmove(t, p, (size_t)la);
    memmove(t + k, t, (size_t)la);
    memmove(t, t + (k / 2), (size_t)la);
    for (int i = 0; i < la; i += 7) mix(t[i]);
  }
  /* Wide strings ending at the page boundary. */
  for (int iter = 0; iter < 500; iter++) {
    int n = (int)(rnd() % 200);
    wchar_t *w = (wchar_t *)end - n - 1;
    for (int i = 0; i < n; i++) w[i] = (wchar_t)(1 + rnd() % 5);
    w[n] = 0;
    mix((long)wcslen(w));
    mix(wmemchr(w, 3, (size_t)n) ? wmemchr(w, 3, (size_t)n) - w : -1);
    mix(wcschr(w, 4) ? wcschr(w, 4) - w : -1);
  }
  printf("hash %016llx\n", (unsigned long long)h);
  return 0;
}
