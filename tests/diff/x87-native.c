/*
 * Native side of the x87 differential tests (tests/diff/x87.test.ts): reads 256-byte records from
 * stdin, and for each one loads the record's x87 state with frstor (108-byte image: FCW, FSW with
 * TOP and condition codes, tag word, ST0..ST7), RFLAGS, RAX and 112 bytes of scratch memory at
 * 0x10000000, calls the record's instruction (placed at 0x20000000 followed by ret), and writes a
 * 256-byte result: the fnsave image, RFLAGS, RAX, the scratch memory and the signal (0 if none).
 *
 * Input:  0 code[16] | 16 u32 len | 20 u32 rflags | 24 u64 rax | 32 image[108] | 144 scratch[112]
 * Output: 0 image[108] | 112 u64 rflags | 120 u64 rax | 128 scratch[112] | 240 i32 signal
 * Built with -mno-red-zone: the inline asm pushes and calls below the stack pointer.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SCRATCH 0x10000000UL
#define CODE 0x20000000UL
#define REC 256

static sigjmp_buf jb;
static volatile int sig;

static void handler(int s, siginfo_t *si, void *uc) {
  (void)si;
  (void)uc;
  sig = s;
  siglongjmp(jb, 1);
}

static int readall(unsigned char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(0, p + got, n - got);
    if (r <= 0) return got == 0 ? 0 : -1;
    got += (size_t)r;
  }
  return 1;
}

int main(void) {
  unsigned char *code = mmap((void *)CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  unsigned char *scr = mmap((void *)SCRATCH, 4096, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (code == MAP_FAILED || scr == MAP_FAILED) return 2;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  static unsigned char in[REC], out[REC];
  static unsigned char img[112] __attribute__((aligned(16)));
  static unsigned char res[112] __attribute__((aligned(16)));
  for (;;) {
    int r = readall(in, REC);
    if (r == 0) break;
    if (r < 0) return 3;
    uint32_t len, fl;
    uint64_t rax;
    memcpy(&len, in + 16, 4);
    memcpy(&fl, in + 20, 4);
    memcpy(&rax, in + 24, 8);
    memset(code, 0xcc, 64);
    memcpy(code, in, len);
    code[len] = 0xc3;
    memcpy(img, in + 32, 108);
    memcpy(scr, in + 144, 112);
    uint64_t flout = 0, raxout = 0;
    sig = 0;
    memset(out, 0, REC);
    if (sigsetjmp(jb, 1) == 0) {
      uint64_t flin = fl;
      __asm__ volatile(
          "frstor (%[img])\n\t"
          "push %[fl]\n\t"
          "popfq\n\t"
          "mov %[rax], %%rax\n\t"
          "call *%[code]\n\t"
          "pushfq\n\t"
          "pop %[flout]\n\t"
          "mov %%rax, %[raxout]\n\t"
          "fnsave (%[res])\n\t"
          "fninit\n\t"
          : [flout] "=&r"(flout), [raxout] "=&r"(raxout)
          : [img] "r"(img), [fl] "r"(flin), [rax] "r"(rax), [code] "r"(code), [res] "r"(res)
          : "rax", "memory", "cc");
    } else {
      __asm__ volatile("fnsave (%0)\n\tfninit" ::"r"(res) : "memory");
    }
    memcpy(out, res, 108);
    memcpy(out + 112, &flout, 8);
    memcpy(out + 120, &raxout, 8);
    memcpy(out + 128, scr, 112);
    int s = sig;
    memcpy(out + 240, &s, 4);
    if (fwrite(out, REC, 1, stdout) != 1) return 4;
  }
  return 0;
}
