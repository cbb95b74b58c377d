// Checks large output: ~200 KB through stdout in many small printf/write calls and in one big write(2); checksum on stderr.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint32_t crc = 0xffffffffu;
static void crc_update(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) { crc ^= (unsigned char)p[i]; for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1)); }
}

int main(void) {
    char line[64];
    size_t total = 0;
    for (int i = 0; i < 3000; i++) {
        int n = snprintf(line, sizeof line, "line %05d: %08x abcdefghijklmnop\n", i, (unsigned)i * 2654435761u);
        fputs(line, stdout); crc_update(line, (size_t)n); total += (size_t)n;
    }
    fflush(stdout);
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(line, sizeof line, "w%04d-%c%c%c\n", i, 'a' + i % 26, 'A' + i % 26, '0' + i % 10);
        if (write(1, line, (size_t)n) != n) return 1;
        crc_update(line, (size_t)n); total += (size_t)n;
    }
    size_t big = 200 * 1024;
    char *buf = malloc(big);
    for (size_t i = 0; i < big; i++) buf[i] = (i % 101 == 100) ? '\n' : (char)('!' + (i * 7) % 90);
    size_t off = 0;
    while (off < big) { ssize_t w = write(1, buf + off, big - off); if (w <= 0) return 2; off += (size_t)w; }
    crc_update(buf, big); total += big;
    free(buf);
    fprintf(stderr, "bytes=%zu crc32=%08x\n", total, crc ^ 0xffffffffu);
    return 0;
}
