// Checks named pipes: mkfifo, O_NONBLOCK writer without a reader (ENXIO), a writer child and a reader parent meeting through the FIFO, EOF after the writer closes.
// expect: exit 0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  char dir[] = "/tmp/fifoXXXXXX"; mkdtemp(dir);
  char path[64]; snprintf(path, sizeof path, "%s/f", dir);
  printf("mkfifo=%d\n", mkfifo(path, 0600));
  printf("nonblock writer without reader: %d\n", open(path, O_WRONLY | O_NONBLOCK) == -1);
  if (fork() == 0) { int w = open(path, O_WRONLY); write(w, "through the fifo\n", 17); close(w); _exit(0); }
  int r = open(path, O_RDONLY);
  char buf[64]; int n = read(r, buf, sizeof buf); buf[n > 0 ? n : 0] = 0;
  printf("read: %s", buf);
  printf("eof: %d\n", (int)read(r, buf, sizeof buf));
  wait(0); close(r); unlink(path); rmdir(dir);
  struct stat st; printf("gone: %d\n", stat(path, &st) == -1);
  return 0;
}
