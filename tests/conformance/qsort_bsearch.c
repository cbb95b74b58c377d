// Checks qsort (ints, structs, stability-independent keys) and bsearch hits/misses.
#include <stdio.h>
#include <stdlib.h>

struct rec { int key; int val; };
static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->val > y->val) - (x->val < y->val);
}

int main(void) {
    enum { N = 10007 };
    static int a[N];
    unsigned s = 12345;
    for (int i = 0; i < N; i++) { s = s * 1103515245u + 12345u; a[i] = (int)((s >> 8) % 100000) - 50000; }
    qsort(a, N, sizeof a[0], cmp_int);
    int sorted = 1; long long sum = 0;
    for (int i = 1; i < N; i++) if (a[i - 1] > a[i]) sorted = 0;
    for (int i = 0; i < N; i++) sum += (long long)a[i] * (i % 13);
    printf("sorted=%d min=%d max=%d median=%d wsum=%lld\n", sorted, a[0], a[N - 1], a[N / 2], sum);
    int hits = 0, misses = 0;
    for (int k = -50000; k < 50000; k += 7) {
        int *p = bsearch(&k, a, N, sizeof a[0], cmp_int);
        if (p) { hits++; if (*p != k) return 2; } else misses++;
    }
    printf("bsearch hits=%d misses=%d\n", hits, misses);
    static struct rec r[3000];
    for (int i = 0; i < 3000; i++) { s = s * 1103515245u + 12345u; r[i].key = (int)(s >> 20) % 50; r[i].val = i; }
    qsort(r, 3000, sizeof r[0], cmp_rec);
    unsigned long h = 0;
    for (int i = 0; i < 3000; i++) h = h * 31 + (unsigned long)(r[i].key * 4096 + r[i].val);
    printf("struct sort hash=%lu first=(%d,%d) last=(%d,%d)\n", h, r[0].key, r[0].val, r[2999].key, r[2999].val);
    int small[] = {5, 3, 9, 1, 7};
    qsort(small, 5, sizeof(int), cmp_int);
    printf("small: %d %d %d %d %d\n", small[0], small[1], small[2], small[3], small[4]);
    qsort(small, 0, sizeof(int), cmp_int);
    int key = 4;
    printf("bsearch(4) %s\n", bsearch(&key, small, 5, sizeof(int), cmp_int) ? "found" : "not found");
    return 0;
}
