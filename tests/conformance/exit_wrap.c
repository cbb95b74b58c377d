// Checks that exit status is truncated to 8 bits (exit(256+7) -> 7) and that _exit skips stdio flushing.
// expect: exit 7
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
    printf("flushed line\n");
    fflush(stdout);
    printf("this unflushed text is lost by _exit\n");
    _exit(256 + 7);
}
