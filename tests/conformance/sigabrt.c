// Checks that abort() (rt_sigprocmask + tgkill/raise) kills the process with SIGABRT and stdio unflushed output is lost.
// expect: signal SIGABRT
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("calling abort\n");
    fflush(stdout);
    fprintf(stderr, "stderr before abort\n");
    printf("this buffered line is not flushed by abort\n");
    abort();
}
