/**
 * SSE/SSE2 conversions: integer <-> float/double (cvtsi2sd/ss, cvt[t]sd2si, cvt[t]ss2si and the
 * packed dword forms cvtdq2pd/ps, cvt[t]ps2dq, cvt[t]pd2dq) and float <-> double (cvtss2sd,
 * cvtsd2ss, cvtps2pd, cvtpd2ps).
 *
 * Float-to-integer conversions honour MXCSR.RC (the t forms truncate); NaN or out-of-range
 * inputs give the "integer indefinite" (0x80000000 / 0x8000000000000000) and IE. The 64-bit
 * integer to double conversion and the conversions that narrow to float (cvtsi2ss, cvtsd2ss,
 * cvtpd2ps, cvtdq2ps) honour RC too. NaN payloads are carried through the
 * integer views (a double NaN keeps its top 23 payload bits as a float, quieted).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F, S_DQ } from '../optable.js';
import { ea } from '../operands.js';
import {
  S32, SF64, SF32, src128, src64, src32, isSNaN64, isSNaN32, isDen64, isDen32, sumErr, roundDir, toOdd, roundDir32, overflowTo, MAX32, towardZero, tiny32, below2p128, beginFp, endFp, inexact24,
  MX_IE, MX_DE, MX_OE, MX_UE, MX_PE, MX_DAZ, MX_FZ, MX_RC_SHIFT, MX_UM, MX_OM,
} from './sse-common.js';

const TWO32 = 4294967296, TWO63 = 2 ** 63, MIN_NORMAL32 = 2 ** -126;

/** The result of toInt: an int32 pair. */
let cvLo = 0, cvHi = 0;

/** Rounds finite x to an integer by MXCSR rounding control rc (0 nearest-even, 1 down, 2 up, 3 zero). */
function rint(x: number, rc: number): number {
  switch (rc) {
    case 0: {
      const f = Math.floor(x), d = x - f;
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    }
    case 1: return Math.floor(x);
    case 2: return Math.ceil(x);
    default: return Math.trunc(x);
  }
}

/**
 * Converts x (a double, or a float widened exactly; den says it was a denormal) to a 32- or
 * 64-bit integer in cvLo/cvHi; returns the flags.
 */
function toInt(c: Cpu, x: number, den: boolean, bits: number, rc: number): number {
  if (den && c.mxcsr & MX_DAZ) x = 0;
  const r = x === x ? rint(x, rc) : NaN;
  if (bits === 32) {
    if (r >= -2147483648 && r <= 2147483647) {
      cvLo = r | 0;
      cvHi = 0;
      return r !== x ? MX_PE : 0;
    }
    cvLo = 0x80000000 | 0;
    cvHi = 0;
    return MX_IE;
  }
  if (r >= -TWO63 && r < TWO63) {
    const hi = Math.floor(r / TWO32);
    cvLo = (r - hi * TWO32) | 0;
    cvHi = hi | 0;
    return r !== x ? MX_PE : 0;
  }
  cvLo = 0;
  cvHi = 0x80000000 | 0;
  return MX_IE;
}

const rcOf = (c: Cpu, i: Insn): number => (i.sub ? 3 : (c.mxcsr >> MX_RC_SHIFT) & 3);

/** Writes the converted value to the general register i.reg (32-bit writes zero the top half). */
function setG(c: Cpu, i: Insn): void {
  c.R[2 * i.reg] = cvLo;
  c.R[2 * i.reg + 1] = i.size === 8 ? cvHi : 0;
}

/** cvtsd2si / cvttsd2si r, xmm/m64 (F2 0F 2D / 2C). */
function cvtsd2si(c: Cpu, i: Insn): void {
  src64(c, i);
  const f = toInt(c, SF64[0], isDen64(S32[1], S32[0]), i.size * 8, rcOf(c, i));
  endFp(c, i, f, -1);
  setG(c, i);
}

/** cvtss2si / cvttss2si r, xmm/m32 (F3 0F 2D / 2C). */
function cvtss2si(c: Cpu, i: Insn): void {
  src32(c, i);
  const f = toInt(c, SF32[0], isDen32(S32[0]), i.size * 8, rcOf(c, i));
  endFp(c, i, f, -1);
  setG(c, i);
}

/** The integer source of cvtsi2sd/ss as a double d and its rounding error e (64-bit only). */
let intErr = 0;
function intSrc(c: Cpu, i: Insn): number {
  intErr = 0;
  if (i.size !== 8) return i.rm >= 0 ? c.R[2 * i.rm] : c.mem.read32(ea(c, i));
  if (i.rm >= 0) { S32[0] = c.R[2 * i.rm]; S32[1] = c.R[2 * i.rm + 1]; }
  else c.mem.read64(ea(c, i), S32, 0);
  const h = S32[1] * TWO32, l = S32[0] >>> 0, d = h + l;
  intErr = sumErr(h, l, d);
  return d;
}

/** cvtsi2sd xmm, r/m32/64 (F2 0F 2A). */
function cvtsi2sd(c: Cpu, i: Insn): void {
  const d = intSrc(c, i);
  endFp(c, i, intErr !== 0 ? MX_PE : 0, -1);
  c.XF64[2 * i.reg] = roundDir(d, intErr, (c.mxcsr >> MX_RC_SHIFT) & 3);
}

/** cvtsi2ss xmm, r/m32/64 (F3 0F 2A): round-to-odd in double, then once to float. */
function cvtsi2ss(c: Cpu, i: Insn): void {
  const d = toOdd(intSrc(c, i), intErr);
  let r = Math.fround(d);
  // Inexact in double means d was made odd, so it is not a float and r !== d.
  if (r !== d) {
    endFp(c, i, MX_PE, -1);
    r = roundDir32(r, d - r, (c.mxcsr >> MX_RC_SHIFT) & 3);
  }
  c.XF32[4 * i.reg] = r;
}

// ---- float <-> double ----

/** Double (hi, lo, value x) to float bits into X[k]; returns the flags. */
function d2f(c: Cpu, X: Int32Array, k: number, hi: number, lo: number, x: number): number {
  if (x !== x) {
    X[k] = (hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29);
    return isSNaN64(hi, lo) ? MX_IE : 0;
  }
  let fl = 0;
  if (isDen64(hi, lo)) {
    if (c.mxcsr & MX_DAZ) x = hi < 0 ? -0 : 0;
    else fl = MX_DE;
  }
  let r = Math.fround(x);
  if (r !== x && x - x === 0) {
    const rc = (c.mxcsr >> MX_RC_SHIFT) & 3;
    if (r === Infinity || r === -Infinity) {
      if (towardZero(rc, r < 0) && below2p128(x, 0)) {
        r = r > 0 ? MAX32 : -MAX32;
        fl |= MX_PE;
      } else {
        fl |= MX_OE | MX_PE;
        r = overflowTo(r, MAX32, rc);
      }
    } else {
      fl |= MX_PE;
      if (tiny32(x, 0, rc)) fl |= MX_UE;
      if (rc !== 0) {
        r = roundDir32(r, x - r, rc);
        if (r === Infinity || r === -Infinity) fl |= MX_OE;
      }
    }
  }
  // FZ flushes a tiny result (tiny after rounding, as UE). Unmasked UE: any tiny result, and PE
  // only if the value needs more than 24 bits (the IEEE trap view); likewise for unmasked OE.
  const tiny = (r !== 0 && Math.abs(r) < MIN_NORMAL32) || (fl & MX_UE) !== 0;
  if (tiny && !(c.mxcsr & MX_UM)) fl = (fl & ~MX_PE) | MX_UE | (inexact24(x, 0) ? MX_PE : 0);
  else if (c.mxcsr & MX_FZ && tiny) {
    r = x < 0 ? -0 : 0;
    fl |= MX_UE | MX_PE;
  }
  if (fl & MX_OE && !(c.mxcsr & MX_OM)) fl = (fl & ~MX_PE) | (inexact24(x, 0) ? MX_PE : 0);
  BF[0] = r;
  X[k] = BI[0];
  return fl;
}
const BF = new Float32Array(1);
const BI = new Int32Array(BF.buffer);

/** Float bits v to a double in X[k], X[k+1]; returns the flags. */
function f2d(c: Cpu, X: Int32Array, F: Float64Array, k: number, v: number, x: number): number {
  if (x !== x) {
    X[k] = (v & 7) << 29;
    X[k + 1] = (v & 0x80000000) | 0x7ff80000 | ((v & 0x7fffff) >>> 3);
    return isSNaN32(v) ? MX_IE : 0;
  }
  if (isDen32(v)) {
    if (c.mxcsr & MX_DAZ) { F[k >> 1] = v < 0 ? -0 : 0; return 0; }
    F[k >> 1] = x;
    return MX_DE;
  }
  F[k >> 1] = x;
  return 0;
}

/** cvtsd2ss xmm, xmm/m64 (F2 0F 5A). */
function cvtsd2ss(c: Cpu, i: Insn): void {
  src64(c, i);
  beginFp(c, i.reg);
  endFp(c, i, d2f(c, c.X32, 4 * i.reg, S32[1], S32[0], SF64[0]), i.reg);
}

/** cvtss2sd xmm, xmm/m32 (F3 0F 5A). */
function cvtss2sd(c: Cpu, i: Insn): void {
  src32(c, i);
  beginFp(c, i.reg);
  endFp(c, i, f2d(c, c.X32, c.XF64, 4 * i.reg, S32[0], SF32[0]), i.reg);
}

/** cvtps2pd xmm, xmm/m64 (0F 5A). */
function cvtps2pd(c: Cpu, i: Insn): void {
  src64(c, i);
  const k = 4 * i.reg;
  beginFp(c, i.reg);
  endFp(c, i, f2d(c, c.X32, c.XF64, k, S32[0], SF32[0]) | f2d(c, c.X32, c.XF64, k + 2, S32[1], SF32[1]), i.reg);
}

/** cvtpd2ps xmm, xmm/m128 (66 0F 5A): two floats, upper quadword zeroed. */
function cvtpd2ps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const X = c.X32, k = 4 * i.reg;
  const f = d2f(c, X, k, S32[1], S32[0], SF64[0]) | d2f(c, X, k + 1, S32[3], S32[2], SF64[1]);
  X[k + 2] = 0;
  X[k + 3] = 0;
  endFp(c, i, f, i.reg);
}

// ---- packed dword conversions ----

/** cvtdq2ps xmm, xmm/m128 (0F 5B). */
function cvtdq2ps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg;
  let f = 0;
  for (let j = 0; j < 4; j++) {
    const v = S32[j];
    let r = Math.fround(v);
    if (r !== v) {
      f = MX_PE;
      r = roundDir32(r, v - r, (c.mxcsr >> MX_RC_SHIFT) & 3);
    }
    c.XF32[k + j] = r;
  }
  endFp(c, i, f, i.reg);
}

/** cvtdq2pd xmm, xmm/m64 (F3 0F E6). */
function cvtdq2pd(c: Cpu, i: Insn): void {
  src64(c, i);
  const a = S32[0], b = S32[1];
  c.XF64[2 * i.reg] = a;
  c.XF64[2 * i.reg + 1] = b;
}

/** cvtps2dq (66 0F 5B, sub 0) / cvttps2dq (F3 0F 5B, sub 1) xmm, xmm/m128. */
function cvtps2dq(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const rc = rcOf(c, i), k = 4 * i.reg;
  let f = 0;
  for (let j = 0; j < 4; j++) {
    f |= toInt(c, SF32[j], isDen32(S32[j]), 32, rc);
    c.X32[k + j] = cvLo;
  }
  endFp(c, i, f, i.reg);
}

/** cvtpd2dq (F2 0F E6, sub 0) / cvttpd2dq (66 0F E6, sub 1) xmm, xmm/m128: upper quadword zeroed. */
function cvtpd2dq(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const rc = rcOf(c, i), k = 4 * i.reg;
  let f = toInt(c, SF64[0], isDen64(S32[1], S32[0]), 32, rc);
  const lo = cvLo;
  f |= toInt(c, SF64[1], isDen64(S32[3], S32[2]), 32, rc);
  const X = c.X32;
  X[k] = lo; X[k + 1] = cvLo; X[k + 2] = 0; X[k + 3] = 0;
  endFp(c, i, f, i.reg);
}

const M = { modrm: true };
defPfx(MAP_0F, 0x2a, 'f2', { name: 'cvtsi2sd', fn: cvtsi2sd, ...M, size: S_DQ });
defPfx(MAP_0F, 0x2a, 'f3', { name: 'cvtsi2ss', fn: cvtsi2ss, ...M, size: S_DQ });
defPfx(MAP_0F, 0x2c, 'f2', { name: 'cvttsd2si', fn: cvtsd2si, ...M, size: S_DQ, sub: 1 });
defPfx(MAP_0F, 0x2c, 'f3', { name: 'cvttss2si', fn: cvtss2si, ...M, size: S_DQ, sub: 1 });
defPfx(MAP_0F, 0x2d, 'f2', { name: 'cvtsd2si', fn: cvtsd2si, ...M, size: S_DQ, sub: 0 });
defPfx(MAP_0F, 0x2d, 'f3', { name: 'cvtss2si', fn: cvtss2si, ...M, size: S_DQ, sub: 0 });
defPfx(MAP_0F, 0x5a, 'none', { name: 'cvtps2pd', fn: cvtps2pd, ...M });
defPfx(MAP_0F, 0x5a, 'p66', { name: 'cvtpd2ps', fn: cvtpd2ps, ...M });
defPfx(MAP_0F, 0x5a, 'f3', { name: 'cvtss2sd', fn: cvtss2sd, ...M });
defPfx(MAP_0F, 0x5a, 'f2', { name: 'cvtsd2ss', fn: cvtsd2ss, ...M });
defPfx(MAP_0F, 0x5b, 'none', { name: 'cvtdq2ps', fn: cvtdq2ps, ...M });
defPfx(MAP_0F, 0x5b, 'p66', { name: 'cvtps2dq', fn: cvtps2dq, ...M, sub: 0 });
defPfx(MAP_0F, 0x5b, 'f3', { name: 'cvttps2dq', fn: cvtps2dq, ...M, sub: 1 });
defPfx(MAP_0F, 0xe6, 'p66', { name: 'cvttpd2dq', fn: cvtpd2dq, ...M, sub: 1 });
defPfx(MAP_0F, 0xe6, 'f2', { name: 'cvtpd2dq', fn: cvtpd2dq, ...M, sub: 0 });
defPfx(MAP_0F, 0xe6, 'f3', { name: 'cvtdq2pd', fn: cvtdq2pd, ...M });
