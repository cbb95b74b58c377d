/* Shared by the terminal test programs. */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

/* Prints bytes with control characters escaped. */
__attribute__((unused)) static void show(const char *what, const char *buf, ssize_t n) {
  printf("%s %zd \"", what, n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = buf[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') putchar(c);
    else printf("\\x%02x", c);
  }
  printf("\"\n");
  fflush(stdout);
}

/*
 * Says the program is about to read the terminal. Natively a no-op; under rustos the first wish
 * for input (this poll) hands the host terminal to the kernel's line discipline, so what the test
 * types next is edited and echoed by it and not by the host's cooked mode.
 */
static void ready(const char *msg) {
  struct pollfd p = {0, POLLIN, 0};
  poll(&p, 1, 0);
  printf("%s\n", msg);
  fflush(stdout);
}
