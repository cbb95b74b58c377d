/*
 * AVX variant of harness.c: the same protocol with YMM upper halves in the record (avx-record.ts):
 * the state carries 256 more bytes (bits 128..255 of YMM0-15) after XMM0-15. The entry stub loads
 * whole ymm registers, the exit stub stores them, and a fault takes them from the signal frame's
 * XSAVE area (YMM_Hi128 at offset 576 when XSTATE_BV says the component is in use).
 *
 * Native side of the differential instruction tests (see README.md): reads fixed-size test
 * records from stdin, runs each record's instruction on the real CPU with the record's registers,
 * flags, XMM/MXCSR and scratch memory, and writes one result record per input to stdout.
 *
 * Fixed addresses both sides agree on: scratch memory at 0x10000000 (2 pages), the instruction at
 * 0x20000000 (RWX page), and a data page at 0x20001000 holding the register images the entry and
 * exit stubs load and store with absolute addressing, so every GPR (rsp included) is free for the
 * instruction. A fault (SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP) is caught on an alternate stack;
 * the result then carries the signal, si_code, si_addr, the faulting RIP and the registers at the
 * fault (from the ucontext). Branches are tested with the target end+7 (just past the exit jump
 * that follows the instruction): reaching it is reported as rip = end+7 with no signal.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define SCRATCH 0x10000000UL
#define SCRATCH_SIZE 8192
#define CODE 0x20000000UL
#define DATA 0x20001000UL
#define IN_SIZE 8880
#define STATE_OFF 32

/* A state image: 16 GPRs, RFLAGS, MXCSR, XMM0-15, scratch memory (as in the record). */
struct state {
  uint64_t gpr[16];
  uint64_t rflags;
  uint32_t mxcsr, pad;
  uint8_t xmm[256];
  uint8_t ymmh[256];
  uint8_t mem[SCRATCH_SIZE];
};

/* Data page layout (offsets from DATA): must match the stubs below. */
struct regs {
  uint64_t gpr[16];
  uint64_t rflags;
  uint32_t mxcsr, pad;
  uint8_t xmm[256];
  uint8_t ymmh[256];
};

extern void harness_enter(void);
extern void harness_exit(void);
extern void harness_taken(void);

__asm__(
    ".text\n"
    ".globl harness_enter\n"
    "harness_enter:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsp, 0x20001c00\n"
    "  stmxcsr 0x20001c08\n"
    "  ldmxcsr 0x20001088\n"
  "  vmovdqu 0x20001090, %xmm0\n  vinserti128 $1, 0x20001190, %ymm0, %ymm0\n"
  "  vmovdqu 0x200010a0, %xmm1\n  vinserti128 $1, 0x200011a0, %ymm1, %ymm1\n"
  "  vmovdqu 0x200010b0, %xmm2\n  vinserti128 $1, 0x200011b0, %ymm2, %ymm2\n"
  "  vmovdqu 0x200010c0, %xmm3\n  vinserti128 $1, 0x200011c0, %ymm3, %ymm3\n"
  "  vmovdqu 0x200010d0, %xmm4\n  vinserti128 $1, 0x200011d0, %ymm4, %ymm4\n"
  "  vmovdqu 0x200010e0, %xmm5\n  vinserti128 $1, 0x200011e0, %ymm5, %ymm5\n"
  "  vmovdqu 0x200010f0, %xmm6\n  vinserti128 $1, 0x200011f0, %ymm6, %ymm6\n"
  "  vmovdqu 0x20001100, %xmm7\n  vinserti128 $1, 0x20001200, %ymm7, %ymm7\n"
  "  vmovdqu 0x20001110, %xmm8\n  vinserti128 $1, 0x20001210, %ymm8, %ymm8\n"
  "  vmovdqu 0x20001120, %xmm9\n  vinserti128 $1, 0x20001220, %ymm9, %ymm9\n"
  "  vmovdqu 0x20001130, %xmm10\n  vinserti128 $1, 0x20001230, %ymm10, %ymm10\n"
  "  vmovdqu 0x20001140, %xmm11\n  vinserti128 $1, 0x20001240, %ymm11, %ymm11\n"
  "  vmovdqu 0x20001150, %xmm12\n  vinserti128 $1, 0x20001250, %ymm12, %ymm12\n"
  "  vmovdqu 0x20001160, %xmm13\n  vinserti128 $1, 0x20001260, %ymm13, %ymm13\n"
  "  vmovdqu 0x20001170, %xmm14\n  vinserti128 $1, 0x20001270, %ymm14, %ymm14\n"
  "  vmovdqu 0x20001180, %xmm15\n  vinserti128 $1, 0x20001280, %ymm15, %ymm15\n"
    "  pushq 0x20001080\n"
    "  popfq\n"
    "  mov 0x20001000, %rax\n  mov 0x20001008, %rcx\n  mov 0x20001010, %rdx\n  mov 0x20001018, %rbx\n"
    "  mov 0x20001028, %rbp\n  mov 0x20001030, %rsi\n  mov 0x20001038, %rdi\n"
    "  mov 0x20001040, %r8\n  mov 0x20001048, %r9\n  mov 0x20001050, %r10\n  mov 0x20001058, %r11\n"
    "  mov 0x20001060, %r12\n  mov 0x20001068, %r13\n  mov 0x20001070, %r14\n  mov 0x20001078, %r15\n"
    "  mov 0x20001020, %rsp\n"
    "  jmp *0x20001c10\n"
    ".globl harness_exit\n"
    "harness_exit:\n"
    "  mov %rax, 0x20001600\n  mov %rcx, 0x20001608\n  mov %rdx, 0x20001610\n  mov %rbx, 0x20001618\n"
    "  mov %rsp, 0x20001620\n  mov %rbp, 0x20001628\n  mov %rsi, 0x20001630\n  mov %rdi, 0x20001638\n"
    "  mov %r8, 0x20001640\n  mov %r9, 0x20001648\n  mov %r10, 0x20001650\n  mov %r11, 0x20001658\n"
    "  mov %r12, 0x20001660\n  mov %r13, 0x20001668\n  mov %r14, 0x20001670\n  mov %r15, 0x20001678\n"
    "  mov 0x20001c00, %rsp\n"
    "  pushfq\n"
    "  popq 0x20001680\n"
    "  cld\n"
    "  stmxcsr 0x20001688\n"
  "  vmovdqu %xmm0, 0x20001690\n  vextracti128 $1, %ymm0, 0x20001790\n"
  "  vmovdqu %xmm1, 0x200016a0\n  vextracti128 $1, %ymm1, 0x200017a0\n"
  "  vmovdqu %xmm2, 0x200016b0\n  vextracti128 $1, %ymm2, 0x200017b0\n"
  "  vmovdqu %xmm3, 0x200016c0\n  vextracti128 $1, %ymm3, 0x200017c0\n"
  "  vmovdqu %xmm4, 0x200016d0\n  vextracti128 $1, %ymm4, 0x200017d0\n"
  "  vmovdqu %xmm5, 0x200016e0\n  vextracti128 $1, %ymm5, 0x200017e0\n"
  "  vmovdqu %xmm6, 0x200016f0\n  vextracti128 $1, %ymm6, 0x200017f0\n"
  "  vmovdqu %xmm7, 0x20001700\n  vextracti128 $1, %ymm7, 0x20001800\n"
  "  vmovdqu %xmm8, 0x20001710\n  vextracti128 $1, %ymm8, 0x20001810\n"
  "  vmovdqu %xmm9, 0x20001720\n  vextracti128 $1, %ymm9, 0x20001820\n"
  "  vmovdqu %xmm10, 0x20001730\n  vextracti128 $1, %ymm10, 0x20001830\n"
  "  vmovdqu %xmm11, 0x20001740\n  vextracti128 $1, %ymm11, 0x20001840\n"
  "  vmovdqu %xmm12, 0x20001750\n  vextracti128 $1, %ymm12, 0x20001850\n"
  "  vmovdqu %xmm13, 0x20001760\n  vextracti128 $1, %ymm13, 0x20001860\n"
  "  vmovdqu %xmm14, 0x20001770\n  vextracti128 $1, %ymm14, 0x20001870\n"
  "  vmovdqu %xmm15, 0x20001780\n  vextracti128 $1, %ymm15, 0x20001880\n"
    "  ldmxcsr 0x20001c08\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n"
    ".globl harness_taken\n"
    "harness_taken:\n"
    "  movb $1, 0x20001c28\n"
    "  jmp harness_exit\n");

static sigjmp_buf jb;
static struct {
  int32_t signo, code;
  uint64_t addr, rip;
  struct regs r;
} fault;

/* ucontext register slots in our GPR order (rax rcx rdx rbx rsp rbp rsi rdi r8..r15). */
static const int GREG[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                             REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};

static void on_fault(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  fault.signo = sig;
  fault.code = si->si_code;
  fault.addr = (uint64_t)si->si_addr;
  fault.rip = uc->uc_mcontext.gregs[REG_RIP];
  for (int k = 0; k < 16; k++) fault.r.gpr[k] = uc->uc_mcontext.gregs[GREG[k]];
  fault.r.rflags = uc->uc_mcontext.gregs[REG_EFL];
  fault.r.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
  memcpy(fault.r.xmm, uc->uc_mcontext.fpregs->_xmm, 256);
  /* XSAVE header at 512 (XSTATE_BV), YMM_Hi128 at 576: zero when the component is in its init state. */
  const uint8_t *xs = (const uint8_t *)uc->uc_mcontext.fpregs;
  uint64_t bv;
  memcpy(&bv, xs + 512, 8);
  if (bv & 4) memcpy(fault.r.ymmh, xs + 576, 256);
  else memset(fault.r.ymmh, 0, 256);
  siglongjmp(jb, 1);
}

static void *map_at(uint64_t addr, size_t len, int prot) {
  void *p = mmap((void *)addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)addr) {
    perror("harness: mmap");
    exit(2);
  }
  return p;
}

int main(void) {
  uint8_t *scratch = map_at(SCRATCH, SCRATCH_SIZE, PROT_READ | PROT_WRITE);
  uint8_t *code = map_at(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
  uint8_t *data = map_at(DATA, 4096, PROT_READ | PROT_WRITE);
  struct regs *in = (struct regs *)data, *out = (struct regs *)(data + 0x600);
  *(uint64_t *)(data + 0xc10) = CODE;
  *(uint64_t *)(data + 0xc18) = (uint64_t)harness_exit;
  *(uint64_t *)(data + 0xc20) = (uint64_t)harness_taken;

  static uint8_t altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  int sigs[] = {SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP};
  for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);

  static uint8_t rec[IN_SIZE];
  setvbuf(stdout, NULL, _IOFBF, 1 << 20);
  while (fread(rec, 1, IN_SIZE, stdin) == IN_SIZE) {
    uint32_t len;
    memcpy(&len, rec + 16, 4);
    if (len > 16) len = 16;
    struct state *st = (struct state *)(rec + STATE_OFF);
    memcpy(scratch, st->mem, SCRATCH_SIZE);
    memcpy(in, st, sizeof(struct regs));
    in->rflags = (st->rflags & 0xcd5) | 0x202;
    memset(code, 0xcc, 64);
    memcpy(code, rec, len);
    /* jmp *[DATA + 0xc18] */
    static const uint8_t jmp_exit[7] = {0xff, 0x24, 0x25, 0x18, 0x1c, 0x00, 0x20};
    memcpy(code + len, jmp_exit, sizeof jmp_exit);
    /* The branch target end+7: jmp *[DATA + 0xc20], which marks the run as "taken". */
    static const uint8_t jmp_taken[7] = {0xff, 0x24, 0x25, 0x20, 0x1c, 0x00, 0x20};
    memcpy(code + len + 7, jmp_taken, sizeof jmp_taken);
    data[0xc28] = 0;

    int32_t hdr[2] = {0, 0};
    uint64_t addr = 0, rip = 0, zero = 0;
    struct regs *res = out;
    if (sigsetjmp(jb, 1) == 0) {
      harness_enter();
      if (data[0xc28]) rip = CODE + len + 7;
    } else {
      __asm__ volatile("cld");
      uint32_t m = 0x1f80;
      __asm__ volatile("ldmxcsr %0" ::"m"(m));
      hdr[0] = fault.signo;
      hdr[1] = fault.code;
      addr = fault.addr;
      rip = fault.rip;
      res = &fault.r;
    }
    fwrite(hdr, 4, 2, stdout);
    fwrite(&addr, 8, 1, stdout);
    fwrite(&rip, 8, 1, stdout);
    fwrite(&zero, 8, 1, stdout);
    fwrite(res, sizeof(struct regs), 1, stdout);
    fwrite(scratch, 1, SCRATCH_SIZE, stdout);
  }
  fflush(stdout);
  return 0;
}
