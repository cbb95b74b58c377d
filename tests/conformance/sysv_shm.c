// System V shared memory: shmget/shmat/shmdt/shmctl with Linux's errors, attaches shared across fork, nattch, IPC_RMID of an attached segment (SHM_DEST, private key), SHM_RDONLY faults, SHM_RND.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

static const char *err(int r) { return r < 0 ? strerror(errno) : "ok"; }

static void stat_of(const char *what, int id) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) < 0) { printf("%s: IPC_STAT %s\n", what, strerror(errno)); return; }
  printf("%s: size %zu nattch %lu mode %o dest %d key-private %d\n", what, ds.shm_segsz, (unsigned long)ds.shm_nattch,
         ds.shm_perm.mode & 0777, !!(ds.shm_perm.mode & SHM_DEST), ds.shm_perm.__key == IPC_PRIVATE);
}

int main(void) {
  key_t key = 0x52530000 + (getpid() & 0xffff);
  printf("size 0: %s\n", err(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600)));
  printf("no such key: %s\n", err(shmget(key, 4096, 0600)));
  int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0640);
  printf("create: %s\n", err(id));
  printf("again with EXCL: %s\n", err(shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0640)));
  printf("bigger size: %s\n", err(shmget(key, 20000, 0)));
  printf("same key finds it: %d\n", shmget(key, 5000, 0) == id);
  stat_of("fresh", id);
  char *p = shmat(id, NULL, 0);
  printf("attach: %s\n", p == (void *)-1 ? strerror(errno) : "ok");
  printf("zeroed: %d\n", p[0] == 0 && p[9999] == 0);
  strcpy(p, "parent");
  stat_of("attached", id);
  pid_t c = fork();
  if (c == 0) {
    stat_of("in child", id);
    fflush(stdout);
    strcpy(p + 100, "child wrote this");
    char *q = shmat(id, NULL, SHM_RDONLY);
    printf("child sees parent: %s, second attach sees child: %s\n", p, q + 100);
    fflush(stdout);
    shmdt(q);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("parent sees: %s\n", p + 100);
  stat_of("after child", id);
  // A read-only attach faults on a store.
  c = fork();
  if (c == 0) {
    char *r = shmat(id, NULL, SHM_RDONLY);
    r[0] = 'x';
    _exit(0);
  }
  waitpid(c, &st, 0);
  printf("store to SHM_RDONLY: %s\n", WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "no signal");
  printf("bad id: %s\n", err((int)(long)shmat(-1, NULL, 0)));
  printf("misaligned: %s\n", err((int)(long)shmat(id, p + 1, 0)));
  printf("shmdt not an attach: %s\n", err(shmdt(p + 4096)));
  char *target = p + 0x100000;
  char *r = shmat(id, target + 123, SHM_RND);
  printf("SHM_RND rounds down: %d\n", r == target);
  printf("shared with first attach: %s\n", r + 100);
  shmdt(r);
  printf("remove while attached: %s\n", err(shmctl(id, IPC_RMID, NULL)));
  stat_of("removed", id);
  printf("key no longer finds it: %s\n", err(shmget(key, 100, 0)));
  printf("still usable: %s\n", p);
  printf("detach: %s\n", err(shmdt(p)));
  stat_of("after last detach", id);
  struct shminfo info;
  memset(&info, 0xff, sizeof info);
  printf("IPC_INFO: %d shmmin %lu shmmni %lu shmseg %lu\n", shmctl(0, IPC_INFO, (struct shmid_ds *)&info) >= 0, info.shmmin, info.shmmni, info.shmseg);
  return 0;
}
