/**
 * Typed access to the six syscall argument registers (rdi, rsi, rdx, r10, r8, r9). Registers hold
 * 64 bits; an int argument is the low 32 bits (so AT_FDCWD, -100, arrives intact whatever the
 * upper half holds), a pointer or size is the whole unsigned value.
 */

import type { Cpu } from '../../kernel/cpu/state.js';

const ARG_REGS = [7, 6, 2, 10, 8, 9];

export class SysArgs {
  constructor(private readonly c: Cpu) {}

  /** Low 32 bits, signed (int, fd, flags). */
  int(k: number): number {
    return this.c.R[2 * ARG_REGS[k]];
  }
  /** Low 32 bits, unsigned (unsigned int, mode_t). */
  uint(k: number): number {
    return this.c.R[2 * ARG_REGS[k]] >>> 0;
  }
  /** The full register as an unsigned number (pointers, size_t). Exact below 2^53. */
  u64(k: number): number {
    return this.c.getU64(ARG_REGS[k]);
  }
  /** The full register as a signed number (off_t, long). */
  s64(k: number): number {
    return this.c.getS64(ARG_REGS[k]);
  }
  ptr(k: number): number {
    return this.c.getU64(ARG_REGS[k]);
  }
  /** The full register as a signed 64-bit BigInt (a long that must stay exact, msgrcv's type). */
  big(k: number): bigint {
    const r = 2 * ARG_REGS[k];
    return (BigInt(this.c.R[r + 1]) << 32n) | BigInt(this.c.R[r] >>> 0);
  }
}
