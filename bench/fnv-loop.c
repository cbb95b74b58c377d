/* Benchmark: a tight FNV-1a style loop (xor, 32-bit multiply, shift, 64-bit add, compare-branch). */
#include <stdint.h>
#include <stdio.h>
int main(void) {
  uint32_t h = 2166136261u;
  uint64_t s = 0;
  for (uint32_t i = 0; i < 100000000; i++) { h ^= i; h *= 16777619u; s += h >> 3; }
  printf("%u %lu\n", h, (unsigned long)s);
  return 0;
}
