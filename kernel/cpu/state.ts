/**
 * The architectural state of one x86-64 CPU core, laid out in physical memory's register region so
 * the interpreter (through typed-array views) and a future WebAssembly block compiler (through
 * i64 loads) share it. Layout (byte offsets from `base`):
 *   0   16 GPRs x 8 bytes, little-endian: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
 *   128 scratch pairs for 64-bit temporaries (8 x 8 bytes)
 *   256 XMM0..15 x 16 bytes, then 512 the upper halves of YMM0..15 x 16 bytes
 * RIP, the segment bases, and the lazy-flag record are plain fields: they are read far more often
 * than written and V8 keeps small-integer fields unboxed.
 *
 * Each task owns a saved copy of its registers (TaskRegs); the kernel loads it into the core
 * before running the task and stores it back after, as a context switch does.
 */

import { PhysMem } from '../mm/phys.js';
import { AddressSpace } from '../mm/aspace.js';
import { X87 } from './x87-state.js';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

export const GPR_BYTES = 128;
export const XMM_OFFSET = 256;
export const CPU_STATE_BYTES = 1024;

/** Lazy-flag record kinds: what the last flag-setting instruction was. */
export const F_ADD = 1, F_ADC = 2, F_SUB = 3, F_SBB = 4, F_LOGIC = 5, F_INC = 6, F_DEC = 7;
/** CF, OF and AF were computed eagerly (fCF/fOF/fAF); SF, ZF, PF come from fRes. */
export const F_EAGER = 8;
/** All six arithmetic flags are materialized in fFlags (after popf, sahf, ...). */
export const F_FLAGS = 9;

/** Why the run loop returned to the kernel. */
export const STOP_NONE = 0, STOP_SYSCALL = 1, STOP_BUDGET = 2, STOP_HALT = 3;

export class Cpu {
  readonly phys: PhysMem;
  readonly base: number;
  /** GPRs as int32 pairs: R[2n] is the low half of register n, R[2n+1] the high half. */
  readonly R: Int32Array;
  /** The same bytes: R8[8n] is the low byte of register n, R8[8n+1] its bits 8..15 (AH..BH). */
  readonly R8: Uint8Array;
  /** The same bytes as 16-bit words: R16[4n] is the low word of register n. */
  readonly R16: Uint16Array;
  /** Scratch int32 pairs for 64-bit temporaries (T[0..15]). */
  readonly T: Int32Array;
  /** XMM registers: 16 bytes each (and YMM upper halves from byte 256). */
  readonly X8: Uint8Array;
  readonly X16: Uint16Array;
  readonly X32: Int32Array;
  readonly XF32: Float32Array;
  readonly XF64: Float64Array;

  rip = 0;
  fsBase = 0;
  gsBase = 0;
  /** Direction flag (0 or 1). */
  df = 0;
  /** EFLAGS bits kept as-is (AC, ID) so pushf/popf round-trip them. */
  flagsOther = 0;
  mxcsr = 0x1f80;
  /** The x87 FPU (x87-state.ts). */
  readonly x87 = new X87();

  // Lazy flags: see flags.ts.
  fOp = F_FLAGS;
  fSize = 4;
  fRes = 0;
  fResHi = 0;
  fA = 0;
  fAHi = 0;
  fB = 0;
  fBHi = 0;
  fCF = 0;
  fOF = 0;
  fAF = 0;
  fFlags = 0;

  /** The address space being executed. */
  mem: AddressSpace;
  stop = STOP_NONE;
  /** Index of the instruction a compiled block is executing (for precise faults). */
  jk = 0;
  /** Instructions retired, for the benchmark's MIPS (updated per block). */
  retired = 0;

  constructor(phys: PhysMem, mem: AddressSpace, base = 0) {
    this.phys = phys;
    this.mem = mem;
    this.base = base;
    const buf = phys.buffer;
    this.R = new Int32Array(buf, base, 32);
    this.R8 = new Uint8Array(buf, base, GPR_BYTES);
    this.R16 = new Uint16Array(buf, base, 64);
    this.T = new Int32Array(buf, base + GPR_BYTES, 32);
    this.X8 = new Uint8Array(buf, base + XMM_OFFSET, 512);
    this.X16 = new Uint16Array(buf, base + XMM_OFFSET, 256);
    this.X32 = new Int32Array(buf, base + XMM_OFFSET, 128);
    this.XF32 = new Float32Array(buf, base + XMM_OFFSET, 128);
    this.XF64 = new Float64Array(buf, base + XMM_OFFSET, 64);
  }

  /** Register n as an unsigned JS number (exact below 2^53; for syscall arguments). */
  getU64(n: number): number {
    return (this.R[2 * n + 1] >>> 0) * 4294967296 + (this.R[2 * n] >>> 0);
  }

  /** Register n as a signed JS number. */
  getS64(n: number): number {
    return this.R[2 * n + 1] * 4294967296 + (this.R[2 * n] >>> 0);
  }

  /** Sets register n from a JS number (integral, |v| < 2^53; negative values wrap as int64). */
  setU64(n: number, v: number): void {
    const hi = Math.floor(v / 4294967296);
    this.R[2 * n] = (v - hi * 4294967296) | 0;
    this.R[2 * n + 1] = hi | 0;
  }
}

/** A task's registers while it is not on the core. */
export class TaskRegs {
  readonly bytes = new Uint8Array(CPU_STATE_BYTES);
  readonly x87 = new X87();
  rip = 0;
  fsBase = 0;
  gsBase = 0;
  eflags = 0x202;
  mxcsr = 0x1f80;
}
