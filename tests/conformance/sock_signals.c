// Checks socket calls interrupted by signals: EINTR without SA_RESTART, restart with it, EINTR despite SA_RESTART when SO_RCVTIMEO is set, partial MSG_WAITALL and partial blocking sends, threads blocked in recv/accept woken by another thread, select on sockets.
// cflags: -pthread
// expect: exit 0
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int alarms;
static void onalarm(int s) { (void)s; alarms++; }

static void handler(int restart) {
  struct sigaction sa = {0};
  sa.sa_handler = onalarm;
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigaction(SIGALRM, &sa, NULL);
}

static void alarm_ms(int ms) {
  struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%-50s = %ld %s\n", #x, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

static int sv[2];
static void *late_writer(void *arg) {
  (void)arg;
  usleep(300000);
  write(sv[0], "late", 4);
  return NULL;
}

static int lsock;
static void *late_connector(void *arg) {
  (void)arg;
  usleep(300000);
  struct sockaddr_un a = {AF_UNIX, "sig.sock"};
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  return (void *)(long)c;
}

int main(void) {
  char buf[64];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);

  handler(0);
  alarm_ms(100);
  R(recv(sv[1], buf, sizeof buf, 0));
  printf("alarms %d\n", alarms);

  // SA_RESTART: the recv goes on until a thread writes
  handler(1);
  pthread_t th;
  pthread_create(&th, NULL, late_writer, NULL);
  alarm_ms(100);
  R(recv(sv[1], buf, sizeof buf, 0));
  pthread_join(th, NULL);
  printf("alarms %d\n", alarms);

  // SO_RCVTIMEO turns the restart into EINTR
  struct timeval tv = {5, 0};
  setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  alarm_ms(100);
  R(recv(sv[1], buf, sizeof buf, 0));
  tv.tv_sec = 0;
  setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  // MSG_WAITALL interrupted after some data: the part read
  handler(0);
  write(sv[0], "part", 4);
  alarm_ms(100);
  R(recv(sv[1], buf, 32, MSG_WAITALL));

  // a blocking send that fills the buffer and is interrupted: the part sent
  int big = 1 << 22;
  char *data = malloc(big);
  memset(data, 'x', big);
  alarm_ms(200);
  long sent = send(sv[0], data, big, 0);
  printf("partial send: %d\n", sent > 0 && sent < big);
  char drain[65536];
  struct timeval quick = {0, 1000};
  setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &quick, sizeof quick);
  long got = 0, k;
  while ((k = recv(sv[1], drain, sizeof drain, 0)) > 0) got += k;
  printf("drained what was sent: %d (%s)\n", got == sent, strerror(errno));

  // accept: interrupted, then restarted and served by a thread
  struct sockaddr_un a = {AF_UNIX, "sig.sock"};
  lsock = socket(AF_UNIX, SOCK_STREAM, 0);
  bind(lsock, (struct sockaddr *)&a, sizeof a);
  listen(lsock, 1);
  alarm_ms(100);
  R(accept(lsock, NULL, NULL));
  handler(1);
  pthread_create(&th, NULL, late_connector, NULL);
  alarm_ms(100);
  int x = accept(lsock, NULL, NULL);
  R(x >= 0);
  void *cfd;
  pthread_join(th, &cfd);

  // select on sockets
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(x, &rd);
  FD_SET(x, &wr);
  struct timeval zero = {0, 0};
  R(select(x + 1, &rd, &wr, NULL, &zero));
  printf("readable %d writable %d\n", FD_ISSET(x, &rd) != 0, FD_ISSET(x, &wr) != 0);
  write((int)(long)cfd, "!", 1);
  FD_ZERO(&rd);
  FD_SET(x, &rd);
  struct timeval sec = {5, 0};
  R(select(x + 1, &rd, NULL, NULL, &sec));
  printf("readable %d\n", FD_ISSET(x, &rd) != 0);
  unlink("sig.sock");
  return 0;
}
