// Checks big stack frames: arrays of several MB on the stack, touching pages far below the stack pointer, and alloca.
#include <alloca.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t __attribute__((noinline)) big_frame(int depth) {
    volatile unsigned char buf[1 << 20]; /* 1 MB per frame */
    for (size_t i = 0; i < sizeof buf; i += 4096) buf[i] = (unsigned char)(i >> 12) + (unsigned char)depth;
    buf[sizeof buf - 1] = 0x5a;
    uint64_t s = 0;
    for (size_t i = 0; i < sizeof buf; i += 4096) s += buf[i];
    if (depth > 0) s += big_frame(depth - 1);
    return s + buf[sizeof buf - 1];
}

static uint64_t __attribute__((noinline)) far_touch(void) {
    volatile char big[3 << 20]; /* 3 MB, touched from the far (low) end first */
    big[0] = 1;
    big[sizeof big / 2] = 2;
    big[sizeof big - 1] = 3;
    return (uint64_t)(big[0] + big[sizeof big / 2] + big[sizeof big - 1]);
}

int main(void) {
    printf("far_touch=%llu\n", (unsigned long long)far_touch());
    printf("big_frame chain (4 x 1MB) sum=%llu\n", (unsigned long long)big_frame(3));
    volatile size_t n = 512 * 1024;
    char *a = alloca(n);
    memset(a, 'q', n);
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++) cnt += a[i] == 'q';
    printf("alloca 512K count=%zu\n", cnt);
    return 0;
}
