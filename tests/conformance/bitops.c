// Checks popcount/clz/ctz/parity/bswap builtins and rotate idioms over many values.
#include <stdint.h>
#include <stdio.h>
#include <x86intrin.h>

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((-r) & 63)); }
static inline uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((-r) & 31)); }

int main(void) {
    uint64_t x = 0x9e3779b97f4a7c15ULL, h = 0;
    long pop = 0, clz = 0, ctz = 0, par = 0;
    for (volatile int i = 0; i < 20000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t v = x >> (i % 64);
        if (v) { clz += __builtin_clzll(v); ctz += __builtin_ctzll(v); }
        pop += __builtin_popcountll(v);
        par += __builtin_parityll(v);
        uint32_t w = (uint32_t)v;
        if (w) { clz += __builtin_clz(w); ctz += __builtin_ctz(w); }
        pop += __builtin_popcount(w);
        h = rotl64(h, (unsigned)i) ^ v ^ rotr32(w, (unsigned)(v >> 3));
        h += __builtin_bswap64(v) ^ __builtin_bswap32(w) ^ __builtin_bswap16((uint16_t)w);
    }
    printf("pop=%ld clz=%ld ctz=%ld parity=%ld\n", pop, clz, ctz, par);
    printf("h=%016llx\n", (unsigned long long)h);
    printf("clz(1)=%d ctz(1<<63)=%d popcount(~0)=%d ffs(0x80)=%d ffsll(0)=%d\n",
           __builtin_clzll(1), __builtin_ctzll(1ULL << 63), __builtin_popcountll(~0ULL),
           __builtin_ffs(0x80), __builtin_ffsll(0));
    volatile uint64_t r = 0x8000000000000001ULL;
    printf("rotl(1)=%016llx rotr32=%08x\n", (unsigned long long)rotl64(r, 1), rotr32(0x12345678u, 8));
    printf("clrsb(-1)=%d\n", __builtin_clrsbll(-1LL));
    volatile unsigned long long q = 0x0123456789abcdefULL; volatile int k = 12;
    printf("intrinsics: __rolq=%016llx __rorq=%016llx _rotl=%08x _rotr=%08x __rolb=%02x __rorw=%04x\n", (unsigned long long)__rolq(q, k),
           (unsigned long long)__rorq(q, k), _rotl(0x80000001u, k), _rotr(0x80000001u, k), __rolb(0x81, 3), __rorw(0x8001, 5));
    return 0;
}
