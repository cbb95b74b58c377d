// Checks x87 instructions compilers rarely emit, through inline asm: fbld/fbstp, fxam, fcomi/fucomi, fcmov, fxtract, fscale, fprem partial remainders, fisttp, fldenv/fnstenv, fnsave/frstor, stack overflow/underflow and the constants.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    uint64_t m;
    uint16_t se;
} __attribute__((packed)) f80;

static void pr(const char *what, long double x) {
    f80 v;
    memcpy(&v, &x, 10);
    printf("%-10s %04x:%016llx\n", what, v.se, (unsigned long long)v.m);
}

static unsigned short fsw(void) {
    unsigned short s;
    __asm__ volatile("fnstsw %0" : "=m"(s));
    return s;
}

int main(void) {
    // Packed BCD round trip.
    unsigned char bcd[10] = {0x21, 0x43, 0x65, 0x87, 0x09, 0, 0, 0, 0, 0x80}, out[10];
    long double x;
    __asm__ volatile("fbld %1\n\tfld %%st(0)\n\tfbstp %2\n\tfstpt %0" : "=m"(x), "+m"(bcd), "=m"(out));
    pr("fbld", x);
    printf("fbstp     ");
    for (int k = 9; k >= 0; k--) printf("%02x", out[k]);
    printf("\n");
    long double big = 1e19L;
    __asm__ volatile("fninit\n\tfldt %1\n\tfbstp %0\n\tfnstsw %%ax" : "=m"(out) : "m"(big) : "ax");
    printf("fbstp big ");
    for (int k = 9; k >= 0; k--) printf("%02x", out[k]);
    printf(" fsw=%04x\n", fsw());

    // fxam over the classes.
    long double vals[] = {0.0L, -1.5L, 1.0L / 0.0L, __builtin_nanl(""), 3.6e-4951L, -0.0L};
    for (int k = 0; k < 6; k++) {
        unsigned short s;
        __asm__ volatile("fninit\n\tfldt %1\n\tfxam\n\tfnstsw %0\n\tfstp %%st(0)" : "=a"(s) : "m"(vals[k]));
        printf("fxam[%d] C3..C0=%d%d%d%d\n", k, (s >> 14) & 1, (s >> 10) & 1, (s >> 9) & 1, (s >> 8) & 1);
    }
    unsigned short s;
    __asm__ volatile("fninit\n\tfxam\n\tfnstsw %0" : "=a"(s));
    printf("fxam empty C3 C2 C0=%d%d%d\n", (s >> 14) & 1, (s >> 10) & 1, (s >> 8) & 1);

    // fcomi/fucomi flags and fcmov.
    long double a = 2.0L, b = 3.0L, n = __builtin_nanl("");
    unsigned char flags[4];
    __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tfcomi %%st(1), %%st\n\tlahf\n\tmov %%ah, %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
                     : "=m"(flags[0]) : "m"(a), "m"(b) : "ax", "cc");
    __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tfucomip %%st(1), %%st\n\tlahf\n\tmov %%ah, %0\n\tfstp %%st(0)"
                     : "=m"(flags[1]) : "m"(n), "m"(b) : "ax", "cc");
    printf("fcomi 2?3 flags=%02x fucomip nan flags=%02x fsw=%04x\n", flags[0] & 0x45, flags[1] & 0x45, fsw());
    long double r;
    __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tcmp %%eax, %%eax\n\tfcmove %%st(1), %%st\n\tfstpt %0\n\tfstp %%st(0)"
                     : "=m"(r) : "m"(a), "m"(b) : "cc");
    pr("fcmove", r);

    // fxtract, fscale, fisttp.
    long double m, e, v = -1234.5L;
    __asm__ volatile("fninit\n\tfldt %2\n\tfxtract\n\tfstpt %0\n\tfstpt %1" : "=m"(m), "=m"(e) : "m"(v));
    pr("fxtract m", m);
    pr("fxtract e", e);
    long double sc = 10.75L;
    __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tfscale\n\tfstpt %0\n\tfstp %%st(0)" : "=m"(r) : "m"(v), "m"(sc));
    pr("fscale", r);
    int64_t t64;
    __asm__ volatile("fninit\n\tfldt %1\n\tfisttpll %0" : "=m"(t64) : "m"(v));
    printf("fisttp    %lld\n", (long long)t64);

    // fprem with a huge exponent difference: partial remainders (C2 set) until done.
    long double num = 1e300L, den = 3.0L;
    int rounds = 0;
    __asm__ volatile(
        "fninit\n\tfldt %3\n\tfldt %2\n"
        "1:\tfprem\n\tincl %1\n\tfnstsw %%ax\n\ttest $0x400, %%ax\n\tjnz 1b\n\t"
        "fstpt %0\n\tfstp %%st(0)"
        : "=m"(r), "+m"(rounds) : "m"(num), "m"(den) : "ax", "cc");
    pr("fprem", r);
    printf("fprem rounds=%d\n", rounds);

    // Stack underflow and overflow with masked exceptions: QNaN indefinite, IE|SF, C1.
    __asm__ volatile("fninit\n\tfadd %%st(1), %%st\n\tfstpt %0" : "=m"(r));
    pr("underflow", r);
    printf("underflow fsw=%04x\n", fsw() & 0xfeff);
    long double stk[9];
    __asm__ volatile(
        "fninit\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfldpi\n\t"
        "fnstsw %%ax\n\tmov %%ax, %1\n\tfstpt %0\n\tfninit"
        : "=m"(stk[0]), "=m"(s) : : "ax");
    pr("overflow", stk[0]);
    printf("overflow fsw=%04x\n", s);

    // Environment and full state round trips.
    unsigned char env[28], sav[108];
    unsigned short cw = 0x0a7f;
    __asm__ volatile("fninit\n\tfldcw %2\n\tfldpi\n\tfldl2e\n\tfnstenv %0\n\tfnsave %1" : "=m"(env), "=m"(sav) : "m"(cw));
    printf("fnstenv cw=%04x sw=%04x tw=%04x\n", env[0] | env[1] << 8, env[4] | env[5] << 8, env[8] | env[9] << 8);
    unsigned short cw2;
    __asm__ volatile("fnstcw %0" : "=m"(cw2));
    printf("after fnsave cw=%04x\n", cw2);
    __asm__ volatile("frstor %1\n\tfstpt %0" : "=m"(r) : "m"(sav));
    pr("frstor st0", r);
    __asm__ volatile("fnstcw %0" : "=m"(cw2));
    printf("after frstor cw=%04x\n", cw2);

    // The constants under round-down.
    unsigned short down = 0x077f;
    const char *cn[] = {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"};
    long double c[7];
    __asm__ volatile("fninit\n\tfldcw %7\n\tfld1\n\tfstpt %0\n\tfldl2t\n\tfstpt %1\n\tfldl2e\n\tfstpt %2\n\tfldpi\n\tfstpt %3\n\t"
                     "fldlg2\n\tfstpt %4\n\tfldln2\n\tfstpt %5\n\tfldz\n\tfstpt %6\n\tfninit"
                     : "=m"(c[0]), "=m"(c[1]), "=m"(c[2]), "=m"(c[3]), "=m"(c[4]), "=m"(c[5]), "=m"(c[6]) : "m"(down));
    for (int k = 0; k < 7; k++) pr(cn[k], c[k]);
    return 0;
}
