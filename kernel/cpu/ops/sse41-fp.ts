/**
 * SSE4.1 floating point: roundps/pd/ss/sd (66 0F 3A 08-0B) and the dot products dpps/dppd
 * (66 0F 3A 40, 41).
 *
 * round*: imm8[1:0] is the rounding mode (nearest-even, down, up, toward zero) unless imm8[2]
 * says "use MXCSR.RC"; imm8[3] suppresses the precision exception. The result is the integral
 * value of the same format with the operand's sign (so -0.4 rounds to -0); a NaN is quieted
 * (IE for a signalling one); infinities and values already integral pass through. DAZ treats a
 * denormal operand as a zero of its sign. Unmasked IE/PE fault with the destination unchanged.
 *
 * dpps/dppd: the products selected by imm8[7:4] (others +0), summed pairwise as the manual's
 * pseudocode does ((p0 + p1) + (p2 + p3)), broadcast to the lanes imm8[3:0] selects (others
 * +0). Each product and sum rounds under MXCSR with the exact lanes of sse-fp.ts (fp-lanes.ts).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F3A, I_UB } from '../optable.js';
import {
  S32, SF32, SF64, src128, src64, src32, isNaN32, isNaN64, isSNaN32, isSNaN64, isDen32, isDen64, beginFp, endFp,
  MX_IE, MX_PE, MX_DAZ, MX_RC_SHIFT,
} from './sse-common.js';
import { ps, pd, ADD, MUL } from './fp-lanes.js';

/** x (finite or infinite, not NaN) rounded to an integer in mode rc, keeping the sign of zero. */
function rnd(x: number, rc: number): number {
  if (!(Math.abs(x) < 4503599627370496)) return x; // 2^52: already integral (or infinite)
  let r: number;
  switch (rc) {
    case 0: {
      const f = Math.floor(x), d = x - f;
      r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
      break;
    }
    case 1: r = Math.floor(x); break;
    case 2: r = Math.ceil(x); break;
    default: r = Math.trunc(x);
  }
  return r === 0 ? (x < 0 || 1 / x < 0 ? -0 : 0) : r;
}

const rcOf = (c: Cpu, i: Insn): number => (i.imm & 4 ? (c.mxcsr >> MX_RC_SHIFT) & 3 : i.imm & 3);

/** Rounds float lane X32[k] from source lane S32[s]; returns the flags. */
function round32(c: Cpu, i: Insn, k: number, s: number): number {
  const v = S32[s];
  if (isNaN32(v)) {
    c.X32[k] = v | 0x400000;
    return isSNaN32(v) ? MX_IE : 0;
  }
  let x = SF32[s];
  if (c.mxcsr & MX_DAZ && isDen32(v)) x = v < 0 ? -0 : 0;
  const r = rnd(x, rcOf(c, i));
  c.XF32[k] = r;
  return r !== x && !(i.imm & 8) ? MX_PE : 0;
}

/** Rounds double lane X (int32 index k) from source lane S32[s], S32[s+1]. */
function round64(c: Cpu, i: Insn, k: number, s: number): number {
  const lo = S32[s], hi = S32[s + 1];
  if (isNaN64(hi, lo)) {
    c.X32[k] = lo;
    c.X32[k + 1] = hi | 0x80000;
    return isSNaN64(hi, lo) ? MX_IE : 0;
  }
  let x = SF64[s >> 1];
  if (c.mxcsr & MX_DAZ && isDen64(hi, lo)) x = hi < 0 ? -0 : 0;
  const r = rnd(x, rcOf(c, i));
  c.XF64[k >> 1] = r;
  return r !== x && !(i.imm & 8) ? MX_PE : 0;
}

function roundps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg;
  endFp(c, i, round32(c, i, k, 0) | round32(c, i, k + 1, 1) | round32(c, i, k + 2, 2) | round32(c, i, k + 3, 3), i.reg);
}
function roundpd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg;
  endFp(c, i, round64(c, i, k, 0) | round64(c, i, k + 2, 2), i.reg);
}
function roundss(c: Cpu, i: Insn): void {
  src32(c, i);
  beginFp(c, i.reg);
  endFp(c, i, round32(c, i, 4 * i.reg, 0), i.reg);
}
function roundsd(c: Cpu, i: Insn): void {
  src64(c, i);
  beginFp(c, i.reg);
  endFp(c, i, round64(c, i, 4 * i.reg, 0), i.reg);
}

// ---- dot products ----

const A = new Int32Array(4), B = new Int32Array(4), O = new Int32Array(4);

function dpps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg, m = i.imm >> 4;
  for (let j = 0; j < 4; j++) {
    const on = (m >> j) & 1;
    A[j] = on ? X[k + j] : 0;
    B[j] = on ? S32[j] : 0;
  }
  ps(c, i.addr, MUL, A, B, O);
  A[0] = O[0]; A[1] = O[2]; A[2] = 0; A[3] = 0;
  B[0] = O[1]; B[1] = O[3]; B[2] = 0; B[3] = 0;
  ps(c, i.addr, ADD, A, B, O);
  A[0] = O[0]; A[1] = 0;
  B[0] = O[1]; B[1] = 0;
  ps(c, i.addr, ADD, A, B, O);
  const r = O[0];
  for (let j = 0; j < 4; j++) X[k + j] = (i.imm >> j) & 1 ? r : 0;
}

function dppd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg, m = i.imm >> 4;
  for (let q = 0; q < 4; q += 2) {
    const on = (m >> (q >> 1)) & 1;
    A[q] = on ? X[k + q] : 0; A[q + 1] = on ? X[k + q + 1] : 0;
    B[q] = on ? S32[q] : 0; B[q + 1] = on ? S32[q + 1] : 0;
  }
  pd(c, i.addr, MUL, A, B, O);
  A[0] = O[0]; A[1] = O[1]; A[2] = 0; A[3] = 0;
  B[0] = O[2]; B[1] = O[3]; B[2] = 0; B[3] = 0;
  pd(c, i.addr, ADD, A, B, O);
  const lo = O[0], hi = O[1];
  for (let q = 0; q < 2; q++) {
    const on = (i.imm >> q) & 1;
    X[k + 2 * q] = on ? lo : 0;
    X[k + 2 * q + 1] = on ? hi : 0;
  }
}

const M = { modrm: true, imm: I_UB };
defPfx(MAP_0F3A, 0x08, 'p66', { name: 'roundps', fn: roundps, ...M });
defPfx(MAP_0F3A, 0x09, 'p66', { name: 'roundpd', fn: roundpd, ...M });
defPfx(MAP_0F3A, 0x0a, 'p66', { name: 'roundss', fn: roundss, ...M });
defPfx(MAP_0F3A, 0x0b, 'p66', { name: 'roundsd', fn: roundsd, ...M });
defPfx(MAP_0F3A, 0x40, 'p66', { name: 'dpps', fn: dpps, ...M });
defPfx(MAP_0F3A, 0x41, 'p66', { name: 'dppd', fn: dppd, ...M });
