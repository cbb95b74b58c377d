// Checks that returning 42 from main runs atexit handlers in reverse order and yields exit status 42.
// expect: exit 42
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit first-registered runs last\n"); }
static void second(void) { printf("atexit second-registered runs first\n"); }

int main(void) {
    atexit(first);
    atexit(second);
    printf("returning 42 from main");
    return 42;
}
