// Checks rename/renameat2 (NOREPLACE, EXCHANGE) errno rules, unlink/rmdir edge cases, hard links, mknod FIFOs and times (utimes/futimesat/utimensat).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define SHOW(what, expr) do { errno = 0; long r_ = (long)(expr); printf("%-36s %s\n", what, r_ < 0 ? strerrorname_np(errno) : "ok"); } while (0)

static void put(const char *p, const char *s) { int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644); (void)!write(fd, s, strlen(s)); close(fd); }
static void get(const char *p) { char b[64] = {0}; int fd = open(p, O_RDONLY); ssize_t n = fd < 0 ? -1 : read(fd, b, 63); printf("  %s = %s\n", p, n < 0 ? "(none)" : b); if (fd >= 0) close(fd); }

int main(void) {
    char dir[] = "/tmp/rustos-conf-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    put("a", "A"); put("b", "B");
    mkdir("d", 0755); mkdir("e", 0755); mkdir("full", 0755); put("full/x", "x");
    SHOW("NOREPLACE onto existing", renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE));
    SHOW("NOREPLACE onto new", renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE));
    get("c");
    SHOW("EXCHANGE c b", renameat2(AT_FDCWD, "c", AT_FDCWD, "b", RENAME_EXCHANGE));
    get("b"); get("c");
    SHOW("EXCHANGE with missing", renameat2(AT_FDCWD, "c", AT_FDCWD, "zz", RENAME_EXCHANGE));
    SHOW("EXCHANGE|NOREPLACE", renameat2(AT_FDCWD, "c", AT_FDCWD, "b", RENAME_EXCHANGE | RENAME_NOREPLACE));
    SHOW("bad flags", renameat2(AT_FDCWD, "c", AT_FDCWD, "b", 64));
    SHOW("EXCHANGE file and dir", renameat2(AT_FDCWD, "c", AT_FDCWD, "e", RENAME_EXCHANGE));
    struct stat st;
    printf("  e is file: %d\n", stat("e", &st) == 0 && S_ISREG(st.st_mode));
    SHOW("EXCHANGE back", renameat2(AT_FDCWD, "c", AT_FDCWD, "e", RENAME_EXCHANGE));
    SHOW("dir over file", rename("d", "b"));
    SHOW("file over dir", rename("b", "d"));
    SHOW("dir over non-empty dir", rename("d", "full"));
    SHOW("dir over empty dir", rename("d", "e"));
    SHOW("dir into itself", rename("e", "e/sub"));
    SHOW("missing source", rename("nope", "x"));
    SHOW("same file", rename("b", "b"));
    SHOW("rename dot", rename(".", "x"));
    SHOW("rename to dotdot", rename("b", "e/.."));
    SHOW("file with trailing slash", rename("b", "q/"));
    SHOW("hard link", link("b", "b2"));
    stat("b", &st); printf("  nlink %ld\n", (long)st.st_nlink);
    SHOW("link onto existing", link("b", "c"));
    SHOW("link a directory", link("e", "e2"));
    SHOW("unlink dir", unlink("e"));
    SHOW("rmdir file", rmdir("b"));
    SHOW("rmdir non-empty", rmdir("full"));
    SHOW("rmdir dot", rmdir("full/."));
    SHOW("rmdir dotdot", rmdir("full/.."));
    SHOW("unlink trailing slash", unlink("b/"));
    SHOW("mkdir existing", mkdir("e", 0755));
    SHOW("mkdir trailing slash", mkdir("m/", 0755));
    SHOW("mkfifo", mkfifo("fifo", 0600));
    printf("  fifo: %d\n", stat("fifo", &st) == 0 && S_ISFIFO(st.st_mode));
    SHOW("mknod regular", mknod("reg", S_IFREG | 0600, 0));
    printf("  reg: %d size %ld\n", stat("reg", &st) == 0 && S_ISREG(st.st_mode), (long)st.st_size);
    SHOW("mknod existing", mknod("reg", S_IFREG | 0600, 0));
    SHOW("mknod bad type", mknod("bad", 0170000 | 0600, 0));
    SHOW("mknod dir type", mknod("bad", S_IFDIR | 0600, 0));
    struct timeval tv[2] = { { 1000000000, 500000 }, { 1200000000, 250000 } };
    SHOW("utimes", utimes("b", tv));
    stat("b", &st); printf("  atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atime, st.st_atim.tv_nsec, (long)st.st_mtime, st.st_mtim.tv_nsec);
    tv[1].tv_sec = 1300000000;
    SHOW("futimesat", futimesat(AT_FDCWD, "b", tv));
    stat("b", &st); printf("  mtime %ld\n", (long)st.st_mtime);
    tv[0].tv_usec = 1000000;
    SHOW("utimes bad usec", utimes("b", tv));
    struct timespec ts[2] = { { 5, UTIME_OMIT }, { 1400000000, 7 } };
    SHOW("utimensat omit atime", utimensat(AT_FDCWD, "b", ts, 0));
    stat("b", &st); printf("  atime %ld mtime %ld.%09ld\n", (long)st.st_atime, (long)st.st_mtime, st.st_mtim.tv_nsec);
    ts[1].tv_nsec = 1000000000;
    SHOW("utimensat bad nsec", utimensat(AT_FDCWD, "b", ts, 0));
    SHOW("utimensat bad flags", utimensat(AT_FDCWD, "b", NULL, 0x4000));
    int fd = open("b", O_RDONLY);
    ts[1].tv_nsec = 9;
    SHOW("futimens", futimens(fd, ts));
    fstat(fd, &st); printf("  mtime %ld.%09ld\n", (long)st.st_mtime, st.st_mtim.tv_nsec);
    close(fd);
    SHOW("truncate", truncate("b", 10));
    stat("b", &st); printf("  size %ld\n", (long)st.st_size);
    SHOW("truncate negative", truncate("b", -1));
    SHOW("truncate dir", truncate("e", 0));
    SHOW("chmod", chmod("b", 0600));
    stat("b", &st); printf("  mode %o\n", st.st_mode & 07777);
    SHOW("fchmodat NOFOLLOW on file", fchmodat(AT_FDCWD, "b", 0640, AT_SYMLINK_NOFOLLOW));
    symlink("b", "lb");
    SHOW("fchmodat NOFOLLOW on link", fchmodat(AT_FDCWD, "lb", 0640, AT_SYMLINK_NOFOLLOW));
    SHOW("access R_OK", access("b", R_OK));
    SHOW("access bad mode", access("b", 8));
    SHOW("faccessat2 bad flags", syscall(SYS_faccessat2, AT_FDCWD, "b", R_OK, 0x10));
    const char *rm[] = { "b", "b2", "c", "lb", "fifo", "reg", "full/x" };
    for (unsigned i = 0; i < sizeof rm / sizeof *rm; i++) unlink(rm[i]);
    rmdir("e"); rmdir("full"); rmdir("d");
    chdir("/");
    printf("cleanup: %d\n", rmdir(dir) == 0);
    return 0;
}
