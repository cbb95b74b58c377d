/**
 * Shared machinery of the SSE families: the scratch source operand every SSE handler reads
 * through, 128/64/32-bit loads and stores with the legacy-SSE alignment rule (#GP on a misaligned
 * m128, reported by Linux as SIGSEGV/SI_KERNEL with si_addr 0), MXCSR bits, and the IEEE helpers
 * (NaN classification and quieting, next-up/down, round-to-odd, directed rounding, tininess and
 * overflow tests) the float families share, and #XM: an unmasked SIMD floating-point exception,
 * which Linux delivers as SIGFPE (beginFp/endFp).
 *
 * Why a scratch source: copying the source operand (register or memory) into S first costs four
 * int moves, removes every dst==src aliasing hazard, lets a memory fault happen before any
 * architectural state changes, and gives each handler one code path for both operand kinds.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { ea } from '../operands.js';
import { GuestFault, SIGSEGV, SIGFPE, SI_KERNEL } from '../fault.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { PAGE_SIZE } from '../../mm/phys.js';

const SBUF = new ArrayBuffer(48);
/** The source operand (16 bytes). */
export const S8 = new Uint8Array(SBUF, 0, 16);
export const S16 = new Uint16Array(SBUF, 0, 8);
export const S32 = new Int32Array(SBUF, 0, 4);
export const SF32 = new Float32Array(SBUF, 0, 4);
export const SF64 = new Float64Array(SBUF, 0, 2);
/** A result being assembled (16 bytes), for ops whose lanes would overwrite their own inputs. */
export const D8 = new Uint8Array(SBUF, 16, 16);
export const D16 = new Uint16Array(SBUF, 16, 8);
export const D32 = new Int32Array(SBUF, 16, 4);
/** One double / float of bit-level scratch. */
export const BF64 = new Float64Array(SBUF, 32, 1);
export const BI32 = new Int32Array(SBUF, 32, 2);
export const BF32 = new Float32Array(SBUF, 40, 1);
export const BJ32 = new Int32Array(SBUF, 40, 1);

// MXCSR bits.
export const MX_IE = 0x1, MX_DE = 0x2, MX_ZE = 0x4, MX_OE = 0x8, MX_UE = 0x10, MX_PE = 0x20;
export const MX_DAZ = 0x40, MX_FZ = 0x8000;
/** The overflow and underflow masks. */
export const MX_OM = 0x400, MX_UM = 0x800;
export const MX_RC_SHIFT = 13;
/** MXCSR_MASK as FXSAVE reports it: every bit but 16..31 is writable (no MM, unlike some AMD parts). */
export const MXCSR_MASK = 0xffff;

/** #GP: Linux turns it into SIGSEGV with si_code SI_KERNEL and si_addr 0. */
export function gpFault(what: string): GuestFault {
  return new GuestFault(SIGSEGV, SI_KERNEL, 0, what);
}

/** Loads the 128-bit source (xmm register or m128) into S; `aligned` enforces the m128 rule. */
export function src128(c: Cpu, i: Insn, aligned: boolean): void {
  if (i.rm >= 0) {
    const X = c.X32, k = 4 * i.rm;
    S32[0] = X[k]; S32[1] = X[k + 1]; S32[2] = X[k + 2]; S32[3] = X[k + 3];
    return;
  }
  const a = ea(c, i);
  if (aligned && a % 16 !== 0) throw gpFault('misaligned m128');
  c.mem.read64(a, S32, 0);
  c.mem.read64(a + 8, S32, 2);
}

/** Loads the low 64 bits of the source (xmm or m64) into S32[0..1]; S32[2..3] are left stale. */
export function src64(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    S32[0] = c.X32[4 * i.rm];
    S32[1] = c.X32[4 * i.rm + 1];
  } else c.mem.read64(ea(c, i), S32, 0);
}

/** Loads the low 32 bits of the source (xmm or m32) into S32[0]. */
export function src32(c: Cpu, i: Insn): void {
  S32[0] = i.rm >= 0 ? c.X32[4 * i.rm] : c.mem.read32(ea(c, i));
}

/** Stores X[k..k+3] (int32 view) as 16 bytes at a; nothing is written if any byte would fault. */
export function store128(c: Cpu, a: number, X: Int32Array, k: number): void {
  const off = a % PAGE_SIZE;
  if (off > PAGE_SIZE - 16 || off < 0) {
    // Probe both pages first; like the CPU, a fault in the second reports its first byte.
    c.mem.pt.translate(a, PROT_WRITE);
    c.mem.pt.translate(a + 15 - ((a + 15) % PAGE_SIZE), PROT_WRITE);
  }
  c.mem.write64(a, X[k], X[k + 1]);
  c.mem.write64(a + 8, X[k + 2], X[k + 3]);
}

/** The m128 address of i, checked for 16-byte alignment when `aligned`. */
export function addr128(c: Cpu, i: Insn, aligned: boolean): number {
  const a = ea(c, i);
  if (aligned && a % 16 !== 0) throw gpFault('misaligned m128');
  return a;
}

/** Copies xmm s to xmm d (register numbers). */
export function copyX(c: Cpu, d: number, s: number): void {
  const X = c.X32;
  X[4 * d] = X[4 * s]; X[4 * d + 1] = X[4 * s + 1]; X[4 * d + 2] = X[4 * s + 2]; X[4 * d + 3] = X[4 * s + 3];
}

// ---- IEEE helpers ----

/** A double lane (hi word) is a signalling NaN: exponent all ones, quiet bit clear, payload nonzero. */
export function isSNaN64(hi: number, lo: number): boolean {
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | lo) !== 0;
}
export function isNaN64(hi: number, lo: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}
export function isSNaN32(v: number): boolean {
  return (v & 0x7fc00000) === 0x7f800000 && (v & 0x3fffff) !== 0;
}
export function isNaN32(v: number): boolean {
  return (v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0;
}
/** Denormal (nonzero with a zero exponent field). */
export function isDen64(hi: number, lo: number): boolean {
  return (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | lo) !== 0;
}
export function isDen32(v: number): boolean {
  return (v & 0x7f800000) === 0 && (v & 0x7fffff) !== 0;
}

/** The default "QNaN floating-point indefinite". */
export const QNAN64_HI = 0xfff80000 | 0;
export const QNAN32 = 0xffc00000 | 0;

/**
 * Writes into the double lane at X[k], X[k+1] the NaN a two-operand op propagates: the first
 * operand's (quieted) if it is a NaN, else the second's. Returns MX_IE if either is signalling.
 */
export function propNaN64(X: Int32Array, k: number, aHi: number, aLo: number, bHi: number, bLo: number): number {
  const ie = isSNaN64(aHi, aLo) || isSNaN64(bHi, bLo) ? MX_IE : 0;
  if (isNaN64(aHi, aLo)) { X[k] = aLo; X[k + 1] = aHi | 0x80000; }
  else { X[k] = bLo; X[k + 1] = bHi | 0x80000; }
  return ie;
}
export function propNaN32(X: Int32Array, k: number, a: number, b: number): number {
  const ie = isSNaN32(a) || isSNaN32(b) ? MX_IE : 0;
  X[k] = isNaN32(a) ? a | 0x400000 : b | 0x400000;
  return ie;
}

/** The double next to x toward +inf (dir > 0) or -inf (dir < 0); x finite. */
export function nextToward(x: number, dir: number): number {
  if (x === 0) return dir > 0 ? 5e-324 : -5e-324;
  BF64[0] = x;
  let lo = BI32[0] >>> 0, hi = BI32[1];
  // Away from zero when moving in x's direction, toward zero otherwise.
  if ((x > 0) === (dir > 0)) {
    lo = lo + 1;
    if (lo > 0xffffffff) { lo = 0; hi = hi + 1; }
  } else {
    if (lo === 0) { lo = 0xffffffff; hi = hi - 1; } else lo = lo - 1;
  }
  BI32[0] = lo | 0;
  BI32[1] = hi;
  return BF64[0];
}

/**
 * Round-to-odd: r is the nearest double to an exact value r + err (err exact, or only its sign
 * right). If inexact and r's last bit is even, step toward the exact value, so a later rounding to
 * float32 (24 bits <= 53 - 2) of the result is the correct single rounding of the exact value.
 */
export function toOdd(r: number, err: number): number {
  if (err === 0 || r !== r || r === Infinity || r === -Infinity) return r;
  BF64[0] = r;
  if ((BI32[0] & 1) === 0) return nextToward(r, err);
  return r;
}

/**
 * Adjusts the round-to-nearest result r of an exact value r + err (only the sign of err matters)
 * to MXCSR rounding mode rc (0 nearest, 1 down, 2 up, 3 toward zero).
 */
export function roundDir(r: number, err: number, rc: number): number {
  if (err === 0 || rc === 0) return r;
  if (rc === 1) return err < 0 ? nextToward(r, -1) : r;
  if (rc === 2) return err > 0 ? nextToward(r, 1) : r;
  // Toward zero: only when r was rounded away from zero.
  if (r > 0 && err < 0) return nextToward(r, -1);
  if (r < 0 && err > 0) return nextToward(r, 1);
  return r;
}

/** Knuth's TwoSum error of s = a + b (exact when s is finite). */
export function sumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

const SPLIT = 134217729; // 2^27 + 1
/** Dekker's TwoProduct error of p = a * b; exact when no intermediate overflows or underflows. */
export function mulErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

export const MAX64 = Number.MAX_VALUE, MAX32 = 3.4028234663852886e38;

/** The overflowed result in rounding mode rc: infinity, or the largest finite of its sign. */
export function overflowTo(r: number, max: number, rc: number): number {
  return rc === 3 || (rc === 1 && r > 0) || (rc === 2 && r < 0) ? (r > 0 ? max : -max) : r;
}

/** The float next to x (a float) toward dir. */
export function nextToward32(x: number, dir: number): number {
  if (x === 0) return dir > 0 ? 2 ** -149 : -(2 ** -149);
  BF32[0] = x;
  BJ32[0] += (x > 0) === (dir > 0) ? 1 : -1;
  return BF32[0];
}

/** roundDir for floats: r (a float) nearest to r + err, moved to rounding mode rc. */
export function roundDir32(r: number, err: number, rc: number): number {
  if (err === 0 || rc === 0) return r;
  if (rc === 1) return err < 0 ? nextToward32(r, -1) : r;
  if (rc === 2) return err > 0 ? nextToward32(r, 1) : r;
  if (r > 0 && err < 0) return nextToward32(r, -1);
  if (r < 0 && err > 0) return nextToward32(r, 1);
  return r;
}


/** Rounding mode rc (1 down, 2 up, 3 zero) moves a result of this sign toward zero. */
export function towardZero(rc: number, negative: boolean): boolean {
  return rc === 3 || (rc === 1 && !negative) || (rc === 2 && negative);
}

/**
 * Tiny after rounding (x86's rule) for a float result whose exact value is x + e (x a double, e
 * only its sign): x rounded to 24 bits in mode rc, with an unbounded exponent, is below 2^-126.
 */
export function tiny32(x: number, e: number, rc: number): boolean {
  if (!(Math.abs(x) < 2 ** -126)) return false;
  const xs = x * 2 ** 200; // exact: into the normal float range
  const y = Math.fround(xs);
  return Math.abs(roundDir32(y, xs !== y ? xs - y : e, rc)) < 2 ** 74;
}

/** |x + e| < 2^128 for a double x and the sign e of the rest (a float overflow test). */
export function below2p128(x: number, e: number): boolean {
  const ax = Math.abs(x);
  return ax < 2 ** 128 || (ax === 2 ** 128 && (x > 0 ? e < 0 : e > 0));
}


// ---- unmasked exceptions: #XM, which Linux delivers as SIGFPE ----

/** si_code values for SIGFPE (include/uapi/asm-generic/siginfo.h). */
const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;
const SAVE = new Int32Array(4);

/** Before an SSE FP instruction writes xmm n: keep a copy if any exception is unmasked. */
export function beginFp(c: Cpu, n: number): void {
  if ((c.mxcsr & 0x1f80) === 0x1f80) return;
  const X = c.X32;
  SAVE[0] = X[4 * n]; SAVE[1] = X[4 * n + 1]; SAVE[2] = X[4 * n + 2]; SAVE[3] = X[4 * n + 3];
}

/**
 * Commits the exception flags f of an SSE FP instruction. If one of them is unmasked, the
 * instruction faults instead (#XM): xmm n (if n >= 0, saved by beginFp) gets its old value back,
 * MXCSR gets the pre-computation flags (IE, DE, ZE) if one of those is unmasked, else all of f,
 * and the fault is SIGFPE with Linux's si_code for the unmasked flags and si_addr = the instruction.
 */
export function endFp(c: Cpu, i: Insn, f: number, n: number): void {
  const un = f & ~(c.mxcsr >> 7) & 0x3f;
  if (un === 0) {
    c.mxcsr |= f;
    return;
  }
  const pre = f & (MX_IE | MX_DE | MX_ZE);
  c.mxcsr |= pre & un ? pre : f;
  if (n >= 0) {
    const X = c.X32;
    X[4 * n] = SAVE[0]; X[4 * n + 1] = SAVE[1]; X[4 * n + 2] = SAVE[2]; X[4 * n + 3] = SAVE[3];
  }
  const err = c.mxcsr & ~(c.mxcsr >> 7) & 0x3f;
  const code = err & MX_IE ? FPE_FLTINV : err & MX_ZE ? FPE_FLTDIV : err & MX_OE ? FPE_FLTOVF : err & (MX_DE | MX_UE) ? FPE_FLTUND : FPE_FLTRES;
  throw new GuestFault(SIGFPE, code, i.addr, 'SIMD floating-point exception');
}

/** The exact value x + e (x a double, e the sign of the rest) needs more than 24 bits. */
export function inexact24(x: number, e: number): boolean {
  if (e !== 0) return true;
  // A subnormal double becomes normal (exactly); then the low 29 fraction bits must be zero.
  BF64[0] = Math.abs(x) < 2 ** -1000 ? x * 2 ** 600 : x;
  return (BI32[0] & 0x1fffffff) !== 0;
}
