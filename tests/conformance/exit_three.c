// Checks that exit(3) flushes buffered stdout (no trailing newline) and yields exit status 3.
// expect: exit 3
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("line one\n");
    printf("about to call exit(3) with unflushed text");
    exit(3);
}
