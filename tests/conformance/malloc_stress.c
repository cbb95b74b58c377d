// Checks malloc/realloc/free with many sizes and free orders; verifies contents via a hash.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 2048
static unsigned char *ptr[SLOTS];
static size_t len[SLOTS];
static uint32_t rng = 2463534242u;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static void fill(int i) { for (size_t k = 0; k < len[i]; k++) ptr[i][k] = (unsigned char)(i * 31 + k); }
static int check(int i, size_t upto) { for (size_t k = 0; k < upto; k++) if (ptr[i][k] != (unsigned char)(i * 31 + k)) return 0; return 1; }

int main(void) {
    long allocs = 0, reallocs = 0, frees = 0, bad = 0;
    for (int round = 0; round < 60000; round++) {
        int i = (int)(next() % SLOTS);
        uint32_t op = next() % 10;
        size_t sz;
        uint32_t cls = next() % 100;
        if (cls < 70) sz = next() % 128; else if (cls < 95) sz = next() % 4096; else if (cls < 99) sz = next() % 65536; else sz = 131072 + next() % 400000;
        if (ptr[i] == NULL) {
            ptr[i] = malloc(sz); len[i] = sz; allocs++;
            if (!ptr[i] && sz) return 3;
            fill(i);
        } else if (op < 4) {
            if (!check(i, len[i])) bad++;
            unsigned char *q = realloc(ptr[i], sz + 1); reallocs++;
            if (!q) return 4;
            ptr[i] = q;
            if (!check(i, len[i] < sz + 1 ? len[i] : sz + 1)) bad++;
            len[i] = sz + 1; fill(i);
        } else {
            if (!check(i, len[i])) bad++;
            free(ptr[i]); ptr[i] = NULL; frees++;
        }
    }
    uint64_t h = 1469598103934665603ULL; size_t total = 0; int live = 0;
    for (int i = 0; i < SLOTS; i++) if (ptr[i]) {
        live++; total += len[i];
        for (size_t k = 0; k < len[i]; k++) { h ^= ptr[i][k]; h *= 1099511628211ULL; }
        free(ptr[i]);
    }
    /* LIFO and FIFO free patterns */
    void *v[500];
    for (int i = 0; i < 500; i++) v[i] = malloc((size_t)(i * 3 % 257) + 1);
    for (int i = 499; i >= 0; i--) free(v[i]);
    for (int i = 0; i < 500; i++) v[i] = malloc((size_t)(i * 7 % 1000) + 16);
    for (int i = 0; i < 500; i++) free(v[i]);
    void *z = malloc(0); free(z); free(NULL);
    printf("allocs=%ld reallocs=%ld frees=%ld bad=%ld live=%d total=%zu\n", allocs, reallocs, frees, bad, live, total);
    printf("hash=%016llx\n", (unsigned long long)h);
    void *al = aligned_alloc(4096, 8192);
    printf("aligned_alloc 4096 ok=%d\n", al != NULL && ((uintptr_t)al & 4095) == 0);
    free(al);
    void *pm = NULL;
    printf("posix_memalign 64 rc=%d aligned=%d\n", posix_memalign(&pm, 64, 100), ((uintptr_t)pm & 63) == 0);
    free(pm);
    return bad != 0;
}
