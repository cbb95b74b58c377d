// Checks anonymous mmap/munmap/mprotect/mremap: zero-fill, MAP_FIXED over a hole, partial unmap, protection changes, madvise.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
    size_t pg = 4096, n = 64 * pg;
    unsigned char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 1;
    int zero = 1;
    for (size_t i = 0; i < n; i += 997) if (m[i]) zero = 0;
    printf("mmap 64 pages: page aligned=%d zero-filled=%d\n", ((uintptr_t)m & (pg - 1)) == 0, zero);
    for (size_t i = 0; i < n; i++) m[i] = (unsigned char)(i / pg);
    int um = munmap(m + 16 * pg, 8 * pg);
    printf("munmap middle 8 pages: %d\n", um);
    unsigned char *f = mmap(m + 16 * pg, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED into hole at same address: %d, fresh zero: %d, neighbours kept: %d %d\n", f == m + 16 * pg, f[0] == 0 && f[8 * pg - 1] == 0, m[16 * pg - 1] == 15, m[24 * pg] == 24);
    int pr = mprotect(m, 4 * pg, PROT_READ);
    printf("mprotect read-only: %d, still readable: %d\n", pr, m[3 * pg] == 3);
    printf("mprotect back to rw: %d\n", mprotect(m, 4 * pg, PROT_READ | PROT_WRITE));
    m[0] = 99;
    unsigned char *r = mremap(m, n, 2 * n, MREMAP_MAYMOVE);
    printf("mremap grow: %d, data kept: %d %d, new tail zero: %d\n", r != MAP_FAILED, r[0] == 99, r[63 * pg] == 63, r[2 * n - 1] == 0);
    int was = r[40 * pg];
    int mr = madvise(r + 40 * pg, pg, MADV_DONTNEED);
    printf("madvise DONTNEED: %d, page value before %d, zero after: %d\n", mr, was, r[40 * pg] == 0);
    printf("munmap all: %d\n", munmap(r, 2 * n));
    errno = 0;
    void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap len 0 fails with EINVAL: %d\n", bad == MAP_FAILED && errno == EINVAL);
    errno = 0;
    printf("munmap unaligned fails with EINVAL: %d\n", munmap((char *)r + 1, pg) == -1 && errno == EINVAL);
    unsigned char *big = mmap(NULL, 256u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    long touched = 0;
    if (big != MAP_FAILED) { for (size_t i = 0; i < (256u << 20); i += 1u << 20) { big[i] = 1; touched++; } munmap(big, 256u << 20); }
    printf("256MB sparse mapping touched %ld pages\n", touched);
    unsigned char *sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh != MAP_FAILED) { sh[5] = 7; printf("MAP_SHARED anon works: %d\n", sh[5] == 7); munmap(sh, pg); }
    return 0;
}
