// Checks memcmp/strcmp/strncmp ordering signs (unsigned byte comparison) for many lengths and differing positions.
#include <stdio.h>
#include <string.h>

static int sgn(int x) { return (x > 0) - (x < 0); }

int main(void) {
    unsigned char a[300], b[300];
    long tally[3] = {0, 0, 0}; long wrong = 0;
    for (int len = 1; len < 260; len++)
        for (int pos = 0; pos < len; pos += 1 + pos / 8) {
            for (int i = 0; i < len; i++) a[i] = b[i] = (unsigned char)(i * 37 + 11);
            unsigned char vals[][2] = {{0x00, 0xff}, {0x7f, 0x80}, {0x80, 0x7f}, {0x41, 0x61}, {0xfe, 0xff}};
            for (unsigned v = 0; v < 5; v++) {
                a[pos] = vals[v][0]; b[pos] = vals[v][1];
                int want = sgn((int)vals[v][0] - (int)vals[v][1]);
                int got = sgn(memcmp(a, b, (size_t)len));
                int back = sgn(memcmp(b, a, (size_t)len));
                if (got != want || back != -want) wrong++;
                tally[got + 1]++;
                if (memcmp(a, b, (size_t)pos) != 0) wrong++;
            }
        }
    printf("memcmp: less=%ld equal=%ld greater=%ld wrong=%ld\n", tally[0], tally[1], tally[2], wrong);
    const char *pairs[][2] = {{"", ""}, {"a", ""}, {"", "a"}, {"abc", "abd"}, {"abc", "ab"}, {"\x80", "\x7f"}, {"\xff", "\x01"}, {"Zoo", "apple"}, {"same", "same"}};
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        printf("cmp #%u: strcmp=%d strncmp2=%d memcmp1=%d\n", i, sgn(strcmp(pairs[i][0], pairs[i][1])), sgn(strncmp(pairs[i][0], pairs[i][1], 2)),
               sgn(memcmp(pairs[i][0], pairs[i][1], 1)));
    printf("memcmp len 0: %d\n", memcmp("x", "y", 0));
    return wrong != 0;
}
