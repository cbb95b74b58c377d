// Checks variadic functions: va_arg of ints, longs, doubles (mixed, >6 args so some go on the stack), va_copy, vsnprintf.
#include <stdarg.h>
#include <stdio.h>

static double sum_mixed(const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    double total = 0;
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': total += va_arg(ap, int); break;
        case 'l': total += (double)va_arg(ap, long long); break;
        case 'd': total += va_arg(ap, double); break;
        case 's': { const char *s = va_arg(ap, const char *); while (*s) total += *s++; } break;
        }
    }
    va_end(ap);
    return total;
}
static int count_twice(int n, ...) {
    va_list ap, cp; va_start(ap, n); va_copy(cp, ap);
    int a = 0, b = 0;
    for (int i = 0; i < n; i++) a += va_arg(ap, int);
    for (int i = 0; i < n; i++) b += va_arg(cp, int) * 2;
    va_end(cp); va_end(ap);
    return a * 1000 + b;
}
static int my_printf(char *buf, size_t n, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int main(void) {
    printf("ints: %.1f\n", sum_mixed("iiiiiiiiii", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    printf("doubles: %.3f\n", sum_mixed("dddddddddd", 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5));
    printf("mixed: %.3f\n", sum_mixed("idlidsldidid", 1, 0.25, 1LL << 40, -3, 1e3, "AB", -5LL, 0.125, 7, 2.5, 9, -0.5));
    printf("va_copy: %d\n", count_twice(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    char buf[64];
    int r = my_printf(buf, sizeof buf, "%d-%s-%.2f-%c-%lld", 42, "x", 3.14159, 'Z', -9LL);
    printf("vsnprintf: %s (%d)\n", buf, r);
    printf("many printf args: %d %d %d %d %d %d %d %d %f %f %f %f %f %f %f %f %f %s\n", 1, 2, 3, 4, 5, 6, 7, 8, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, "end");
    return 0;
}
