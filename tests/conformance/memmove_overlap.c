// Checks struct assignment copies, memcpy of non-overlapping and memmove of overlapping regions in both directions, many sizes.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct big { int a; char name[37]; double d; long arr[20]; };

int main(void) {
    static unsigned char buf[4096], ref[4096];
    uint64_t h = 1469598103934665603ULL; long bad = 0;
    for (int len = 0; len < 300; len += (len < 40 ? 1 : 13))
        for (int src = 0; src < 40; src += 3)
            for (int delta = -35; delta <= 35; delta += 5) {
                int dst = src + delta + 100;
                int s = src + 100;
                for (int i = 0; i < 4096; i++) buf[i] = ref[i] = (unsigned char)(i * 13 + len);
                memmove(buf + dst, buf + s, (size_t)len);
                /* reference byte-by-byte via a temp copy */
                unsigned char tmp[400];
                for (int i = 0; i < len; i++) tmp[i] = ref[s + i];
                for (int i = 0; i < len; i++) ref[dst + i] = tmp[i];
                if (memcmp(buf, ref, 4096) != 0) bad++;
                for (int i = 0; i < len; i++) { h ^= buf[dst + i]; h *= 1099511628211ULL; }
            }
    printf("memmove bad=%ld hash=%016llx\n", bad, (unsigned long long)h);
    struct big a, b;
    memset(&a, 0, sizeof a);
    a.a = 7; strcpy(a.name, "structure-copy"); a.d = 2.75;
    for (int i = 0; i < 20; i++) a.arr[i] = i * i;
    b = a;
    a.arr[3] = -1;
    printf("struct copy: %d %s %.2f %ld %ld size=%zu\n", b.a, b.name, b.d, b.arr[3], b.arr[19], sizeof b);
    struct big arr[4] = {a, b, a, b};
    memmove(&arr[1], &arr[0], 3 * sizeof arr[0]);
    printf("array memmove: %ld %ld %ld %ld\n", arr[0].arr[3], arr[1].arr[3], arr[2].arr[3], arr[3].arr[3]);
    char s[] = "abcdefghijklmnopqrstuvwxyz";
    memmove(s + 2, s, 10); printf("forward overlap: %s\n", s);
    memmove(s, s + 5, 10); printf("backward overlap: %s\n", s);
    memcpy(s, "0123456789", 10); printf("memcpy: %s\n", s);
    return bad != 0;
}
