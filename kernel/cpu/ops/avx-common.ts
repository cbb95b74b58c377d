/**
 * Shared machinery of the AVX families: YMM register access (upper halves live at X32[64 + 4n]),
 * 256-bit memory loads/stores with the VEX alignment rules, and `vexOf`, which turns a legacy SSE
 * handler into its VEX form so every SSE..SSE4.2 instruction gets a VEX.128 (and, when it works
 * lane by lane, a VEX.256) form from one implementation of its arithmetic, flags and NaN rules.
 *
 * How vexOf runs a legacy handler `h` (which computes xmm[reg] = op(xmm[reg], xmm/m[rm])):
 *  - a memory operand is read first (any alignment, exactly `msize` bytes, so faults come before
 *    any state change) into a scratch xmm register t (one of xmm15..12 not used by the
 *    instruction, saved and restored around the call), and the handler sees the register form;
 *  - the non-destructive source (VEX.vvvv) is copied into the destination first;
 *  - a 256-bit form runs the handler twice, on the low and the high 128-bit lanes;
 *  - a VEX.128 form with an xmm destination zeroes bits 128..255 of it (VEX.128 semantics; the
 *    legacy SSE forms leave them alone).
 * A fault (memory, or #XM from the handler) restores the destination and t before rethrowing.
 */

import type { Cpu } from '../state.js';
import type { Insn, Handler } from '../insn.js';
import { ea } from '../operands.js';
import { gpFault, endFp } from './sse-common.js';
import { GuestFault, SIGFPE } from '../fault.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { PAGE_SIZE } from '../../mm/phys.js';

/** int32 index of the upper half of ymm n in Cpu.X32. */
export const HI = 64;

/** Scratch: a 32-byte memory operand, saved registers, a result being assembled. */
export const M32 = new Int32Array(8);
export const M8 = new Uint8Array(M32.buffer);
const SAVE_T = new Int32Array(4);
const SAVE_D = new Int32Array(8);
const LOW = new Int32Array(4);
const S1HI = new Int32Array(4);

/** Zeroes bits 128..255 of ymm n. */
export function zeroUpper(c: Cpu, n: number): void {
  const X = c.X32, k = HI + 4 * n;
  X[k] = 0; X[k + 1] = 0; X[k + 2] = 0; X[k + 3] = 0;
}

/** Reads n bytes (4, 8, 16 or 32... any multiple of 4, or 1/2) at a into M32/M8. */
export function readMem(c: Cpu, a: number, n: number): void {
  if (n === 1) { M8[0] = c.mem.read8(a); return; }
  if (n === 2) { M32[0] = c.mem.read16(a); return; }
  if (n === 4) { M32[0] = c.mem.read32(a); return; }
  for (let k = 0; k < n; k += 8) c.mem.read64(a + k, M32, k >> 2);
}

/** Probes that n bytes at a are writable (both pages when it crosses). */
export function probeWrite(c: Cpu, a: number, n: number): void {
  const off = a % PAGE_SIZE;
  if (off > PAGE_SIZE - n) {
    c.mem.pt.translate(a, PROT_WRITE);
    c.mem.pt.translate(a + n - 1 - ((a + n - 1) % PAGE_SIZE), PROT_WRITE);
  }
}

/** The address of i's memory operand; `align` (16 or 32) raises #GP when misaligned. */
export function vaddr(c: Cpu, i: Insn, align: number): number {
  const a = ea(c, i);
  if (align !== 0 && a % align !== 0) throw gpFault('misaligned VEX operand');
  return a;
}

/** Stores ymm/xmm n (16 bytes, or 32 when `wide`) at a; nothing is written if any byte faults. */
export function storeReg(c: Cpu, a: number, n: number, wide: boolean): void {
  const X = c.X32, k = 4 * n;
  probeWrite(c, a, wide ? 32 : 16);
  c.mem.write64(a, X[k], X[k + 1]);
  c.mem.write64(a + 8, X[k + 2], X[k + 3]);
  if (wide) {
    c.mem.write64(a + 16, X[HI + k], X[HI + k + 1]);
    c.mem.write64(a + 24, X[HI + k + 2], X[HI + k + 3]);
  }
}

/** Kinds of legacy forms vexOf adapts. */
/** dst = op(vvvv, xmm/m): the three-operand (NDS) forms. */
export const K_NDS = 0;
/** dst = op(xmm/m): two-operand forms; vvvv must be 1111b. */
export const K_SRC = 1;
/** Shifts by an xmm count: like K_NDS, but a 256-bit form uses the same 128-bit count in both lanes. */
export const K_CNT = 2;
/** Shift-by-immediate groups (0F 71-73): dst = vvvv, src = ModRM.rm (NDD). */
export const K_NDD = 3;
/** The result is a general register or the flags (movmskps, cvtss2si, comiss, ptest...). */
export const K_GPR = 4;
/** The handler's own r/m operand is a general register or memory (pinsr*, cvtsi2ss...): NDS copy only. */
export const K_RAW = 5;
/** Like K_RAW but two-operand (vmovd xmm, r/m; vpextr*): no vvvv copy. */
export const K_RAW1 = 6;

/** Flag: no zeroing of the destination's upper half (its destination is not an xmm register). */
export const V_NOZERO = 1;
/** Flag: a 256-bit form's high lane takes imm >> 4 (blendps), >> 2 (blendpd), >> 3 (mpsadbw)... */
export const V_IMMHI4 = 2, V_IMMHI2 = 4, V_IMMHI3 = 8;
/** Flag: VEX.L is ignored (scalar forms): always the 128-bit behaviour. */
export const V_LIG = 16;
/**
 * Flag: widening (vpmovsx*, vcvtps2pd, vcvtdq2pd): the 256-bit form reads an xmm or 2 * msize
 * bytes; the low lane converts the first msize bytes, the high lane the next msize bytes.
 */
export const V_WIDEN = 32;
/** Flag: narrowing (vcvtpd2ps, vcvt(t)pd2dq): each lane yields 64 bits; a 256-bit form packs them into an xmm. */
export const V_NARROW = 64;
/** Flag: the instruction writes xmm0 implicitly (vpcmpestrm/vpcmpistrm): zero ymm0's upper half. */
export const V_ZERO0 = 128;

/**
 * Runs one lane of a 256-bit form with MXCSR's flags cleared (masks as they are, so an unmasked
 * underflow is detected the same way) and returns that lane's flags. An #XM from the lane is
 * absorbed: the caller raises the combined exception after both lanes.
 */
function lane(c: Cpu, i: Insn, h: Handler, mx0: number): number {
  c.mxcsr = mx0 & ~0x3f;
  try {
    h(c, i);
  } catch (e) {
    if (!(e instanceof GuestFault) || e.signo !== SIGFPE) throw e;
  }
  return c.mxcsr & 0x3f;
}

function pickTemp(i: Insn): number {
  for (let t = 15; ; t--) if (t !== i.reg && t !== i.vreg && t !== i.rm) return t;
}

/**
 * The VEX form of legacy handler h. `msize`: the memory operand's size for VEX.128 (the 256-bit
 * form reads twice that, except K_CNT, whose count stays 16 bytes).
 */
export function vexOf(h: Handler, kind: number, msize: number, flags = 0): Handler {
  return (c: Cpu, i: Insn): void => {
    const X = c.X32;
    const rm0 = i.rm, reg = i.reg, imm0 = i.imm;
    const wide = i.vl === 1 && kind !== K_GPR && (flags & V_LIG) === 0;
    if (kind === K_RAW || kind === K_RAW1) {
      // Probe the memory operand first so a fault leaves the destination alone.
      if (rm0 < 0) readMem(c, ea(c, i), msize);
      if (kind === K_RAW && reg !== i.vreg) {
        const d = 4 * reg, s = 4 * i.vreg;
        SAVE_D[0] = X[d]; SAVE_D[1] = X[d + 1]; SAVE_D[2] = X[d + 2]; SAVE_D[3] = X[d + 3];
        X[d] = X[s]; X[d + 1] = X[s + 1]; X[d + 2] = X[s + 2]; X[d + 3] = X[s + 3];
        try { h(c, i); } catch (e) {
          X[d] = SAVE_D[0]; X[d + 1] = SAVE_D[1]; X[d + 2] = SAVE_D[2]; X[d + 3] = SAVE_D[3];
          throw e;
        }
      } else h(c, i);
      if ((flags & V_NOZERO) === 0) zeroUpper(c, reg);
      return;
    }
    // The source operand, into M32 (16 or 32 bytes) when in memory.
    const dst = kind === K_NDD ? i.vreg : reg;
    if (rm0 < 0) readMem(c, ea(c, i), wide && kind !== K_CNT ? 2 * msize : msize);
    const t = pickTemp(i);
    const tk = 4 * t, dk = 4 * dst;
    SAVE_T[0] = X[tk]; SAVE_T[1] = X[tk + 1]; SAVE_T[2] = X[tk + 2]; SAVE_T[3] = X[tk + 3];
    SAVE_D[0] = X[dk]; SAVE_D[1] = X[dk + 1]; SAVE_D[2] = X[dk + 2]; SAVE_D[3] = X[dk + 3];
    SAVE_D[4] = X[HI + dk]; SAVE_D[5] = X[HI + dk + 1]; SAVE_D[6] = X[HI + dk + 2]; SAVE_D[7] = X[HI + dk + 3];
    const sk = rm0 >= 0 ? 4 * rm0 : -1;
    // (A widening form's register source may be its destination: keep a copy for the high lane.)
    if (wide && (flags & V_WIDEN) !== 0 && sk >= 0) { M32[0] = X[sk]; M32[1] = X[sk + 1]; M32[2] = X[sk + 2]; M32[3] = X[sk + 3]; }
    // The first source: vvvv (NDS), ModRM.rm (NDD), none (two-operand forms).
    const s1 = kind === K_NDS || kind === K_CNT ? 4 * i.vreg : kind === K_NDD ? sk : -1;
    if (wide && s1 >= 0) { S1HI[0] = X[HI + s1]; S1HI[1] = X[HI + s1 + 1]; S1HI[2] = X[HI + s1 + 2]; S1HI[3] = X[HI + s1 + 3]; }
    try {
      if (sk >= 0) { X[tk] = X[sk]; X[tk + 1] = X[sk + 1]; X[tk + 2] = X[sk + 2]; X[tk + 3] = X[sk + 3]; }
      else { X[tk] = M32[0]; X[tk + 1] = M32[1]; X[tk + 2] = M32[2]; X[tk + 3] = M32[3]; }
      if (s1 >= 0 && s1 !== dk) { X[dk] = X[s1]; X[dk + 1] = X[s1 + 1]; X[dk + 2] = X[s1 + 2]; X[dk + 3] = X[s1 + 3]; }
      i.rm = kind === K_NDD ? dst : t;
      // A 256-bit form runs each lane with clear flags, then raises the union of both lanes'
      // flags, so an unmasked exception faults with the whole destination unchanged (#XM).
      const mx0 = c.mxcsr;
      let f0 = 0;
      if (wide) f0 = lane(c, i, h, mx0);
      else h(c, i);
      if (wide) {
        LOW[0] = X[dk]; LOW[1] = X[dk + 1]; LOW[2] = X[dk + 2]; LOW[3] = X[dk + 3];
        if (kind === K_CNT) { /* the count in t stays */ }
        else if (flags & V_WIDEN) {
          // The next msize bytes of the (128-bit) source, moved down to the bottom of t.
          for (let b = 0; b < msize; b++) M8[b] = M8[msize + b];
          X[tk] = M32[0]; X[tk + 1] = M32[1]; X[tk + 2] = M32[2]; X[tk + 3] = M32[3];
        }
        // (ymm[rm]'s upper half is intact even when rm is the destination: it is written last.)
        else if (sk >= 0) { X[tk] = X[HI + sk]; X[tk + 1] = X[HI + sk + 1]; X[tk + 2] = X[HI + sk + 2]; X[tk + 3] = X[HI + sk + 3]; }
        else { X[tk] = M32[4]; X[tk + 1] = M32[5]; X[tk + 2] = M32[6]; X[tk + 3] = M32[7]; }
        if (s1 >= 0) { X[dk] = S1HI[0]; X[dk + 1] = S1HI[1]; X[dk + 2] = S1HI[2]; X[dk + 3] = S1HI[3]; }
        if (flags & V_IMMHI4) i.imm = imm0 >> 4;
        else if (flags & V_IMMHI2) i.imm = imm0 >> 2;
        else if (flags & V_IMMHI3) i.imm = imm0 >> 3;
        const f1 = lane(c, i, h, mx0);
        if (flags & V_NARROW) {
          X[dk + 2] = X[dk]; X[dk + 3] = X[dk + 1]; X[dk] = LOW[0]; X[dk + 1] = LOW[1];
          zeroUpper(c, dst);
        } else {
          X[HI + dk] = X[dk]; X[HI + dk + 1] = X[dk + 1]; X[HI + dk + 2] = X[dk + 2]; X[HI + dk + 3] = X[dk + 3];
          X[dk] = LOW[0]; X[dk + 1] = LOW[1]; X[dk + 2] = LOW[2]; X[dk + 3] = LOW[3];
        }
        // If a pre-computation exception (IE, DE, ZE) is unmasked in either lane, only those flags.
        const pre = (f0 | f1) & 7;
        const f = pre & ~(mx0 >> 7) ? pre : f0 | f1;
        c.mxcsr = mx0;
        if (f !== 0) endFp(c, i, f, -1);
      } else if (kind !== K_GPR && (flags & V_NOZERO) === 0) zeroUpper(c, dst);
      if (flags & V_ZERO0) zeroUpper(c, 0);
    } catch (e) {
      X[dk] = SAVE_D[0]; X[dk + 1] = SAVE_D[1]; X[dk + 2] = SAVE_D[2]; X[dk + 3] = SAVE_D[3];
      X[HI + dk] = SAVE_D[4]; X[HI + dk + 1] = SAVE_D[5]; X[HI + dk + 2] = SAVE_D[6]; X[HI + dk + 3] = SAVE_D[7];
      throw e;
    } finally {
      i.rm = rm0;
      i.imm = imm0;
      X[tk] = SAVE_T[0]; X[tk + 1] = SAVE_T[1]; X[tk + 2] = SAVE_T[2]; X[tk + 3] = SAVE_T[3];
    }
  };
}
