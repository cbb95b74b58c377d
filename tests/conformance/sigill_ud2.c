// Checks that executing ud2 (via __builtin_trap) kills the process with SIGILL.
// expect: signal SIGILL
#include <stdio.h>

int main(int argc, char **argv) {
    (void)argv;
    printf("about to trap\n");
    fflush(stdout);
    if (argc > 0) __builtin_trap();
    printf("not reached\n");
    return 0;
}
