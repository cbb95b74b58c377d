// Checks deterministic time functions: gmtime_r/timegm of fixed time_t values, strftime in UTC, difftime, asctime.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(void) {
    time_t ts[] = {0, 951782400 /* 2000-02-29 */, 1234567890, 2147483647, 2147483648LL, -1, -86400 * 365LL, 4102444800LL, 253402300799LL};
    for (unsigned i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        struct tm tm; char buf[128];
        if (!gmtime_r(&ts[i], &tm)) { printf("%lld: gmtime failed\n", (long long)ts[i]); continue; }
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %b %j %U %W %u %w %y %C %e %G-W%V %s", &tm);
        time_t back = timegm(&tm);
        printf("%lld => %s yday=%d round-trip=%d\n", (long long)ts[i], buf, tm.tm_yday, back == ts[i]);
    }
    struct tm t = {0};
    t.tm_year = 124; t.tm_mon = 1; t.tm_mday = 30; t.tm_hour = 25; t.tm_min = 61; t.tm_sec = 61; /* normalises */
    time_t n = timegm(&t);
    char buf[64];
    strftime(buf, sizeof buf, "%F %T %A %B", &t);
    printf("normalised: %lld %s\n", (long long)n, buf);
    printf("asctime: %s", asctime(&t));
    printf("difftime=%.1f\n", difftime((time_t)1000, (time_t)250));
    struct tm parsed; memset(&parsed, 0, sizeof parsed);
    const char *end = strptime("2021-07-04 12:34:56", "%Y-%m-%d %H:%M:%S", &parsed);
    printf("strptime consumed all=%d -> %lld\n", end && *end == 0, (long long)timegm(&parsed));
    size_t r = strftime(buf, 5, "%Y-%m-%d", &t);
    printf("strftime too small returns %zu\n", r);
    return 0;
}
