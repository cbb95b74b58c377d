/**
 * Operand access shared by instruction handlers: effective addresses, and reading/writing a ModRM
 * operand (register or memory) at each size. Handlers for hot instructions may inline their own
 * access; everything else goes through here so each rule (byte registers, 32-bit writes zeroing
 * the upper half, FS/GS bases, 32-bit address wrap) lives in one place.
 *
 * 64-bit operands travel as int32 pairs: readers put them in c.T[k], c.T[k+1].
 */

import type { Cpu } from './state.js';
import type { Insn } from './insn.js';

const TWO32 = 4294967296;

/** The effective address of i's memory operand, as a JS number. */
export function ea(c: Cpu, i: Insn): number {
  const R = c.R;
  let a = i.disp;
  if (i.asize === 8) {
    if (i.base >= 0) a += R[2 * i.base + 1] * TWO32 + (R[2 * i.base] >>> 0);
    if (i.index >= 0) a += (R[2 * i.index + 1] * TWO32 + (R[2 * i.index] >>> 0)) * i.scale;
  } else {
    if (i.base >= 0) a += R[2 * i.base];
    if (i.index >= 0) a += R[2 * i.index] * i.scale;
    a = a >>> 0;
  }
  if (i.seg !== 0) a += i.seg === 1 ? c.fsBase : c.gsBase;
  return a;
}

/** Reads the r/m operand of size 1, 2 or 4 (1/2 unsigned, 4 as int32). */
export function readRm(c: Cpu, i: Insn): number {
  const rm = i.rm;
  switch (i.size) {
    case 1: return rm >= 0 ? c.R8[rm] : c.mem.read8(ea(c, i));
    case 2: return rm >= 0 ? c.R16[4 * rm] : c.mem.read16(ea(c, i));
    default: return rm >= 0 ? c.R[2 * rm] : c.mem.read32(ea(c, i));
  }
}

/** Reads the 64-bit r/m operand into c.T[k], c.T[k+1]. */
export function readRm64(c: Cpu, i: Insn, k: number): void {
  const rm = i.rm;
  if (rm >= 0) {
    c.T[k] = c.R[2 * rm];
    c.T[k + 1] = c.R[2 * rm + 1];
  } else c.mem.read64(ea(c, i), c.T, k);
}

/** Writes v to register n at size 1, 2 or 4 (n is an R8 index for size 1). */
export function setReg(c: Cpu, size: number, n: number, v: number): void {
  switch (size) {
    case 1: c.R8[n] = v; break;
    case 2: c.R16[4 * n] = v; break;
    default: c.R[2 * n] = v; c.R[2 * n + 1] = 0; break;
  }
}

export function getReg(c: Cpu, size: number, n: number): number {
  switch (size) {
    case 1: return c.R8[n];
    case 2: return c.R16[4 * n];
    default: return c.R[2 * n];
  }
}

/** Writes the r/m operand at size 1, 2 or 4; addr is the operand's address if already computed. */
export function writeRm(c: Cpu, i: Insn, v: number, addr: number): void {
  const rm = i.rm;
  if (rm >= 0) setReg(c, i.size, rm, v);
  else if (i.size === 1) c.mem.write8(addr, v);
  else if (i.size === 2) c.mem.write16(addr, v);
  else c.mem.write32(addr, v);
}

export function writeRm64(c: Cpu, i: Insn, lo: number, hi: number, addr: number): void {
  const rm = i.rm;
  if (rm >= 0) {
    c.R[2 * rm] = lo;
    c.R[2 * rm + 1] = hi;
  } else c.mem.write64(addr, lo, hi);
}

/** Masks/normalizes a value to operand size (1/2 unsigned, 4 int32). */
export function norm(size: number, v: number): number {
  return size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v | 0;
}

/** Sign-extends a value of the given size to int32. */
export function sext(size: number, v: number): number {
  return size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0;
}

// ---- the stack ----

export function push64(c: Cpu, lo: number, hi: number): void {
  const R = c.R;
  const sp = R[9] * TWO32 + (R[8] >>> 0) - 8;
  c.mem.write64(sp, lo, hi);
  setSp(c, sp);
}

/** Pops into c.T[k], c.T[k+1]. */
export function pop64(c: Cpu, k: number): void {
  const R = c.R;
  const sp = R[9] * TWO32 + (R[8] >>> 0);
  c.mem.read64(sp, c.T, k);
  setSp(c, sp + 8);
}

export function getSp(c: Cpu): number {
  return c.R[9] * TWO32 + (c.R[8] >>> 0);
}

export function setSp(c: Cpu, sp: number): void {
  const hi = Math.floor(sp / TWO32);
  c.R[8] = (sp - hi * TWO32) | 0;
  c.R[9] = hi;
}

/** Sets RIP to a 64-bit value given as a pair; a non-canonical target faults when fetched. */
export function jumpTo(c: Cpu, lo: number, hi: number): void {
  c.rip = hi * TWO32 + (lo >>> 0);
}
