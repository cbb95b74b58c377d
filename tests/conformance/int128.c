// Checks __int128 multiply, divide, modulo, shifts and decimal conversion.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

static void put_u128(u128 v, char *out) {
    char buf[64]; int i = 0;
    do { buf[i++] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    for (int j = 0; j < i; j++) out[j] = buf[i - 1 - j];
    out[i] = 0;
}
static void put_s128(s128 v, char *out) {
    if (v < 0) { out[0] = '-'; put_u128((u128)0 - (u128)v, out + 1); } else put_u128((u128)v, out);
}

int main(void) {
    char s[80];
    volatile uint64_t a = 0xffffffffffffffffULL, b = 0xfedcba9876543210ULL;
    u128 p = (u128)a * b;
    put_u128(p, s); printf("umul = %s\n", s);
    printf("hi=%016llx lo=%016llx\n", (unsigned long long)(p >> 64), (unsigned long long)p);
    u128 big = ((u128)0x0123456789abcdefULL << 64) | 0xfedcba9876543210ULL;
    volatile uint64_t d = 1000000007ULL;
    put_u128(big / d, s); printf("big/d = %s\n", s);
    put_u128(big % d, s); printf("big%%d = %s\n", s);
    u128 d2 = ((u128)3 << 64) | 12345;
    put_u128(big / d2, s); printf("big/d2 = %s\n", s);
    put_u128(big % d2, s); printf("big%%d2 = %s\n", s);
    s128 neg = -(s128)big;
    put_s128(neg / (s128)d, s); printf("neg/d = %s\n", s);
    put_s128(neg % (s128)d, s); printf("neg%%d = %s\n", s);
    volatile int64_t x = -123456789012345LL, y = 987654321098LL;
    s128 sp = (s128)x * y;
    put_s128(sp, s); printf("smul = %s\n", s);
    u128 f = 1;
    for (int i = 1; i <= 34; i++) f *= (u128)i;
    put_u128(f, s); printf("34! = %s\n", s);
    u128 allones = ~(u128)0;
    put_u128(allones, s); printf("2^128-1 = %s\n", s);
    for (volatile int sh = 0; sh < 128; sh += 17) {
        u128 v = allones >> sh; s128 w = (s128)neg >> sh;
        printf("sh %3d: %016llx%016llx %016llx\n", sh, (unsigned long long)(v >> 64),
               (unsigned long long)v, (unsigned long long)(w >> 64));
    }
    /* 64x64 -> 128 mulhi used for fast division */
    uint64_t acc = 0;
    for (uint64_t i = 1; i < 5000; i++) acc ^= (uint64_t)(((u128)(i * 0x9e3779b97f4a7c15ULL) * 0xc2b2ae3d27d4eb4fULL) >> 64);
    printf("mulhi acc = %016llx\n", (unsigned long long)acc);
    return 0;
}
