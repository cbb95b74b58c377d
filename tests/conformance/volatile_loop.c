// Checks that volatile loads/stores in loops are all performed (counted busy loops, volatile accumulators, memory barriers).
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t counter;
static volatile int flag;

int main(void) {
    for (volatile long i = 0; i < 3000000; i++) counter += (uint64_t)i & 3;
    printf("counter=%llu\n", (unsigned long long)counter);
    volatile int arr[64];
    for (int i = 0; i < 64; i++) arr[i] = i;
    long s = 0;
    for (int r = 0; r < 20000; r++) for (int i = 0; i < 64; i++) { arr[i] = arr[i] * 3 + 1; s += arr[i] & 0xff; }
    printf("arr sum=%ld arr[63]=%d\n", s, arr[63]);
    int spins = 0;
    flag = 5;
    while (flag > 0) { flag = flag - 1; __sync_synchronize(); spins++; }
    printf("spins=%d\n", spins);
    volatile uint8_t b = 250; int wraps = 0;
    for (int i = 0; i < 1000; i++) { b++; if (b == 0) wraps++; }
    printf("uint8 wraps=%d final=%u\n", wraps, b);
    long atom = 0;
    for (int i = 0; i < 1000; i++) __atomic_fetch_add(&atom, i, __ATOMIC_SEQ_CST);
    long expected = 499500, old = __sync_val_compare_and_swap(&atom, expected, 1);
    long now = atom;
    long prev = __atomic_exchange_n(&atom, 9, __ATOMIC_SEQ_CST);
    printf("atomic sum=%ld cas old=%ld now=%ld xchg returned %ld, after=%ld\n", expected, old, now, prev, atom);
    return 0;
}
