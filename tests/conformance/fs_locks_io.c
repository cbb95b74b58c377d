// Checks record locks (F_GETLK/F_SETLK, OFD locks between two descriptions), flock, sendfile, copy_file_range, fallocate, SEEK_DATA/SEEK_HOLE, preadv2/pwritev2, close_range, FIONREAD/FIOCLEX and getxattr.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/close_range.h>

#define SHOW(what, expr) do { errno = 0; long r_ = (long)(expr); printf("%-40s %ld %s\n", what, r_ < 0 ? -1L : r_, r_ < 0 ? strerrorname_np(errno) : ""); } while (0)

static struct flock fl(short type, off_t start, off_t len) {
    struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
    return f;
}

int main(void) {
    char dir[] = "/tmp/rustos-conf-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    int a = open("data", O_RDWR | O_CREAT, 0644);
    (void)!write(a, "0123456789abcdefghij", 20);
    int b = open("data", O_RDWR);
    int r = open("data", O_RDONLY);
    struct flock f = fl(F_WRLCK, 0, 10);
    SHOW("F_SETLK wr 0-9", fcntl(a, F_SETLK, &f));
    f = fl(F_WRLCK, 5, 0);
    SHOW("F_GETLK own lock", fcntl(b, F_GETLK, &f));
    printf("  type %s\n", f.l_type == F_UNLCK ? "F_UNLCK" : "locked");
    f = fl(F_RDLCK, 0, 5);
    SHOW("F_SETLK rd on O_WRONLY?", fcntl(r, F_SETLK, &f));
    f = fl(F_WRLCK, 0, 5);
    SHOW("F_SETLK wr on O_RDONLY", fcntl(r, F_SETLK, &f));
    f = fl(F_UNLCK, 0, 0);
    SHOW("F_SETLK unlock all", fcntl(a, F_SETLK, &f));
    f = fl(7, 0, 0);
    SHOW("F_SETLK bad type", fcntl(a, F_SETLK, &f));
    f = fl(F_WRLCK, -5, 1);
    SHOW("F_SETLK negative start", fcntl(a, F_SETLK, &f));
    f = fl(F_WRLCK, 0, 10);
    SHOW("OFD_SETLK a wr 0-9", fcntl(a, F_OFD_SETLK, &f));
    f = fl(F_WRLCK, 5, 10);
    SHOW("OFD_SETLK b wr 5-14 (conflict)", fcntl(b, F_OFD_SETLK, &f));
    f = fl(F_RDLCK, 8, 4);
    SHOW("OFD_GETLK b rd 8-11", fcntl(b, F_OFD_GETLK, &f));
    printf("  type %d start %ld len %ld pid %d\n", f.l_type, (long)f.l_start, (long)f.l_len, f.l_pid);
    f = fl(F_WRLCK, 10, 5);
    SHOW("OFD_SETLK b wr 10-14 (free)", fcntl(b, F_OFD_SETLK, &f));
    f = fl(F_WRLCK, 0, 1); f.l_pid = 1;
    SHOW("OFD with l_pid", fcntl(b, F_OFD_SETLK, &f));
    close(b);
    b = open("data", O_RDWR);
    f = fl(F_WRLCK, 10, 5);
    SHOW("OFD lock freed by close", fcntl(b, F_OFD_SETLK, &f));
    SHOW("flock a EX", flock(a, LOCK_EX));
    SHOW("flock b EX|NB", flock(b, LOCK_EX | LOCK_NB));
    SHOW("flock b SH|NB", flock(b, LOCK_SH | LOCK_NB));
    SHOW("flock a SH (convert)", flock(a, LOCK_SH));
    SHOW("flock b SH|NB", flock(b, LOCK_SH | LOCK_NB));
    SHOW("flock bad op", flock(a, 0));
    SHOW("flock a UN", flock(a, LOCK_UN));

    int out = open("copy", O_RDWR | O_CREAT | O_TRUNC, 0644);
    off_t off = 5;
    SHOW("sendfile 8 from 5", sendfile(out, a, &off, 8));
    printf("  off now %ld, a pos %ld\n", (long)off, (long)lseek(a, 0, SEEK_CUR));
    lseek(a, 2, SEEK_SET);
    SHOW("sendfile from pos 2", sendfile(out, a, NULL, 3));
    printf("  a pos %ld\n", (long)lseek(a, 0, SEEK_CUR));
    char buf[64] = {0};
    pread(out, buf, 63, 0); printf("  copy = %s\n", buf);
    loff_t in = 0, o2 = 20;
    SHOW("copy_file_range", copy_file_range(a, &in, out, &o2, 6, 0));
    printf("  in %ld out %ld\n", (long)in, (long)o2);
    SHOW("copy_file_range flags", copy_file_range(a, &in, out, &o2, 6, 1));
    SHOW("copy_file_range rdonly out", copy_file_range(a, &in, r, NULL, 6, 0));
    memset(buf, 0, sizeof buf); pread(out, buf, 63, 0); printf("  copy = %s (size %ld)\n", buf, (long)lseek(out, 0, SEEK_END));
    SHOW("fallocate extend", fallocate(out, 0, 0, 100));
    printf("  size %ld\n", (long)lseek(out, 0, SEEK_END));
    SHOW("fallocate keep size", fallocate(out, FALLOC_FL_KEEP_SIZE, 0, 200));
    printf("  size %ld\n", (long)lseek(out, 0, SEEK_END));
    SHOW("fallocate bad len", fallocate(out, 0, 0, 0));
    SHOW("fallocate rdonly", fallocate(r, 0, 0, 10));
    SHOW("punch hole", fallocate(out, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 3));
    pread(out, buf, 5, 0); printf("  first bytes %d %d %d %c\n", buf[0], buf[1], buf[2], buf[3]);
    SHOW("SEEK_DATA 0", lseek(a, 0, SEEK_DATA));
    SHOW("SEEK_HOLE 0", lseek(a, 0, SEEK_HOLE));
    SHOW("SEEK_DATA past end", lseek(a, 50, SEEK_DATA));
    SHOW("SEEK_HOLE at end", lseek(a, 20, SEEK_HOLE));
    struct iovec iov[2] = { { buf, 3 }, { buf + 10, 4 } };
    memset(buf, 0, sizeof buf);
    lseek(a, 0, SEEK_SET);
    SHOW("preadv2 -1", preadv2(a, iov, 2, -1, 0));
    printf("  %.3s %.4s pos %ld\n", buf, buf + 10, (long)lseek(a, 0, SEEK_CUR));
    SHOW("preadv2 at 10", preadv2(a, iov, 2, 10, 0));
    SHOW("preadv2 bad flag", preadv2(a, iov, 2, 0, 0x1000));
    SHOW("pwritev2 -1", pwritev2(b, iov, 1, -1, 0));
    SHOW("FIONREAD", ioctl(a, FIONREAD, &(int){0}));
    int n = -1; ioctl(a, FIONREAD, &n); printf("  avail %d\n", n);
    SHOW("FIOCLEX", ioctl(a, FIOCLEX));
    printf("  FD_CLOEXEC %d\n", fcntl(a, F_GETFD));
    SHOW("FIONCLEX", ioctl(a, FIONCLEX));
    printf("  FD_CLOEXEC %d\n", fcntl(a, F_GETFD));
    SHOW("getxattr user.none", getxattr("data", "user.none", buf, sizeof buf));
    SHOW("getxattr missing file", getxattr("nope", "user.none", buf, sizeof buf));
    SHOW("fgetxattr bad fd", fgetxattr(999, "user.none", buf, sizeof buf));
    int hi = dup2(a, 50); dup2(a, 51); dup2(a, 53);
    SHOW("close_range cloexec", syscall(SYS_close_range, 50, 51, CLOSE_RANGE_CLOEXEC));
    printf("  50 cloexec %d, 53 cloexec %d\n", fcntl(hi, F_GETFD), fcntl(53, F_GETFD));
    SHOW("close_range 50..~0", syscall(SYS_close_range, 50, ~0U, 0));
    printf("  50 open %d, 53 open %d\n", fcntl(50, F_GETFD) >= 0, fcntl(53, F_GETFD) >= 0);
    SHOW("close_range bad", syscall(SYS_close_range, 5, 4, 0));
    SHOW("close_range bad flags", syscall(SYS_close_range, 5, 6, 8));
    close(a); close(b); close(r); close(out);
    unlink("data"); unlink("copy");
    chdir("/");
    printf("cleanup: %d\n", rmdir(dir) == 0);
    return 0;
}
