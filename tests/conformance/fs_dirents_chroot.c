// Checks getdents (the old record layout) against getdents64, statx fields, and chroot confinement (.., absolute symlinks, /proc after chroot).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void listing(const char *label, int old) {
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    char buf[4096], *names[64];
    int n = 0;
    long r;
    while ((r = syscall(old ? SYS_getdents : SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < r;) {
            unsigned short reclen = *(unsigned short *)(buf + off + 16);
            char *name = buf + off + (old ? 18 : 19);
            unsigned char type = old ? (unsigned char)buf[off + reclen - 1] : (unsigned char)buf[off + 18];
            char tmp[300];
            snprintf(tmp, sizeof tmp, "%s/%d", name, type);
            if (n < 64) names[n++] = strdup(tmp);
            off += reclen;
        }
    }
    qsort(names, n, sizeof *names, cmp);
    printf("%s:", label);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
    errno = 0;
    printf("  small buffer: %s\n", syscall(old ? SYS_getdents : SYS_getdents64, fd, buf, 8) < 0 ? strerrorname_np(errno) : "ok");
    close(fd);
}

int main(void) {
    char dir[] = "/tmp/rustos-conf-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    mkdir("sub", 0755);
    mkdir("etc", 0755);
    int fd = open("etc/passwd", O_WRONLY | O_CREAT, 0644);
    (void)!write(fd, "jail\n", 5);
    close(fd);
    symlink("/etc/passwd", "abs");
    symlink("../../../../etc/passwd", "sub/up");
    mkfifo("fifo", 0600);
    listing("getdents64", 0);
    listing("getdents", 1);

    struct statx sx;
    printf("statx: %d\n", statx(AT_FDCWD, "etc/passwd", 0, STATX_BASIC_STATS, &sx) == 0);
    printf("  mask has basic %d, size %llu, mode %o, nlink %u, blksize>0 %d\n", (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
           (unsigned long long)sx.stx_size, sx.stx_mode, sx.stx_nlink, sx.stx_blksize > 0);
    struct stat st;
    stat("etc/passwd", &st);
    printf("  ino matches stat %d, mtime matches %d\n", sx.stx_ino == st.st_ino, sx.stx_mtime.tv_sec == st.st_mtime && sx.stx_mtime.tv_nsec == st.st_mtim.tv_nsec);
    printf("  dev matches %d\n", makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev);
    errno = 0;
    printf("statx reserved mask: %s\n", statx(AT_FDCWD, "etc/passwd", 0, 0x80000000U, &sx) < 0 ? strerrorname_np(errno) : "ok");
    printf("statx AT_EMPTY_PATH on fd: %d\n", (fd = open("etc", O_RDONLY)) >= 0 && statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, &sx) == 0 && S_ISDIR(sx.stx_mode));
    close(fd);

    fflush(stdout);
    pid_t child = fork();
    if (child > 0) {
        int status;
        waitpid(child, &status, 0);
        const char *rm[] = { "etc/passwd", "abs", "sub/up", "fifo" };
        for (int i = 0; i < 4; i++) unlink(rm[i]);
        rmdir("etc"); rmdir("sub"); chdir("/");
        printf("child exit %d, cleanup %d\n", WEXITSTATUS(status), rmdir(dir) == 0);
        return 0;
    }
    int r = chroot(".");
    int priv = geteuid() == 0;
    printf("chroot: %s\n", r == 0 ? "ok" : strerrorname_np(errno));
    if (r == 0 && priv) {
        char b[64] = {0};
        chdir("/");
        char cwd[256];
        printf("  getcwd %s\n", getcwd(cwd, sizeof cwd));
        const char *paths[] = { "/etc/passwd", "/../../etc/passwd", "/abs", "/sub/up" };
        for (int i = 0; i < 4; i++) {
            memset(b, 0, sizeof b);
            int f = open(paths[i], O_RDONLY);
            (void)!read(f, b, sizeof b - 1);
            printf("  %s: %s", paths[i], f >= 0 ? b : "missing\n");
            close(f);
        }
        printf("  /proc visible: %d\n", access("/proc/self", F_OK) == 0);
    }
    fflush(stdout);
    _exit(0);
}
