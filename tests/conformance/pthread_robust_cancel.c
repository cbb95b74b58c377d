// Checks robust mutexes (owner death gives EOWNERDEAD), thread cancellation, and rwlocks.
// cflags: -pthread
// expect: exit 0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static pthread_mutex_t m;
static void *owner(void *a) { (void)a; pthread_mutex_lock(&m); return 0; /* dies holding it */ }
static void *cancelme(void *a) { (void)a; for (;;) { usleep(1000); pthread_testcancel(); } return 0; }
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
int main(void) {
  pthread_mutexattr_t at; pthread_mutexattr_init(&at); pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&m, &at);
  pthread_t t; pthread_create(&t, 0, owner, 0); pthread_join(t, 0);
  int r = pthread_mutex_lock(&m);
  printf("lock after owner death: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "other");
  pthread_mutex_consistent(&m); pthread_mutex_unlock(&m);
  pthread_create(&t, 0, cancelme, 0); usleep(5000); pthread_cancel(t); void *res; pthread_join(t, &res);
  printf("cancelled: %d\n", res == PTHREAD_CANCELED);
  pthread_rwlock_rdlock(&rw); pthread_rwlock_rdlock(&rw); printf("two readers: %d\n", pthread_rwlock_trywrlock(&rw) == EBUSY);
  pthread_rwlock_unlock(&rw); pthread_rwlock_unlock(&rw); printf("writer after: %d\n", pthread_rwlock_trywrlock(&rw) == 0);
  return 0;
}
