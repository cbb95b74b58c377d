// Checks sscanf conversions (%d %x %o %i %f %lf %s %[...] %c %n %*d) and return counts on partial matches.
#include <stdio.h>

int main(void) {
    int a = 0, b = 0, c = 0, n = 0; unsigned x = 0; double d = 0; float f = 0; char s[32] = "", t[32] = "", ch = 0; long long ll = 0;
    int r = sscanf("42 0x1F 0755 -3.5e2 word", "%d %x %o %lf %31s", &a, &x, &b, &d, s);
    printf("r=%d a=%d x=%u o=%d d=%g s=%s\n", r, a, x, b, d, s);
    r = sscanf("key=value;rest", "%31[^=]=%31[^;];%n", s, t, &n);
    printf("r=%d key=%s value=%s consumed=%d\n", r, s, t, n);
    r = sscanf("0x10 010 10", "%i %i %i", &a, &b, &c);
    printf("%%i: r=%d %d %d %d\n", r, a, b, c);
    r = sscanf("12 abc", "%d %d", &a, &b);
    printf("partial r=%d a=%d\n", r, a);
    r = sscanf("", "%d", &a);
    printf("empty input r=%d (EOF=%d)\n", r, EOF);
    r = sscanf("7 8 9", "%*d %d %c", &a, &ch);
    printf("suppressed r=%d a=%d ch=%c\n", r, a, ch);
    r = sscanf("3.25 -9223372036854775808", "%f %lld", &f, &ll);
    printf("r=%d f=%g ll=%lld\n", r, f, ll);
    r = sscanf("2024-06-01T12:30", "%4d-%2d-%2dT%n", &a, &b, &c, &n);
    printf("date r=%d %04d/%02d/%02d n=%d\n", r, a, b, c, n);
    r = sscanf("  inf nan", "%lf %f", &d, &f);
    printf("inf/nan r=%d %g %g\n", r, d, f);
    return 0;
}
