// Checks reading stdin to EOF (the runner feeds "hello\nworld\n"): reverses lines, uppercases, counts bytes/lines, rot13.
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    char buf[65536];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(0, buf + n, sizeof buf - 1 - n);
        if (r < 0) { perror("read"); return 1; }
        if (r == 0) break;
        n += (size_t)r;
    }
    buf[n] = 0;
    int lines = 0;
    for (size_t i = 0; i < n; i++) lines += buf[i] == '\n';
    printf("read %zu bytes, %d lines\n", n, lines);
    char *starts[256]; int ns = 0;
    char copy[65536]; memcpy(copy, buf, n + 1);
    for (char *s = strtok(copy, "\n"); s && ns < 256; s = strtok(NULL, "\n")) starts[ns++] = s;
    for (int i = ns - 1; i >= 0; i--) {
        char up[1024]; size_t k = 0;
        for (const char *p = starts[i]; *p && k < sizeof up - 1; p++) up[k++] = (char)toupper((unsigned char)*p);
        up[k] = 0;
        char rot[1024]; k = 0;
        for (const char *p = starts[i]; *p && k < sizeof rot - 1; p++) {
            char c = *p;
            if (islower((unsigned char)c)) c = (char)('a' + (c - 'a' + 13) % 26);
            else if (isupper((unsigned char)c)) c = (char)('A' + (c - 'A' + 13) % 26);
            rot[k++] = c;
        }
        rot[k] = 0;
        printf("line %d reversed-order: %s | rot13: %s | len %zu\n", i + 1, up, rot, strlen(starts[i]));
    }
    char extra[8];
    printf("read after EOF returns %zd\n", read(0, extra, sizeof extra));
    printf("getchar after EOF is EOF: %d\n", getchar() == EOF);
    return 0;
}
