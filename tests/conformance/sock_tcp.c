// Checks TCP on loopback: a parent/child echo on 127.0.0.1 with port 0 + getsockname, a 1 MB transfer, shutdown(SHUT_WR) as EOF, nonblocking connect (EINPROGRESS, POLLOUT, SO_ERROR) and accept (EAGAIN), epoll, refused connections, IPv6 ::1, socket options.
// expect: exit 0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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

static int readall(int fd, char *b, int n) {
  int got = 0, k;
  while (got < n && (k = read(fd, b + got, n - got)) > 0) got += k;
  return got;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  char buf[256];
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  R(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on));
  struct sockaddr_in a = lo(0);
  R(bind(ls, SA(a), sizeof a));
  struct sockaddr_in got;
  socklen_t gl = sizeof got;
  R(getsockname(ls, SA(got), &gl));
  printf("bound: len %d family %d addr %s port>0 %d\n", gl, got.sin_family, inet_ntoa(got.sin_addr), ntohs(got.sin_port) > 0);
  int port = port_of(ls);
  R(listen(ls, 8));
  int v;
  socklen_t l = sizeof v;
  getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &l);
  printf("SO_ACCEPTCONN %d\n", v);

  // ---- echo: the child connects, sends lines, reads them back upper-cased ----
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(ls);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = lo(port);
    if (connect(c, SA(to), sizeof to) < 0) _exit(10);
    const char *msgs[] = {"hello", "tcp echo", "third line"};
    int ok = 1;
    for (int i = 0; i < 3; i++) {
      int n = strlen(msgs[i]);
      write(c, msgs[i], n);
      char b[64];
      if (readall(c, b, n) != n) ok = 0;
      for (int j = 0; j < n; j++) if (b[j] != (msgs[i][j] >= 'a' && msgs[i][j] <= 'z' ? msgs[i][j] - 32 : msgs[i][j])) ok = 0;
    }
    // a megabyte through the echo, written by a second process so neither side stalls
    pid_t w = fork();
    if (w == 0) {
      char *big = malloc(1 << 20);
      for (int i = 0; i < 1 << 20; i++) big[i] = 'a' + i % 26;
      int sent = 0;
      while (sent < 1 << 20) { int k = write(c, big + sent, (1 << 20) - sent); if (k <= 0) _exit(1); sent += k; }
      shutdown(c, SHUT_WR);
      _exit(0);
    }
    long total = 0, bad = 0;
    int k;
    while ((k = read(c, buf, sizeof buf)) > 0) {
      for (int j = 0; j < k; j++) if (buf[j] != 'A' + (total + j) % 26) bad++;
      total += k;
    }
    int st;
    waitpid(w, &st, 0);
    _exit(ok && total == 1 << 20 && bad == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 11);
  }
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  int x = accept(ls, SA(peer), &pl);
  printf("accepted %d peer len %d addr %s\n", x >= 0, pl, inet_ntoa(peer.sin_addr));
  struct sockaddr_in mine;
  socklen_t ml = sizeof mine;
  getsockname(x, SA(mine), &ml);
  printf("accepted socket's port is the listener's: %d\n", ntohs(mine.sin_port) == port);
  long echoed = 0;
  int k;
  while ((k = read(x, buf, sizeof buf)) > 0) {
    for (int j = 0; j < k; j++) if (buf[j] >= 'a' && buf[j] <= 'z') buf[j] -= 32;
    int off = 0;
    while (off < k) { int w = write(x, buf + off, k - off); if (w <= 0) break; off += w; }
    echoed += k;
  }
  printf("echoed %ld bytes, then EOF\n", echoed);
  R(shutdown(x, SHUT_WR));
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  close(x);

  // ---- nonblocking connect and accept, epoll ----
  fcntl(ls, F_SETFL, O_NONBLOCK);
  R(accept(ls, NULL, NULL));
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in to = lo(port);
  R(connect(c, SA(to), sizeof to));
  struct pollfd p = {c, POLLOUT, 0};
  R(poll(&p, 1, 5000));
  printf("connect done: revents %#x\n", p.revents);
  l = sizeof v;
  R(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &l));
  printf("SO_ERROR %d\n", v);
  R(connect(c, SA(to), sizeof to));
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
  R(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev));
  struct epoll_event out[4];
  R(epoll_wait(ep, out, 4, 5000));
  printf("listener ready: %d\n", out[0].data.fd == ls);
  int y = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
  R(y >= 0);
  R(recv(y, buf, sizeof buf, 0));
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = y;
  R(epoll_ctl(ep, EPOLL_CTL_ADD, y, &ev));
  R(send(c, "ping", 4, 0));
  R(epoll_wait(ep, out, 4, 5000));
  printf("events %#x for y %d\n", out[0].events, out[0].data.fd == y);
  R(ioctl(y, FIONREAD, &v));
  printf("FIONREAD %d\n", v);
  R(recv(y, buf, 2, MSG_PEEK));
  R(recv(y, buf, sizeof buf, 0));
  R(shutdown(c, SHUT_WR));
  R(epoll_wait(ep, out, 4, 5000));
  printf("events %#x\n", out[0].events);
  R(recv(y, buf, sizeof buf, 0));
  R(send(y, "still open", 10, 0));
  p.fd = c;
  p.events = POLLIN;
  R(poll(&p, 1, 5000));
  R(recv(c, buf, sizeof buf, 0));
  R(send(c, "x", 1, 0));
  close(c);
  close(y);
  close(ep);

  // ---- refused: a port nobody listens on (our listener closed), and one bound without listen ----
  close(ls);
  int r = socket(AF_INET, SOCK_STREAM, 0);
  R(connect(r, SA(to), sizeof to));
  R(connect(r, SA(to), sizeof to));
  int nl = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in any = lo(0);
  bind(nl, SA(any), sizeof any);
  struct sockaddr_in nla = lo(port_of(nl));
  int r2 = socket(AF_INET, SOCK_STREAM, 0);
  R(connect(r2, SA(nla), sizeof nla));
  int r3 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int e = connect(r3, SA(nla), sizeof nla);
  printf("nonblocking refused: %d %s\n", e, e < 0 ? strerror(errno) : "");
  p.fd = r3;
  p.events = POLLOUT;
  poll(&p, 1, 5000);
  l = sizeof v;
  getsockopt(r3, SOL_SOCKET, SO_ERROR, &v, &l);
  printf("  revents %#x SO_ERROR %s\n", p.revents, strerror(v));
  R(recv(r3, buf, 1, 0));
  R(send(r3, "x", 1, 0));
  close(r); close(nl); close(r2); close(r3);

  // ---- unconnected sockets, errors, options ----
  int u = socket(AF_INET, SOCK_STREAM, 0);
  R(send(u, "x", 1, 0));
  R(recv(u, buf, 1, 0));
  R(shutdown(u, SHUT_RD));
  R(getpeername(u, SA(peer), &pl));
  struct sockaddr_in6 wrong = {0};
  wrong.sin6_family = AF_INET6;
  R(bind(u, SA(wrong), sizeof wrong));
  R(bind(u, SA(a), 8));
  l = sizeof v;
  R(getsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, &l));
  printf("TCP_NODELAY %d\n", v);
  R(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on));
  R(getsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, &l));
  printf("TCP_NODELAY %d\n", v);
  R(setsockopt(u, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on));
  R(getsockopt(u, SOL_SOCKET, SO_KEEPALIVE, &v, &l));
  printf("SO_KEEPALIVE %d\n", v);
  R(getsockopt(u, IPPROTO_TCP, TCP_KEEPIDLE, &v, &l));
  printf("TCP_KEEPIDLE %d\n", v);
  v = 0;
  R(setsockopt(u, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v));
  R(getsockopt(u, IPPROTO_IP, IP_TTL, &v, &l));
  printf("IP_TTL %d\n", v);
  R(getsockopt(u, SOL_SOCKET, SO_TYPE, &v, &l));
  printf("SO_TYPE %d\n", v);
  R(getsockopt(u, SOL_SOCKET, SO_PROTOCOL, &v, &l));
  printf("SO_PROTOCOL %d\n", v);
  R(getsockopt(u, IPPROTO_IPV6, 26, &v, &l));
  R(listen(u, 1));
  R(listen(u, 2));
  printf("listening on an ephemeral port: %d\n", port_of(u) > 0);
  close(u);

  // ---- IPv6 loopback ----
  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  l = sizeof v;
  R(getsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l));
  printf("IPV6_V6ONLY %d\n", v);
  struct sockaddr_in6 a6 = {0};
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  R(bind(s6, SA(a6), sizeof a6));
  R(listen(s6, 1));
  struct sockaddr_in6 g6;
  socklen_t g6l = sizeof g6;
  getsockname(s6, SA(g6), &g6l);
  char t6[64];
  printf("v6 name len %d %s\n", g6l, inet_ntop(AF_INET6, &g6.sin6_addr, t6, sizeof t6));
  int c6 = socket(AF_INET6, SOCK_STREAM, 0);
  R(connect(c6, SA(g6), sizeof g6));
  int x6 = accept(s6, NULL, NULL);
  R(write(c6, "six", 3));
  R(read(x6, buf, sizeof buf));
  struct sockaddr_in6 p6;
  socklen_t p6l = sizeof p6;
  getpeername(x6, SA(p6), &p6l);
  printf("v6 peer len %d %s\n", p6l, inet_ntop(AF_INET6, &p6.sin6_addr, t6, sizeof t6));
  close(c6); close(x6); close(s6);
  return 0;
}
