// Checks fork, pipes between processes, waitpid statuses (exit code, killed by signal), vfork+execve of ourselves, and reaping 20 children.
// expect: exit 0
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return 3;
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t p = fork();
    if (p == 0) {
        close(fds[0]);
        const char *m = "hello from child\n";
        write(fds[1], m, strlen(m));
        _exit(7);
    }
    close(fds[1]);
    char buf[100];
    int n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("parent read: %s", buf);
    printf("read at eof: %d\n", (int)read(fds[0], buf, sizeof buf));
    int st;
    pid_t w = waitpid(p, &st, 0);
    printf("waited same=%d exited=%d code=%d\n", w == p, WIFEXITED(st), WEXITSTATUS(st));
    p = fork();
    if (p == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    waitpid(p, &st, 0);
    printf("signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
    p = vfork();
    if (p == 0) {
        execl(argv[0], argv[0], "child", (char *)0);
        _exit(99);
    }
    waitpid(p, &st, 0);
    printf("exec child exit=%d\n", WEXITSTATUS(st));
    int sum = 0;
    for (int i = 0; i < 20; i++)
        if (fork() == 0) _exit(i);
    while (wait(&st) > 0) sum += WEXITSTATUS(st);
    printf("sum of 20 children = %d, then wait says ECHILD: %d\n", sum, wait(&st) == -1);
    return 0;
}
