/*
 * Native side of the SSE differential tests (tests/diff/sse.test.ts): runs single instructions on
 * the host CPU from a given state and dumps the state after, or the fault it raised.
 *
 * Input (argv[1], binary): a sequence of 504-byte cases: code[16], len u32, pad u32, then a
 * 480-byte state: gpr[16] u64 (RSP ignored), rflags u64, mxcsr u32, pad u32, xmm[16][16],
 * mem[64], signo i32, code i32, addr u64. Output (stdout): one 480-byte state per case.
 *
 * Fixed addresses, the same the emulator side maps: the instruction runs at CODE_ADDR; the 64
 * memory bytes sit at the end of the read-write page DATA_ADDR, followed by an unmapped page,
 * so operands can be aligned, misaligned, or cross into a fault. A fault is caught with its
 * siginfo and the register state at the fault, and execution continues with the next case.
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

#define CODE_ADDR 0x20000000UL
#define DATA_ADDR 0x10000000UL
#define MEM_ADDR (DATA_ADDR + 0x1000 - 64)

struct st {
  uint64_t gpr[16];
  uint64_t rflags;
  uint32_t mxcsr, pad;
  uint8_t xmm[16][16];
  uint8_t mem[64];
  int32_t signo, code;
  uint64_t addr;
};
struct kase {
  uint8_t code[16];
  uint32_t len, pad;
  struct st s;
};
_Static_assert(sizeof(struct st) == 480, "state layout");
_Static_assert(sizeof(struct kase) == 504, "case layout");

struct st *cur_state;
uint64_t saved_rsp, code_addr, tmp_rdi;
void run_code(void);
void code_return(void);

__asm__(
  ".text\n.globl run_code\nrun_code:\n"
  "push %rbx\npush %rbp\npush %r12\npush %r13\npush %r14\npush %r15\n"
  "mov %rsp, saved_rsp(%rip)\n"
  "mov cur_state(%rip), %rdi\n"
  "movdqu 144(%rdi), %xmm0\nmovdqu 160(%rdi), %xmm1\nmovdqu 176(%rdi), %xmm2\nmovdqu 192(%rdi), %xmm3\n"
  "movdqu 208(%rdi), %xmm4\nmovdqu 224(%rdi), %xmm5\nmovdqu 240(%rdi), %xmm6\nmovdqu 256(%rdi), %xmm7\n"
  "movdqu 272(%rdi), %xmm8\nmovdqu 288(%rdi), %xmm9\nmovdqu 304(%rdi), %xmm10\nmovdqu 320(%rdi), %xmm11\n"
  "movdqu 336(%rdi), %xmm12\nmovdqu 352(%rdi), %xmm13\nmovdqu 368(%rdi), %xmm14\nmovdqu 384(%rdi), %xmm15\n"
  "ldmxcsr 136(%rdi)\n"
  "pushq 128(%rdi)\npopfq\n"
  "mov 0(%rdi), %rax\nmov 8(%rdi), %rcx\nmov 16(%rdi), %rdx\nmov 24(%rdi), %rbx\n"
  "mov 40(%rdi), %rbp\nmov 48(%rdi), %rsi\nmov 64(%rdi), %r8\nmov 72(%rdi), %r9\n"
  "mov 80(%rdi), %r10\nmov 88(%rdi), %r11\nmov 96(%rdi), %r12\nmov 104(%rdi), %r13\n"
  "mov 112(%rdi), %r14\nmov 120(%rdi), %r15\nmov 56(%rdi), %rdi\n"
  "jmp *code_addr(%rip)\n"
  ".globl code_return\ncode_return:\n"
  "mov %rdi, tmp_rdi(%rip)\nmov cur_state(%rip), %rdi\n"
  "mov %rax, 0(%rdi)\nmov %rcx, 8(%rdi)\nmov %rdx, 16(%rdi)\nmov %rbx, 24(%rdi)\n"
  "mov %rbp, 40(%rdi)\nmov %rsi, 48(%rdi)\nmov %r8, 64(%rdi)\nmov %r9, 72(%rdi)\n"
  "mov %r10, 80(%rdi)\nmov %r11, 88(%rdi)\nmov %r12, 96(%rdi)\nmov %r13, 104(%rdi)\n"
  "mov %r14, 112(%rdi)\nmov %r15, 120(%rdi)\nmov tmp_rdi(%rip), %rax\nmov %rax, 56(%rdi)\n"
  "pushfq\npopq 128(%rdi)\n"
  "stmxcsr 136(%rdi)\n"
  "movdqu %xmm0, 144(%rdi)\nmovdqu %xmm1, 160(%rdi)\nmovdqu %xmm2, 176(%rdi)\nmovdqu %xmm3, 192(%rdi)\n"
  "movdqu %xmm4, 208(%rdi)\nmovdqu %xmm5, 224(%rdi)\nmovdqu %xmm6, 240(%rdi)\nmovdqu %xmm7, 256(%rdi)\n"
  "movdqu %xmm8, 272(%rdi)\nmovdqu %xmm9, 288(%rdi)\nmovdqu %xmm10, 304(%rdi)\nmovdqu %xmm11, 320(%rdi)\n"
  "movdqu %xmm12, 336(%rdi)\nmovdqu %xmm13, 352(%rdi)\nmovdqu %xmm14, 368(%rdi)\nmovdqu %xmm15, 384(%rdi)\n"
  "mov $0x1f80, %eax\npush %rax\nldmxcsr (%rsp)\npop %rax\n"
  "mov saved_rsp(%rip), %rsp\n"
  "pop %r15\npop %r14\npop %r13\npop %r12\npop %rbp\npop %rbx\nret\n");

static sigjmp_buf jb;

static void on_fault(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  struct st *s = cur_state;
  static const int map[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                              REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
  for (int r = 0; r < 16; r++) s->gpr[r] = uc->uc_mcontext.gregs[map[r]];
  s->rflags = uc->uc_mcontext.gregs[REG_EFL];
  s->mxcsr = uc->uc_mcontext.fpregs->mxcsr;
  memcpy(s->xmm, uc->uc_mcontext.fpregs->_xmm, 256);
  s->signo = sig;
  s->code = si->si_code;
  s->addr = (uint64_t)si->si_addr;
  siglongjmp(jb, 1);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  uint8_t *code = mmap((void *)CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  uint8_t *data = mmap((void *)DATA_ADDR, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (code != (void *)CODE_ADDR || data != (void *)DATA_ADDR) return 3;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  static struct kase k;
  static struct st s;
  while (fread(&k, sizeof k, 1, f) == 1) {
    memcpy(code, k.code, k.len);
    code[k.len] = 0xff; code[k.len + 1] = 0x25; // jmp *0(%rip)
    memset(code + k.len + 2, 0, 4);
    uint64_t ret = (uint64_t)code_return;
    memcpy(code + k.len + 6, &ret, 8);
    __builtin___clear_cache((char *)code, (char *)code + 64);
    s = k.s;
    s.signo = 0; s.code = 0; s.addr = 0;
    memcpy((void *)MEM_ADDR, s.mem, 64);
    cur_state = &s;
    code_addr = CODE_ADDR;
    if (sigsetjmp(jb, 1) == 0) run_code();
    memcpy(s.mem, (void *)MEM_ADDR, 64);
    fwrite(&s, sizeof s, 1, stdout);
  }
  return 0;
}
