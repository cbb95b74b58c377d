/*
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
#define IN_SIZE 8624
#define STATE_OFF 32

/* A state image: 16 GPRs, RFLAGS, MXCSR, XMM0-15, scratch memory (as in the record). */
struct state {
  uint64_t gpr[16];
  uint64_t rflags;
  uint32_t mxcsr, pad;
  uint8_t xmm[256];
  uint8_t mem[SCRATCH_SIZE];
};

/* Data page layout (offsets from DATA): must match the stubs below. */
struct regs {
  uint64_t gpr[16];
  uint64_t rflags;
  uint32_t mxcsr, pad;
  uint8_t xmm[256];
};

extern void harness_enter(void);
extern void harness_exit(void);
extern void harness_taken(void);

__asm__(
    ".text\n"
    ".globl harness_enter\n"
    "harness_enter:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsp, 0x20001400\n"
    "  stmxcsr 0x20001408\n"
    "  ldmxcsr 0x20001088\n"
    "  movdqu 0x20001090, %xmm0\n  movdqu 0x200010a0, %xmm1\n  movdqu 0x200010b0, %xmm2\n"
    "  movdqu 0x200010c0, %xmm3\n  movdqu 0x200010d0, %xmm4\n  movdqu 0x200010e0, %xmm5\n"
    "  movdqu 0x200010f0, %xmm6\n  movdqu 0x20001100, %xmm7\n  movdqu 0x20001110, %xmm8\n"
    "  movdqu 0x20001120, %xmm9\n  movdqu 0x20001130, %xmm10\n  movdqu 0x20001140, %xmm11\n"
    "  movdqu 0x20001150, %xmm12\n  movdqu 0x20001160, %xmm13\n  movdqu 0x20001170, %xmm14\n"
    "  movdqu 0x20001180, %xmm15\n"
    "  pushq 0x20001080\n"
    "  popfq\n"
    "  mov 0x20001000, %rax\n  mov 0x20001008, %rcx\n  mov 0x20001010, %rdx\n  mov 0x20001018, %rbx\n"
    "  mov 0x20001028, %rbp\n  mov 0x20001030, %rsi\n  mov 0x20001038, %rdi\n"
    "  mov 0x20001040, %r8\n  mov 0x20001048, %r9\n  mov 0x20001050, %r10\n  mov 0x20001058, %r11\n"
    "  mov 0x20001060, %r12\n  mov 0x20001068, %r13\n  mov 0x20001070, %r14\n  mov 0x20001078, %r15\n"
    "  mov 0x20001020, %rsp\n"
    "  jmp *0x20001410\n"
    ".globl harness_exit\n"
    "harness_exit:\n"
    "  mov %rax, 0x20001200\n  mov %rcx, 0x20001208\n  mov %rdx, 0x20001210\n  mov %rbx, 0x20001218\n"
    "  mov %rsp, 0x20001220\n  mov %rbp, 0x20001228\n  mov %rsi, 0x20001230\n  mov %rdi, 0x20001238\n"
    "  mov %r8, 0x20001240\n  mov %r9, 0x20001248\n  mov %r10, 0x20001250\n  mov %r11, 0x20001258\n"
    "  mov %r12, 0x20001260\n  mov %r13, 0x20001268\n  mov %r14, 0x20001270\n  mov %r15, 0x20001278\n"
    "  mov 0x20001400, %rsp\n"
    "  pushfq\n"
    "  popq 0x20001280\n"
    "  cld\n"
    "  stmxcsr 0x20001288\n"
    "  movdqu %xmm0, 0x20001290\n  movdqu %xmm1, 0x200012a0\n  movdqu %xmm2, 0x200012b0\n"
    "  movdqu %xmm3, 0x200012c0\n  movdqu %xmm4, 0x200012d0\n  movdqu %xmm5, 0x200012e0\n"
    "  movdqu %xmm6, 0x200012f0\n  movdqu %xmm7, 0x20001300\n  movdqu %xmm8, 0x20001310\n"
    "  movdqu %xmm9, 0x20001320\n  movdqu %xmm10, 0x20001330\n  movdqu %xmm11, 0x20001340\n"
    "  movdqu %xmm12, 0x20001350\n  movdqu %xmm13, 0x20001360\n  movdqu %xmm14, 0x20001370\n"
    "  movdqu %xmm15, 0x20001380\n"
    "  ldmxcsr 0x20001408\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n"
    ".globl harness_taken\n"
    "harness_taken:\n"
    "  movb $1, 0x20001428\n"
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
  struct regs *in = (struct regs *)data, *out = (struct regs *)(data + 0x200);
  *(uint64_t *)(data + 0x410) = CODE;
  *(uint64_t *)(data + 0x418) = (uint64_t)harness_exit;
  *(uint64_t *)(data + 0x420) = (uint64_t)harness_taken;

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
    /* jmp *[DATA + 0x418] */
    static const uint8_t jmp_exit[7] = {0xff, 0x24, 0x25, 0x18, 0x14, 0x00, 0x20};
    memcpy(code + len, jmp_exit, sizeof jmp_exit);
    /* The branch target end+7: jmp *[DATA + 0x420], which marks the run as "taken". */
    static const uint8_t jmp_taken[7] = {0xff, 0x24, 0x25, 0x20, 0x14, 0x00, 0x20};
    memcpy(code + len + 7, jmp_taken, sizeof jmp_taken);
    data[0x428] = 0;

    int32_t hdr[2] = {0, 0};
    uint64_t addr = 0, rip = 0, zero = 0;
    struct regs *res = out;
    if (sigsetjmp(jb, 1) == 0) {
      harness_enter();
      if (data[0x428]) rip = CODE + len + 7;
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
