// Checks calloc/malloc of big blocks (mmap path): zero-filled, writable, freed, repeated.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    size_t sizes[] = {1 << 20, 3 << 20, (16 << 20) + 123, 64 << 20};
    for (int rep = 0; rep < 3; rep++)
        for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t n = sizes[i];
            unsigned char *p = calloc(n, 1);
            if (!p) { printf("calloc(%zu) failed\n", n); return 1; }
            uint64_t sum = 0;
            for (size_t k = 0; k < n; k += 4093) sum += p[k];
            sum += p[n - 1];
            for (size_t k = 0; k < n; k += 4096) p[k] = (unsigned char)(k >> 12);
            uint64_t sum2 = 0;
            for (size_t k = 0; k < n; k += 4096) sum2 += p[k];
            if (rep == 0) printf("calloc %zu bytes: zero-sum=%llu written-sum=%llu\n", n, (unsigned long long)sum, (unsigned long long)sum2);
            else if (sum != 0) { printf("rep %d: not zeroed\n", rep); return 1; }
            free(p);
        }
    long *arr = calloc(1000000, sizeof(long));
    long s = 0;
    for (int i = 0; i < 1000000; i++) { s += arr[i]; arr[i] = i; }
    for (int i = 0; i < 1000000; i++) s += arr[i];
    printf("calloc(1e6, 8) sum=%ld\n", s);
    arr = realloc(arr, 4000000 * sizeof(long));
    printf("realloc grow keeps data: %d\n", arr[999999] == 999999 && arr[12345] == 12345);
    free(arr);
    volatile size_t hugecount = (size_t)1 << 62;
    void *huge = calloc(hugecount, 16);
    printf("overflowing calloc returns NULL: %d\n", huge == NULL);
    return 0;
}
