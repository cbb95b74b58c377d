/**
 * Lazy EFLAGS. Arithmetic instructions do not compute flags; they record what they did (kind,
 * operand size, operands, result) and the flags are derived only when something reads them (jcc,
 * setcc, cmovcc, adc, pushf...). Most results are never read, so this saves work on every ALU op.
 *
 * Value conventions for the record: sizes 1 and 2 hold unsigned, masked values; size 4 holds int32;
 * size 8 holds int32 pairs (fRes/fResHi, fA/fAHi, fB/fBHi).
 */

import { Cpu, F_ADD, F_ADC, F_SUB, F_SBB, F_LOGIC, F_INC, F_DEC, F_EAGER, F_FLAGS } from './state.js';

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const AC = 0x40000, ID = 0x200000;
const ARITH = CF | PF | AF | ZF | SF | OF;

const PARITY = new Uint8Array(256);
for (let v = 0; v < 256; v++) {
  let p = 1;
  for (let b = 0; b < 8; b++) p ^= (v >> b) & 1;
  PARITY[v] = p;
}

/** Records a flag-setting operation of size 1, 2 or 4. */
export function setLazy(c: Cpu, op: number, size: number, res: number, a: number, b: number): void {
  c.fOp = op;
  c.fSize = size;
  c.fRes = res;
  c.fA = a;
  c.fB = b;
}

/** Records a 64-bit flag-setting operation. */
export function setLazy64(c: Cpu, op: number, rLo: number, rHi: number, aLo: number, aHi: number, bLo: number, bHi: number): void {
  c.fOp = op;
  c.fSize = 8;
  c.fRes = rLo;
  c.fResHi = rHi;
  c.fA = aLo;
  c.fAHi = aHi;
  c.fB = bLo;
  c.fBHi = bHi;
}

/** Logic ops (and, or, xor, test): CF = OF = 0. */
export function setLogic(c: Cpu, size: number, res: number, resHi: number): void {
  c.fOp = F_LOGIC;
  c.fSize = size;
  c.fRes = res;
  c.fResHi = resHi;
}

/** Flags computed by the instruction itself (shifts, multiplies): SF/ZF/PF still from res. */
export function setEager(c: Cpu, size: number, res: number, resHi: number, cf: number, of: number): void {
  c.fOp = F_EAGER;
  c.fSize = size;
  c.fRes = res;
  c.fResHi = resHi;
  c.fCF = cf;
  c.fOF = of;
  c.fAF = 0;
}

function ltu(c: Cpu, x: number, xHi: number, y: number, yHi: number): boolean {
  switch (c.fSize) {
    case 8:
      return xHi >>> 0 !== yHi >>> 0 ? xHi >>> 0 < yHi >>> 0 : x >>> 0 < y >>> 0;
    case 4:
      return x >>> 0 < y >>> 0;
    default:
      return x < y;
  }
}

function signOf(c: Cpu, v: number, vHi: number): number {
  switch (c.fSize) {
    case 1:
      return (v >> 7) & 1;
    case 2:
      return (v >> 15) & 1;
    case 4:
      return v >>> 31;
    default:
      return vHi >>> 31;
  }
}

export function getCF(c: Cpu): number {
  switch (c.fOp) {
    case F_ADD:
      return ltu(c, c.fRes, c.fResHi, c.fA, c.fAHi) ? 1 : 0;
    case F_ADC:
      return c.fCF ? (ltu(c, c.fA, c.fAHi, c.fRes, c.fResHi) ? 0 : 1) : ltu(c, c.fRes, c.fResHi, c.fA, c.fAHi) ? 1 : 0;
    case F_SUB:
      return ltu(c, c.fA, c.fAHi, c.fB, c.fBHi) ? 1 : 0;
    case F_SBB:
      return c.fCF ? (ltu(c, c.fB, c.fBHi, c.fA, c.fAHi) ? 0 : 1) : ltu(c, c.fA, c.fAHi, c.fB, c.fBHi) ? 1 : 0;
    case F_LOGIC:
      return 0;
    case F_FLAGS:
      return c.fFlags & CF;
    default: // INC, DEC, EAGER keep CF in fCF
      return c.fCF;
  }
}

export function getZF(c: Cpu): number {
  if (c.fOp === F_FLAGS) return (c.fFlags >> 6) & 1;
  if (c.fSize === 8) return (c.fRes | c.fResHi) === 0 ? 1 : 0;
  return c.fRes === 0 ? 1 : 0;
}

export function getSF(c: Cpu): number {
  if (c.fOp === F_FLAGS) return (c.fFlags >> 7) & 1;
  return signOf(c, c.fRes, c.fResHi);
}

export function getPF(c: Cpu): number {
  if (c.fOp === F_FLAGS) return (c.fFlags >> 2) & 1;
  return PARITY[c.fRes & 255];
}

export function getOF(c: Cpu): number {
  switch (c.fOp) {
    case F_ADD:
    case F_ADC:
    case F_INC:
      return signOf(c, (c.fA ^ c.fRes) & (c.fB ^ c.fRes), (c.fAHi ^ c.fResHi) & (c.fBHi ^ c.fResHi));
    case F_SUB:
    case F_SBB:
    case F_DEC:
      return signOf(c, (c.fA ^ c.fB) & (c.fA ^ c.fRes), (c.fAHi ^ c.fBHi) & (c.fAHi ^ c.fResHi));
    case F_LOGIC:
      return 0;
    case F_FLAGS:
      return (c.fFlags >> 11) & 1;
    default:
      return c.fOF;
  }
}

export function getAF(c: Cpu): number {
  switch (c.fOp) {
    case F_LOGIC:
      return 0;
    case F_FLAGS:
      return (c.fFlags >> 4) & 1;
    case F_EAGER:
      return c.fAF;
    default:
      return ((c.fA ^ c.fB ^ c.fRes) >> 4) & 1;
  }
}

/** The whole RFLAGS image (bit 1 and IF always set, as user mode sees them). */
export function getFlags(c: Cpu): number {
  return (
    getCF(c) |
    (getPF(c) << 2) |
    (getAF(c) << 4) |
    (getZF(c) << 6) |
    (getSF(c) << 7) |
    (getOF(c) << 11) |
    (c.df << 10) |
    0x202 |
    c.flagsOther
  );
}

/** Loads RFLAGS (popf, sigreturn): only bits user mode may change. */
export function setFlags(c: Cpu, v: number): void {
  c.fOp = F_FLAGS;
  c.fFlags = v & ARITH;
  c.df = (v >> 10) & 1;
  c.flagsOther = v & (AC | ID);
}

/** Replaces only the arithmetic flags in mask with the bits of v (sahf, cmc, stc, clc, ...). */
export function setSomeFlags(c: Cpu, mask: number, v: number): void {
  const cur = getFlags(c) & ARITH;
  c.fOp = F_FLAGS;
  c.fFlags = (cur & ~mask) | (v & mask);
}

/**
 * Evaluates condition code cc (the low nibble of jcc/setcc/cmovcc). Compare-then-branch is the
 * common case, so F_SUB of size 4 and 8 is answered straight from the operands.
 */
export function cond(c: Cpu, cc: number): boolean {
  if (c.fOp === F_SUB && c.fSize === 4) {
    const a = c.fA, b = c.fB;
    switch (cc) {
      case 2: return a >>> 0 < b >>> 0;
      case 3: return a >>> 0 >= b >>> 0;
      case 4: return a === b;
      case 5: return a !== b;
      case 6: return a >>> 0 <= b >>> 0;
      case 7: return a >>> 0 > b >>> 0;
      case 12: return a < b;
      case 13: return a >= b;
      case 14: return a <= b;
      case 15: return a > b;
    }
  }
  let r: number;
  switch (cc >> 1) {
    case 0: r = getOF(c); break;
    case 1: r = getCF(c); break;
    case 2: r = getZF(c); break;
    case 3: r = getCF(c) | getZF(c); break;
    case 4: r = getSF(c); break;
    case 5: r = getPF(c); break;
    case 6: r = getSF(c) ^ getOF(c); break;
    default: r = (getSF(c) ^ getOF(c)) | getZF(c); break;
  }
  return (cc & 1) === 0 ? r !== 0 : r === 0;
}

export { F_ADD, F_ADC, F_SUB, F_SBB, F_LOGIC, F_INC, F_DEC, F_EAGER, F_FLAGS };
