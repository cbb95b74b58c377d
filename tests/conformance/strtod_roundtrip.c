// Checks strtod/strtol/strtoul/strtoll parsing, endptr and errno, and %.17g -> strtod round trips.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const char *ds[] = {"0", "-0", "1.5", "  -2.25e3xyz", "0x1.8p1", "1e400", "-1e400", "1e-400", "inf", "-Infinity",
                        "nan", "3.14159265358979323846", "2.2250738585072014e-308", "4.9e-324", ".5", "5.", "abc", "1e", "0x", "1_000"};
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        char *end; errno = 0;
        double d = strtod(ds[i], &end);
        printf("strtod(\"%s\") = %.17g consumed=%d erange=%d\n", ds[i], d, (int)(end - ds[i]), errno == ERANGE);
    }
    const char *ls[] = {"0", "123", "-123", "+77", "0x1f", "0777", "9223372036854775807", "9223372036854775808",
                        "-9223372036854775808", "-9223372036854775809", "  42abc", "z", "0b101"};
    int bases[] = {10, 0, 16, 8, 2, 36};
    for (unsigned i = 0; i < sizeof ls / sizeof ls[0]; i++)
        for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *end; errno = 0;
            long v = strtol(ls[i], &end, bases[b]);
            int e = errno;
            errno = 0;
            unsigned long u = strtoul(ls[i], NULL, bases[b]);
            printf("strtol(\"%s\",%d)=%ld used=%d erange=%d strtoul=%lu/%d\n", ls[i], bases[b], v, (int)(end - ls[i]), e == ERANGE, u, errno == ERANGE);
        }
    /* round-trip many doubles through text */
    uint64_t x = 88172645463325252ULL; int fails = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double d; uint64_t bits = x & 0x7fefffffffffffffULL; memcpy(&d, &bits, 8);
        char buf[64]; snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &d, 8) != 0) fails++;
        snprintf(buf, sizeof buf, "%a", d);
        back = strtod(buf, NULL);
        if (memcmp(&back, &d, 8) != 0) fails++;
    }
    printf("roundtrip failures: %d\n", fails);
    printf("atoi=%d atol=%ld atof=%g strtof=%.9g strtold=%.21Lg\n", atoi("-17x"), atol("99999999999"), atof("2.5e-3"), strtof("0.1", NULL), strtold("0.1", NULL));
    return fails != 0;
}
