// Checks __thread (static TLS) variables: initialised values, zero-initialised TLS bss, addresses of TLS vars, and errno (which lives in TLS).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static __thread int counter = 42;
static __thread char name[32] = "tls-initial";
static __thread uint64_t zeros[64];
__thread long exported_tls = -7;

static int *counter_addr(void) { return &counter; }

int main(void) {
    printf("initial counter=%d name=%s exported=%ld\n", counter, name, exported_tls);
    uint64_t s = 0;
    for (int i = 0; i < 64; i++) s |= zeros[i];
    printf("tls bss all zero: %d\n", s == 0);
    for (int i = 0; i < 1000; i++) { counter += i; zeros[i % 64] += (uint64_t)i; }
    strcpy(name, "changed");
    printf("after updates counter=%d name=%s zeros[5]=%llu\n", counter, name, (unsigned long long)zeros[5]);
    *counter_addr() = 5;
    printf("via pointer: %d, same address each call: %d\n", counter, counter_addr() == &counter);
    errno = 0;
    int r = close(-1);
    printf("close(-1)=%d errno==EBADF: %d\n", r, errno == EBADF);
    errno = 1234;
    printf("errno settable: %d\n", errno == 1234);
    return 0;
}
