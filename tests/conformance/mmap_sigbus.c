// A file mapping longer than the file: the partial last page reads zeros past EOF, the page wholly past EOF raises SIGBUS (BUS_ADRERR, si_addr the address); growing the file makes it readable.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static char *volatile want;
static void onbus(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  printf("signal %d code %d addr-ok %d\n", sig, si->si_code, (char *)si->si_addr == want);
  siglongjmp(jb, 1);
}

int main(void) {
  int fd = open("short.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789", 10);
  char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = onbus;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, NULL);
  printf("first page: %.10s then %d\n", m, m[100]);
  want = m + 4096 + 5;
  if (sigsetjmp(jb, 1) == 0) printf("read %d (no signal)\n", m[4096 + 5]);
  want = m + 2 * 4096;
  if (sigsetjmp(jb, 1) == 0) { m[2 * 4096] = 1; printf("stored (no signal)\n"); }
  ftruncate(fd, 2 * 4096);
  printf("after growing: %d\n", m[4096 + 5]);
  m[4096 + 6] = 'x';
  char c = 0;
  pread(fd, &c, 1, 4096 + 6);
  printf("file sees '%c'\n", c);
  want = m + 2 * 4096 + 8;
  if (sigsetjmp(jb, 1) == 0) printf("read %d (no signal)\n", m[2 * 4096 + 8]);
  char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4 * 4096);
  want = p;
  if (sigsetjmp(jb, 1) == 0) printf("private read %d (no signal)\n", p[0]);
  unlink("short.dat");
  return 0;
}
