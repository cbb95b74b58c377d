// splice, tee and vmsplice: file<->pipe with and without offsets (offsets written back, file positions), pipe->pipe, Linux's EINVAL/ESPIPE/EBADF cases, SPLICE_F_NONBLOCK and O_NONBLOCK, waiting for data and for room, EOF, EPIPE/SIGPIPE; tee duplicating without consuming; vmsplice both ways.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include <sys/wait.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %ld\n", what, r);
}

static void drain(const char *what, int fd) {
  char buf[256];
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  ssize_t n = read(fd, buf, sizeof buf);
  fcntl(fd, F_SETFL, fl);
  if (n < 0) printf("%s: read -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd [%.*s]\n", what, n, (int)n, buf);
}

static void on_pipe(int s) { (void)s; printf("SIGPIPE\n"); }

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  char dir[] = "/tmp/rustos-conf-XXXXXX";
  mkdtemp(dir);
  char path[64], path2[64];
  snprintf(path, sizeof path, "%s/f", dir);
  snprintf(path2, sizeof path2, "%s/g", dir);
  int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  write(f, "0123456789abcdefghij", 20);
  lseek(f, 0, SEEK_SET);
  int p[2], q[2];
  pipe(p);
  pipe(q);

  // file -> pipe, with the file position and with an offset.
  show("file->pipe 5 (position)", splice(f, 0, p[1], 0, 5, 0));
  printf("file position: %ld\n", (long)lseek(f, 0, SEEK_CUR));
  loff_t off = 12;
  show("file->pipe 4 at off 12", splice(f, &off, p[1], 0, 4, 0));
  printf("off now %ld, file position still %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
  off = 18;
  show("file->pipe 10 at off 18 (2 left)", splice(f, &off, p[1], 0, 10, 0));
  off = 20;
  show("file->pipe at EOF", splice(f, &off, p[1], 0, 10, 0));
  printf("off at EOF %ld\n", (long)off);
  off = -1;
  show("file->pipe off -1", splice(f, &off, p[1], 0, 10, 0));
  drain("pipe", p[0]);

  // pipe -> file.
  int g = open(path2, O_RDWR | O_CREAT | O_TRUNC, 0600);
  write(p[1], "hello world", 11);
  show("pipe->file 5 (position)", splice(p[0], 0, g, 0, 5, 0));
  printf("g position: %ld\n", (long)lseek(g, 0, SEEK_CUR));
  off = 100;
  show("pipe->file rest at off 100", splice(p[0], 0, g, &off, 64, 0));
  printf("off now %ld\n", (long)off);
  struct stat { char pad[256]; };
  printf("g size: %ld\n", (long)lseek(g, 0, SEEK_END));
  char buf[128];
  memset(buf, 0, sizeof buf);
  pread(g, buf, 5, 0);
  printf("g[0..5]=%s ", buf);
  pread(g, buf, 6, 100);
  printf("g[100..106]=%.6s\n", buf);

  // Errors in Linux's order.
  show("len 0 (even with bad fds)", splice(-1, 0, -1, 0, 0, 0));
  show("bad flags", splice(p[0], 0, g, 0, 1, 0x10));
  show("bad fd in", splice(99, 0, g, 0, 1, 0));
  show("bad fd out", splice(p[0], 0, 99, 0, 1, 0));
  off = 0;
  show("offset on pipe in", splice(p[0], &off, g, 0, 1, 0));
  show("offset on pipe out", splice(f, 0, p[1], &off, 1, 0));
  show("neither is a pipe", splice(f, 0, g, 0, 1, 0));
  show("pipe to itself", splice(p[0], 0, p[1], 0, 1, 0));
  show("read end as output", splice(f, 0, p[0], 0, 1, 0));
  show("write end as input", splice(p[1], 0, g, 0, 1, 0));
  show("offset pointer bad", splice(f, (loff_t *)8, p[1], 0, 1, 0));
  int ro = open(path, O_RDONLY);
  write(p[1], "x", 1);
  show("to a read-only file", splice(p[0], 0, ro, 0, 1, 0));
  int ap = open(path2, O_WRONLY | O_APPEND);
  show("to an O_APPEND file", splice(p[0], 0, ap, 0, 1, 0));
  int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
  show("from a directory", splice(dirfd, 0, p[1], 0, 1, 0));
  drain("pipe", p[0]);

  // Nonblocking: SPLICE_F_NONBLOCK or O_NONBLOCK on the pipe.
  show("empty pipe, SPLICE_F_NONBLOCK", splice(p[0], 0, g, 0, 1, SPLICE_F_NONBLOCK));
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  show("empty pipe, O_NONBLOCK", splice(p[0], 0, g, 0, 1, 0));
  fcntl(p[0], F_SETFL, 0);
  int big = fcntl(q[1], F_GETPIPE_SZ);
  char *fill = calloc(1, big);
  printf("filled q: %zd\n", write(q[1], fill, big));
  show("full pipe, SPLICE_F_NONBLOCK", splice(f, 0, q[1], 0, 1, SPLICE_F_NONBLOCK));
  write(p[1], "pp", 2);
  show("pipe->full pipe, SPLICE_F_NONBLOCK", splice(p[0], 0, q[1], 0, 2, SPLICE_F_NONBLOCK));
  drain("pipe", p[0]);

  // Waiting: a child frees room in q; another writes into p later.
  pid_t c = fork();
  if (c == 0) {
    usleep(30000);
    char b[4096];
    read(q[0], b, sizeof b);
    _exit(0);
  }
  lseek(f, 0, SEEK_SET);
  show("file->full pipe waits for room", splice(f, 0, q[1], 0, 3, 0));
  waitpid(c, 0, 0);
  char *sink = malloc(big);
  ssize_t got = read(q[0], sink, big);
  printf("q drained %zd, tail=[%.3s]\n", got, sink + got - 3);
  c = fork();
  if (c == 0) {
    usleep(30000);
    write(p[1], "late", 4);
    _exit(0);
  }
  show("pipe->pipe waits for data", splice(p[0], 0, q[1], 0, 100, 0));
  waitpid(c, 0, 0);
  drain("q", q[0]);

  // EOF and EPIPE.
  int e[2];
  pipe(e);
  close(e[1]);
  show("no writers: EOF", splice(e[0], 0, g, 0, 10, 0));
  show("no writers, pipe->pipe: EOF", splice(e[0], 0, q[1], 0, 10, 0));
  close(e[0]);
  pipe(e);
  close(e[0]);
  signal(SIGPIPE, on_pipe);
  show("no readers", splice(f, 0, e[1], 0, 1, 0));
  write(p[1], "z", 1);
  show("no readers, pipe->pipe", splice(p[0], 0, e[1], 0, 1, 0));
  drain("pipe kept its byte", p[0]);
  close(e[1]);

  // tee: the input keeps its data.
  write(p[1], "teedata", 7);
  show("tee 4", tee(p[0], q[1], 4, 0));
  drain("q after tee", q[0]);
  show("tee 100", tee(p[0], q[1], 100, 0));
  drain("q after tee", q[0]);
  drain("p after tee", p[0]);
  show("tee empty, SPLICE_F_NONBLOCK", tee(p[0], q[1], 4, SPLICE_F_NONBLOCK));
  show("tee same pipe", tee(p[0], p[1], 4, 0));
  show("tee from a file", tee(f, q[1], 4, 0));
  show("tee bad flags", tee(p[0], q[1], 4, 0x20));
  show("tee len 0", tee(p[0], q[1], 0, 0));
  show("tee bad fd", tee(99, q[1], 4, 0));
  show("tee wrong ends", tee(p[1], q[0], 4, 0));
  pipe(e);
  close(e[1]);
  show("tee from EOF", tee(e[0], q[1], 4, 0));
  close(e[0]);

  // vmsplice.
  char a1[] = "vm", a2[] = "splice";
  struct iovec iov[2] = { { a1, 2 }, { a2, 6 } };
  show("vmsplice to pipe", vmsplice(p[1], iov, 2, 0));
  char r1[3] = {0}, r2[10] = {0};
  struct iovec out[2] = { { r1, 3 }, { r2, 10 } };
  show("vmsplice from pipe", vmsplice(p[0], out, 2, 0));
  printf("got [%.3s][%s]\n", r1, r2);
  show("vmsplice empty, SPLICE_F_NONBLOCK", vmsplice(p[0], out, 2, SPLICE_F_NONBLOCK));
  show("vmsplice to a file", vmsplice(g, iov, 2, 0));
  show("vmsplice zero length", vmsplice(g, iov, 0, 0));
  show("vmsplice bad fd", vmsplice(99, iov, 2, 0));
  show("vmsplice bad flags", vmsplice(p[1], iov, 2, 0x40));
  show("vmsplice too many segments", vmsplice(p[1], iov, 1025, 0));
  struct iovec badv = { (void *)8, 4 };
  show("vmsplice from bad memory", vmsplice(p[1], &badv, 1, 0));
  write(q[1], "full", 4);
  show("vmsplice full pipe, SPLICE_F_NONBLOCK", vmsplice(q[1], iov, 2, SPLICE_F_NONBLOCK) >= 0 ? 0 : -1);
  drain("q", q[0]);
  pipe(e);
  close(e[1]);
  show("vmsplice from EOF", vmsplice(e[0], out, 2, 0));
  close(e[0]);

  unlink(path);
  unlink(path2);
  rmdir(dir);
  return 0;
}
