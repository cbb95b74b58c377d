// Checks directory operations in a mkdtemp dir: mkdir/rmdir/rename/getcwd/chdir/readdir/link/symlink/readlink and errno values.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { printf("FAILED: %s (line %d, errno %s)\n", #c, __LINE__, strerrorname_np(errno)); return 1; } } while (0)
static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void touch(const char *p) { int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644); if (fd >= 0) { (void)!write(fd, p, strlen(p)); close(fd); } }

static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s failed\n", path); return; }
    char *names[64]; int n = 0; struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmpstr);
    printf("%s:", path);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

int main(void) {
    umask(022);
    char dir[] = "/tmp/rustos-conf-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct stat st;
    CHECK(stat(dir, &st) == 0);
    printf("mkdtemp dir mode=%o isdir=%d\n", st.st_mode & 0777, S_ISDIR(st.st_mode));
    CHECK(chdir(dir) == 0);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("getcwd matches mkdtemp basename: %d\n", strcmp(strrchr(cwd, '/'), strrchr(dir, '/')) == 0);
    CHECK(mkdir("a", 0755) == 0);
    CHECK(mkdir("a/b", 0700) == 0);
    CHECK(mkdir("a", 0755) == -1);
    printf("mkdir existing: %s\n", strerrorname_np(errno));
    touch("a/file1"); touch("a/b/file2"); touch("top");
    list("."); list("a"); list("a/b");
    CHECK(chdir("a/b") == 0);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("cwd ends with /a/b: %d\n", strlen(cwd) > 4 && strcmp(cwd + strlen(cwd) - 4, "/a/b") == 0);
    CHECK(chdir("../..") == 0);
    CHECK(rename("top", "a/moved") == 0);
    CHECK(rename("a/b", "c") == 0);
    list("."); list("a"); list("c");
    CHECK(rmdir("c") == -1);
    printf("rmdir nonempty: %s\n", strerrorname_np(errno));
    CHECK(rmdir("a/moved") == -1);
    printf("rmdir file: %s\n", strerrorname_np(errno));
    CHECK(link("a/moved", "hard") == 0);
    CHECK(stat("hard", &st) == 0);
    printf("hard link nlink=%lu\n", (unsigned long)st.st_nlink);
    CHECK(symlink("a/moved", "sym") == 0);
    char tgt[256]; ssize_t tl = readlink("sym", tgt, sizeof tgt);
    CHECK(tl > 0);
    printf("readlink sym -> %.*s\n", (int)tl, tgt);
    CHECK(lstat("sym", &st) == 0);
    printf("lstat islnk=%d\n", S_ISLNK(st.st_mode));
    CHECK(stat("sym", &st) == 0);
    printf("stat via symlink isreg=%d size=%lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
    CHECK(chdir("nonexistent") == -1);
    printf("chdir missing: %s\n", strerrorname_np(errno));
    CHECK(unlink("sym") == 0 && unlink("hard") == 0 && unlink("a/moved") == 0 && unlink("a/file1") == 0);
    CHECK(unlink("c/file2") == 0 && rmdir("c") == 0 && rmdir("a") == 0);
    list(".");
    CHECK(chdir("/") == 0);
    CHECK(rmdir(dir) == 0);
    CHECK(stat(dir, &st) == -1 && errno == ENOENT);
    printf("cleaned up\n");
    return 0;
}
