// Checks SCM_RIGHTS (a child receives a pipe, a file and a socket from its parent and uses them; MSG_CTRUNC, MSG_CMSG_CLOEXEC, MSG_PEEK) and SCM_CREDENTIALS with SO_PASSCRED, SO_PEERCRED of a connection, sendmsg/recvmsg/sendmmsg/recvmmsg details.
// expect: exit 0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%-50s = %ld %s\n", #x, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

static int send_fds(int s, const char *data, int *fds, int n) {
  char ctl[CMSG_SPACE(sizeof(int) * 8)];
  memset(ctl, 0, sizeof ctl);
  struct iovec io = {(void *)data, strlen(data)};
  struct msghdr m = {0};
  m.msg_iov = &io;
  m.msg_iovlen = 1;
  if (n > 0) {
    m.msg_control = ctl;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  }
  return sendmsg(s, &m, 0);
}

/** Receives; prints what came: bytes, flags, each control message. Returns the first fd or -1. */
static int recv_fds(int s, size_t ctlsize, int flags, int *fds_out) {
  char data[64], ctl[256];
  memset(ctl, 0, sizeof ctl);
  struct iovec io = {data, sizeof data - 1};
  struct msghdr m = {0};
  m.msg_iov = &io;
  m.msg_iovlen = 1;
  m.msg_control = ctlsize ? ctl : NULL;
  m.msg_controllen = ctlsize;
  int n = recvmsg(s, &m, flags);
  if (n < 0) { printf("  recvmsg: %s\n", strerror(errno)); return -1; }
  data[n] = 0;
  printf("  got %d '%s' flags%s%s%s controllen %zu\n", n, data, m.msg_flags & MSG_CTRUNC ? " CTRUNC" : "",
         m.msg_flags & MSG_TRUNC ? " TRUNC" : "", m.msg_flags & MSG_CMSG_CLOEXEC ? " CMSG_CLOEXEC" : "", (size_t)m.msg_controllen);
  int first = -1, k = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      printf("  SCM_RIGHTS len %zu: %d fds", (size_t)c->cmsg_len, cnt);
      for (int i = 0; i < cnt; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        printf(" [valid %d cloexec %d]", fcntl(fd, F_GETFD) >= 0, fcntl(fd, F_GETFD) == FD_CLOEXEC);
        if (first < 0) first = fd;
        if (fds_out) fds_out[k++] = fd;
      }
      printf("\n");
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      struct ucred u;
      memcpy(&u, CMSG_DATA(c), sizeof u);
      printf("  SCM_CREDENTIALS len %zu pid=%s uid=%d\n", (size_t)c->cmsg_len,
             u.pid == getpid() ? "self" : u.pid == getppid() ? "parent" : u.pid == 0 ? "0" : "other", u.uid == getuid());
    } else printf("  cmsg level %d type %d\n", c->cmsg_level, c->cmsg_type);
  }
  return first;
}

int main(void) {
  int sv[2];
  R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  int p[2];
  pipe(p);
  int f = open("data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  write(f, "file contents\n", 14);
  int inner[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, inner);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    printf("child:\n");
    int fds[3];
    recv_fds(sv[1], CMSG_SPACE(3 * sizeof(int)), MSG_CMSG_CLOEXEC, fds);
    char b[64];
    lseek(fds[1], 0, SEEK_SET);
    int n = read(fds[1], b, sizeof b);
    printf("  read from passed file: %.*s", n, b);
    write(fds[0], "via passed pipe\n", 16);
    send(fds[2], "via passed socket", 17, 0);
    fflush(stdout);
    _exit(0);
  }
  close(sv[1]);
  int three[3] = {p[1], f, inner[0]};
  R(send_fds(sv[0], "three fds", three, 3));
  close(p[1]);
  close(inner[0]);
  int status;
  waitpid(pid, &status, 0);
  char b[64];
  int n = read(p[0], b, sizeof b);
  printf("parent read from pipe: %.*s", n, b);
  n = recv(inner[1], b, sizeof b, 0);
  printf("parent read from socket: %.*s\n", n, b);
  printf("pipe at EOF: %d\n", (int)read(p[0], b, sizeof b));
  close(sv[0]);

  // truncation of the control buffer, peeking, no control buffer at all
  R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  int two[2] = {f, f};
  R(send_fds(sv[0], "two", two, 2));
  printf("peek:\n");
  int pk[2];
  recv_fds(sv[1], CMSG_SPACE(2 * sizeof(int)), MSG_PEEK, pk);
  close(pk[0]);
  close(pk[1]);
  printf("short control buffer:\n");
  int one = recv_fds(sv[1], CMSG_LEN(sizeof(int)), 0, NULL);
  close(one);
  R(send_fds(sv[0], "none", two, 1));
  printf("no control buffer:\n");
  recv_fds(sv[1], 0, 0, NULL);
  R(send_fds(sv[0], "tiny", two, 1));
  printf("control buffer smaller than a header:\n");
  recv_fds(sv[1], 8, 0, NULL);
  int bad = 999;
  R(send_fds(sv[0], "bad", &bad, 1));
  int many[254];
  for (int i = 0; i < 254; i++) many[i] = f;
  {
    char ctl[CMSG_SPACE(sizeof many)];
    struct iovec io = {"m", 1};
    struct msghdr m = {0};
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof many);
    memcpy(CMSG_DATA(c), many, sizeof many);
    R(sendmsg(sv[0], &m, 0));
    c->cmsg_type = 99;
    c->cmsg_len = CMSG_LEN(4);
    m.msg_controllen = CMSG_SPACE(4);
    R(sendmsg(sv[0], &m, 0));
    c->cmsg_len = 8;
    R(sendmsg(sv[0], &m, 0));
  }
  close(sv[0]);
  close(sv[1]);

  // credentials
  R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  int on = 1;
  R(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    send(sv[0], "from child", 10, 0);
    struct ucred u = {getpid(), getuid(), getgid()};
    char ctl[CMSG_SPACE(sizeof u)];
    struct iovec io = {"explicit", 8};
    struct msghdr m = {0};
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof u);
    memcpy(CMSG_DATA(c), &u, sizeof u);
    sendmsg(sv[0], &m, 0);
    _exit(0);
  }
  waitpid(pid, &status, 0);
  printf("credentials:\n");
  recv_fds(sv[1], 64, 0, NULL);
  recv_fds(sv[1], 64, 0, NULL);
  R(send(sv[0], "parent", 6, 0));
  recv_fds(sv[1], 64, 0, NULL);
  R(send(sv[0], "small", 5, 0));
  recv_fds(sv[1], 16, 0, NULL);
  close(sv[0]);
  close(sv[1]);

  // SO_PEERCRED across a connection made by a child
  struct sockaddr_un a = {AF_UNIX, "peer.sock"};
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  R(bind(ls, (struct sockaddr *)&a, sizeof a));
  R(listen(ls, 1));
  int gate[2];
  pipe(gate);
  pid = fork();
  if (pid == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    struct ucred u;
    socklen_t l = sizeof u;
    getsockopt(c, SOL_SOCKET, SO_PEERCRED, &u, &l);
    char r = u.pid == getppid() ? 'P' : 'x';
    write(c, &r, 1);
    read(gate[0], &r, 1);
    _exit(0);
  }
  int x = accept(ls, NULL, NULL);
  struct ucred u;
  socklen_t l = sizeof u;
  getsockopt(x, SOL_SOCKET, SO_PEERCRED, &u, &l);
  printf("server sees peer pid = child %d, uid ok %d\n", u.pid == pid, u.uid == getuid());
  char r;
  read(x, &r, 1);
  printf("client saw listener's pid: %c\n", r);
  write(gate[1], "g", 1);
  waitpid(pid, &status, 0);
  // stream recvfrom gives the sender's address (unnamed here: length 0)
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  R(recvfrom(x, &r, 1, 0, (struct sockaddr *)&from, &fl));
  printf("fromlen %d\n", fl);
  close(x);
  close(ls);

  // sendmmsg / recvmmsg on a datagram pair
  R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  struct mmsghdr mm[3];
  struct iovec iv[3] = {{"alpha", 5}, {"be", 2}, {"gamma!", 6}};
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < 3; i++) { mm[i].msg_hdr.msg_iov = &iv[i]; mm[i].msg_hdr.msg_iovlen = 1; }
  R(sendmmsg(sv[0], mm, 3, 0));
  printf("msg_len %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
  char bufs[4][8];
  struct iovec ov[4];
  struct mmsghdr rm[4];
  memset(rm, 0, sizeof rm);
  for (int i = 0; i < 4; i++) { ov[i].iov_base = bufs[i]; ov[i].iov_len = 4; rm[i].msg_hdr.msg_iov = &ov[i]; rm[i].msg_hdr.msg_iovlen = 1; }
  R(recvmmsg(sv[1], rm, 4, MSG_DONTWAIT, NULL));
  for (int i = 0; i < 3; i++) printf("  %u '%.*s' trunc %d\n", rm[i].msg_len, (int)rm[i].msg_len, bufs[i], (rm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0);
  R(send(sv[0], "w1", 2, 0));
  R(recvmmsg(sv[1], rm, 4, MSG_WAITFORONE, NULL));
  R(recvmmsg(sv[1], rm, 4, MSG_DONTWAIT, NULL));
  close(sv[0]);
  close(sv[1]);
  unlink("peer.sock");
  unlink("data.txt");
  return 0;
}
