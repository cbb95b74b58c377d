// Checks printf integer conversions: %d %i %u %x %X %o %c %s %p(null) with flags, widths, precision and length modifiers.
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
    int vals[] = {0, 1, -1, 42, -42, 255, 65535, INT_MAX, INT_MIN};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int v = vals[i];
        printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%x] [%#X] [%o] [%#o] [%u]\n",
               v, v, v, v, v, v, v, v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
    }
    long long ll[] = {0, LLONG_MAX, LLONG_MIN, -1234567890123LL, 1LL << 40};
    for (unsigned i = 0; i < sizeof ll / sizeof ll[0]; i++)
        printf("[%lld] [%llx] [%llo] [%25lld] [%-25lld|] [%llu]\n", ll[i], (unsigned long long)ll[i],
               (unsigned long long)ll[i], ll[i], ll[i], (unsigned long long)ll[i]);
    printf("[%hhd] [%hd] [%hhu] [%hu] [%ld] [%zu] [%jd] [%td]\n", (signed char)200, (short)70000,
           (unsigned char)300, (unsigned short)-1, -9L, (size_t)123, (intmax_t)-5, (ptrdiff_t)77);
    printf("[%c] [%3c] [%-3c] [%%]\n", 'A', 'b', 'c');
    printf("[%s] [%10s] [%-10s] [%.2s] [%*d] [%-*d] [%.*d]\n", "str", "right", "left", "trunc", 6, 12, 6, 12, 4, 7);
    printf("[%.0d] [%#x] [%#o] [%+.0d]\n", 0, 0, 0, 0);
    printf("[%p]\n", (void *)0);
    int n1 = 0, n2 = 0;
    printf("abc%nde%hhnf\n", &n1, (signed char *)&n2);
    printf("n1=%d n2=%d\n", n1, n2);
    int r = printf("%s", "");
    printf("empty printf returned %d\n", r);
    r = printf("%08.3f|%x|%s\n", 3.14159, 0xbeefu, "mix");
    printf("returned %d\n", r);
    return 0;
}
