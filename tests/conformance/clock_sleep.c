// Checks clock_gettime (MONOTONIC non-decreasing, REALTIME plausible), gettimeofday/time, and that nanosleep(10 ms) sleeps at least 10 ms (booleans only).
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec a, b, prev;
    int mono_ok = 1;
    clock_gettime(CLOCK_MONOTONIC, &prev);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (ns(a) < ns(prev) || a.tv_nsec < 0 || a.tv_nsec >= 1000000000L) mono_ok = 0;
        prev = a;
    }
    printf("monotonic non-decreasing over 10000 reads: %d\n", mono_ok);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("realtime after 2020: %d\n", rt.tv_sec > 1577836800);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("gettimeofday close to time(): %d usec in range: %d\n", (t - tv.tv_sec) >= 0 && (t - tv.tv_sec) <= 2, tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    struct timespec res;
    printf("clock_getres(MONOTONIC) ok and <= 1ms: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec <= 1000000);
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = {0, 10 * 1000 * 1000}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long el = ns(b) - ns(a);
    printf("nanosleep(10ms) returned %d, slept >= 10ms: %d, < 5s: %d\n", r, el >= 10000000LL, el < 5000000000LL);
    clock_gettime(CLOCK_MONOTONIC, &a);
    req.tv_nsec = 5 * 1000 * 1000;
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep(5ms) returned %d, slept >= 5ms: %d\n", r, ns(b) - ns(a) >= 5000000LL);
    struct timespec cpu;
    printf("CLOCK_PROCESS_CPUTIME_ID works: %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0);
    return 0;
}
