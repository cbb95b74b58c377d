// Checks 64-bit signed/unsigned arithmetic, wraparound, overflow builtins and variable shifts.
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

static uint64_t mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ULL; return h; }

int main(void) {
    volatile uint64_t vals[] = {0, 1, 2, 3, 7, 0xff, 0x7fffffffULL, 0x80000000ULL, 0xffffffffULL,
        0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
        0x123456789abcdef0ULL, 0xdeadbeefcafebabeULL, 1000000007ULL};
    const int n = sizeof vals / sizeof vals[0];
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            uint64_t a = vals[i], b = vals[j];
            int64_t sa = (int64_t)a, sb = (int64_t)b;
            h = mix(h, a + b); h = mix(h, a - b); h = mix(h, a * b);
            if (b) { h = mix(h, a / b); h = mix(h, a % b); }
            if (sb != 0 && !(sa == INT64_MIN && sb == -1)) {
                h = mix(h, (uint64_t)(sa / sb)); h = mix(h, (uint64_t)(sa % sb));
            }
            h = mix(h, (uint64_t)(sa < sb) | ((uint64_t)(a < b) << 1));
            int64_t r; uint64_t ur;
            h = mix(h, (uint64_t)__builtin_add_overflow(sa, sb, &r)); h = mix(h, (uint64_t)r);
            h = mix(h, (uint64_t)__builtin_sub_overflow(sa, sb, &r)); h = mix(h, (uint64_t)r);
            h = mix(h, (uint64_t)__builtin_mul_overflow(sa, sb, &r)); h = mix(h, (uint64_t)r);
            h = mix(h, (uint64_t)__builtin_mul_overflow(a, b, &ur)); h = mix(h, ur);
            unsigned s = (unsigned)(b & 63);
            h = mix(h, a << s); h = mix(h, a >> s); h = mix(h, (uint64_t)(sa >> s));
            h = mix(h, (uint64_t)((uint32_t)a << (s & 31))); h = mix(h, (uint64_t)((int32_t)a >> (s & 31)));
        }
    }
    printf("INT64_MAX+1 wraps to %" PRId64 "\n", (int64_t)((uint64_t)INT64_MAX + 1));
    printf("0-1 unsigned = %" PRIu64 "\n", (uint64_t)0 - 1);
    printf("-7/2=%d -7%%2=%d 7/-2=%d 7%%-2=%d\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2);
    volatile int64_t big = INT64_MIN; volatile int64_t m1 = 1;
    printf("INT64_MIN/1=%" PRId64 " -INT64_MIN(wrap)=%" PRId64 "\n", big / m1, (int64_t)(0 - (uint64_t)big));
    volatile uint32_t u32 = 0xffffffffu;
    printf("u32+1=%u (u64)u32+1=%" PRIu64 "\n", u32 + 1, (uint64_t)u32 + 1);
    volatile int8_t c = 127; c++;
    printf("int8 127+1=%d\n", c);
    printf("hash=%016" PRIx64 "\n", h);
    return 0;
}
