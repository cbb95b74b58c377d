// cat-style copying without read/write: stdin to stdout through a pipe with splice, a child's pipe output spliced to stdout until EOF, a file sent to stdout with sendfile (position and offset forms).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/wait.h>

int main(void) {
  int p[2];
  pipe(p);
  long total = 0;
  for (;;) {
    ssize_t n = splice(0, 0, p[1], 0, 65536, 0);
    if (n < 0) { fprintf(stderr, "splice in: %s\n", strerrorname_np(errno)); return 1; }
    if (n == 0) break;
    while (n > 0) {
      ssize_t m = splice(p[0], 0, 1, 0, n, 0);
      if (m <= 0) { fprintf(stderr, "splice out: %s\n", strerrorname_np(errno)); return 1; }
      n -= m;
      total += m;
    }
  }
  fprintf(stderr, "stdin copied: %ld bytes\n", total);

  // A child writes 200 lines into a pipe; the parent splices them out until EOF.
  int c[2];
  pipe(c);
  pid_t pid = fork();
  if (pid == 0) {
    close(c[0]);
    char line[32];
    for (int i = 0; i < 200; i++) {
      int len = snprintf(line, sizeof line, "line %d\n", i);
      write(c[1], line, len);
    }
    _exit(0);
  }
  close(c[1]);
  total = 0;
  for (;;) {
    ssize_t n = splice(c[0], 0, 1, 0, 1 << 20, 0);
    if (n < 0) { fprintf(stderr, "splice child: %s\n", strerrorname_np(errno)); return 1; }
    if (n == 0) break;
    total += n;
  }
  waitpid(pid, 0, 0);
  fprintf(stderr, "child output copied: %ld bytes\n", total);

  char dir[] = "/tmp/rustos-conf-XXXXXX";
  mkdtemp(dir);
  char path[64];
  snprintf(path, sizeof path, "%s/data", dir);
  int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  for (int i = 0; i < 1000; i++) dprintf(f, "%04d abcdefghijklmnopqrstuvwxyz\n", i);
  lseek(f, 0, SEEK_SET);
  total = 0;
  for (;;) {
    ssize_t n = sendfile(1, f, 0, 8000);
    if (n < 0) { fprintf(stderr, "sendfile: %s\n", strerrorname_np(errno)); return 1; }
    if (n == 0) break;
    total += n;
  }
  fprintf(stderr, "sendfile copied: %ld bytes, position %ld\n", total, (long)lseek(f, 0, SEEK_CUR));
  off_t off = 31 * 990;
  ssize_t n = sendfile(1, f, &off, 1 << 20);
  fprintf(stderr, "sendfile at offset: %zd bytes, offset now %ld, position %ld\n", n, (long)off, (long)lseek(f, 0, SEEK_CUR));
  unlink(path);
  rmdir(dir);
  return 0;
}
