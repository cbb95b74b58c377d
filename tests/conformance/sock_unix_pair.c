// Checks AF_UNIX socketpairs: stream, dgram and seqpacket data, MSG_PEEK/TRUNC/WAITALL/DONTWAIT, shutdown, EPIPE+SIGPIPE, ECONNRESET, poll masks, FIONREAD, SO_* options, fstat and /proc/self/fd.
// expect: exit 0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int pipes;
static void onpipe(int s) { (void)s; pipes++; }

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%-52s = %ld %s\n", #x, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

static int pollmask(int fd, short ev) {
  struct pollfd p = {fd, ev, 0};
  poll(&p, 1, 0);
  return p.revents;
}

int main(void) {
  signal(SIGPIPE, onpipe);
  int sv[2];
  char buf[256];

  // ---- stream ----
  R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  struct stat st;
  fstat(sv[0], &st);
  printf("S_ISSOCK=%d perm=%o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
  char link[64], lp[64];
  snprintf(lp, sizeof lp, "/proc/self/fd/%d", sv[0]);
  ssize_t ln = readlink(lp, link, sizeof link - 1);
  link[ln > 0 ? ln : 0] = 0;
  printf("fd link starts socket:[ %d\n", strncmp(link, "socket:[", 8) == 0);
  R(open(lp, O_RDWR));
  printf("fresh poll %#x\n", pollmask(sv[0], POLLIN | POLLOUT | POLLRDHUP));
  R(write(sv[0], "hello", 5));
  R(send(sv[0], " world", 6, 0));
  int n = 0;
  R(ioctl(sv[1], FIONREAD, &n));
  printf("FIONREAD %d\n", n);
  printf("poll with data %#x\n", pollmask(sv[1], POLLIN | POLLOUT));
  R(recv(sv[1], buf, 3, MSG_PEEK));
  R(recv(sv[1], buf, sizeof buf, 0));
  buf[11] = 0;
  printf("got '%s'\n", buf);
  R(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
  R(lseek(sv[0], 0, SEEK_SET));
  R(pread(sv[1], buf, 1, 0));
  // MSG_WAITALL: a child writes in three parts
  if (fork() == 0) {
    for (int i = 0; i < 3; i++) { usleep(20000); write(sv[0], "abcd", 4); }
    _exit(0);
  }
  R(recv(sv[1], buf, 12, MSG_WAITALL));
  buf[12] = 0;
  printf("waitall '%s'\n", buf);
  wait(NULL);
  // readv/writev
  struct iovec iv[2] = {{"ab", 2}, {"cde", 3}};
  R(writev(sv[1], iv, 2));
  char x1[2], x2[8];
  struct iovec ov[2] = {{x1, 2}, {x2, 8}};
  R(readv(sv[0], ov, 2));
  printf("readv '%.2s' '%.3s'\n", x1, x2);
  // shutdown
  R(shutdown(sv[0], SHUT_WR));
  printf("after peer SHUT_WR: reader %#x writer %#x\n", pollmask(sv[1], POLLIN | POLLOUT | POLLRDHUP), pollmask(sv[0], POLLIN | POLLOUT | POLLRDHUP));
  R(recv(sv[1], buf, sizeof buf, 0));
  R(send(sv[0], "x", 1, 0));
  printf("pipes=%d\n", pipes);
  R(send(sv[0], "x", 1, MSG_NOSIGNAL));
  printf("pipes=%d\n", pipes);
  R(send(sv[1], "back", 4, 0));
  R(recv(sv[0], buf, sizeof buf, 0));
  R(shutdown(sv[0], 9));
  R(shutdown(sv[0], SHUT_RDWR));
  printf("after SHUT_RDWR %#x\n", pollmask(sv[0], POLLIN | POLLOUT | POLLRDHUP));
  close(sv[0]);
  close(sv[1]);

  // close with unread data: ECONNRESET once, then EOF
  R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  send(sv[1], "unread", 6, 0);
  send(sv[0], "q", 1, 0);
  close(sv[0]);
  printf("peer closed %#x\n", pollmask(sv[1], POLLIN | POLLOUT | POLLRDHUP));
  R(recv(sv[1], buf, sizeof buf, 0));
  R(recv(sv[1], buf, sizeof buf, 0));
  R(recv(sv[1], buf, sizeof buf, 0));
  R(write(sv[1], "z", 1));
  printf("pipes=%d\n", pipes);
  close(sv[1]);

  // options
  R(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
  printf("flags nonblock=%d cloexec=%d\n", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0, fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
  int v;
  socklen_t l = sizeof v;
  getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l);
  printf("SO_TYPE %d len %d\n", v, l);
  getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &l);
  printf("SO_DOMAIN %d\n", v);
  getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &l);
  printf("SO_PROTOCOL %d\n", v);
  getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &l);
  printf("SO_ACCEPTCONN %d\n", v);
  getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l);
  printf("SO_SNDBUF default %d\n", v);
  v = 6000;
  R(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
  getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l);
  printf("SO_SNDBUF after 6000: %d\n", v);
  v = 100;
  R(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
  getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &l);
  printf("SO_RCVBUF after 100: %d\n", v);
  R(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, 2));
  R(setsockopt(sv[0], SOL_SOCKET, 12345, &v, sizeof v));
  R(getsockopt(sv[0], SOL_SOCKET, 12345, &v, &l));
  R(setsockopt(sv[0], 6 /* TCP */, 1, &v, sizeof v));
  short sh = 0;
  l = sizeof sh;
  R(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &sh, &l));
  printf("short SO_TYPE %d len %d\n", sh, l);
  struct ucred uc;
  l = sizeof uc;
  getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &l);
  printf("SO_PEERCRED pid=self %d uid=%d len %d\n", uc.pid == getpid(), uc.uid == getuid(), l);
  struct linger lg = {1, 5};
  R(setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  memset(&lg, 0, sizeof lg);
  l = sizeof lg;
  getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, &l);
  printf("SO_LINGER %d %d\n", lg.l_onoff, lg.l_linger);
  struct timeval tv = {0, 50000};
  R(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  tv.tv_usec = 2000000;
  R(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  memset(&tv, 0, sizeof tv);
  l = sizeof tv;
  getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, &l);
  printf("SO_RCVTIMEO %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
  int fl = fcntl(sv[1], F_GETFL);
  fcntl(sv[1], F_SETFL, fl & ~O_NONBLOCK);
  R(recv(sv[1], buf, 1, 0)); // times out: EAGAIN
  // fill the buffer: EAGAIN, then POLLOUT comes back once a reader drains
  int total = 0, k;
  memset(buf, 'f', sizeof buf);
  while ((k = send(sv[0], buf, sizeof buf, 0)) > 0) total += k;
  printf("filled: %d errno %s, poll %#x\n", total > 0, strerror(errno), pollmask(sv[0], POLLOUT));
  int drained = 0;
  while ((k = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT)) > 0) drained += k;
  printf("drained all %d, poll %#x\n", drained == total, pollmask(sv[0], POLLOUT));
  close(sv[0]);
  close(sv[1]);

  // a blocking writer waits for a slow reader (a child)
  R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  pid_t c = fork();
  if (c == 0) {
    close(sv[0]);
    long got = 0;
    unsigned sum = 0;
    char b[4096];
    ssize_t m;
    usleep(50000);
    while ((m = read(sv[1], b, sizeof b)) > 0) {
      for (ssize_t i = 0; i < m; i++) sum += (unsigned char)b[i];
      got += m;
    }
    _exit(got == 1000000 && sum == 1000000u * 7 ? 0 : 1);
  }
  close(sv[1]);
  char *big = malloc(1000000);
  memset(big, 7, 1000000);
  R(write(sv[0], big, 1000000));
  close(sv[0]);
  int status;
  waitpid(c, &status, 0);
  printf("child read it all: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // ---- datagram ----
  R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  printf("dgram fresh poll %#x\n", pollmask(sv[0], POLLIN | POLLOUT));
  R(send(sv[0], "one", 3, 0));
  R(send(sv[0], "", 0, 0));
  R(send(sv[0], "three33", 7, 0));
  R(ioctl(sv[1], FIONREAD, &n));
  printf("FIONREAD %d\n", n);
  R(recv(sv[1], buf, sizeof buf, 0));
  R(recv(sv[1], buf, sizeof buf, 0));
  struct msghdr mh = {0};
  struct iovec io = {buf, 4};
  mh.msg_iov = &io;
  mh.msg_iovlen = 1;
  R(recvmsg(sv[1], &mh, MSG_PEEK));
  printf("msg_flags trunc %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
  R(recv(sv[1], buf, 2, MSG_TRUNC));
  R(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
  R(shutdown(sv[1], SHUT_RD));
  R(recv(sv[1], buf, sizeof buf, 0));
  close(sv[1]);
  R(send(sv[0], "x", 1, 0));
  R(send(sv[0], "x", 1, 0));
  close(sv[0]);

  // ---- seqpacket ----
  R(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  R(send(sv[0], "record-one", 10, 0));
  R(send(sv[0], "r2", 2, 0));
  R(recv(sv[1], buf, 6, 0));
  R(recv(sv[1], buf, sizeof buf, 0));
  close(sv[0]);
  printf("seqpacket peer closed %#x\n", pollmask(sv[1], POLLIN | POLLOUT | POLLRDHUP));
  R(recv(sv[1], buf, sizeof buf, 0));
  R(send(sv[1], "x", 1, 0));
  printf("pipes=%d\n", pipes);
  close(sv[1]);

  R(socketpair(AF_INET, SOCK_STREAM, 0, sv));
  R(socketpair(AF_UNIX, 77, 0, sv));
  R(socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
  int plain = open("plain.txt", O_CREAT | O_RDWR, 0600);
  R(getsockopt(plain, SOL_SOCKET, SO_TYPE, &v, &l));
  R(send(plain, "x", 1, 0));
  R(getsockopt(99, SOL_SOCKET, SO_TYPE, &v, &l));
  close(plain);
  unlink("plain.txt");
  return 0;
}
