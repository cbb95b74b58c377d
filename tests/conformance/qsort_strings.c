// Checks qsort of string pointers with strcmp, reverse and case-insensitive (strcasecmp) comparators.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int by_str_rev(const void *a, const void *b) { return -strcmp(*(char *const *)a, *(char *const *)b); }
static int by_case(const void *a, const void *b) {
    int c = strcasecmp(*(char *const *)a, *(char *const *)b);
    return c ? c : strcmp(*(char *const *)a, *(char *const *)b);
}
static int by_len(const void *a, const void *b) {
    size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
    return x != y ? (x > y) - (x < y) : strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
    const char *words[] = {"pear", "Apple", "banana", "apple", "Cherry", "date", "", "fig", "Banana", "elderberry", "grape", "apricot", "Zebra", "zebra", "a", "B", "~tilde", "0zero", "_under"};
    enum { W = sizeof words / sizeof words[0] };
    const char *w[W];
    memcpy(w, words, sizeof w);
    qsort(w, W, sizeof w[0], by_str);
    printf("strcmp:"); for (int i = 0; i < W; i++) printf(" [%s]", w[i]); printf("\n");
    qsort(w, W, sizeof w[0], by_str_rev);
    printf("reverse:"); for (int i = 0; i < W; i++) printf(" [%s]", w[i]); printf("\n");
    qsort(w, W, sizeof w[0], by_case);
    printf("casecmp:"); for (int i = 0; i < W; i++) printf(" [%s]", w[i]); printf("\n");
    qsort(w, W, sizeof w[0], by_len);
    printf("length:"); for (int i = 0; i < W; i++) printf(" [%s]", w[i]); printf("\n");
    /* many generated strings */
    enum { N = 5000 };
    static char store[N][12]; static char *p[N];
    unsigned s = 99;
    for (int i = 0; i < N; i++) {
        int len = 1 + (int)((s = s * 1664525u + 1013904223u) >> 28) % 10;
        for (int k = 0; k < len; k++) store[i][k] = (char)('a' + ((s = s * 1664525u + 1013904223u) >> 27) % 6);
        store[i][len] = 0; p[i] = store[i];
    }
    qsort(p, N, sizeof p[0], by_str);
    int ok = 1; unsigned long h = 5381;
    for (int i = 1; i < N; i++) if (strcmp(p[i - 1], p[i]) > 0) ok = 0;
    for (int i = 0; i < N; i += 37) for (const char *c = p[i]; *c; c++) h = h * 33 + (unsigned char)*c;
    printf("generated sorted=%d first=%s last=%s sample-hash=%lu\n", ok, p[0], p[N - 1], h);
    return !ok;
}
