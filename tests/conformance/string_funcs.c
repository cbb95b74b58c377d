// Checks string.h functions (strlen, strcpy, strcmp, strncmp, memchr, memset, memcpy, strnlen, stpcpy) over many lengths and alignments.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned char src[512], dst[512];
static uint64_t h = 1469598103934665603ULL;
static void mix(uint64_t v) { h ^= v; h *= 1099511628211ULL; }

int main(void) {
    long checks = 0, bad = 0;
    for (int len = 0; len < 200; len++) {
        for (int al = 0; al < 16; al++) {
            char *s = (char *)src + al;
            for (int i = 0; i < len; i++) s[i] = (char)('a' + (i * 7 + len) % 26);
            s[len] = 0;
            size_t l = strlen(s); checks++; if (l != (size_t)len) bad++;
            for (int dal = 0; dal < 16; dal += 5) {
                char *d = (char *)dst + dal;
                memset(dst, 0x55, sizeof dst);
                strcpy(d, s);
                checks++; if (strcmp(d, s) != 0 || (unsigned char)d[len + 1] != 0x55) bad++;
                memset(d, 'z', (size_t)len); d[len] = 0;
                int c = strcmp(s, d); mix((uint64_t)(c < 0 ? -1 : c > 0));
                c = strncmp(s, d, (size_t)(len / 2)); mix((uint64_t)(c < 0 ? -1 : c > 0));
                memcpy(d, s, (size_t)len);
                checks++; if (memcmp(d, s, (size_t)len) != 0) bad++;
                char *e = stpcpy(d, s); checks++; if (e != d + len) bad++;
            }
            char *p = memchr(s, 'a' + (len % 26), (size_t)len);
            mix(p ? (uint64_t)(p - s) : 999);
            p = strchr(s, 'q'); mix(p ? (uint64_t)(p - s) : 999);
            p = strrchr(s, 'q'); mix(p ? (uint64_t)(p - s) : 999);
            mix(strnlen(s, (size_t)(len / 2 + 1)));
            mix(strspn(s, "abcdefghij")); mix(strcspn(s, "xyz"));
        }
    }
    printf("checks=%ld bad=%ld\n", checks, bad);
    printf("hash=%016llx\n", (unsigned long long)h);
    char buf[64];
    strcpy(buf, "hello"); strcat(buf, ", "); { volatile size_t k = 5; strncat(buf, "world!!!", k); }
    printf("[%s] len=%zu\n", buf, strlen(buf));
    printf("strncmp=%d memcmp sign=%d\n", strncmp("abc", "abd", 2), memcmp("\x01", "\xff", 1) < 0);
    return bad ? 1 : 0;
}
