// Checks procfs (/proc/self links, fd/, status, stat, cmdline, environ, maps, mounts, limits, sys/kernel, cpuinfo vs sysconf) and devfs (null, zero, full, urandom, stdin links, fd/).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

static char buf[65536];

static long slurp(const char *p) {
    int fd = open(p, O_RDONLY);
    if (fd < 0) return -errno;
    long n = 0, r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += r;
    buf[n] = 0;
    close(fd);
    return n;
}

static void link_eq(const char *p, const char *want) {
    char t[PATH_MAX] = {0};
    ssize_t n = readlink(p, t, sizeof t - 1);
    printf("%s -> %s\n", p, n < 0 ? strerrorname_np(errno) : strcmp(t, want) == 0 ? "(as expected)" : t);
}

int main(int argc, char **argv) {
    char cwd[PATH_MAX], exe[PATH_MAX];
    getcwd(cwd, sizeof cwd);
    realpath(argv[0], exe);
    link_eq("/proc/self/exe", exe);
    link_eq("/proc/self/cwd", cwd);
    link_eq("/proc/self/root", "/");
    char self[32]; snprintf(self, sizeof self, "%d", getpid());
    link_eq("/proc/self", self);
    link_eq("/dev/stdin", "/proc/self/fd/0");
    link_eq("/dev/stderr", "/proc/self/fd/2");
    link_eq("/dev/fd", "/proc/self/fd");
    struct stat a, b;
    printf("stat /proc/self/root/.. == stat /: %d\n", stat("/proc/self/root/..", &a) == 0 && stat("/", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    printf("/proc/self/root/etc == /etc: %d\n", stat("/proc/self/root/etc", &a) == 0 && stat("/etc", &b) == 0 && a.st_ino == b.st_ino);

    char dir[] = "/tmp/rustos-conf-XXXXXX";
    mkdtemp(dir);
    char file[PATH_MAX]; snprintf(file, sizeof file, "%s/f", dir);
    int fd = open(file, O_RDWR | O_CREAT, 0644);
    char fdp[64]; snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", fd);
    link_eq(fdp, file);
    int fd2 = open(fdp, O_RDONLY);
    printf("reopen via /proc/self/fd: %d\n", fd2 >= 0);
    (void)!write(fd, "xyz", 3);
    printf("read via reopened: %ld\n", (long)read(fd2, buf, 10));
    char info[64]; snprintf(info, sizeof info, "/proc/self/fdinfo/%d", fd2);
    slurp(info);
    printf("fdinfo pos/flags: %.*s", (int)(strstr(buf, "mnt_id") - buf), buf);
    DIR *d = opendir("/proc/self/fd");
    int seen = 0; struct dirent *e;
    while ((e = readdir(d))) if (atoi(e->d_name) == fd) seen = 1;
    closedir(d);
    printf("fd listed in /proc/self/fd: %d\n", seen);
    close(fd2); close(fd); unlink(file); rmdir(dir);

    slurp("/proc/self/status");
    char *p = strstr(buf, "Name:\t"); printf("%.*s\n", (int)strcspn(p, "\n"), p);
    char pidline[64]; snprintf(pidline, sizeof pidline, "\nPid:\t%d\n", getpid());
    printf("status Pid matches: %d\n", strstr(buf, pidline) != NULL);
    printf("status has Umask 0022: %d\n", strstr(buf, "Umask:\t0022") != NULL);
    printf("status has VmSize: %d\n", strstr(buf, "\nVmSize:") != NULL);
    slurp("/proc/self/stat");
    int pid; char comm[64], state;
    sscanf(buf, "%d (%63[^)]) %c", &pid, comm, &state);
    printf("stat pid ok %d comm %s state %c\n", pid == getpid(), comm, state);
    long n = slurp("/proc/self/cmdline");
    long want = 0; for (int i = 0; i < argc; i++) want += strlen(argv[i]) + 1;
    printf("cmdline length ok %d, argv[1] %s\n", n == want, buf + strlen(buf) + 1);
    n = slurp("/proc/self/environ");
    int found = 0; for (long i = 0; i < n; i += strlen(buf + i) + 1) if (!strcmp(buf + i, "CONF_VAR=conformance")) found = 1;
    printf("environ has CONF_VAR: %d\n", found);
    slurp("/proc/self/maps");
    printf("maps names the program: %d, has [stack]: %d\n", strstr(buf, exe) != NULL, strstr(buf, "[stack]") != NULL);
    unsigned long lo, hi; char perms[5];
    sscanf(buf, "%lx-%lx %4s", &lo, &hi, perms);
    printf("first map start<end %d, perms field %zu chars\n", lo < hi, strlen(perms));
    slurp("/proc/self/limits");
    printf("%.*s\n", (int)strcspn(buf, "\n"), buf);
    slurp("/proc/self/mounts");
    printf("mounts has /proc: %d\n", strstr(buf, " /proc proc ") != NULL);
    slurp("/proc/sys/kernel/ostype"); printf("ostype %s", buf);
    struct utsname u; uname(&u);
    slurp("/proc/sys/kernel/osrelease"); printf("osrelease matches uname: %d\n", strncmp(buf, u.release, strlen(u.release)) == 0);
    slurp("/proc/sys/kernel/random/boot_id"); printf("boot_id length %zu\n", strlen(buf));
    char id1[64]; strcpy(id1, buf); slurp("/proc/sys/kernel/random/boot_id"); printf("boot_id stable %d\n", !strcmp(id1, buf));
    slurp("/proc/sys/kernel/pid_max"); printf("pid_max > 0: %d\n", atol(buf) > 0);
    slurp("/proc/filesystems"); printf("filesystems has proc: %d\n", strstr(buf, "\tproc\n") != NULL);
    slurp("/proc/uptime"); printf("uptime > 0: %d\n", atof(buf) > 0);
    slurp("/proc/loadavg"); printf("loadavg fields: %d\n", sscanf(buf, "%*f %*f %*f %*d/%*d %*d") == 0);
    slurp("/proc/meminfo"); printf("meminfo starts MemTotal: %d\n", strncmp(buf, "MemTotal:", 9) == 0);
    slurp("/proc/version"); printf("version starts Linux version: %d\n", strncmp(buf, "Linux version ", 14) == 0);
    slurp("/proc/cpuinfo");
    int cpus = 0; for (char *q = buf; (q = strstr(q, "processor\t:")); q++) cpus++;
    printf("cpuinfo processors == sysconf online: %d\n", cpus == sysconf(_SC_NPROCESSORS_ONLN));
    printf("cpuinfo has flags with fpu: %d\n", strstr(buf, "flags\t\t: fpu") != NULL);
    slurp("/proc/stat"); printf("stat starts cpu: %d\n", strncmp(buf, "cpu ", 4) == 0);
    printf("/sys online readable: %d\n", slurp("/sys/devices/system/cpu/online") > 0);
    printf("open /proc/nonexistent: %s\n", strerrorname_np(-slurp("/proc/nonexistent")));

    fd = open("/dev/null", O_RDWR);
    printf("null: write %ld read %ld\n", (long)write(fd, "abc", 3), (long)read(fd, buf, 10));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 16);
    long got = read(fd, buf, 16);
    printf("zero: read %ld, zeroed %d\n", got, buf[0] == 0 && buf[15] == 0);
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    errno = 0;
    got = write(fd, "a", 1);
    printf("full: write %ld %s\n", got, strerrorname_np(errno));
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    printf("urandom: read %ld\n", (long)read(fd, buf, 32));
    close(fd);
    stat("/dev/null", &a);
    printf("/dev/null is chr 1:3: %d\n", S_ISCHR(a.st_mode) && major(a.st_rdev) == 1 && minor(a.st_rdev) == 3);
    printf("/dev/shm is dir: %d\n", stat("/dev/shm", &a) == 0 && S_ISDIR(a.st_mode));
    fd = open("/dev/shm/rustos-conf-shm", O_RDWR | O_CREAT | O_EXCL, 0600);
    printf("/dev/shm create %d write %ld\n", fd >= 0, (long)write(fd, "shm", 3));
    close(fd);
    printf("/dev/shm unlink %d\n", unlink("/dev/shm/rustos-conf-shm") == 0);
    return 0;
}
