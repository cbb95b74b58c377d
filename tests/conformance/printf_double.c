// Checks printf of doubles: %e %f %g %a with widths/precision, negative zero, inf, nan, huge and tiny exponents.
#include <float.h>
#include <math.h>
#include <stdio.h>

int main(void) {
    double v[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 2.5, 3.5, 123456.789, 1e-5, 1e-300, 5e-324,
                  1e21, 1e300, DBL_MAX, DBL_MIN, 9.999999, 0.5, 1e15 + 0.3, 6.02214076e23};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        double d = v[i];
        printf("%e | %.3e | %f | %.2f | %g | %.10g | %a | %12.4g | %-12.1e|\n", d, d, d, d, d, d, d, d, d);
    }
    double inf = INFINITY, nan_ = NAN;
    printf("[%f] [%e] [%g] [%a] [%F] [%E] [%G] [%A]\n", inf, -inf, inf, -inf, inf, inf, -inf, inf);
    printf("[%f] [%e] [%g] [%5.1f] [%F]\n", nan_, nan_, nan_, nan_, nan_);
    printf("[%+f] [% f] [%+.0e] [%#.0f] [%#g] [%08.2f] [%-8.2f|] [%+08.2f]\n", 1.0, 1.0, 12345.0, 2.0, 1.0, -3.14159, 2.5, 2.5);
    printf("1e300 %%f: %.0f\n", 1e300);
    printf("DBL_MAX %%f: %f\n", DBL_MAX);
    printf("rounding: %.0f %.0f %.0f %.0f %.1f %.2f\n", 0.5, 1.5, 2.5, -0.5, 0.25, 1.005);
    printf("%.17g %.17g %.17g\n", 0.1, 0.2, 0.1 + 0.2);
    printf("%Lf %Le %La\n", 1.0L / 3.0L, 1e4000L, 1.0L);
    printf("float promoted: %f %a\n", 1.1f, 1.1f);
    printf("%.60f\n", 1.0 / 3.0);
    printf("%.40e\n", 5e-324);
    return 0;
}
