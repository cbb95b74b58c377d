// Checks bit-field layout, signed/unsigned bit-field wraparound, packed structs and unions for type punning.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct flags { unsigned a : 3; signed b : 5; unsigned c : 1; unsigned long long d : 40; unsigned e : 7; };
struct __attribute__((packed)) packed { uint8_t x; uint32_t y; uint16_t z; uint64_t w; };
union pun { double d; uint64_t u; uint8_t b[8]; struct { uint32_t lo, hi; } parts; };

int main(void) {
    struct flags f; memset(&f, 0, sizeof f);
    f.a = 7; f.b = -16; f.c = 1; f.d = 0xabcdef1234ULL; f.e = 100;
    printf("sizeof flags=%zu a=%u b=%d c=%u d=%llx e=%u\n", sizeof f, f.a, f.b, f.c, (unsigned long long)f.d, f.e);
    volatile unsigned nine = 9, two_hundred = 200; volatile int seventeen = 17;
    f.a = nine; f.b = seventeen; f.e = two_hundred;
    printf("wrapped a=%u b=%d e=%u\n", f.a, f.b, f.e);
    unsigned char raw[sizeof f]; memcpy(raw, &f, sizeof f);
    printf("raw:"); for (size_t i = 0; i < sizeof f; i++) printf(" %02x", raw[i]); printf("\n");
    long acc = 0;
    for (int i = 0; i < 1000; i++) { f.a += 3; f.b -= 5; f.d += 0x10001; f.e ^= (unsigned)i; acc += f.a + f.b + (long)(f.d & 0xff) + f.e; }
    printf("loop acc=%ld\n", acc);
    struct packed p; memset(&p, 0, sizeof p);
    p.x = 0x11; p.y = 0x22334455; p.z = 0x6677; p.w = 0x8899aabbccddeeffULL;
    unsigned char pr[sizeof p]; memcpy(pr, &p, sizeof p);
    printf("sizeof packed=%zu bytes:", sizeof p); for (size_t i = 0; i < sizeof p; i++) printf(" %02x", pr[i]); printf("\n");
    union pun u; u.d = -2.5;
    printf("pun: u=%016llx hi=%08x lo=%08x b0=%02x b7=%02x\n", (unsigned long long)u.u, u.parts.hi, u.parts.lo, u.b[0], u.b[7]);
    u.u = 0x7ff0000000000000ULL;
    printf("pun inf: %f\n", u.d);
    return 0;
}
