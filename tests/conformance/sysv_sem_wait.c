// System V semaphores that wait: a blocked semop woken by another process's change, wait-for-zero, GETNCNT/GETZCNT, complex groups, EINTR (even with SA_RESTART), EIDRM on removal, semtimedop timeouts, SEM_UNDO applied at exit (clamped) and cleared by SETVAL.
// cflags: -pthread
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; };

static int sop(int id, int num, int op, int flg) {
  struct sembuf b = { (unsigned short)num, (short)op, (short)flg };
  return semop(id, &b, 1);
}

static int getval(int id, int n) { return semctl(id, n, GETVAL); }
static void setval(int id, int n, int v) { union semun u; u.val = v; semctl(id, n, SETVAL, u); }

/* Waits until `count` processes sleep on semaphore n (GETNCNT, or GETZCNT for zero). */
static void await_sleepers(int id, int n, int cmd, int count) {
  while (semctl(id, n, cmd) < count) usleep(1000);
}

/* A child's outcome: its exit code is the errno of its semop, or 0. */
static int child_result(pid_t p) {
  int st;
  waitpid(p, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void on_usr1(int s) { (void)s; }

static int thread_sem;
static void *undo_thread(void *arg) {
  (void)arg;
  sop(thread_sem, 0, 1, SEM_UNDO);
  return 0;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int id = semget(IPC_PRIVATE, 3, 0600);

  // 1. A decrement waits for an increment.
  pid_t c = fork();
  if (c == 0) _exit(sop(id, 0, -2, 0) ? errno : 0);
  await_sleepers(id, 0, GETNCNT, 1);
  printf("ncnt=%d zcnt=%d\n", semctl(id, 0, GETNCNT), semctl(id, 0, GETZCNT));
  sop(id, 0, 1, 0);
  usleep(20000);
  printf("after +1: still waiting=%d val=%d\n", semctl(id, 0, GETNCNT), getval(id, 0));
  sop(id, 0, 1, 0);
  printf("child: %d, val=%d, ncnt=%d\n", child_result(c), getval(id, 0), semctl(id, 0, GETNCNT));
  printf("GETPID is the child: %d\n", semctl(id, 0, GETPID) == c);

  // 2. Wait-for-zero.
  setval(id, 1, 2);
  c = fork();
  if (c == 0) _exit(sop(id, 1, 0, 0) ? errno : 0);
  await_sleepers(id, 1, GETZCNT, 1);
  printf("zcnt=%d\n", semctl(id, 1, GETZCNT));
  sop(id, 1, -1, 0);
  sop(id, 1, -1, 0);
  printf("wait-for-zero child: %d\n", child_result(c));

  // 3. A complex group waits until all of it can proceed; it counts on its first blocking op.
  c = fork();
  if (c == 0) {
    struct sembuf g[2] = { {0, -1, 0}, {2, -1, 0} };
    _exit(semop(id, g, 2) ? errno : 0);
  }
  await_sleepers(id, 0, GETNCNT, 1);
  printf("group: ncnt0=%d ncnt2=%d\n", semctl(id, 0, GETNCNT), semctl(id, 2, GETNCNT));
  sop(id, 2, 1, 0);
  usleep(20000);
  printf("group after sem2+1: val2=%d ncnt0=%d\n", getval(id, 2), semctl(id, 0, GETNCNT));
  unsigned short vals[3] = {1, 0, 1};
  union semun u;
  u.array = vals;
  semctl(id, 0, SETALL, u);
  printf("group child: %d vals=%d %d %d\n", child_result(c), getval(id, 0), getval(id, 1), getval(id, 2));

  // 4. A signal ends the wait with EINTR, SA_RESTART or not.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, 0);
  c = fork();
  if (c == 0) _exit(sop(id, 1, -1, 0) ? errno : 0);
  await_sleepers(id, 1, GETNCNT, 1);
  kill(c, SIGUSR1);
  int r = child_result(c);
  printf("signalled child: %s, ncnt=%d\n", strerrorname_np(r), semctl(id, 1, GETNCNT));

  // ... and so does a stop and continue, without any handler (signal(7)).
  c = fork();
  if (c == 0) _exit(sop(id, 1, -1, 0) ? errno : 0);
  await_sleepers(id, 1, GETNCNT, 1);
  kill(c, SIGSTOP);
  int st;
  waitpid(c, &st, WUNTRACED);
  printf("stopped: %d\n", WIFSTOPPED(st));
  kill(c, SIGCONT);
  r = child_result(c);
  printf("stopped and continued child: %s\n", strerrorname_np(r));

  // 5. semtimedop: the timeout gives EAGAIN; a bad timeout EINVAL; a zero timeout fails at once.
  struct sembuf b = {1, -1, 0};
  struct timespec ts = {0, 30000000};
  r = semtimedop(id, &b, 1, &ts);
  printf("semtimedop 30ms: %d %s\n", r, strerrorname_np(errno));
  ts.tv_nsec = 1000000000;
  r = semtimedop(id, &b, 1, &ts);
  printf("semtimedop nsec=1e9: %d %s\n", r, strerrorname_np(errno));
  ts.tv_sec = -1; ts.tv_nsec = 0;
  r = semtimedop(id, &b, 1, &ts);
  printf("semtimedop sec=-1: %d %s\n", r, strerrorname_np(errno));
  ts.tv_sec = 0;
  r = semtimedop(id, &b, 1, &ts);
  printf("semtimedop zero: %d %s\n", r, strerrorname_np(errno));
  b.sem_op = 1;
  r = semtimedop(id, &b, 1, &ts);
  printf("semtimedop zero, can proceed: %d val=%d\n", r, getval(id, 1));
  r = semtimedop(id, &b, 1, (struct timespec *)8);
  printf("semtimedop bad timeout pointer: %d %s\n", r, strerrorname_np(errno));
  setval(id, 1, 0);
  c = fork();
  if (c == 0) {
    struct sembuf w = {1, -1, 0};
    struct timespec t2 = {5, 0};
    _exit(semtimedop(id, &w, 1, &t2) ? errno : 0);
  }
  await_sleepers(id, 1, GETNCNT, 1);
  sop(id, 1, 1, 0);
  printf("semtimedop woken before timeout: %d\n", child_result(c));

  // 6. SEM_UNDO: adjustments undone when the process exits, clamped at 0.
  setval(id, 0, 3);
  c = fork();
  if (c == 0) {
    sop(id, 0, -2, SEM_UNDO);
    sop(id, 1, 4, SEM_UNDO);
    sop(id, 1, -1, SEM_UNDO);
    _exit(0);
  }
  child_result(c);
  printf("after undo: val0=%d val1=%d\n", getval(id, 0), getval(id, 1));
  printf("GETPID after exit undo is the child: %d\n", semctl(id, 0, GETPID) == c);
  setval(id, 2, 0);
  c = fork();
  if (c == 0) {
    sop(id, 2, 5, SEM_UNDO);
    setval(id, 2, 2);   // clears the child's adjustment for semaphore 2
    sop(id, 2, 1, SEM_UNDO);
    _exit(0);
  }
  child_result(c);
  printf("undo after SETVAL: val2=%d\n", getval(id, 2));
  setval(id, 2, 0);
  c = fork();
  if (c == 0) {
    sop(id, 2, 5, SEM_UNDO);
    sop(id, 2, -4, 0);   // not undone
    _exit(0);
  }
  child_result(c);
  printf("undo clamped at 0: val2=%d\n", getval(id, 2));
  // An undone increment wakes a waiter.
  setval(id, 0, 0);
  c = fork();
  if (c == 0) {
    sop(id, 0, -1, SEM_UNDO);   // blocks until the grandchild's undo of -1... see below
    _exit(0);
  }
  await_sleepers(id, 0, GETNCNT, 1);
  pid_t d = fork();
  if (d == 0) {
    struct sembuf z = {0, 1, 0};
    semop(id, &z, 1);
    _exit(0);
  }
  child_result(d);
  printf("woken by increment: %d\n", child_result(c));
  printf("undo returned the unit: val0=%d\n", getval(id, 0));
  // An adjustment beyond SEMAEM (32767) is ERANGE; SETVAL clears adjustments.
  setval(id, 0, 32767);
  printf("-32767 undo: %d\n", sop(id, 0, -32767, SEM_UNDO));
  sop(id, 0, 1, 0);
  r = sop(id, 0, -1, SEM_UNDO);
  printf("one more -1 undo: %d %s val0=%d\n", r, strerrorname_np(errno), getval(id, 0));
  setval(id, 0, 1);
  printf("after SETVAL, -1 undo: %d\n", sop(id, 0, -1, SEM_UNDO));

  // Threads share their process's undo record: a thread's exit undoes nothing, the process's does.
  setval(id, 0, 0);
  thread_sem = id;
  c = fork();
  if (c == 0) {
    pthread_t th;
    pthread_create(&th, 0, undo_thread, 0);
    pthread_join(th, 0);
    _exit(getval(id, 0));
  }
  printf("after the thread's exit: %d, after the process's: %d\n", child_result(c), getval(id, 0));

  // 7. Removal wakes sleepers with EIDRM.
  c = fork();
  if (c == 0) _exit(sop(id, 2, -1, 0) ? errno : 0);
  setval(id, 1, 1);
  pid_t c2 = fork();
  if (c2 == 0) _exit(sop(id, 0, 0, 0) == 0 && sop(id, 1, 0, 0) ? errno : 99);
  await_sleepers(id, 2, GETNCNT, 1);
  await_sleepers(id, 1, GETZCNT, 1);
  printf("IPC_RMID: %d\n", semctl(id, 0, IPC_RMID));
  printf("removed: %s %s\n", strerrorname_np(child_result(c)), strerrorname_np(child_result(c2)));
  return 0;
}
