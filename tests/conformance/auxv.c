// Checks the auxiliary vector: AT_PAGESZ, AT_HWCAP presence, AT_RANDOM (16 readable bytes), AT_EXECFN, AT_PHDR/PHNUM, AT_ENTRY, AT_UID, AT_SECURE.
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static const char *base(const char *p) { const char *s = strrchr(p, '/'); return s ? s + 1 : p; }

int main(int argc, char **argv) {
    (void)argc;
    printf("AT_PAGESZ=%lu sysconf=%ld\n", getauxval(AT_PAGESZ), sysconf(_SC_PAGESIZE));
    errno = 0;
    unsigned long hw = getauxval(AT_HWCAP);
    printf("AT_HWCAP present: %d\n", !(hw == 0 && errno == ENOENT));
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    int nonzero = 0;
    if (rnd) for (int i = 0; i < 16; i++) nonzero |= rnd[i];
    printf("AT_RANDOM present: %d, 16 bytes read, any nonzero: %d\n", rnd != NULL, nonzero != 0);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN present: %d, basename equals argv[0] basename: %d\n", execfn != NULL, execfn && strcmp(base(execfn), base(argv[0])) == 0);
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    int loads = 0;
    for (unsigned long i = 0; ph && i < phnum; i++) if (ph[i].p_type == PT_LOAD) loads++;
    printf("AT_PHENT=%lu AT_PHNUM>0: %d, has PT_LOAD: %d\n", getauxval(AT_PHENT), phnum > 0, loads > 0);
    printf("AT_ENTRY nonzero: %d\n", getauxval(AT_ENTRY) != 0);
    printf("AT_UID==getuid: %d AT_EUID==geteuid: %d AT_GID==getgid: %d\n", getauxval(AT_UID) == getuid(), getauxval(AT_EUID) == geteuid(), getauxval(AT_GID) == getgid());
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    errno = 0;
    unsigned long bogus = getauxval(0x7fff);
    printf("unknown type -> %lu ENOENT=%d\n", bogus, errno == ENOENT);
    return 0;
}
