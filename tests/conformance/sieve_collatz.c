// Checks integer-heavy loops: sieve of Eratosthenes up to 2e6 and the longest Collatz chain below 300000.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const int N = 2000000;
    unsigned char *comp = calloc((size_t)N + 1, 1);
    long count = 0, sum = 0; int last = 0;
    for (long i = 2; i <= N; i++) {
        if (comp[i]) continue;
        count++; sum += i; last = (int)i;
        for (long j = i * i; j <= N; j += i) comp[j] = 1;
    }
    printf("primes<=%d: count=%ld sum=%ld largest=%d\n", N, count, sum, last);
    free(comp);
    int best = 1, bestlen = 1; long maxval = 0;
    for (int start = 1; start < 300000; start++) {
        unsigned long n = (unsigned long)start; int len = 1;
        while (n != 1) { n = (n & 1) ? 3 * n + 1 : n >> 1; if ((long)n > maxval) maxval = (long)n; len++; }
        if (len > bestlen) { bestlen = len; best = start; }
    }
    printf("collatz: start=%d length=%d peak=%ld\n", best, bestlen, maxval);
    return 0;
}
