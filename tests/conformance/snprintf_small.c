// Checks snprintf truncation into small buffers (sizes 0..12), return values, and NUL termination.
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

int main(void) {
    const char *fmts[] = {"%d", "%s|%s", "%.3f", "%08x", "%-6s!", "%lld", "%c%c%c"};
    for (int size = 0; size <= 12; size++) {
        char buf[16];
        int guard_ok = 1;
        printf("size %2d:", size);
        for (unsigned f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
            memset(buf, '#', sizeof buf);
            int r;
            switch (f) {
            case 0: r = snprintf(buf, (size_t)size, fmts[f], -123456789); break;
            case 1: r = snprintf(buf, (size_t)size, fmts[f], "hello", "world"); break;
            case 2: r = snprintf(buf, (size_t)size, fmts[f], 3.14159265); break;
            case 3: r = snprintf(buf, (size_t)size, fmts[f], 0xbeefu); break;
            case 4: r = snprintf(buf, (size_t)size, fmts[f], "ab"); break;
            case 5: r = snprintf(buf, (size_t)size, fmts[f], -9000000000000000000LL); break;
            default: r = snprintf(buf, (size_t)size, fmts[f], 'x', 'y', 'z'); break;
            }
            int term = size == 0 ? buf[0] == '#' : (int)strlen(buf) == (r < size ? r : size - 1);
            int written = size == 0 ? 0 : (r + 1 < size ? r + 1 : size);
            for (int k = written; k < (int)sizeof buf; k++) if (buf[k] != '#') guard_ok = 0;
            printf(" %d:[%s]%s", r, size ? buf : "", term ? "" : "BAD");
        }
        printf(" guard=%s\n", guard_ok ? "ok" : "overwritten");
    }
    char small[4];
    int r = snprintf(small, sizeof small, "%s", "a long string that does not fit");
    printf("r=%d small=%s\n", r, small);
    r = snprintf(NULL, 0, "%d %s %f", 12345, "xyz", 1.5);
    printf("measure-only r=%d\n", r);
    return 0;
}
