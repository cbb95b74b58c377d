// System V message queues: msgget keys/flags, msgsnd/msgrcv by type (0, >0, <0, MSG_EXCEPT), MSG_NOERROR, E2BIG, ENOMSG, MSG_COPY, queue limits with IPC_NOWAIT, blocking senders and receivers woken by other processes, EIDRM, EINTR and restart after a stop, msgctl IPC_STAT/IPC_SET/IPC_INFO/MSG_INFO/MSG_STAT/IPC_RMID.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

struct m { long type; char text[64]; };

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %ld\n", what, r);
}

static int snd(int q, long type, const char *s, int flg) {
  struct m b;
  b.type = type;
  strcpy(b.text, s);
  return msgsnd(q, &b, strlen(s), flg);
}

static void rcv(int q, const char *what, size_t sz, long type, int flg) {
  struct m b;
  memset(&b, 0, sizeof b);
  ssize_t n = msgrcv(q, &b, sz, type, flg);
  if (n < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %zd type=%ld text=%.*s\n", what, n, b.type, (int)n, b.text);
}

static struct msqid_ds st(int q) {
  struct msqid_ds ds;
  memset(&ds, 0, sizeof ds);
  msgctl(q, IPC_STAT, &ds);
  return ds;
}

static void stat_line(int q) {
  struct msqid_ds ds = st(q);
  printf("  qnum=%lu cbytes=%lu qbytes=%lu\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes);
}

static int child_result(pid_t p) {
  int st;
  waitpid(p, &st, WUNTRACED);
  return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSTOPPED(st) ? 200 + WSTOPSIG(st) : 100 + WTERMSIG(st);
}

static void on_usr1(int s) { (void)s; }

/* Waits until process p sleeps (state S in /proc/p/stat): blocked in msgsnd or msgrcv. */
static void await_sleeping(pid_t p) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)p);
  for (;;) {
    FILE *f = fopen(path, "r");
    char *s = f && fgets(buf, sizeof buf, f) ? strrchr(buf, ')') : 0;
    if (f) fclose(f);
    if (s && s[1] == ' ' && s[2] == 'S') return;
    usleep(1000);
  }
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int q = msgget(IPC_PRIVATE, 0600);
  printf("msgget ok: %d\n", q >= 0);
  struct msqid_ds ds = st(q);
  printf("new: mode=%o qbytes=%lu qnum=%lu lspid=%d lrpid=%d stime=%ld rtime=%ld ctime_set=%d uid_ok=%d\n", ds.msg_perm.mode,
         (unsigned long)ds.msg_qbytes, (unsigned long)ds.msg_qnum, ds.msg_lspid, ds.msg_lrpid, (long)ds.msg_stime, (long)ds.msg_rtime,
         ds.msg_ctime > 0, ds.msg_perm.uid == getuid() && ds.msg_perm.cuid == getuid());

  show("snd type 0", snd(q, 0, "x", 0));
  show("snd type -5", snd(q, -5, "x", 0));
  struct m big;
  big.type = 1;
  show("snd 8193 bytes", msgsnd(q, &big, 8193, 0));
  show("snd bad pointer", msgsnd(q, (void *)8, 4, 0));
  show("snd id -1", snd(-1, 1, "x", 0));
  show("snd bad id", snd(q + 1, 1, "x", 0));

  snd(q, 3, "three", 0);
  snd(q, 1, "one", 0);
  snd(q, 2, "two", 0);
  snd(q, 1, "uno", 0);
  snd(q, 5, "five", 0);
  snd(q, 4, "", 0);
  stat_line(q);
  ds = st(q);
  printf("lspid is me: %d stime set: %d\n", ds.msg_lspid == getpid(), ds.msg_stime > 0);
  rcv(q, "rcv type 2", 64, 2, 0);
  rcv(q, "rcv type -2 (lowest <= 2)", 64, -2, 0);
  rcv(q, "rcv type 0 (first)", 64, 0, 0);
  rcv(q, "rcv type 5 MSG_EXCEPT", 64, 5, MSG_EXCEPT);
  rcv(q, "rcv type 9", 64, 9, IPC_NOWAIT);
  rcv(q, "rcv type 5, buffer 2", 2, 5, 0);
  rcv(q, "rcv type 5, buffer 2, MSG_NOERROR", 2, 5, MSG_NOERROR);
  snd(q, 6, "six", 0);
  rcv(q, "rcv MSG_COPY 0", 64, 0, MSG_COPY | IPC_NOWAIT);
  rcv(q, "rcv MSG_COPY 1", 64, 1, MSG_COPY | IPC_NOWAIT);
  rcv(q, "rcv MSG_COPY 2", 64, 2, MSG_COPY | IPC_NOWAIT);
  rcv(q, "rcv MSG_COPY without IPC_NOWAIT", 64, 0, MSG_COPY);
  rcv(q, "rcv MSG_COPY|MSG_EXCEPT", 64, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT);
  rcv(q, "rcv MSG_COPY 1, buffer 2, MSG_NOERROR", 2, 1, MSG_COPY | IPC_NOWAIT | MSG_NOERROR);
  rcv(q, "rcv type -9223372036854775807", 64, -9223372036854775807L, 0);
  rcv(q, "rcv type 0", 64, 0, 0);
  stat_line(q);
  ds = st(q);
  printf("lrpid is me: %d rtime set: %d\n", ds.msg_lrpid == getpid(), ds.msg_rtime > 0);
  rcv(q, "rcv empty, IPC_NOWAIT", 64, 0, IPC_NOWAIT);
  show("rcv bad size", msgrcv(q, &big, (size_t)-1, 0, IPC_NOWAIT));
  show("rcv id -1", msgrcv(-1, &big, 8, 0, IPC_NOWAIT));
  snd(q, 7, "seven", 0);
  show("rcv to bad pointer", msgrcv(q, (void *)8, 64, 0, IPC_NOWAIT));
  stat_line(q);

  // A small queue: IPC_NOWAIT senders get EAGAIN; qbytes also bounds the message count.
  ds = st(q);
  ds.msg_qbytes = 10;
  ds.msg_perm.mode = 0644;
  show("IPC_SET qbytes=10", msgctl(q, IPC_SET, &ds));
  ds = st(q);
  printf("mode=%o qbytes=%lu\n", ds.msg_perm.mode, (unsigned long)ds.msg_qbytes);
  show("snd 6 bytes", snd(q, 1, "abcdef", IPC_NOWAIT));
  show("snd 4 bytes", snd(q, 1, "ghij", IPC_NOWAIT));
  show("snd 1 byte more", snd(q, 1, "k", IPC_NOWAIT));
  rcv(q, "rcv", 64, 0, 0);
  rcv(q, "rcv", 64, 0, 0);
  ds.msg_qbytes = 2;
  msgctl(q, IPC_SET, &ds);
  show("snd empty", snd(q, 1, "", IPC_NOWAIT));
  show("snd empty", snd(q, 1, "", IPC_NOWAIT));
  show("snd empty (third: qbytes counts messages)", snd(q, 1, "", IPC_NOWAIT));
  rcv(q, "rcv", 64, 0, 0);
  rcv(q, "rcv", 64, 0, 0);
  ds.msg_qbytes = 16384;
  msgctl(q, IPC_SET, &ds);
  ds.msg_perm.gid = (gid_t)-1;
  show("IPC_SET gid -1", msgctl(q, IPC_SET, &ds));
  show("IPC_SET bad pointer", msgctl(q, IPC_SET, (void *)8));
  show("msgctl bad cmd", msgctl(q, 77, &ds));
  show("msgctl cmd -1", msgctl(q, -1, &ds));

  // A receiver waits for its type; a sender hands the message over.
  pid_t c = fork();
  if (c == 0) {
    struct m b;
    ssize_t n = msgrcv(q, &b, 64, 42, 0);
    _exit(n == 6 && b.type == 42 && !memcmp(b.text, "answer", 6) ? 0 : 1);
  }
  await_sleeping(c);
  snd(q, 41, "other", 0);
  usleep(20000);
  snd(q, 42, "answer", 0);
  printf("waiting receiver: %d\n", child_result(c));
  ds = st(q);
  printf("lrpid is the child: %d\n", ds.msg_lrpid == c);
  rcv(q, "left over", 64, 0, IPC_NOWAIT);
  // A waiting receiver whose buffer is too small gets E2BIG.
  c = fork();
  if (c == 0) {
    struct m b;
    _exit(msgrcv(q, &b, 3, 0, 0) < 0 ? errno : 0);
  }
  await_sleeping(c);
  snd(q, 8, "too long", 0);
  printf("small waiting receiver: %s\n", strerrorname_np(child_result(c)));
  rcv(q, "message stayed", 64, 0, IPC_NOWAIT);

  // A sender waits for room.
  ds.msg_qbytes = 8;
  msgctl(q, IPC_SET, &ds);
  snd(q, 1, "12345678", 0);
  c = fork();
  if (c == 0) _exit(snd(q, 2, "later", 0) ? errno : 0);
  await_sleeping(c);
  stat_line(q);
  rcv(q, "make room", 64, 0, 0);
  printf("waiting sender: %d\n", child_result(c));
  rcv(q, "sent late", 64, 0, IPC_NOWAIT);
  ds.msg_qbytes = 16384;
  msgctl(q, IPC_SET, &ds);

  // Signals: a handler interrupts the wait (EINTR even with SA_RESTART); stop/continue does not.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, 0);
  c = fork();
  if (c == 0) {
    struct m b;
    _exit(msgrcv(q, &b, 64, 0, 0) < 0 ? errno : 0);
  }
  await_sleeping(c);
  kill(c, SIGUSR1);
  printf("receiver with a handler: %s\n", strerrorname_np(child_result(c)));
  c = fork();
  if (c == 0) {
    struct m b;
    ssize_t n = msgrcv(q, &b, 64, 0, 0);
    _exit(n == 4 ? 0 : n < 0 ? errno : 1);
  }
  await_sleeping(c);
  kill(c, SIGSTOP);
  printf("stopped: %d\n", child_result(c));
  kill(c, SIGCONT);
  usleep(20000);
  snd(q, 1, "wake", 0);
  printf("receiver after stop/continue: %d\n", child_result(c));

  // Info and MSG_STAT.
  struct msginfo mi;
  int maxidx = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
  printf("IPC_INFO >= 0: %d msgmax=%d msgmnb=%d msgmni=%d msgssz=%d msgseg=%u msgpool=%d msgmap=%d msgtql=%d\n", maxidx >= 0,
         mi.msgmax, mi.msgmnb, mi.msgmni, mi.msgssz, mi.msgseg, mi.msgpool, mi.msgmap, mi.msgtql);
  snd(q, 1, "abc", 0);
  int r = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
  printf("MSG_INFO == IPC_INFO: %d msgpool>=1: %d msgmap>=1: %d msgtql>=3: %d\n", r == maxidx, mi.msgpool >= 1, mi.msgmap >= 1, mi.msgtql >= 3);
  int found = 0;
  for (int i = 0; i <= maxidx; i++) if (msgctl(i, MSG_STAT, &ds) == q) found = ds.msg_qnum == 1;
  printf("MSG_STAT finds it: %d\n", found);

  // Keys.
  key_t key = 0x3e000000 | (getpid() & 0xffffff);
  show("msgget key, no IPC_CREAT", msgget(key, 0600));
  int kq = msgget(key, IPC_CREAT | 0600);
  printf("created: %d same: %d\n", kq >= 0, msgget(key, 0) == kq);
  show("IPC_CREAT|IPC_EXCL", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
  show("IPC_RMID key", msgctl(kq, IPC_RMID, 0));
  show("msgget key after IPC_RMID", msgget(key, 0600));

  // Removal wakes sleepers with EIDRM.
  c = fork();
  if (c == 0) {
    struct m b;
    _exit(msgrcv(q, &b, 64, 99, 0) < 0 ? errno : 0);
  }
  ds.msg_qbytes = 3;
  msgctl(q, IPC_SET, &ds);
  pid_t c2 = fork();
  if (c2 == 0) _exit(snd(q, 1, "xyz", 0) ? errno : 0);
  await_sleeping(c);
  await_sleeping(c2);
  show("IPC_RMID", msgctl(q, IPC_RMID, 0));
  printf("removed: %s %s\n", strerrorname_np(child_result(c)), strerrorname_np(child_result(c2)));
  show("IPC_STAT after IPC_RMID", msgctl(q, IPC_STAT, &ds));
  return 0;
}
