// Checks that MAP_SHARED|MAP_ANONYMOUS memory is shared with a forked child while MAP_PRIVATE memory is copied on write.
// expect: exit 0
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  int *sh = mmap(0, 8192, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0);
  int *pr = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
  sh[0] = 1; pr[0] = 1;
  if (fork() == 0) { sh[0] = 42; sh[1024] = 7; pr[0] = 99; _exit(0); }
  wait(0);
  printf("shared=%d second page=%d private=%d\n", sh[0], sh[1024], pr[0]);
  return 0;
}
