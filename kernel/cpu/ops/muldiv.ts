/**
 * Multiply and divide: the F6/F7 group (test, not, neg, mul, imul, div, idiv) and the two- and
 * three-operand imul forms (0F AF, 69, 6B).
 *
 * 64-bit operands stay int32 pairs: 32x32 products are built from 16-bit pieces (exact in doubles),
 * 64x64 from four of those, so `mul` by a magic constant (how gcc divides by constants) never
 * allocates. Division (128 by 64 bits, exact, no BigInt) is in wide.ts. #DE (divide by zero or
 * quotient overflow) is SIGFPE/FPE_INTDIV at the instruction, raised before any write.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, MAP_0F, I_B, I_Z, S_B } from '../optable.js';
import { setEager } from '../flags.js';
import { ea } from '../operands.js';
import { GuestFault, SIGFPE, FPE_INTDIV } from '../fault.js';
import { group3Common } from './alu.js';
import { udiv128, DIV } from './wide.js';

const TWO32 = 4294967296;

// ---- 64-bit products (results in module slots: no allocation) ----

/** High 32 bits of the last mulU32 (int32); the low half is Math.imul(a, b). */
let pHi = 0;

/** Unsigned 32x32 -> 64: returns the low half (int32), leaves the high half in pHi. */
function mulU32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const t = a * (b & 0xffff);
  const u = a * (b >>> 16) + Math.floor(t / 65536);
  pHi = Math.floor(u / 65536) | 0;
  return Math.imul(a, b);
}

/** The 128-bit product of the last mul64: words w0 (lowest) .. w3, as int32. */
let w0 = 0, w1 = 0, w2 = 0, w3 = 0;

/** Unsigned 64x64 -> 128 into w0..w3. */
function mulU64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  const l00 = mulU32(aLo, bLo) >>> 0, h00 = pHi >>> 0;
  const l01 = mulU32(aLo, bHi) >>> 0, h01 = pHi >>> 0;
  const l10 = mulU32(aHi, bLo) >>> 0, h10 = pHi >>> 0;
  const l11 = mulU32(aHi, bHi) >>> 0, h11 = pHi >>> 0;
  const s1 = h00 + l01 + l10;
  const c1 = Math.floor(s1 / TWO32);
  const s2 = h01 + h10 + l11 + c1;
  const c2 = Math.floor(s2 / TWO32);
  w0 = l00 | 0;
  w1 = s1 | 0;
  w2 = s2 | 0;
  w3 = (h11 + c2) | 0;
}

/** Signed 64x64 -> 128 into w0..w3: the unsigned product with the high half corrected. */
function mulS64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  mulU64(aLo, aHi, bLo, bHi);
  if (aHi < 0) subHigh(bLo, bHi);
  if (bHi < 0) subHigh(aLo, aHi);
}

/** Whether the signed 64x64 product overflows 64 bits (imul's CF and OF), as 1 or 0. */
export function imul64Overflow(aLo: number, aHi: number, bLo: number, bHi: number): number {
  mulS64(aLo, aHi, bLo, bHi);
  const s = w1 >> 31;
  return w2 !== s || w3 !== s ? 1 : 0;
}

function subHigh(lo: number, hi: number): void {
  const s = (w2 >>> 0) - (lo >>> 0);
  w2 = s | 0;
  w3 = (w3 - hi - (s < 0 ? 1 : 0)) | 0;
}

// ---- operand access ----

function readE(c: Cpu, i: Insn): number {
  if (i.rm >= 0) return i.size === 1 ? c.R8[i.rm] : i.size === 2 ? c.R16[4 * i.rm] : c.R[2 * i.rm];
  const a = ea(c, i);
  return i.size === 1 ? c.mem.read8(a) : i.size === 2 ? c.mem.read16(a) : c.mem.read32(a);
}

/** Reads the 64-bit r/m operand into T[0], T[1]. */
function readE64(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    c.T[0] = c.R[2 * i.rm];
    c.T[1] = c.R[2 * i.rm + 1];
  } else c.mem.read64(ea(c, i), c.T, 0);
}

function de(i: Insn): GuestFault {
  return new GuestFault(SIGFPE, FPE_INTDIV, i.addr, 'divide error');
}

// ---- mul / imul ----

/** mul E (F6/F7 /4): rDX:rAX = rAX * E unsigned; CF = OF = (high half != 0). */
function mul(c: Cpu, i: Insn): void {
  const R = c.R;
  switch (i.size) {
    case 1: {
      const p = c.R8[0] * readE(c, i);
      c.R16[0] = p;
      const f = p > 0xff ? 1 : 0;
      setEager(c, 1, p & 0xff, 0, f, f);
      return;
    }
    case 2: {
      const p = c.R16[0] * readE(c, i);
      c.R16[0] = p & 0xffff;
      c.R16[8] = p >>> 16;
      const f = p > 0xffff ? 1 : 0;
      setEager(c, 2, p & 0xffff, 0, f, f);
      return;
    }
    case 4: {
      const lo = mulU32(R[0], readE(c, i));
      const hi = pHi;
      R[0] = lo; R[1] = 0;
      R[4] = hi; R[5] = 0;
      const f = hi !== 0 ? 1 : 0;
      setEager(c, 4, lo, 0, f, f);
      return;
    }
    default: {
      readE64(c, i);
      mulU64(R[0], R[1], c.T[0], c.T[1]);
      R[0] = w0; R[1] = w1;
      R[4] = w2; R[5] = w3;
      const f = (w2 | w3) !== 0 ? 1 : 0;
      setEager(c, 8, w0, w1, f, f);
    }
  }
}

/** imul E (F6/F7 /5): signed; CF = OF = (the high half is not the sign extension of the low). */
function imul1(c: Cpu, i: Insn): void {
  const R = c.R;
  switch (i.size) {
    case 1: {
      const p = ((c.R8[0] << 24) >> 24) * ((readE(c, i) << 24) >> 24);
      c.R16[0] = p & 0xffff;
      const f = p !== (p << 24) >> 24 ? 1 : 0;
      setEager(c, 1, p & 0xff, 0, f, f);
      return;
    }
    case 2: {
      const p = ((c.R16[0] << 16) >> 16) * ((readE(c, i) << 16) >> 16);
      c.R16[0] = p & 0xffff;
      c.R16[8] = (p >> 16) & 0xffff;
      const f = p !== (p << 16) >> 16 ? 1 : 0;
      setEager(c, 2, p & 0xffff, 0, f, f);
      return;
    }
    case 4: {
      const a = R[0], b = readE(c, i);
      const lo = mulU32(a, b);
      let hi = pHi;
      if (a < 0) hi = (hi - b) | 0;
      if (b < 0) hi = (hi - a) | 0;
      R[0] = lo; R[1] = 0;
      R[4] = hi; R[5] = 0;
      const f = hi !== lo >> 31 ? 1 : 0;
      setEager(c, 4, lo, 0, f, f);
      return;
    }
    default: {
      readE64(c, i);
      mulS64(R[0], R[1], c.T[0], c.T[1]);
      R[0] = w0; R[1] = w1;
      R[4] = w2; R[5] = w3;
      const s = w1 >> 31;
      const f = w2 !== s || w3 !== s ? 1 : 0;
      setEager(c, 8, w0, w1, f, f);
    }
  }
}

/** G = a * b truncated to the operand size (b already read); shared by the 2- and 3-operand forms. */
function imulTo(c: Cpu, i: Insn, a: number, b: number): void {
  if (i.size === 2) {
    const p = ((a << 16) >> 16) * ((b << 16) >> 16);
    c.R16[4 * i.reg] = p & 0xffff;
    const f = p !== (p << 16) >> 16 ? 1 : 0;
    setEager(c, 2, p & 0xffff, 0, f, f);
    return;
  }
  const lo = Math.imul(a, b);
  // a * b is exact whenever it fits in 53 bits, and never equal to an int32 when it does not.
  const f = a * b !== lo ? 1 : 0;
  c.R[2 * i.reg] = lo;
  c.R[2 * i.reg + 1] = 0;
  setEager(c, 4, lo, 0, f, f);
}

function imulTo64(c: Cpu, i: Insn, bLo: number, bHi: number): void {
  mulS64(c.T[0], c.T[1], bLo, bHi);
  c.R[2 * i.reg] = w0;
  c.R[2 * i.reg + 1] = w1;
  const s = w1 >> 31;
  const f = w2 !== s || w3 !== s ? 1 : 0;
  setEager(c, 8, w0, w1, f, f);
}

/** imul G, E (0F AF). */
function imul2(c: Cpu, i: Insn): void {
  if (i.size === 8) {
    readE64(c, i);
    imulTo64(c, i, c.R[2 * i.reg], c.R[2 * i.reg + 1]);
  } else imulTo(c, i, i.size === 2 ? c.R16[4 * i.reg] : c.R[2 * i.reg], readE(c, i));
}

/** imul G, E, imm (69, 6B). */
function imul3(c: Cpu, i: Insn): void {
  if (i.size === 8) {
    readE64(c, i);
    imulTo64(c, i, i.imm, i.immHi);
  } else imulTo(c, i, readE(c, i), i.imm);
}

// ---- div / idiv ----

/** div E (F6/F7 /6): unsigned rDX:rAX / E; quotient to rAX, remainder to rDX. */
function div(c: Cpu, i: Insn): void {
  const R = c.R;
  switch (i.size) {
    case 1: {
      const d = readE(c, i);
      const n = c.R16[0];
      if (d === 0 || n >= d * 256) throw de(i);
      const r = n % d;
      c.R8[0] = (n - r) / d;
      c.R8[1] = r;
      return;
    }
    case 2: {
      const d = readE(c, i);
      const n = c.R16[8] * 65536 + c.R16[0];
      if (d === 0 || c.R16[8] >= d) throw de(i);
      const r = n % d;
      c.R16[0] = (n - r) / d;
      c.R16[8] = r;
      return;
    }
    case 4: {
      const d = readE(c, i);
      if (R[4] >>> 0 >= d >>> 0 || !udiv128(0, 0, R[4], R[0], 0, d)) throw de(i);
      R[0] = DIV[0]; R[1] = 0;
      R[4] = DIV[2]; R[5] = 0;
      return;
    }
    default: {
      readE64(c, i);
      if (!udiv128(R[5], R[4], R[1], R[0], c.T[1], c.T[0])) throw de(i);
      R[0] = DIV[0]; R[1] = DIV[1];
      R[4] = DIV[2]; R[5] = DIV[3];
    }
  }
}

/** idiv E (F6/F7 /7): signed; the quotient truncates toward zero, the remainder takes the dividend's sign. */
function idiv(c: Cpu, i: Insn): void {
  const R = c.R;
  switch (i.size) {
    case 1: {
      const d = (readE(c, i) << 24) >> 24;
      const n = (c.R16[0] << 16) >> 16;
      if (d === 0) throw de(i);
      const q = Math.trunc(n / d);
      if (q > 127 || q < -128) throw de(i);
      c.R8[0] = q & 0xff;
      c.R8[1] = (n - q * d) & 0xff;
      return;
    }
    case 2: {
      const d = (readE(c, i) << 16) >> 16;
      const n = ((c.R16[8] << 16) | c.R16[0]) | 0;
      if (d === 0) throw de(i);
      const q = Math.trunc(n / d);
      if (q > 32767 || q < -32768) throw de(i);
      c.R16[0] = q & 0xffff;
      c.R16[8] = (n - q * d) & 0xffff;
      return;
    }
    case 4: {
      const d = readE(c, i);
      let nl = R[0], nh = R[4];
      const nNeg = nh < 0;
      if (nNeg) {
        nl = -nl | 0;
        nh = nl === 0 ? -nh | 0 : ~nh;
      }
      const dAbs = d < 0 ? -d : d;
      if (!udiv128(0, 0, nh, nl, 0, dAbs)) throw de(i);
      const neg = nNeg !== d < 0;
      const q = DIV[0] >>> 0;
      if (DIV[1] !== 0 || q > (neg ? 0x80000000 : 0x7fffffff)) throw de(i);
      R[0] = neg ? -q | 0 : q | 0; R[1] = 0;
      R[4] = nNeg ? -DIV[2] | 0 : DIV[2]; R[5] = 0;
      return;
    }
    default: {
      readE64(c, i);
      let dLo = c.T[0], dHi = c.T[1];
      const dNeg = dHi < 0;
      if (dNeg) {
        dLo = -dLo | 0;
        dHi = dLo === 0 ? -dHi | 0 : ~dHi;
      }
      let n0 = R[0], n1 = R[1], n2 = R[4], n3 = R[5];
      const nNeg = n3 < 0;
      if (nNeg) {
        // 128-bit two's complement negation: invert, add one with carry.
        n0 = ~n0; n1 = ~n1; n2 = ~n2; n3 = ~n3;
        n0 = (n0 + 1) | 0;
        if (n0 === 0) {
          n1 = (n1 + 1) | 0;
          if (n1 === 0) {
            n2 = (n2 + 1) | 0;
            if (n2 === 0) n3 = (n3 + 1) | 0;
          }
        }
      }
      if (!udiv128(n3, n2, n1, n0, dHi, dLo)) throw de(i);
      const neg = nNeg !== dNeg;
      const qh = DIV[1] >>> 0;
      if (qh > 0x80000000 || (qh === 0x80000000 && (DIV[0] !== 0 || !neg))) throw de(i);
      let ql = DIV[0], qhs = DIV[1];
      if (neg) {
        ql = -ql | 0;
        qhs = ql === 0 ? -qhs | 0 : ~qhs;
      }
      let rl = DIV[2], rh = DIV[3];
      if (nNeg) {
        rl = -rl | 0;
        rh = rl === 0 ? -rh | 0 : ~rh;
      }
      R[0] = ql; R[1] = qhs;
      R[4] = rl; R[5] = rh;
    }
  }
}

const group3 = [
  { ...group3Common.test, imm: I_B },
  { ...group3Common.test, imm: I_B },
  group3Common.not,
  group3Common.neg,
  { name: 'mul', fn: mul },
  { name: 'imul', fn: imul1 },
  { name: 'div', fn: div },
  { name: 'idiv', fn: idiv },
];
def(MAP_1, 0xf6, { name: 'grp3', fn: mul, modrm: true, size: S_B, group: group3 });
def(MAP_1, 0xf7, {
  name: 'grp3', fn: mul, modrm: true,
  group: group3.map((m, k) => (k < 2 ? { ...m, imm: I_Z } : m)),
});
def(MAP_0F, 0xaf, { name: 'imul', fn: imul2, modrm: true });
def(MAP_1, 0x69, { name: 'imul', fn: imul3, modrm: true, imm: I_Z });
def(MAP_1, 0x6b, { name: 'imul', fn: imul3, modrm: true, imm: I_B });
