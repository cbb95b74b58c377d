/**
 * Single-bit and bit-scan instructions: bt/bts/btr/btc (0F A3/AB/B3/BB with a register bit offset,
 * 0F BA /4-/7 with imm8), bsf/bsr (0F BC/BD), their F3-prefixed cousins tzcnt/lzcnt, and popcnt
 * (F3 0F B8).
 *
 * A register bit offset into memory is signed and not reduced: it selects the operand-sized word at
 * ea + (offset >> log2(bits)) * size, which may lie far from ea (bitmaps indexed by large numbers).
 * Flag results are written straight into the materialized record (F_FLAGS) where the instruction
 * defines every arithmetic flag it touches, which is as cheap as a lazy record.
 */

import { Cpu, F_FLAGS } from '../state.js';
import type { Insn } from '../insn.js';
import { def, defPfx, MAP_0F, I_UB } from '../optable.js';
import { getOF, ZF, PF, CF } from '../flags.js';
import { setCfOf } from './shift.js';
import { ea } from '../operands.js';

const BT = 0, BTS = 1, BTR = 2, BTC = 3;
const NAMES = ['bt', 'bts', 'btr', 'btc'];

function readMem(c: Cpu, size: number, a: number): number {
  return size === 2 ? c.mem.read16(a) : c.mem.read32(a);
}

function writeMem(c: Cpu, size: number, a: number, v: number): void {
  if (size === 2) c.mem.write16(a, v);
  else c.mem.write32(a, v);
}

/**
 * The bit operation on the operand selected by i (register or memory at addr), bit `b` (already
 * reduced to the operand width).
 */
function bitOp(c: Cpu, i: Insn, op: number, addr: number, b: number): void {
  const R = c.R;
  const size = i.size;
  if (size === 8) {
    // Work on the 32-bit half that holds the bit.
    const half = b >> 5;
    const m = 1 << (b & 31);
    let v: number;
    if (i.rm >= 0) v = R[2 * i.rm + half];
    else {
      c.mem.read64(addr, c.T, 0); // the whole quadword is accessed
      v = c.T[half];
    }
    setCfOf(c, (v & m) !== 0 ? 1 : 0, getOF(c));
    if (op === BT) return;
    const nv = op === BTS ? v | m : op === BTR ? v & ~m : v ^ m;
    if (i.rm >= 0) R[2 * i.rm + half] = nv;
    else c.mem.write64(addr, half === 0 ? nv : c.T[0], half === 1 ? nv : c.T[1]);
    return;
  }
  const m = 1 << b;
  let v: number;
  if (i.rm >= 0) v = size === 2 ? c.R16[4 * i.rm] : R[2 * i.rm];
  else v = readMem(c, size, addr);
  setCfOf(c, (v & m) !== 0 ? 1 : 0, getOF(c));
  if (op === BT) {
    return;
  }
  const nv = op === BTS ? v | m : op === BTR ? v & ~m : v ^ m;
  if (i.rm >= 0) {
    if (size === 2) c.R16[4 * i.rm] = nv;
    else {
      R[2 * i.rm] = nv;
      R[2 * i.rm + 1] = 0;
    }
  } else writeMem(c, size, addr, size === 2 ? nv & 0xffff : nv);
}

/** bt/bts/btr/btc E, G (0F A3/AB/B3/BB): the bit offset comes from G and may address beyond E. */
function btEG(c: Cpu, i: Insn): void {
  const R = c.R;
  const bits = i.size * 8;
  const lo = R[2 * i.reg];
  if (i.rm >= 0) {
    bitOp(c, i, i.sub, 0, lo & (bits - 1));
    return;
  }
  // Signed offset of the operand size, split into a word displacement and a bit within it.
  let off: number;
  if (i.size === 2) off = (lo << 16) >> 16;
  else if (i.size === 4) off = lo;
  else off = R[2 * i.reg + 1] * 4294967296 + (lo >>> 0);
  let a = ea(c, i) + Math.floor(off / bits) * i.size;
  if (i.asize === 4) a = a >>> 0;
  bitOp(c, i, i.sub, a, lo & (bits - 1));
}

/** bt/bts/btr/btc E, imm8 (0F BA /4-/7): the offset is taken modulo the operand width. */
function btEI(c: Cpu, i: Insn): void {
  bitOp(c, i, i.sub, i.rm >= 0 ? 0 : ea(c, i), i.imm & (i.size * 8 - 1));
}

// ---- scans and counts ----

/** Reads the source operand: sizes 2/4 as a number, size 8 into T[0], T[1] (returns the low half). */
function readSrc(c: Cpu, i: Insn): number {
  const rm = i.rm;
  if (i.size === 8) {
    if (rm >= 0) {
      c.T[0] = c.R[2 * rm];
      c.T[1] = c.R[2 * rm + 1];
    } else c.mem.read64(ea(c, i), c.T, 0);
    return c.T[0];
  }
  if (rm >= 0) return i.size === 2 ? c.R16[4 * rm] : c.R[2 * rm];
  return i.size === 2 ? c.mem.read16(ea(c, i)) : c.mem.read32(ea(c, i));
}

/** Writes a small count/index to G at the operand size. */
function setG(c: Cpu, i: Insn, v: number): void {
  if (i.size === 2) c.R16[4 * i.reg] = v;
  else {
    c.R[2 * i.reg] = v;
    c.R[2 * i.reg + 1] = 0;
  }
}

function flagsTo(c: Cpu, f: number): void {
  c.fOp = F_FLAGS;
  c.fFlags = f;
}

/** PF of a result byte (the flag is set for an even number of ones). */
function parity(v: number): number {
  v &= 0xff;
  v ^= v >> 4;
  v ^= v >> 2;
  v ^= v >> 1;
  return (v & 1) === 0 ? PF : 0;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** bsf G, E: index of the lowest set bit; a zero source sets ZF and leaves G unchanged. */
function bsf(c: Cpu, i: Insn): void {
  const lo = readSrc(c, i);
  const hi = i.size === 8 ? c.T[1] : 0;
  if ((lo | hi) === 0) {
    flagsTo(c, ZF | PF);
    return;
  }
  const n = lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
  setG(c, i, n);
  flagsTo(c, parity(n)); // CF, OF, SF, AF, PF are undefined: PF as AMD CPUs compute it
}

/** bsr G, E: index of the highest set bit; a zero source sets ZF and leaves G unchanged. */
function bsr(c: Cpu, i: Insn): void {
  const lo = readSrc(c, i);
  const hi = i.size === 8 ? c.T[1] : 0;
  if ((lo | hi) === 0) {
    flagsTo(c, ZF | PF);
    return;
  }
  const n = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
  setG(c, i, n);
  flagsTo(c, parity(n));
}

/** tzcnt G, E (F3 0F BC): trailing zeros, the operand width for 0; CF = (src == 0), ZF = (count == 0). */
function tzcnt(c: Cpu, i: Insn): void {
  const lo = readSrc(c, i);
  let n: number;
  if (i.size === 8) {
    const hi = c.T[1];
    n = lo !== 0 ? ctz32(lo) : hi !== 0 ? 32 + ctz32(hi) : 64;
  } else n = lo !== 0 ? ctz32(lo) : i.size * 8;
  setG(c, i, n);
  // OF, SF, AF, PF are undefined: OF kept and the rest cleared, as AMD CPUs do.
  flagsTo(c, (n === i.size * 8 ? CF : 0) | (n === 0 ? ZF : 0) | (getOF(c) << 11));
}

/** lzcnt G, E (F3 0F BD): leading zeros, the operand width for 0; flags as tzcnt. */
function lzcnt(c: Cpu, i: Insn): void {
  const lo = readSrc(c, i);
  let n: number;
  if (i.size === 8) {
    const hi = c.T[1];
    n = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
  } else n = Math.clz32(lo) - (32 - i.size * 8);
  setG(c, i, n);
  // OF, SF, AF, PF are undefined: OF kept and the rest cleared, as AMD CPUs do.
  flagsTo(c, (n === i.size * 8 ? CF : 0) | (n === 0 ? ZF : 0) | (getOF(c) << 11));
}

function pop32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** popcnt G, E (F3 0F B8): ZF = (src == 0); CF, OF, SF, AF, PF cleared. */
function popcnt(c: Cpu, i: Insn): void {
  const lo = readSrc(c, i);
  const n = i.size === 8 ? pop32(lo) + pop32(c.T[1]) : pop32(lo);
  setG(c, i, n);
  flagsTo(c, n === 0 ? ZF : 0);
}

const btRow = [0xa3, 0xab, 0xb3, 0xbb];
for (let op = BT; op <= BTC; op++) def(MAP_0F, btRow[op], { name: NAMES[op], fn: btEG, modrm: true, sub: op });
def(MAP_0F, 0xba, {
  name: 'grp8', fn: btEI, modrm: true, imm: I_UB,
  group: [undefined, undefined, undefined, undefined, ...NAMES.map((name, op) => ({ name, sub: op }))],
});
defPfx(MAP_0F, 0xbc, 'none', { name: 'bsf', fn: bsf, modrm: true });
defPfx(MAP_0F, 0xbc, 'f3', { name: 'tzcnt', fn: tzcnt, modrm: true });
defPfx(MAP_0F, 0xbd, 'none', { name: 'bsr', fn: bsr, modrm: true });
defPfx(MAP_0F, 0xbd, 'f3', { name: 'lzcnt', fn: lzcnt, modrm: true });
defPfx(MAP_0F, 0xb8, 'f3', { name: 'popcnt', fn: popcnt, modrm: true });
