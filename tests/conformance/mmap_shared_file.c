// Shared file mappings: stores through MAP_SHARED reach the file and other processes, write(2) reaches mappings, POSIX semaphores and process-shared mutexes work across fork.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <semaphore.h>
#include <pthread.h>

static void show(const char *what, const char *p, int n) {
  printf("%s: ", what);
  for (int i = 0; i < n; i++) putchar(p[i] ? p[i] : '.');
  putchar('\n');
}

int main(void) {
  const char *path = "mapped.dat";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); return 1; }
  if (write(fd, "hello world, file contents\n", 27) != 27) return 2;
  if (ftruncate(fd, 8192) != 0) return 3;
  char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) { perror("mmap"); return 4; }
  char *priv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  show("mapped", m, 27);
  memcpy(m, "HELLO", 5);
  char buf[64] = {0};
  pread(fd, buf, 27, 0);
  show("read after store", buf, 27);
  pwrite(fd, "WORLD", 5, 6);
  show("map after pwrite", m, 27);
  show("private sees file", priv, 27);
  priv[0] = 'p';
  show("private after own store", priv, 27);
  show("shared after private store", m, 27);
  pid_t pid = fork();
  if (pid == 0) {
    memcpy(m + 4096, "from the child", 14);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  show("child's store", m + 4096, 14);
  if (msync(m, 8192, MS_SYNC) != 0) perror("msync");
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 14, 4096);
  show("file after msync", buf, 14);
  // Process-shared semaphore and mutex in the mapped file.
  sem_t *sem = (sem_t *)(m + 1024);
  sem_init(sem, 1, 0);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutex_t *mu = (pthread_mutex_t *)(m + 2048);
  pthread_mutex_init(mu, &ma);
  int *counter = (int *)(m + 3000);
  *counter = 0;
  pid_t kids[3];
  for (int k = 0; k < 3; k++) {
    kids[k] = fork();
    if (kids[k] == 0) {
      for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(mu);
        int v = *counter;
        if (i % 50 == 0) usleep(100);
        *counter = v + 1;
        pthread_mutex_unlock(mu);
      }
      sem_post(sem);
      _exit(0);
    }
  }
  for (int k = 0; k < 3; k++) sem_wait(sem);
  printf("counter after 3x200 locked increments: %d\n", *counter);
  for (int k = 0; k < 3; k++) waitpid(kids[k], &st, 0);
  // Named semaphore (a file in /dev/shm mapped shared), used across fork.
  sem_unlink("/rustos_test_sem");
  sem_t *ns = sem_open("/rustos_test_sem", O_CREAT | O_EXCL, 0600, 0);
  if (ns == SEM_FAILED) { perror("sem_open"); return 5; }
  pid = fork();
  if (pid == 0) {
    usleep(20000);
    sem_post(ns);
    _exit(0);
  }
  sem_wait(ns);
  printf("named semaphore posted by the child\n");
  waitpid(pid, &st, 0);
  sem_close(ns);
  sem_unlink("/rustos_test_sem");
  // Shared anonymous memory across fork, grown by mremap.
  int *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid = fork();
  if (pid == 0) { anon[10] = 1234; _exit(0); }
  waitpid(pid, &st, 0);
  printf("anon shared: %d\n", anon[10]);
  munmap(m, 8192);
  munmap(priv, 8192);
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 27, 0);
  show("file at the end", buf, 27);
  close(fd);
  unlink(path);
  return 0;
}
