// Checks process identity calls as booleans (getpid/getppid/getuid/getgid/gettid) and uname sysname/machine.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
    pid_t pid = getpid();
    printf("getpid>0: %d, stable: %d\n", pid > 0, getpid() == pid);
    printf("getppid>0: %d, differs from pid: %d\n", getppid() > 0, getppid() != pid);
    printf("gettid==getpid (single thread): %d\n", gettid() == pid);
    printf("uid==euid: %d gid==egid: %d\n", getuid() == geteuid(), getgid() == getegid());
    printf("getpgrp>0: %d getsid>0: %d\n", getpgrp() > 0, getsid(0) > 0);
    struct utsname u;
    if (uname(&u) != 0) { perror("uname"); return 1; }
    printf("sysname=%s machine=%s\n", u.sysname, u.machine);
    printf("release nonempty: %d nodename nonempty: %d\n", u.release[0] != 0, u.nodename[0] != 0);
    struct rlimit rl;
    printf("getrlimit(RLIMIT_STACK) ok: %d\n", getrlimit(RLIMIT_STACK, &rl) == 0);
    printf("sysconf(_SC_PAGESIZE)=%ld _SC_CLK_TCK=%ld\n", sysconf(_SC_PAGESIZE), sysconf(_SC_CLK_TCK));
    printf("isatty(0)=%d isatty(1)=%d\n", isatty(0), isatty(1));
    return 0;
}
