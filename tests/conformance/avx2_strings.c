// glibc's AVX2 string functions (strlen, memchr, strcmp, memcpy, memset, strchr, memcmp) over misaligned buffers and page-boundary ends, with -mavx2 -mfma vectorized loops.
// cflags: -mavx2 -mfma
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned hash(const unsigned char *p, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(void) {
  long pg = sysconf(_SC_PAGESIZE);
  // Two pages, the second inaccessible: strings that end right at the page boundary.
  unsigned char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return 1;
  mprotect(m + pg, pg, PROT_NONE);
  unsigned long sum = 0;
  for (int len = 0; len < 200; len++) {
    char *s = (char *)m + pg - len - 1;
    memset(s, 'a' + len % 26, len);
    s[len] = 0;
    sum = sum * 31 + strlen(s);
    sum = sum * 31 + (memchr(s, 0, len + 1) != NULL);
    sum = sum * 31 + (strchr(s, 'z') != NULL ? (unsigned long)(strchr(s, 'z') - s) : 999);
    sum = sum * 31 + (unsigned long)(strrchr(s, s[0]) ? strrchr(s, s[0]) - s : 0);
  }
  printf("page-end strings: %lu\n", sum);

  // Misaligned copies, fills and compares of many sizes.
  unsigned char *a = malloc(8192), *b = malloc(8192);
  for (int i = 0; i < 8192; i++) a[i] = (unsigned char)(i * 7 + 3);
  unsigned h = 0;
  for (int sa = 0; sa < 33; sa += 3)
    for (int sb = 0; sb < 33; sb += 5)
      for (int n = 0; n < 1200; n += 37) {
        memset(b, 0x5a, 8192);
        memcpy(b + sb, a + sa, n);
        memmove(b + sb + 1, b + sb, n / 2);
        h = h * 33 + hash(b, n + 40);
        int c = memcmp(a + sa, b + sb, n);
        h = h * 33 + (c > 0) - (c < 0);
      }
  printf("copies: %08x\n", h);

  // strcmp/strncmp with differences at every position, misaligned.
  char *x = malloc(300), *y = malloc(300);
  int acc = 0;
  for (int off = 0; off < 40; off++) {
    for (int d = 0; d < 100; d += 7) {
      memset(x, 'q', 299); x[299] = 0;
      memset(y, 'q', 299); y[299] = 0;
      x[off + d] = 'r';
      acc = acc * 3 + (strcmp(x + off, y + off) > 0) - (strcmp(x + off, y + off) < 0);
      acc = acc * 3 + (strncmp(x + off, y + off, d) != 0);
      acc ^= (int)strlen(x + off + d);
    }
  }
  printf("strcmp: %d\n", acc);

  // Vectorized loops: integer and FMA floating point.
  int n = 1003;
  float *fa = malloc(n * sizeof(float)), *fb = malloc(n * sizeof(float)), *fc = malloc(n * sizeof(float));
  double *da = malloc(n * sizeof(double)), *db = malloc(n * sizeof(double));
  int *ia = malloc(n * sizeof(int)), *ib = malloc(n * sizeof(int));
  for (int i = 0; i < n; i++) {
    fa[i] = i * 0.37f - 100; fb[i] = 1.0f / (i + 1); fc[i] = i % 17;
    da[i] = i * 1e-3 + 0.5; db[i] = (i % 13) - 6.25;
    ia[i] = i * 2654435761u; ib[i] = i ^ 0x5555;
  }
  for (int r = 0; r < 20; r++) {
    for (int i = 0; i < n; i++) fc[i] = fa[i] * fb[i] + fc[i] * 0.5f;
    for (int i = 0; i < n; i++) da[i] = da[i] * db[i] + 1e-3 * da[i];
    for (int i = 0; i < n; i++) ia[i] = (ia[i] >> 3) + ib[i] * 5 - (ia[i] < ib[i] ? ib[i] : ia[i]);
  }
  double fs = 0, ds = 0;
  long is = 0;
  float mx = -1e30f;
  for (int i = 0; i < n; i++) { fs += fc[i]; ds += da[i]; is += ia[i]; if (fc[i] > mx) mx = fc[i]; }
  printf("loops: %.9g %.17g %ld %.9g\n", fs, ds, is, mx);
  return 0;
}
