/*
 * Native side of the MMX differential tests (tests/diff/mmx.test.ts): reads 1024-byte records from
 * stdin; for each one loads the record's GPRs (all but rsp) and a 512-byte FXSAVE image (x87
 * state, i.e. the MMX registers, MXCSR and XMM0..15) with fxrstor, puts 256 bytes of scratch at
 * the end of the page at 0x10000000 (the next page is unmapped, to test faults), calls the
 * record's instruction (placed at 0x20000000 followed by ret) and writes back the same layout
 * after the instruction: GPRs, fxsave image, scratch, and the signal. After a signal the GPRs and
 * FXSAVE image are the ones in the signal's ucontext (the state at the fault).
 *
 * Record: 0 code[16] | 16 u32 len | 32 gpr[16] u64 | 160 fxsave[512] | 672 scratch[256]
 *         | 928 i32 signo | 932 i32 si_code | 936 u64 si_addr | 944 u64 fault rip
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define SCRATCH_PAGE 0x10000000UL
#define SCRATCH (SCRATCH_PAGE + 4096 - 256)
#define CODE 0x20000000UL
#define REC 1024

/* gpr[16] at 0, fxsave image at 128. */
static unsigned char state[128 + 512] __attribute__((aligned(64)));
void *state_ptr = state;
void *code_ptr = (void *)CODE;
void *saved_rsp;

void run_case(void);
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsp, saved_rsp(%rip)\n"
    "  mov state_ptr(%rip), %rdi\n"
    "  fxrstor 128(%rdi)\n"
    "  mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n mov 24(%rdi), %rbx\n"
    "  mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n"
    "  mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n"
    "  mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n"
    "  mov 56(%rdi), %rdi\n"
    "  call *code_ptr(%rip)\n"
    "  push %rdi\n"
    "  mov state_ptr(%rip), %rdi\n"
    "  mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n mov %rbx, 24(%rdi)\n"
    "  mov %rbp, 40(%rdi)\n mov %rsi, 48(%rdi)\n"
    "  mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n mov %r10, 80(%rdi)\n mov %r11, 88(%rdi)\n"
    "  mov %r12, 96(%rdi)\n mov %r13, 104(%rdi)\n mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
    "  pop %rax\n mov %rax, 56(%rdi)\n"
    "  fxsave 128(%rdi)\n"
    "  fninit\n"
    "  movl $0x1f80, -4(%rsp)\n ldmxcsr -4(%rsp)\n"
    "  mov saved_rsp(%rip), %rsp\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n");

static sigjmp_buf jb;
static volatile int sig, scode;
static volatile uint64_t saddr, srip;

static void handler(int s, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  sig = s;
  scode = si->si_code;
  saddr = (uint64_t)si->si_addr;
  greg_t *g = uc->uc_mcontext.gregs;
  srip = g[REG_RIP];
  uint64_t *r = (uint64_t *)state;
  r[0] = g[REG_RAX]; r[1] = g[REG_RCX]; r[2] = g[REG_RDX]; r[3] = g[REG_RBX];
  r[4] = 0; r[5] = g[REG_RBP]; r[6] = g[REG_RSI]; r[7] = g[REG_RDI];
  r[8] = g[REG_R8]; r[9] = g[REG_R9]; r[10] = g[REG_R10]; r[11] = g[REG_R11];
  r[12] = g[REG_R12]; r[13] = g[REG_R13]; r[14] = g[REG_R14]; r[15] = g[REG_R15];
  memcpy(state + 128, uc->uc_mcontext.fpregs, 512);
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
  unsigned char *pg = mmap((void *)SCRATCH_PAGE, 4096, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (code == MAP_FAILED || pg == MAP_FAILED) return 2;
  munmap((void *)(SCRATCH_PAGE + 4096), 4096);
  unsigned char *scr = (unsigned char *)SCRATCH;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  static unsigned char in[REC], out[REC];
  for (;;) {
    int r = readall(in, REC);
    if (r == 0) break;
    if (r < 0) return 3;
    uint32_t len;
    memcpy(&len, in + 16, 4);
    if (len > 16) len = 16;
    memset(code, 0xcc, 64);
    memcpy(code, in, len);
    code[len] = 0xc3;
    memcpy(state, in + 32, 128 + 512);
    memcpy(scr, in + 672, 256);
    sig = 0;
    scode = 0;
    saddr = 0;
    srip = 0;
    if (sigsetjmp(jb, 1) == 0) run_case();
    memset(out, 0, REC);
    memcpy(out, in, 32);
    memcpy(out + 32, state, 128 + 512);
    memcpy(out + 672, scr, 256);
    int s = sig, sc = scode;
    uint64_t sa_ = saddr, sr = srip;
    memcpy(out + 928, &s, 4);
    memcpy(out + 932, &sc, 4);
    memcpy(out + 936, &sa_, 8);
    memcpy(out + 944, &sr, 8);
    if (fwrite(out, REC, 1, stdout) != 1) return 4;
  }
  return 0;
}
