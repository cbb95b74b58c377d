// Checks writing to both stdout and stderr via stdio and raw write(2); each stream is compared separately.
// expect: exit 5
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    for (int i = 0; i < 5; i++) {
        printf("stdout line %d\n", i);
        fprintf(stderr, "stderr line %d\n", i);
    }
    fputs("fputs to stderr\n", stderr);
    const char *raw = "raw write to fd 2\n";
    if (write(2, raw, strlen(raw)) != (ssize_t)strlen(raw)) return 1;
    fflush(stdout);
    if (write(1, "raw write to fd 1\n", 18) != 18) return 1;
    perror("perror with errno 0");
    setvbuf(stderr, NULL, _IOFBF, 1024);
    fprintf(stderr, "fully buffered stderr, flushed at exit\n");
    printf("last stdout line without newline");
    return 5;
}
