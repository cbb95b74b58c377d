// Checks file I/O in a mkdtemp directory: open/write/read/lseek/pread/pwrite/fstat/ftruncate/dup/O_APPEND/unlink.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { printf("FAILED: %s (line %d, errno %s)\n", #c, __LINE__, strerrorname_np(errno)); return 1; } } while (0)

int main(void) {
    umask(022);
    char dir[] = "/tmp/rustos-conf-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chdir(dir) == 0);
    int fd = open("data.bin", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    char buf[8192];
    for (int i = 0; i < 8192; i++) buf[i] = (char)(i * 7 + 3);
    CHECK(write(fd, buf, 8192) == 8192);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size=%lld reg=%d mode=%o nlink=%lu\n", (long long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 0777, (unsigned long)st.st_nlink);
    long long cur = (long long)lseek(fd, 0, SEEK_CUR);
    long long end = (long long)lseek(fd, -100, SEEK_END);
    long long set = (long long)lseek(fd, 10, SEEK_SET);
    printf("lseek cur=%lld end-100=%lld set=%lld\n", cur, end, set);
    char rb[16];
    CHECK(read(fd, rb, 16) == 16);
    printf("read at 10: %d %d ... %d ok=%d\n", rb[0], rb[1], rb[15], memcmp(rb, buf + 10, 16) == 0);
    CHECK(pwrite(fd, "HELLO", 5, 4000) == 5);
    CHECK(pread(fd, rb, 7, 3999) == 7);
    printf("pread: %02x [%.5s] %02x pos still %lld\n", (unsigned char)rb[0], rb + 1, (unsigned char)rb[6], (long long)lseek(fd, 0, SEEK_CUR));
    /* hole: seek past end and write */
    CHECK(lseek(fd, 20000, SEEK_SET) == 20000);
    CHECK(write(fd, "X", 1) == 1);
    CHECK(pread(fd, rb, 4, 10000) == 4);
    printf("hole bytes zero=%d size=%lld\n", rb[0] == 0 && rb[3] == 0, (long long)lseek(fd, 0, SEEK_END));
    CHECK(ftruncate(fd, 100) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("after ftruncate size=%lld read at end=%zd\n", (long long)st.st_size, pread(fd, rb, 10, 100));
    int fd2 = dup(fd);
    CHECK(fd2 > fd);
    CHECK(lseek(fd2, 50, SEEK_SET) == 50);
    printf("dup shares offset: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(dup2(fd2, 20) == 20);
    CHECK(close(fd2) == 0 && close(20) == 0 && close(fd) == 0);
    CHECK(close(fd) == -1);
    printf("double close errno=%s\n", strerrorname_np(errno));
    fd = open("log.txt", O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, "one\n", 4) == 4);
    lseek(fd, 0, SEEK_SET);
    CHECK(write(fd, "two\n", 4) == 4);
    close(fd);
    FILE *f = fopen("log.txt", "r");
    CHECK(f != NULL);
    char line[64]; int n = 0;
    while (fgets(line, sizeof line, f)) printf("log line %d: %s", ++n, line);
    fclose(f);
    CHECK(stat("log.txt", &st) == 0);
    printf("log mode=%o size=%lld\n", st.st_mode & 0777, (long long)st.st_size);
    f = fopen("stdio.txt", "w+");
    for (int i = 0; i < 1000; i++) fprintf(f, "%d,", i);
    rewind(f);
    int sum = 0, v;
    while (fscanf(f, "%d,", &v) == 1) sum += v;
    printf("stdio sum=%d ftell=%ld\n", sum, ftell(f));
    fclose(f);
    CHECK(open("missing", O_RDONLY) == -1);
    printf("open missing: %s (%s)\n", strerrorname_np(errno), strerror(errno));
    CHECK(open("data.bin", O_RDWR | O_CREAT | O_EXCL, 0644) == -1);
    printf("O_EXCL existing: %s\n", strerrorname_np(errno));
    printf("access R_OK=%d F_OK=%d\n", access("data.bin", R_OK), access("data.bin", F_OK));
    CHECK(unlink("data.bin") == 0 && unlink("log.txt") == 0 && unlink("stdio.txt") == 0);
    CHECK(unlink("data.bin") == -1);
    printf("unlink again: %s\n", strerrorname_np(errno));
    CHECK(chdir("/") == 0);
    CHECK(rmdir(dir) == 0);
    printf("done\n");
    return 0;
}
