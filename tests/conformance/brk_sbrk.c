// Checks brk/sbrk: growth by several MB, contents of the new region, shrinking, and sbrk(0) consistency.
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char *start = sbrk(0);
    int ok_start = start != (char *)-1;
    char *old = sbrk(1 << 20);
    int ok_grow = old == start && sbrk(0) == start + (1 << 20);
    uint64_t sum = 0;
    for (int i = 0; i < (1 << 20); i += 512) { old[i] = (char)(i >> 9); }
    for (int i = 0; i < (1 << 20); i += 512) sum += (unsigned char)old[i];
    char *old2 = sbrk(8 << 20);
    int ok_grow2 = old2 == start + (1 << 20);
    for (int i = 0; i < (8 << 20); i += 4096) old2[i] = 1;
    long fresh_zero = 1;
    for (int i = 1; i < (8 << 20); i += 4096) if (old2[i] != 0) fresh_zero = 0;
    char *before_shrink = sbrk(0);
    sbrk(-(8 << 20));
    int ok_shrink = sbrk(0) == before_shrink - (8 << 20);
    int ok_brk = brk(start + 4096) == 0 && sbrk(0) == start + 4096;
    printf("sbrk(0) valid: %d\n", ok_start);
    printf("grow 1MB ok: %d, pattern sum=%llu\n", ok_grow, (unsigned long long)sum);
    printf("grow 8MB ok: %d, fresh memory zero: %ld\n", ok_grow2, fresh_zero);
    printf("shrink ok: %d, brk() to start+4096 ok: %d\n", ok_shrink, ok_brk);
    return !(ok_start && ok_grow && ok_grow2 && ok_shrink && ok_brk && fresh_zero);
}
