// Checks that exit(255) flushes buffered stdout (no trailing newline) and yields exit status 255.
// expect: exit 255
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("line one\n");
    printf("about to call exit(255) with unflushed text");
    exit(255);
}
