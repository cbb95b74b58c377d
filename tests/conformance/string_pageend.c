// Checks string functions on strings ending exactly at a page boundary followed by a PROT_NONE page.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { perror("mmap"); return 1; }
    if (mprotect(m + pg, (size_t)pg, PROT_NONE) != 0) { perror("mprotect"); return 1; }
    unsigned char *end = m + pg;
    char copy[300];
    long ok = 0, bad = 0;
    unsigned long sum = 0;
    for (int len = 0; len < 260; len++) {
        /* NUL-terminated string whose terminator is the last byte of the page */
        char *s = (char *)end - len - 1;
        for (int i = 0; i < len; i++) s[i] = (char)('A' + (i % 23));
        s[len] = 0;
        if (strlen(s) == (size_t)len) ok++; else bad++;
        if (strnlen(s, 1000) == (size_t)len) ok++; else bad++;
        strcpy(copy, s);
        if (strcmp(copy, s) == 0 && strncmp(s, copy, 1000) == 0) ok++; else bad++;
        char *r = strchr(s, 'W'); sum += r ? (unsigned long)(r - s) : 7;
        r = strrchr(s, 'B'); sum += r ? (unsigned long)(r - s) : 11;
        r = strchr(s, 0); if (r == s + len) ok++; else bad++;
        sum += strspn(s, "ABCDEFG") + strcspn(s, "Q");
        if (len >= 3) { r = strstr(s, "BCD"); sum += r ? (unsigned long)(r - s) : 13; }
        /* memory (not string) functions on a buffer ending at the page end */
        unsigned char *b = end - len;
        memset(b, 0x5a, (size_t)len);
        if (len) b[len - 1] = 0x33;
        void *q = memchr(b, 0x33, (size_t)len); sum += q ? (unsigned long)((unsigned char *)q - b) : 17;
        q = memrchr(b, 0x5a, (size_t)len); sum += q ? (unsigned long)((unsigned char *)q - b) : 19;
        if (memcmp(b, b, (size_t)len) == 0) ok++; else bad++;
        memcpy(copy, b, (size_t)len);
        if (memcmp(copy, b, (size_t)len) == 0) ok++; else bad++;
        memmove(b + (len > 0), b, len > 0 ? (size_t)len - 1 : 0);
        sum += len ? b[len - 1] : 0;
    }
    /* strings starting at various offsets in the second-to-last 64 bytes */
    for (int off = 1; off <= 64; off++) {
        char *s = (char *)end - off;
        memset(s, 'x', (size_t)off - 1); s[off - 1] = 0;
        sum += strlen(s) * (unsigned long)off;
    }
    printf("ok=%ld bad=%ld sum=%lu\n", ok, bad, sum);
    munmap(m, (size_t)pg * 2);
    return bad != 0;
}
