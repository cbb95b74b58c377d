// Checks getrandom(2) fills buffers of several sizes (prints only lengths and a crude "not all zero" boolean).
#include <stdio.h>
#include <sys/random.h>

int main(void) {
    unsigned char buf[256];
    size_t sizes[] = {1, 16, 32, 256};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t k = 0; k < sizeof buf; k++) buf[k] = 0;
        ssize_t r = getrandom(buf, sizes[i], 0);
        int nz = 0;
        for (size_t k = 0; k < sizes[i]; k++) nz |= buf[k];
        printf("getrandom(%zu) returned %zd%s\n", sizes[i], r, sizes[i] >= 16 ? (nz ? ", not all zero" : ", ALL ZERO") : "");
    }
    ssize_t r = getrandom(buf, 64, GRND_NONBLOCK);
    printf("GRND_NONBLOCK returned %zd\n", r);
    r = getentropy(buf, 32) == 0 ? 32 : -1;
    printf("getentropy(32) ok: %d\n", r == 32);
    return 0;
}
