// Checks UDP on loopback: bind to port 0 + getsockname, sendto/recvfrom with addresses, connect/send/recv, MSG_PEEK/MSG_TRUNC, FIONREAD, poll, EDESTADDRREQ, a datagram exchange with a child, sendmmsg/recvmmsg, IPv6.
// expect: exit 0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%-56s = %ld %s\n", #x, r_, r_ < 0 ? strerror(errno) : ""); } while (0)
#define SA(a) ((struct sockaddr *)&(a))

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t l = sizeof a;
  getsockname(fd, SA(a), &l);
  return ntohs(a.sin_port);
}

static int pollmask(int fd, short ev, int ms) {
  struct pollfd p = {fd, ev, 0};
  poll(&p, 1, ms);
  return p.revents;
}

int main(void) {
  char buf[256];
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in n;
  socklen_t nl = sizeof n;
  R(getsockname(a, SA(n), &nl));
  printf("unbound: len %d port %d addr %s\n", nl, ntohs(n.sin_port), inet_ntoa(n.sin_addr));
  printf("fresh poll %#x\n", pollmask(a, POLLIN | POLLOUT, 0));
  struct sockaddr_in any = lo(0);
  R(bind(a, SA(any), sizeof any));
  R(bind(a, SA(any), sizeof any));
  R(bind(b, SA(any), sizeof any));
  int pa = port_of(a), pb = port_of(b);
  printf("ports differ and are set: %d\n", pa > 0 && pb > 0 && pa != pb);
  struct sockaddr_in ta = lo(pa), tb = lo(pb);
  R(send(a, "x", 1, 0));
  R(sendto(a, "first", 5, 0, SA(tb), sizeof tb));
  R(sendto(a, "", 0, 0, SA(tb), sizeof tb));
  R(sendto(a, "third datagram", 14, 0, SA(tb), sizeof tb));
  printf("poll b %#x\n", pollmask(b, POLLIN, 5000));
  usleep(100000);
  int v = 0;
  R(ioctl(b, FIONREAD, &v));
  printf("FIONREAD %d\n", v);
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  R(recvfrom(b, buf, sizeof buf, 0, SA(from), &fl));
  printf("from len %d port is a's %d addr %s\n", fl, ntohs(from.sin_port) == pa, inet_ntoa(from.sin_addr));
  R(recvfrom(b, buf, sizeof buf, 0, NULL, NULL));
  R(recv(b, buf, 5, MSG_PEEK));
  R(recv(b, buf, 5, MSG_TRUNC));
  R(recv(b, buf, sizeof buf, MSG_DONTWAIT));
  fl = 4;
  R(sendto(a, "short name", 10, 0, SA(tb), sizeof tb));
  pollmask(b, POLLIN, 5000);
  R(recvfrom(b, buf, sizeof buf, 0, SA(from), &fl));
  printf("fromlen reported %d\n", fl);

  // connected sockets
  R(connect(a, SA(tb), sizeof tb));
  struct sockaddr_in pn;
  socklen_t pnl = sizeof pn;
  R(getpeername(a, SA(pn), &pnl));
  printf("peer port is b's %d\n", ntohs(pn.sin_port) == pb);
  R(send(a, "connected", 9, 0));
  pollmask(b, POLLIN, 5000);
  R(recv(b, buf, sizeof buf, 0));
  R(write(a, "via write", 9));
  pollmask(b, POLLIN, 5000);
  R(read(b, buf, sizeof buf));
  struct sockaddr_in unspec = {0};
  unspec.sin_family = AF_UNSPEC;
  R(connect(a, SA(unspec), sizeof unspec));
  R(getpeername(a, SA(pn), &pnl));
  R(send(a, "x", 1, 0));
  struct sockaddr_in6 wrong = {0};
  wrong.sin6_family = AF_INET6;
  R(sendto(a, "x", 1, 0, SA(wrong), sizeof wrong));
  R(sendto(a, "x", 1, 0, SA(tb), 4));
  R(shutdown(a, SHUT_RD));
  printf("after SHUT_RD poll %#x\n", pollmask(a, POLLIN | POLLOUT | POLLRDHUP, 0));

  // a child answers each datagram with its length
  int srv = socket(AF_INET, SOCK_DGRAM, 0);
  R(bind(srv, SA(any), sizeof any));
  int ps = port_of(srv);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 3; i++) {
      struct sockaddr_in c;
      socklen_t cl = sizeof c;
      int k = recvfrom(srv, buf, sizeof buf, 0, SA(c), &cl);
      char reply[32];
      int m = snprintf(reply, sizeof reply, "len=%d", k);
      sendto(srv, reply, m, 0, SA(c), cl);
    }
    _exit(0);
  }
  close(srv);
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ts = lo(ps);
  R(connect(c, SA(ts), sizeof ts));
  const char *qs[] = {"a", "bb", "a much longer datagram"};
  for (int i = 0; i < 3; i++) {
    send(c, qs[i], strlen(qs[i]), 0);
    int k = recv(c, buf, sizeof buf - 1, 0);
    buf[k > 0 ? k : 0] = 0;
    printf("reply: %s\n", buf);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));

  // sendmmsg / recvmmsg
  struct mmsghdr mm[3];
  struct iovec iv[3] = {{"m1", 2}, {"mm2", 3}, {"mmm3", 4}};
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < 3; i++) {
    mm[i].msg_hdr.msg_iov = &iv[i];
    mm[i].msg_hdr.msg_iovlen = 1;
    mm[i].msg_hdr.msg_name = &tb;
    mm[i].msg_hdr.msg_namelen = sizeof tb;
  }
  R(sendmmsg(c, mm, 3, 0));
  usleep(100000);
  pollmask(b, POLLIN, 5000);
  char bufs[3][16];
  struct iovec ov[3];
  struct mmsghdr rm[3];
  struct sockaddr_in names[3];
  memset(rm, 0, sizeof rm);
  for (int i = 0; i < 3; i++) {
    ov[i].iov_base = bufs[i];
    ov[i].iov_len = 16;
    rm[i].msg_hdr.msg_iov = &ov[i];
    rm[i].msg_hdr.msg_iovlen = 1;
    rm[i].msg_hdr.msg_name = &names[i];
    rm[i].msg_hdr.msg_namelen = sizeof names[i];
  }
  int got = recvmmsg(b, rm, 3, MSG_DONTWAIT, NULL);
  printf("sendmmsg: %d (see above); recvmmsg got all 3: %d\n", 3, got == 3);
  for (int i = 0; i < got; i++) printf("  %u '%.*s' namelen %d\n", rm[i].msg_len, (int)rm[i].msg_len, bufs[i], rm[i].msg_hdr.msg_namelen);
  close(a); close(b); close(c);

  // IPv6 loopback
  int s6 = socket(AF_INET6, SOCK_DGRAM, 0), t6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 l6 = {0};
  l6.sin6_family = AF_INET6;
  l6.sin6_addr = in6addr_loopback;
  R(bind(s6, SA(l6), sizeof l6));
  struct sockaddr_in6 g6;
  socklen_t g6l = sizeof g6;
  getsockname(s6, SA(g6), &g6l);
  R(sendto(t6, "over v6", 7, 0, SA(g6), sizeof g6));
  pollmask(s6, POLLIN, 5000);
  struct sockaddr_in6 f6;
  socklen_t f6l = sizeof f6;
  R(recvfrom(s6, buf, sizeof buf, 0, SA(f6), &f6l));
  char t[64];
  printf("v6 from len %d %s\n", f6l, inet_ntop(AF_INET6, &f6.sin6_addr, t, sizeof t));
  close(s6); close(t6);
  return 0;
}
