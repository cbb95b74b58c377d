// System V semaphores without waiting: semget (private and keyed, IPC_CREAT/IPC_EXCL, nsems limits), semop (atomic groups, IPC_NOWAIT, ERANGE/EFBIG/E2BIG), semctl (GETVAL/SETVAL/GETALL/SETALL/GETPID/IPC_STAT/IPC_SET/IPC_INFO/SEM_INFO/SEM_STAT/IPC_RMID).
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; struct seminfo *__buf; };

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else printf("%s = %ld\n", what, r);
}

static int sop(int id, int num, int op, int flg) {
  struct sembuf b = { (unsigned short)num, (short)op, (short)flg };
  return semop(id, &b, 1);
}

int main(void) {
  show("semget(nsems=0, private)", semget(IPC_PRIVATE, 0, 0600));
  show("semget(nsems=-1)", semget(IPC_PRIVATE, -1, 0600));
  show("semget(nsems=32001)", semget(IPC_PRIVATE, 32001, 0600));
  int id = semget(IPC_PRIVATE, 3, 0640);
  printf("semget private ok: %d\n", id >= 0);

  union semun u;
  struct semid_ds ds;
  u.buf = &ds;
  show("IPC_STAT", semctl(id, 0, IPC_STAT, u));
  printf("nsems=%lu mode=%o uid_ok=%d cuid_ok=%d gid_ok=%d otime=%ld ctime_set=%d key=%d\n", (unsigned long)ds.sem_nsems,
         ds.sem_perm.mode, ds.sem_perm.uid == getuid(), ds.sem_perm.cuid == getuid(), ds.sem_perm.gid == getgid(),
         (long)ds.sem_otime, ds.sem_ctime > 0, ds.sem_perm.__key);

  for (int i = 0; i < 3; i++) show("GETVAL", semctl(id, i, GETVAL));
  u.val = 5;
  show("SETVAL 5", semctl(id, 1, SETVAL, u));
  u.val = 32767;
  show("SETVAL 32767", semctl(id, 2, SETVAL, u));
  u.val = 32768;
  show("SETVAL 32768", semctl(id, 2, SETVAL, u));
  u.val = -1;
  show("SETVAL -1", semctl(id, 2, SETVAL, u));
  u.val = 1;
  show("SETVAL semnum 3", semctl(id, 3, SETVAL, u));
  show("GETVAL semnum -1", semctl(id, -1, GETVAL));
  unsigned short all[3];
  u.array = all;
  show("GETALL", semctl(id, 0, GETALL, u));
  printf("all = %u %u %u\n", all[0], all[1], all[2]);
  show("GETPID before op", semctl(id, 0, GETPID));
  printf("GETPID after SETVAL is me: %d\n", semctl(id, 1, GETPID) == getpid());

  // One group of operations is applied all or nothing.
  struct sembuf grp[3] = { {0, 2, 0}, {1, -1, 0}, {2, 1, IPC_NOWAIT} };
  show("semop group (2 overflows 32767)", semop(id, grp, 3));
  semctl(id, 0, GETALL, u);
  printf("all = %u %u %u\n", all[0], all[1], all[2]);
  grp[2].sem_op = -1;
  show("semop group", semop(id, grp, 3));
  semctl(id, 0, GETALL, u);
  printf("all = %u %u %u\n", all[0], all[1], all[2]);
  show("semop -3 nowait on 2", sop(id, 0, -3, IPC_NOWAIT));
  show("semop wait-for-zero nowait on 2", sop(id, 0, 0, IPC_NOWAIT));
  show("semop -2 nowait", sop(id, 0, -2, IPC_NOWAIT));
  show("semop wait-for-zero on 0", sop(id, 0, 0, 0));
  struct sembuf dup[2] = { {1, 3, 0}, {1, -7, IPC_NOWAIT} };
  show("same semaphore twice (+3 -7)", semop(id, dup, 2));
  dup[1].sem_op = -6;
  show("same semaphore twice (+3 -6)", semop(id, dup, 2));
  show("GETVAL 1", semctl(id, 1, GETVAL));
  show("semop sem_num 3", sop(id, 3, 1, 0));
  show("semop nsops 0", semop(id, grp, 0));
  static struct sembuf many[501];
  show("semop nsops 501", semop(id, many, 501));
  show("semop nsops 500 (all wait-for-zero, ok)", semop(id, many, 500));
  show("semop bad pointer", semop(id, (struct sembuf *)8, 1));
  show("semop id -1", sop(-1, 0, 1, 0));
  u.buf = &ds;
  semctl(id, 0, IPC_STAT, u);
  printf("otime set: %d\n", ds.sem_otime > 0);
  show("GETNCNT", semctl(id, 0, GETNCNT));
  show("GETZCNT", semctl(id, 0, GETZCNT));

  // IPC_SET: new mode (only the permission bits), owner kept.
  ds.sem_perm.mode = 0100400;
  show("IPC_SET", semctl(id, 0, IPC_SET, u));
  semctl(id, 0, IPC_STAT, u);
  printf("mode after IPC_SET = %o\n", ds.sem_perm.mode);
  ds.sem_perm.uid = (uid_t)-1;
  show("IPC_SET uid -1", semctl(id, 0, IPC_SET, u));
  show("IPC_STAT bad pointer", semctl(id, 0, IPC_STAT, (struct semid_ds *)8));

  // Info: fixed limits, and our array among the others.
  struct seminfo si;
  u.__buf = &si;
  int maxidx = semctl(0, 0, IPC_INFO, u);
  printf("IPC_INFO >= 0: %d semmsl=%d semopm=%d semvmx=%d semaem=%d semmni=%d semmns=%d semume=%d semusz=%d semmap=%d semmnu=%d\n",
         maxidx >= 0, si.semmsl, si.semopm, si.semvmx, si.semaem, si.semmni, si.semmns, si.semume, si.semusz, si.semmap, si.semmnu);
  int r = semctl(0, 0, SEM_INFO, u);
  printf("SEM_INFO == IPC_INFO: %d semusz>=1: %d semaem>=3: %d\n", r == maxidx, si.semusz >= 1, si.semaem >= 3);
  int found = 0;
  u.buf = &ds;
  for (int i = 0; i <= maxidx; i++) if (semctl(i, 0, SEM_STAT, u) == id) found = ds.sem_nsems == 3;
  printf("SEM_STAT finds it: %d\n", found);
  show("semctl bad cmd", semctl(id, 0, 99));
  show("semctl id -1", semctl(-1, 0, GETVAL));

  // Keys.
  key_t key = 0x5e000000 | (getpid() & 0xffffff);
  show("semget key, no IPC_CREAT", semget(key, 2, 0600));
  int kid = semget(key, 2, IPC_CREAT | 0600);
  printf("semget key IPC_CREAT ok: %d\n", kid >= 0);
  printf("same key again: %d\n", semget(key, 2, 0600) == kid);
  printf("same key, fewer sems: %d\n", semget(key, 1, 0) == kid);
  show("same key, more sems", semget(key, 3, 0600));
  show("same key, IPC_CREAT|IPC_EXCL", semget(key, 2, IPC_CREAT | IPC_EXCL | 0600));
  printf("same key, IPC_CREAT: %d\n", semget(key, 2, IPC_CREAT | 0600) == kid);
  u.buf = &ds;
  semctl(kid, 0, IPC_STAT, u);
  printf("key matches: %d\n", ds.sem_perm.__key == key);
  // Root passes permission checks (CAP_IPC_OWNER); others get EACCES.
  ds.sem_perm.mode = 0;
  semctl(kid, 0, IPC_SET, u);
  int g = semget(key, 2, 0600);
  printf("mode 0 semget: %s\n", g == kid ? "ok" : strerrorname_np(errno));
  r = sop(kid, 0, 1, 0);
  printf("mode 0 semop: %s\n", r == 0 ? "ok" : strerrorname_np(errno));
  show("IPC_RMID", semctl(kid, 0, IPC_RMID));
  show("IPC_RMID again", semctl(kid, 0, IPC_RMID));
  show("semop after IPC_RMID", sop(kid, 0, 1, 0));
  show("semget key after IPC_RMID", semget(key, 2, 0600));
  show("GETVAL stale id", semctl(kid, 0, GETVAL));

  show("IPC_RMID private", semctl(id, 0, IPC_RMID));
  return 0;
}
