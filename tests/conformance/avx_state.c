// AVX state across signals and XSAVE: a handler that clobbers every ymm register returns to code whose ymm values survive; the signal frame carries the XSAVE markers and the YMM state; xgetbv, xsave/xrstor round-trip. (Checks that need OSXSAVE pass trivially when cpuid does not report it, e.g. rustos --cpu=v2.)
// cflags: -mavx2 -mxsave
#include <immintrin.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <cpuid.h>

static volatile int seen_magic, seen_ymm;

static void handler(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
  uint32_t magic1, size;
  memcpy(&magic1, fp + 464, 4);
  memcpy(&size, fp + 480, 4);
  uint32_t magic2;
  memcpy(&magic2, fp + size, 4);
  seen_magic = magic1 == 0x46505853 && magic2 == 0x46505845 && (uc->uc_flags & 1);
  // ymm1's upper half (set to 7.0f lanes by main) in the YMM_Hi128 component at 576 + 16.
  float hi[4];
  memcpy(hi, fp + 576 + 16, 16);
  seen_ymm = hi[0] == 7.0f && hi[3] == 7.0f;
  // Clobber every ymm register.
  __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n vmovdqa %%ymm0, %%ymm1\n vmovdqa %%ymm0, %%ymm2\n vmovdqa %%ymm0, %%ymm15" ::: "xmm0", "xmm1", "xmm2", "xmm15");
  (void)sig; (void)si;
}

int main(void) {
  unsigned a, b, c, d;
  __cpuid(1, a, b, c, d);
  int osx = (c >> 27) & 1, avx = (c >> 28) & 1;
  int on = osx && avx;
  unsigned lo = 7, hi;
  if (on) __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  printf("xcr0 has x87|sse|avx: %d\n", (lo & 7) == 7);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  float out[8];
  // ymm1 = 7.0f in every lane, then the signal arrives through a raw kill syscall (no libc code
  // between the vector code and the signal that might touch ymm1).
  long pid;
  __asm__ volatile("mov $39, %%eax\n syscall" : "=a"(pid) : : "rcx", "r11", "memory");
  __asm__ volatile(
      "vbroadcastss %1, %%ymm1\n"
      "mov $62, %%eax\n syscall\n"
      "vmovups %%ymm1, %0\n"
      : "=m"(out)
      : "m"(*(const float[]){7.0f}), "D"(pid), "S"(SIGUSR1)
      : "xmm1", "rax", "rcx", "r11", "memory");
  printf("magic %d ymm-in-frame %d ymm1 after handler: %g %g\n", seen_magic || !on, seen_ymm || !on, out[0], on ? out[7] : 7.0f);

  // xsave / xrstor round trip of the AVX component.
  static uint8_t area[4096] __attribute__((aligned(64)));
  memset(area, 0, sizeof area);
  __m256 v = _mm256_set_ps(8, 7, 6, 5, 4, 3, 2, 1);
  __asm__ volatile("vmovaps %0, %%ymm3" : : "x"(v) : "xmm3");
  _xsave(area, 7);
  float up[4];
  memcpy(up, area + 576 + 3 * 16, 16);
  printf("xsave ymm3 upper: %g %g %g %g\n", up[0], up[1], up[2], up[3]);
  uint64_t bv;
  memcpy(&bv, area + 512, 8);
  printf("xstate_bv avx bit: %d\n", (int)((bv >> 2) & 1));
  __asm__ volatile("vzeroall" ::: "xmm0", "xmm1", "xmm2", "xmm3");
  _xrstor(area, 7);
  float back[8];
  __asm__ volatile("vmovups %%ymm3, %0" : "=m"(back) : : "memory");
  printf("xrstor ymm3: %g %g %g %g %g %g %g %g\n", back[0], back[1], back[2], back[3], back[4], back[5], back[6], back[7]);
  (void)out;
  return 0;
}
