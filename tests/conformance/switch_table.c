// Checks dense switch statements compiled to jump tables (and sparse ones to trees), including fallthrough and default.
#include <stdio.h>

static int dense(int x) {
    switch (x) {
    case 0: return 11; case 1: return 23; case 2: return 37; case 3: return 41; case 4: return 53;
    case 5: return 67; case 6: return 71; case 7: return 83; case 8: return 97; case 9: return 101;
    case 10: return 113; case 11: return 127; case 12: return 131; case 13: return 149; case 14: return 151;
    case 15: return 163; case 16: return 173; case 17: return 181; case 18: return 191; case 19: return 199;
    default: return -1;
    }
}
static int sparse(long x) {
    switch (x) {
    case -1000000: return 1; case -7: return 2; case 0: return 3; case 99: return 4;
    case 1000: return 5; case 65536: return 6; case 1L << 40: return 7; default: return 0;
    }
}
static const char *fall(int x) {
    static char out[64]; int n = 0;
    switch (x) {
    case 0: out[n++] = 'a'; /* fall through */
    case 1: out[n++] = 'b'; /* fall through */
    case 2: out[n++] = 'c'; break;
    case 3: out[n++] = 'd'; /* fall through */
    default: out[n++] = 'z';
    }
    out[n] = 0;
    return out;
}
static int chars(char c) {
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 1;
    case '0' ... '9': return 2;
    case ' ': case '\t': case '\n': return 3;
    default: return 0;
    }
}

int main(void) {
    long sum = 0;
    for (volatile int i = -3; i < 25; i++) sum = sum * 3 + dense(i);
    printf("dense sum=%ld\n", sum);
    long xs[] = {-1000000, -7, 0, 99, 1000, 65536, 1L << 40, 5, -1};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) printf("sparse(%ld)=%d\n", xs[i], sparse(xs[i]));
    for (int i = 0; i < 5; i++) printf("fall(%d)=%s\n", i, fall(i));
    const char *text = "the 42 quick\tbrown foxes\n jumped 7 times";
    int counts[4] = {0};
    for (const char *p = text; *p; p++) counts[chars(*p)]++;
    printf("other=%d vowels=%d digits=%d space=%d\n", counts[0], counts[1], counts[2], counts[3]);
    return 0;
}
