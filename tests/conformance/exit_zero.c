// Checks that exit(0) flushes buffered stdout (no trailing newline) and yields exit status 0.
// expect: exit 0
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("line one\n");
    printf("about to call exit(0) with unflushed text");
    exit(0);
}
