// Checks open flag edge cases: O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_PATH, O_TMPFILE, O_CREAT on a directory, openat2 and its RESOLVE_* flags, F_GETFL.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SHOW(what, expr) do { errno = 0; long r_ = (long)(expr); printf("%-44s %s\n", what, r_ < 0 ? strerrorname_np(errno) : "ok"); } while (0)

static long o2(int dfd, const char *p, unsigned long long flags, unsigned long long mode, unsigned long long res) {
    struct open_how h = { .flags = flags, .mode = mode, .resolve = res };
    return syscall(SYS_openat2, dfd, p, &h, sizeof h);
}

int main(void) {
    char dir[] = "/tmp/rustos-conf-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    int fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
    (void)!write(fd, "hello", 5);
    close(fd);
    mkdir("d", 0755);
    symlink("f", "lf");
    symlink("d", "ld");
    symlink("/etc", "abs");
    SHOW("O_CREAT|O_EXCL existing", open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));
    SHOW("O_CREAT|O_EXCL on symlink", open("lf", O_WRONLY | O_CREAT | O_EXCL, 0644));
    SHOW("O_NOFOLLOW on symlink", open("lf", O_RDONLY | O_NOFOLLOW));
    SHOW("O_NOFOLLOW on file", fd = open("f", O_RDONLY | O_NOFOLLOW)); close(fd);
    SHOW("O_DIRECTORY on file", open("f", O_RDONLY | O_DIRECTORY));
    SHOW("O_DIRECTORY via symlink", fd = open("ld", O_RDONLY | O_DIRECTORY)); close(fd);
    SHOW("O_WRONLY on dir", open("d", O_WRONLY));
    SHOW("O_CREAT on dir", open("d", O_RDONLY | O_CREAT, 0644));
    SHOW("O_RDONLY|O_TRUNC on dir", open("d", O_RDONLY | O_TRUNC));
    SHOW("trailing slash on file", open("f/", O_RDONLY));
    SHOW("O_CREAT trailing slash", open("new/", O_WRONLY | O_CREAT, 0644));
    SHOW("missing middle", open("nope/x", O_RDONLY));
    SHOW("file as middle", open("f/x", O_RDONLY));
    printf("F_GETFL rdonly: %#o\n", (fd = open("f", O_RDONLY), fcntl(fd, F_GETFL))); close(fd);
    printf("F_GETFL wr|append: %#o\n", (fd = open("f", O_WRONLY | O_APPEND), fcntl(fd, F_GETFL))); close(fd);

    int p = open("lf", O_PATH | O_NOFOLLOW);
    struct stat st;
    char buf[64];
    printf("O_PATH|O_NOFOLLOW symlink: %d\n", p >= 0);
    printf("  fstat is link: %d\n", fstat(p, &st) == 0 && S_ISLNK(st.st_mode));
    SHOW("  read", read(p, buf, 1));
    printf("  readlinkat(fd, \"\") = %ld\n", (long)readlinkat(p, "", buf, sizeof buf));
    close(p);
    p = open("d", O_PATH);
    printf("O_PATH dir as dirfd: %d\n", (fd = openat(p, "../f", O_RDONLY)) >= 0); close(fd);
    SHOW("  getdents on O_PATH", syscall(SYS_getdents64, p, buf, sizeof buf));
    SHOW("  fchdir O_PATH", fchdir(p));
    SHOW("  fchdir back", chdir(dir));
    printf("  F_GETFL: %#o\n", fcntl(p, F_GETFL));
    close(p);

    fd = open(".", O_TMPFILE | O_RDWR, 0600);
    printf("O_TMPFILE: %d\n", fd >= 0);
    if (fd >= 0) {
        (void)!write(fd, "abc", 3);
        fstat(fd, &st);
        printf("  nlink %ld size %ld reg %d\n", (long)st.st_nlink, (long)st.st_size, S_ISREG(st.st_mode));
        printf("  pread %ld\n", (long)pread(fd, buf, 3, 0));
        close(fd);
    }
    SHOW("O_TMPFILE rdonly", open(".", O_TMPFILE | O_RDONLY, 0600));
    SHOW("O_TMPFILE on file", open("f", O_TMPFILE | O_RDWR, 0600));

    SHOW("openat2 plain", fd = o2(AT_FDCWD, "f", O_RDONLY, 0, 0)); close(fd);
    SHOW("openat2 unknown flag", o2(AT_FDCWD, "f", 1ULL << 40, 0, 0));
    SHOW("openat2 mode without O_CREAT", o2(AT_FDCWD, "f", O_RDONLY, 0644, 0));
    SHOW("openat2 bad resolve", o2(AT_FDCWD, "f", O_RDONLY, 0, 0x1000));
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    SHOW("BENEATH ../f", o2(dfd, "../f", O_RDONLY, 0, RESOLVE_BENEATH));
    SHOW("BENEATH absolute", o2(dfd, "/etc/passwd", O_RDONLY, 0, RESOLVE_BENEATH));
    SHOW("BENEATH ok", fd = o2(AT_FDCWD, "d/../f", O_RDONLY, 0, RESOLVE_BENEATH)); close(fd);
    SHOW("NO_SYMLINKS lf", o2(AT_FDCWD, "lf", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
    SHOW("NO_SYMLINKS O_PATH|O_NOFOLLOW", fd = o2(AT_FDCWD, "lf", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS)); close(fd);
    int rfd = open(".", O_RDONLY | O_DIRECTORY);
    SHOW("IN_ROOT /f", fd = o2(rfd, "/f", O_RDONLY, 0, RESOLVE_IN_ROOT)); close(fd);
    SHOW("IN_ROOT ../../f", fd = o2(rfd, "../../f", O_RDONLY, 0, RESOLVE_IN_ROOT)); close(fd);
    SHOW("IN_ROOT abs -> /etc (inside)", o2(rfd, "abs/passwd", O_RDONLY, 0, RESOLVE_IN_ROOT));
    SHOW("BENEATH|IN_ROOT", o2(rfd, "f", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
    struct { struct open_how h; unsigned long long extra; } big = { { O_RDONLY, 0, 0 }, 1 };
    errno = 0;
    printf("openat2 big nonzero tail: %s\n", syscall(SYS_openat2, AT_FDCWD, "f", &big, sizeof big) < 0 ? strerrorname_np(errno) : "ok");
    errno = 0;
    printf("openat2 small size: %s\n", syscall(SYS_openat2, AT_FDCWD, "f", &big, 8) < 0 ? strerrorname_np(errno) : "ok");
    close(dfd); close(rfd);
    unlink("f"); unlink("lf"); unlink("ld"); unlink("abs"); rmdir("d");
    chdir("/");
    printf("cleanup: %d\n", rmdir(dir) == 0);
    return 0;
}
