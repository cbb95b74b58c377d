/**
 * Shifts and rotates: the C0/C1/D0/D1/D2/D3 groups (rol, ror, rcl, rcr, shl/sal, shr, sar; /6 is
 * an alias of shl) and the double shifts shld/shrd (0F A4/A5/AC/AD).
 *
 * The count is masked to 5 bits (6 for 64-bit operands); a masked count of 0 changes nothing, not
 * even the flags. Shifts set CF/OF eagerly and leave SF/ZF/PF to the lazy record; rotates change
 * only CF and OF. OF is architecturally defined for a count of 1 only; for larger counts we use the
 * same formula, which is what current hardware does for most forms.
 *
 * 64-bit values are funnel shifts over int32 words: shl/shr/sar/rol/ror are shld/shrd with the
 * right filler (zeros, sign, or the value itself).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, MAP_0F, I_UB, S_B } from '../optable.js';
import { setEager, getCF, getAF, CF, OF, F_EAGER, F_FLAGS } from '../flags.js';
import { ea } from '../operands.js';

const ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;
const NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
/** Count sources, kept in bits 3.. of Insn.sub. */
const CNT_IMM = 0, CNT_ONE = 1, CNT_CL = 2;

/** (hi << n) | (lo >>> (32 - n)) for n in 0..32. */
function fl(hi: number, lo: number, n: number): number {
  return n === 0 ? hi : n === 32 ? lo : (hi << n) | (lo >>> (32 - n));
}

/** (lo >>> n) | (hi << (32 - n)) for n in 0..32. */
function fr(hi: number, lo: number, n: number): number {
  return n === 0 ? lo : n === 32 ? hi : (lo >>> n) | (hi << (32 - n));
}

/** Result of the last 64-bit funnel shift. */
let oLo = 0, oHi = 0;

/** The high 64 bits of (d1:d0:s1:s0) << n, n in 1..63. */
function shld64(d1: number, d0: number, s1: number, s0: number, n: number): void {
  if (n < 32) {
    oHi = fl(d1, d0, n);
    oLo = fl(d0, s1, n);
  } else {
    oHi = fl(d0, s1, n - 32);
    oLo = fl(s1, s0, n - 32);
  }
}

/** The low 64 bits of (s1:s0:d1:d0) >> n, n in 1..63. */
function shrd64(s1: number, s0: number, d1: number, d0: number, n: number): void {
  if (n < 32) {
    oLo = fr(d1, d0, n);
    oHi = fr(s0, d1, n);
  } else {
    oLo = fr(s0, d1, n - 32);
    oHi = fr(s1, s0, n - 32);
  }
}

/** Bit k (0..63) of the pair. */
function bit64(lo: number, hi: number, k: number): number {
  return k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1;
}

// ---- operand access: the address is computed once and reused for the write ----

let addr = 0;

function readE(c: Cpu, i: Insn): number {
  const rm = i.rm;
  if (rm >= 0) return i.size === 1 ? c.R8[rm] : i.size === 2 ? c.R16[4 * rm] : c.R[2 * rm];
  addr = ea(c, i);
  return i.size === 1 ? c.mem.read8(addr) : i.size === 2 ? c.mem.read16(addr) : c.mem.read32(addr);
}

function writeE(c: Cpu, i: Insn, v: number): void {
  const rm = i.rm;
  if (rm >= 0) {
    if (i.size === 1) c.R8[rm] = v;
    else if (i.size === 2) c.R16[4 * rm] = v;
    else {
      c.R[2 * rm] = v;
      c.R[2 * rm + 1] = 0;
    }
  } else if (i.size === 1) c.mem.write8(addr, v);
  else if (i.size === 2) c.mem.write16(addr, v);
  else c.mem.write32(addr, v);
}

/** Reads the 64-bit operand into T[0] (low), T[1] (high). */
function readE64(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    c.T[0] = c.R[2 * i.rm];
    c.T[1] = c.R[2 * i.rm + 1];
  } else {
    addr = ea(c, i);
    c.mem.read64(addr, c.T, 0);
  }
}

function writeE64(c: Cpu, i: Insn, lo: number, hi: number): void {
  if (i.rm >= 0) {
    c.R[2 * i.rm] = lo;
    c.R[2 * i.rm + 1] = hi;
  } else c.mem.write64(addr, lo, hi);
}

/** A count of 0 writes nothing, but a 32-bit register destination is still zero-extended. */
function countZero(c: Cpu, i: Insn): void {
  if (i.size === 4 && i.rm >= 0) c.R[2 * i.rm + 1] = 0;
}

/** Shift flags: CF/OF eager, SF/ZF/PF from the result; AF (undefined) set as AMD CPUs do. */
function setShift(c: Cpu, size: number, lo: number, hi: number, cf: number, of: number): void {
  setEager(c, size, lo, hi, cf, of);
  c.fAF = 1;
}

/**
 * Replaces CF and OF, keeping SF/ZF/AF/PF (rotates, bt). Rather than materializing every flag,
 * the lazy record becomes an eager one: SF/ZF/PF are derived from the result the same way for
 * every record kind, so only AF needs computing.
 */
export function setCfOf(c: Cpu, cf: number, of: number): void {
  if (c.fOp === F_FLAGS) {
    c.fFlags = (c.fFlags & ~(CF | OF)) | cf | (of << 11);
    return;
  }
  c.fAF = getAF(c);
  c.fCF = cf;
  c.fOF = of;
  c.fOp = F_EAGER;
}

// ---- the group ----

function shiftCount(c: Cpu, i: Insn): number {
  const src = i.sub >> 3;
  const n = src === CNT_IMM ? i.imm : src === CNT_ONE ? 1 : c.R8[8];
  return n & (i.size === 8 ? 63 : 31);
}

/** rol/ror/rcl/rcr/shl/shr/sar E, count (C0, C1, D0-D3). */
function shiftGroup(c: Cpu, i: Insn): void {
  const n = shiftCount(c, i);
  if (n === 0) {
    countZero(c, i);
    return;
  }
  if (i.size === 8) {
    shift64(c, i, i.sub & 7, n);
    return;
  }
  const bits = i.size * 8;
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  const x = readE(c, i) & mask;
  let r: number, cf: number;
  switch (i.sub & 7) {
    case ROL: {
      const m = n & (bits - 1);
      r = m === 0 ? x : ((x << m) | (x >>> (bits - m))) & mask;
      cf = r & 1;
      writeE(c, i, r);
      setCfOf(c, cf, ((r >>> (bits - 1)) & 1) ^ cf);
      return;
    }
    case ROR: {
      const m = n & (bits - 1);
      r = m === 0 ? x : ((x >>> m) | (x << (bits - m))) & mask;
      cf = (r >>> (bits - 1)) & 1;
      writeE(c, i, r);
      setCfOf(c, cf, cf ^ ((r >>> (bits - 2)) & 1));
      return;
    }
    case RCL:
    case RCR: {
      const m = bits === 32 ? n : n % (bits + 1);
      r = x >>> 0;
      cf = getCF(c);
      const top = bits - 1;
      if (m === 0) {
        // A full turn through CF: nothing moves, but OF is still computed (as AMD CPUs do).
        setCfOf(c, cf, (i.sub & 7) === RCL ? ((r >>> top) & 1) ^ cf : ((r >>> top) ^ (r >>> (top - 1))) & 1);
        return;
      }
      let of = 0;
      if ((i.sub & 7) === RCL) {
        for (let k = 0; k < m; k++) {
          const out = (r >>> top) & 1;
          r = ((r << 1) | cf) & mask;
          cf = out;
        }
        of = ((r >>> top) & 1) ^ cf;
      } else {
        for (let k = 0; k < m; k++) {
          const out = r & 1;
          r = ((r >>> 1) | (cf << top)) & mask;
          cf = out;
        }
        of = ((r >>> top) ^ (r >>> (top - 1))) & 1; // = MSB ^ CF before, for a count of 1
      }
      writeE(c, i, r);
      setCfOf(c, cf, of);
      return;
    }
    case SHL:
    case SAL:
      r = (x << n) & mask;
      cf = n <= bits ? (x >>> (bits - n)) & 1 : 0;
      writeE(c, i, r);
      setShift(c, i.size, r, 0, cf, ((r >>> (bits - 1)) & 1) ^ cf);
      return;
    case SHR:
      r = (x >>> n) & mask;
      cf = n <= bits ? (x >>> (n - 1)) & 1 : 0;
      writeE(c, i, r);
      setShift(c, i.size, r, 0, cf, n === 1 ? (x >>> (bits - 1)) & 1 : 0);
      return;
    case SAR:
    default: {
      // Shift the sign-extended value; counts past the width keep copying the sign.
      const sx = (x << (32 - bits)) >> (32 - bits);
      r = (sx >> n) & mask;
      cf = (sx >> (n - 1)) & 1;
      writeE(c, i, r);
      setShift(c, i.size, r, 0, cf, 0);
    }
  }
}

function shift64(c: Cpu, i: Insn, op: number, n: number): void {
  readE64(c, i);
  const lo = c.T[0], hi = c.T[1];
  let cf: number;
  switch (op) {
    case ROL:
      shld64(hi, lo, hi, lo, n);
      cf = oLo & 1;
      writeE64(c, i, oLo, oHi);
      setCfOf(c, cf, (oHi >>> 31) ^ cf);
      return;
    case ROR:
      shrd64(hi, lo, hi, lo, n);
      cf = oHi >>> 31;
      writeE64(c, i, oLo, oHi);
      setCfOf(c, cf, cf ^ ((oHi >>> 30) & 1));
      return;
    case RCL:
    case RCR: {
      let rl = lo, rh = hi, of = 0;
      cf = getCF(c);
      if (op === RCL) {
        for (let k = 0; k < n; k++) {
          const out = rh >>> 31;
          rh = (rh << 1) | (rl >>> 31);
          rl = (rl << 1) | cf;
          cf = out;
        }
        of = (rh >>> 31) ^ cf;
      } else {
        for (let k = 0; k < n; k++) {
          const out = rl & 1;
          rl = (rl >>> 1) | (rh << 31);
          rh = (rh >>> 1) | (cf << 31);
          cf = out;
        }
        of = ((rh >>> 31) ^ (rh >>> 30)) & 1;
      }
      writeE64(c, i, rl, rh);
      setCfOf(c, cf, of);
      return;
    }
    case SHL:
    case SAL:
      shld64(hi, lo, 0, 0, n);
      cf = bit64(lo, hi, 64 - n);
      writeE64(c, i, oLo, oHi);
      setShift(c, 8, oLo, oHi, cf, (oHi >>> 31) ^ cf);
      return;
    case SHR:
      shrd64(0, 0, hi, lo, n);
      cf = bit64(lo, hi, n - 1);
      writeE64(c, i, oLo, oHi);
      setShift(c, 8, oLo, oHi, cf, n === 1 ? hi >>> 31 : 0);
      return;
    default: {
      const s = hi >> 31;
      shrd64(s, s, hi, lo, n);
      cf = bit64(lo, hi, n - 1);
      writeE64(c, i, oLo, oHi);
      setShift(c, 8, oLo, oHi, cf, 0);
    }
  }
}

// ---- shld / shrd ----

/** shld/shrd E, G, imm8|CL (0F A4/A5 left, 0F AC/AD right; sub bit 0 = right, bit 1 = CL). */
function shxd(c: Cpu, i: Insn): void {
  const right = (i.sub & 1) !== 0;
  const n = ((i.sub & 2) !== 0 ? c.R8[8] : i.imm) & (i.size === 8 ? 63 : 31);
  if (n === 0) {
    countZero(c, i);
    return;
  }
  const R = c.R;
  if (i.size === 8) {
    readE64(c, i);
    const d0 = c.T[0], d1 = c.T[1];
    const s0 = R[2 * i.reg], s1 = R[2 * i.reg + 1];
    let cf: number;
    if (right) {
      shrd64(s1, s0, d1, d0, n);
      cf = bit64(d0, d1, n - 1);
    } else {
      shld64(d1, d0, s1, s0, n);
      cf = bit64(d0, d1, 64 - n);
    }
    writeE64(c, i, oLo, oHi);
    setShift(c, 8, oLo, oHi, cf, right ? ((oHi >>> 31) ^ (oHi >>> 30)) & 1 : (oHi >>> 31) ^ cf);
    return;
  }
  const d = readE(c, i);
  if (i.size === 4) {
    const s = R[2 * i.reg];
    const r = right ? fr(s, d, n) : fl(d, s, n);
    const cf = right ? (d >>> (n - 1)) & 1 : (d >>> (32 - n)) & 1;
    writeE(c, i, r);
    setShift(c, 4, r, 0, cf, right ? ((r >>> 31) ^ (r >>> 30)) & 1 : (r >>> 31) ^ cf);
    return;
  }
  // 16-bit: counts above 16 are undefined; like P6-family CPUs, shift the 48-bit d:s:d.
  const s = c.R16[4 * i.reg];
  let r: number, cf: number;
  if (!right) {
    const v = fl((d << 16) | s, d << 16, n); // the top 32 bits of d:s:d << n
    r = (v >>> 16) & 0xffff;
    cf = n <= 16 ? (d >>> (16 - n)) & 1 : (s >>> (32 - n)) & 1;
  } else {
    const v = fr(d, (s << 16) | d, n); // the low 32 bits of d:s:d >> n
    r = v & 0xffff;
    cf = n <= 16 ? (d >>> (n - 1)) & 1 : (s >>> (n - 17)) & 1;
  }
  writeE(c, i, r);
  // OF (undefined past a count of 1) as AMD Zen computes it for counts up to 15.
  const of = right ? (r >>> 15) ^ (r >>> 14) : (r >>> 15) ^ cf;
  setShift(c, 2, r, 0, cf, of & 1);
}

function group(src: number): { name: string; sub: number }[] {
  return NAMES.map((name, k) => ({ name, sub: k | (src << 3) }));
}

def(MAP_1, 0xc0, { name: 'shift', fn: shiftGroup, modrm: true, size: S_B, imm: I_UB, group: group(CNT_IMM) });
def(MAP_1, 0xc1, { name: 'shift', fn: shiftGroup, modrm: true, imm: I_UB, group: group(CNT_IMM) });
def(MAP_1, 0xd0, { name: 'shift', fn: shiftGroup, modrm: true, size: S_B, group: group(CNT_ONE) });
def(MAP_1, 0xd1, { name: 'shift', fn: shiftGroup, modrm: true, group: group(CNT_ONE) });
def(MAP_1, 0xd2, { name: 'shift', fn: shiftGroup, modrm: true, size: S_B, group: group(CNT_CL) });
def(MAP_1, 0xd3, { name: 'shift', fn: shiftGroup, modrm: true, group: group(CNT_CL) });
def(MAP_0F, 0xa4, { name: 'shld', fn: shxd, modrm: true, imm: I_UB, sub: 0 });
def(MAP_0F, 0xa5, { name: 'shld', fn: shxd, modrm: true, sub: 2 });
def(MAP_0F, 0xac, { name: 'shrd', fn: shxd, modrm: true, imm: I_UB, sub: 1 });
def(MAP_0F, 0xad, { name: 'shrd', fn: shxd, modrm: true, sub: 3 });
