// Checks pthreads: create/join with return values, a contended mutex, a condition variable, a barrier, and thread-local storage.
// cflags: -pthread
// expect: exit 0
#include <pthread.h>
#include <stdio.h>

#define N 4
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t bar;
static long total;
static int ready;
static __thread long mine;

static void *work(void *arg) {
    long id = (long)arg, sum = 0;
    mine = id * 100;
    for (long i = 0; i < 50000; i++) {
        pthread_mutex_lock(&mu);
        total += i % 7;
        pthread_mutex_unlock(&mu);
        sum += i;
    }
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&mu);
    ready++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    return (void *)(sum + mine);
}

int main(void) {
    pthread_t th[N];
    pthread_barrier_init(&bar, 0, N);
    mine = -1;
    for (long i = 0; i < N; i++) pthread_create(&th[i], 0, work, (void *)i);
    pthread_mutex_lock(&mu);
    while (ready < N) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    long r = 0;
    for (int i = 0; i < N; i++) {
        void *v;
        pthread_join(th[i], &v);
        r += (long)v;
    }
    printf("total=%ld joined=%ld main tls=%ld\n", total, r, mine);
    return 0;
}
