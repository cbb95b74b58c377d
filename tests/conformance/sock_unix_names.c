// Checks AF_UNIX names: sockets bound to paths in the cwd (stat as 's', EADDRINUSE, stale names refuse, unlink, rename), abstract names, autobind, listen/accept4 with a backlog, nonblocking accept, datagrams between named sockets, connect errors.
// expect: exit 0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%-58s = %ld %s\n", #x, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

static struct sockaddr_un A(const char *path) {
  struct sockaddr_un a = {AF_UNIX};
  strcpy(a.sun_path, path);
  return a;
}
#define SA(a) ((struct sockaddr *)&(a))

static struct sockaddr_un ab(const char *name, socklen_t *len) {
  struct sockaddr_un a = {AF_UNIX};
  a.sun_path[0] = 0;
  memcpy(a.sun_path + 1, name, strlen(name));
  *len = 2 + 1 + strlen(name);
  return a;
}

static void name_of(int fd, int peer) {
  struct sockaddr_un a;
  memset(&a, 0x55, sizeof a);
  socklen_t l = sizeof a;
  int r = peer ? getpeername(fd, SA(a), &l) : getsockname(fd, SA(a), &l);
  if (r < 0) { printf("  %s: %s\n", peer ? "peer" : "name", strerror(errno)); return; }
  if (l > 2 && a.sun_path[0] == 0) printf("  %s: abstract len %d '%.*s'\n", peer ? "peer" : "name", l, (int)l - 3, a.sun_path + 1);
  else printf("  %s: len %d '%s'\n", peer ? "peer" : "name", l, l > 2 ? a.sun_path : "");
}

int main(void) {
  umask(022);
  char buf[128];
  struct sockaddr_un a = A("srv.sock");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  R(listen(s, 5));
  R(bind(s, SA(a), sizeof a));
  struct stat st;
  R(lstat("srv.sock", &st));
  printf("S_ISSOCK %d mode %o size %ld\n", S_ISSOCK(st.st_mode), st.st_mode & 07777, (long)st.st_size);
  R(bind(s, SA(a), sizeof a));
  struct sockaddr_un b = A("other.sock");
  R(bind(s, SA(b), sizeof b));
  R(access("other.sock", F_OK));
  name_of(s, 0);
  name_of(s, 1);
  R(open("srv.sock", O_RDONLY));
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(c, SA(a), sizeof a));
  R(listen(s, 1));
  int acc_flags_sock = socket(AF_UNIX, SOCK_STREAM, 0);
  (void)acc_flags_sock;
  int c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  R(connect(c1, SA(a), sizeof a));
  R(connect(c2, SA(a), sizeof a));
  R(connect(c3, SA(a), sizeof a));
  R(connect(c1, SA(a), sizeof a));
  name_of(c1, 0);
  name_of(c1, 1);
  R(send(c1, "from c1", 7, 0));
  struct pollfd p = {s, POLLIN, 0};
  R(poll(&p, 1, 0));
  printf("listener revents %#x\n", p.revents);
  struct sockaddr_un pa;
  socklen_t pl = sizeof pa;
  int x = accept4(s, SA(pa), &pl, SOCK_CLOEXEC | SOCK_NONBLOCK);
  printf("accept4 ok %d peer len %d cloexec %d nonblock %d\n", x >= 0, pl, fcntl(x, F_GETFD) == FD_CLOEXEC, (fcntl(x, F_GETFL) & O_NONBLOCK) != 0);
  name_of(x, 0);
  name_of(x, 1);
  R(recv(x, buf, sizeof buf, 0));
  int y = accept(s, NULL, NULL);
  R(y >= 0);
  fcntl(s, F_SETFL, O_NONBLOCK);
  R(accept(s, NULL, NULL));
  R(accept4(s, NULL, NULL, 0x1234));
  R(connect(c3, SA(a), sizeof a));
  int z = accept(s, NULL, NULL);
  R(z >= 0);
  // the listener goes away: a connection still in its queue is reset
  int c4 = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(c4, SA(a), sizeof a));
  close(s);
  R(recv(c4, buf, sizeof buf, 0));
  R(recv(c4, buf, sizeof buf, 0));
  // the name stays, nobody listens: refused; unlink, and it is gone
  int c5 = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(c5, SA(a), sizeof a));
  R(unlink("srv.sock"));
  R(connect(c5, SA(a), sizeof a));
  close(x); close(y); close(z); close(c); close(c1); close(c2); close(c3); close(c4);
  // not a socket, missing directory, too long, bad family
  R(close(open("plain", O_CREAT | O_WRONLY, 0600)));
  struct sockaddr_un np = A("plain");
  R(connect(c5, SA(np), sizeof np));
  struct sockaddr_un nd = A("nodir/x.sock");
  R(bind(c5, SA(nd), sizeof nd));
  R(connect(c5, SA(nd), sizeof nd));
  a.sun_family = AF_INET;
  R(bind(c5, SA(a), sizeof a));
  R(bind(c5, SA(a), 1));
  R(bind(c5, SA(a), sizeof a + 20));
  // rename keeps the binding; a symlink to it works
  struct sockaddr_un r1 = A("before.sock"), r2 = A("after.sock"), r3 = A("link.sock");
  int rs = socket(AF_UNIX, SOCK_STREAM, 0);
  R(bind(rs, SA(r1), sizeof r1));
  R(listen(rs, 4));
  R(rename("before.sock", "after.sock"));
  R(symlink("after.sock", "link.sock"));
  int rc = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(rc, SA(r2), sizeof r2));
  int rc2 = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(rc2, SA(r3), sizeof r3));
  name_of(rs, 0);
  struct sockaddr_un r4 = A("link.sock");
  int rb = socket(AF_UNIX, SOCK_STREAM, 0);
  R(bind(rb, SA(r4), sizeof r4));
  // a datagram socket cannot connect to a stream one
  int rd = socket(AF_UNIX, SOCK_DGRAM, 0);
  R(connect(rd, SA(r2), sizeof r2));
  close(rs); close(rc); close(rc2); close(rb); close(rd);
  // mknod makes a socket inode nobody listens on
  R(mknod("made.sock", S_IFSOCK | 0600, 0));
  R(lstat("made.sock", &st));
  printf("mknod S_ISSOCK %d mode %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
  struct sockaddr_un mk = A("made.sock");
  int mc = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(mc, SA(mk), sizeof mk));
  close(mc);

  // ---- abstract names ----
  socklen_t al;
  struct sockaddr_un aa = ab("rustos-conf-abstract", &al);
  int as = socket(AF_UNIX, SOCK_STREAM, 0);
  R(bind(as, SA(aa), al));
  R(listen(as, 2));
  name_of(as, 0);
  int as2 = socket(AF_UNIX, SOCK_STREAM, 0);
  R(bind(as2, SA(aa), al));
  int ac = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(ac, SA(aa), al - 1));
  R(connect(ac, SA(aa), al));
  name_of(ac, 1);
  int ax = accept(as, NULL, NULL);
  R(write(ac, "abstract!", 9));
  R(read(ax, buf, sizeof buf));
  close(as);
  int ac2 = socket(AF_UNIX, SOCK_STREAM, 0);
  R(connect(ac2, SA(aa), al));
  R(bind(as2, SA(aa), al));
  close(as2); close(ac); close(ax); close(ac2);

  // ---- autobind ----
  int au = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un fam = {AF_UNIX};
  R(bind(au, SA(fam), sizeof(sa_family_t)));
  struct sockaddr_un an;
  socklen_t anl = sizeof an;
  getsockname(au, SA(an), &anl);
  int hex = 1;
  for (int i = 1; i < 6; i++) hex &= strchr("0123456789abcdef", an.sun_path[i]) != NULL;
  printf("autobind len %d abstract %d five hex %d\n", anl, an.sun_path[0] == 0, hex);
  R(bind(au, SA(fam), sizeof(sa_family_t)));
  close(au);

  // ---- datagrams between named sockets ----
  struct sockaddr_un d1 = A("d1.sock"), d2 = A("d2.sock");
  int ds1 = socket(AF_UNIX, SOCK_DGRAM, 0), ds2 = socket(AF_UNIX, SOCK_DGRAM, 0), ds3 = socket(AF_UNIX, SOCK_DGRAM, 0);
  R(bind(ds1, SA(d1), sizeof d1));
  R(bind(ds2, SA(d2), sizeof d2));
  R(sendto(ds1, "to d2", 5, 0, SA(d2), sizeof d2));
  R(sendto(ds3, "anon", 4, 0, SA(d2), sizeof d2));
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  memset(&from, 0, sizeof from);
  R(recvfrom(ds2, buf, sizeof buf, 0, SA(from), &fl));
  printf("  from len %d '%s'\n", fl, from.sun_path);
  fl = sizeof from;
  R(recvfrom(ds2, buf, sizeof buf, 0, SA(from), &fl));
  printf("  from len %d\n", fl);
  R(connect(ds2, SA(d1), sizeof d1));
  R(sendto(ds3, "intruder", 8, 0, SA(d2), sizeof d2));
  R(send(ds2, "reply", 5, 0));
  R(recv(ds1, buf, sizeof buf, 0));
  R(send(ds3, "x", 1, 0));
  struct sockaddr_un none = A("none.sock");
  R(sendto(ds3, "x", 1, 0, SA(none), sizeof none));
  struct sockaddr_un unspec = {AF_UNSPEC};
  R(connect(ds2, SA(unspec), sizeof unspec));
  R(sendto(ds3, "now ok", 6, 0, SA(d2), sizeof d2));
  // a full receive queue (net.unix.max_dgram_qlen) blocks unconnected senders
  int ds4 = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int sent = 0;
  while (sendto(ds4, "q", 1, 0, SA(d1), sizeof d1) == 1) sent++;
  printf("queue full after some: %d %s\n", sent > 0, strerror(errno));
  p.fd = ds4;
  p.events = POLLOUT;
  p.revents = 0;
  poll(&p, 1, 0);
  printf("unconnected sender poll %#x\n", p.revents);
  close(ds1); close(ds2); close(ds3); close(ds4);

  // a child connects to a path the parent listens on and they talk
  struct sockaddr_un cs = A("child.sock");
  int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  R(bind(ls, SA(cs), sizeof cs));
  R(listen(ls, 1));
  pid_t pid = fork();
  if (pid == 0) {
    int k = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (connect(k, SA(cs), sizeof cs) < 0) _exit(1);
    send(k, "packet one", 10, 0);
    send(k, "packet two!", 11, 0);
    char b2[32];
    int n = recv(k, b2, sizeof b2, 0);
    _exit(n == 3 && memcmp(b2, "ack", 3) == 0 ? 0 : 2);
  }
  int k = accept(ls, NULL, NULL);
  R(recv(k, buf, 4, 0));
  R(recv(k, buf, sizeof buf, 0));
  R(send(k, "ack", 3, 0));
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  R(recv(k, buf, sizeof buf, 0));
  close(k); close(ls);
  return 0;
}
