/**
 * SSE/SSE2 floating-point arithmetic: add, sub, mul, div, sqrt in their ps/pd/ss/sd forms
 * (0F 51, 58, 59, 5C, 5E with none/66/F3/F2), with IEEE results bit for bit and the MXCSR sticky
 * flags IE, DE, ZE, OE, UE and PE.
 *
 * How results stay exact: JS doubles are IEEE binary64 with round-to-nearest, so double results
 * are the hardware's; float results are computed in double and rounded once with Math.fround,
 * which is correct for + - * / sqrt of float operands (53 >= 2*24 + 2). NaNs never go through JS
 * arithmetic (it loses payloads): they are propagated through the integer views as the hardware
 * does (first operand's NaN quieted, else the second's; an invalid operation gives the default
 * negative QNaN). Inexactness comes from error-free transformations (TwoSum, Dekker's product) on
 * operands scaled into a safe exponent range, so PE/UE/OE cost a few flops, no BigInt.
 *
 * All four MXCSR rounding modes are honoured: the error term's sign moves the round-to-nearest
 * result one ulp where the mode says. DAZ and FZ are honoured. Underflow uses x86's
 * tininess-after-rounding rule. An unmasked exception faults (#XM, SIGFPE) with the destination
 * unchanged (sse-common.ts endFp).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F } from '../optable.js';
import {
  S32, SF64, SF32, BF64, BI32, src128, src64, src32, isSNaN64, isSNaN32,
  isDen64, isDen32, propNaN64, propNaN32, QNAN64_HI, QNAN32, sumErr, mulErr, roundDir, roundDir32, overflowTo, MAX32, MAX64, towardZero, tiny32, below2p128, beginFp, endFp, inexact24,
  MX_IE, MX_DE, MX_ZE, MX_OE, MX_UE, MX_PE, MX_DAZ, MX_FZ, MX_UM, MX_OM,
} from './sse-common.js';

export const ADD = 8, MUL = 9, SUB = 12, DIV = 14, SQRT = 1;

const TWO500 = 2 ** 500, TWOM500 = 2 ** -500, TWOM900 = 2 ** -900, MIN_NORMAL = 2 ** -1022;

/** Dekker's product of x and y is error-free here: no split overflows, no error term is subnormal. */
function safeMul(x: number, y: number, p: number): boolean {
  const ax = Math.abs(x), ay = Math.abs(y);
  return ax < TWO500 && ax > TWOM500 && ay < TWO500 && ay > TWOM500 && Math.abs(p) > TWOM900;
}
const MIN_NORMAL32 = 2 ** -126;

/** Exponent of the last frexp argument. */
let fexp = 0;
/** x (finite, nonzero) as m * 2^fexp with |m| in [1, 2), sign kept. */
function frexp(x: number): number {
  BF64[0] = x;
  let hi = BI32[1];
  let e = (hi >>> 20) & 0x7ff;
  let adj = 0;
  if (e === 0) {
    BF64[0] = x * 2 ** 64;
    hi = BI32[1];
    e = (hi >>> 20) & 0x7ff;
    adj = -64;
  }
  fexp = e - 1023 + adj;
  BI32[1] = (hi & 0x800fffff) | (1023 << 20);
  return BF64[0];
}

/** x * 2^n for any n, exact while the result is a normal double (two steps keep 2^n finite). */
function scale(x: number, n: number): number {
  const h = n >> 1;
  return x * 2 ** h * 2 ** (n - h);
}

/** Sign (and, on the fast paths, value) of exact - r for the last rounded result. */
let errSign = 0;

/** Flags of a double product r = a * b of finite nonzero operands (mode rc); sets errSign. */
function mulFlags64(a: number, b: number, r: number, rc: number): number {
  if (safeMul(a, b, r)) {
    errSign = mulErr(a, b, r);
    return errSign !== 0 ? MX_PE : 0;
  }
  if (r === Infinity || r === -Infinity) return MX_OE | MX_PE;
  const ma = frexp(a), ea = fexp, mb = frexp(b), K = ea + fexp;
  const p = ma * mb, err = mulErr(ma, mb, p);
  // Compare the exact product (p + err) * 2^K with r scaled the same way (exact: a power of 2).
  errSign = p - (r === 0 ? 0 : scale(r, -K)) + err;
  if (errSign === 0) return 0;
  // Tiny after rounding: the product rounded to 53 bits (in mode rc) below 2^-1022.
  return Math.abs(roundDir(p, err, rc)) < 2 ** (-1022 - K) ? MX_UE | MX_PE : MX_PE;
}

/** Flags of a double quotient r = a / b of finite nonzero operands (mode rc); sets errSign. */
function divFlags64(a: number, b: number, r: number, rc: number): number {
  const p0 = r * b;
  if (safeMul(r, b, p0)) {
    const rem = a - p0 - mulErr(r, b, p0); // a - r*b exactly (Sterbenz, TwoProduct)
    errSign = b > 0 ? rem : -rem;
    return rem !== 0 ? MX_PE : 0;
  }
  if (r === Infinity || r === -Infinity) return MX_OE | MX_PE;
  const ma = frexp(a), ea = fexp, mb = frexp(b), K = ea - fexp;
  const rs = r === 0 ? 0 : scale(r, -K), hi = rs * mb;
  const rem = ma - hi - mulErr(rs, mb, hi);
  errSign = mb > 0 ? rem : -rem;
  if (rem === 0) return 0;
  const q = ma / mb, qh = q * mb, qrem = ma - qh - mulErr(q, mb, qh);
  return Math.abs(roundDir(q, mb > 0 ? qrem : -qrem, rc)) < 2 ** (-1022 - K) ? MX_UE | MX_PE : MX_PE;
}

/** The exact a op b (op ADD/SUB with b already negated, MUL, DIV) needs more than 53 bits. */
function inexact53(op: number, a: number, b: number): boolean {
  if (op === ADD || op === SUB) {
    const s = a + b;
    if (s - s === 0) return sumErr(a, b, s) !== 0;
    const ha = a / 2, hb = b / 2;
    return sumErr(ha, hb, ha + hb) !== 0;
  }
  if (op !== MUL && op !== DIV) return false;
  const ma = frexp(a), mb = frexp(b);
  if (op === MUL) return mulErr(ma, mb, ma * mb) !== 0;
  const q = ma / mb, h = q * mb;
  return ma - h - mulErr(q, mb, h) !== 0;
}

/**
 * For a result that rounded to infinity at nearest: is the exact a op b still below 2^1024 in
 * magnitude? Then rounding toward zero gives the largest finite without overflow.
 */
function belowOverflow64(op: number, a: number, b: number): boolean {
  let q: number, err: number, K: number;
  if (op === ADD || op === SUB) {
    // b is already negated for SUB. Halving is exact here (no operand is tiny).
    const ha = a / 2, hb = b / 2;
    q = ha + hb;
    err = sumErr(ha, hb, q);
    K = 1;
  } else {
    const ma = frexp(a), ea = fexp, mb = frexp(b), eb = fexp;
    if (op === MUL) {
      K = ea + eb;
      q = ma * mb;
      err = mulErr(ma, mb, q);
    } else {
      K = ea - eb;
      q = ma / mb;
      const hi = q * mb, rem = ma - hi - mulErr(q, mb, hi);
      err = mb > 0 ? rem : -rem;
    }
  }
  const lim = 2 ** (1024 - K), aq = Math.abs(q);
  return aq < lim || (aq === lim && (q > 0 ? err < 0 : err > 0));
}

/** Flags of r = sqrt(a), a finite and positive (the result is always normal); sets errSign. */
function sqrtFlags64(a: number): number {
  let m = frexp(a);
  if (fexp & 1) m *= 2;
  const q = Math.sqrt(m), p = q * q;
  errSign = m - p - mulErr(q, q, p);
  return errSign !== 0 ? MX_PE : 0;
}

/**
 * dst lane op src lane for doubles: the destination is X32[k], X32[k+1]; the source S32[s],
 * S32[s+1]. Returns the MXCSR flags raised.
 */
function lane64(c: Cpu, op: number, k: number, s: number): number {
  const X = c.X32;
  const aLo = X[k], aHi = X[k + 1], bLo = S32[s], bHi = S32[s + 1];
  let a = c.XF64[k >> 1], b = SF64[s >> 1];
  if (op === SQRT) {
    if (b !== b) {
      X[k] = bLo;
      X[k + 1] = bHi | 0x80000;
      return isSNaN64(bHi, bLo) ? MX_IE : 0;
    }
  } else if (a !== a || b !== b) return propNaN64(X, k, aHi, aLo, bHi, bLo);
  const mx = c.mxcsr;
  let de = 0, fl = 0;
  if (mx & MX_DAZ) {
    if (isDen64(aHi, aLo)) a = aHi < 0 ? -0 : 0;
    if (isDen64(bHi, bLo)) b = bHi < 0 ? -0 : 0;
  } else if ((op !== SQRT && isDen64(aHi, aLo)) || isDen64(bHi, bLo)) de = MX_DE;
  errSign = 0;
  let r: number;
  switch (op) {
    case ADD:
    case SUB:
      if (op === SUB) b = -b;
      r = a + b;
      if (r !== r) break;
      if (r === Infinity || r === -Infinity) {
        if (a - a === 0 && b - b === 0) fl = MX_OE | MX_PE;
      } else {
        errSign = sumErr(a, b, r);
        if (errSign !== 0) fl = MX_PE;
        // An exact zero sum is -0 when rounding down, unless both addends are +0.
        else if (r === 0 && (mx & 0x6000) === 0x2000 && !(1 / a > 0 && 1 / b > 0)) r = -0;
      }
      break;
    case MUL:
      r = a * b;
      if (r !== r) break;
      if (a !== 0 && b !== 0 && a - a === 0 && b - b === 0) fl = mulFlags64(a, b, r, (mx >> 13) & 3);
      break;
    case DIV:
      r = a / b;
      if (r !== r) break;
      if (b === 0) {
        if (a !== 0 && a - a === 0) return MX_ZE | writeF64(c, k, r);
      } else if (a !== 0 && a - a === 0 && b - b === 0) fl = divFlags64(a, b, r, (mx >> 13) & 3);
      break;
    default: // SQRT
      if (b < 0) { r = NaN; break; }
      r = Math.sqrt(b);
      if (b !== 0 && b !== Infinity) fl = sqrtFlags64(b);
  }
  if (r !== r) {
    X[k] = 0;
    X[k + 1] = QNAN64_HI;
    return MX_IE;
  }
  const rc = (mx >> 13) & 3;
  if (rc !== 0) {
    if (fl & MX_OE) {
      if (towardZero(rc, r < 0) && op !== SQRT && belowOverflow64(op, a, b)) {
        r = r > 0 ? MAX64 : -MAX64;
        fl = MX_PE;
      } else r = overflowTo(r, MAX64, rc);
    } else if (errSign !== 0) {
      r = roundDir(r, errSign, rc);
      if (r === Infinity || r === -Infinity) fl |= MX_OE | MX_PE;
    }
  }
  // FZ flushes a tiny result (tiny after rounding, as UE: the host flushes a product of exactly
  // 2^-1022 * (1 - 2^-53), and not one that rounds to 2^-1022 at 53 bits).
  // An unmasked UE is raised by any tiny result, exact or not; then (and for an unmasked OE) PE
  // says whether the result needed rounding at full precision with an unbounded exponent, as the
  // IEEE trap handler would see it.
  const tiny = (r !== 0 && Math.abs(r) < MIN_NORMAL) || (fl & MX_UE) !== 0;
  if (tiny && !(mx & MX_UM)) fl = (fl & ~MX_PE) | MX_UE | (inexact53(op, a, b) ? MX_PE : 0);
  else if (mx & MX_FZ && tiny) {
    r = r < 0 || (r === 0 && 1 / r < 0) ? -0 : 0;
    fl |= MX_UE | MX_PE;
  }
  if (fl & MX_OE && !(mx & MX_OM)) fl = (fl & ~MX_PE) | (inexact53(op, a, b) ? MX_PE : 0);
  c.XF64[k >> 1] = r;
  return fl | de;
}

function writeF64(c: Cpu, k: number, r: number): number {
  c.XF64[k >> 1] = r;
  return 0;
}

/** The float version of lane64: X32[k] op S32[s]. */
function lane32(c: Cpu, op: number, k: number, s: number): number {
  const X = c.X32;
  const ai = X[k], bi = S32[s];
  let a = c.XF32[k], b = SF32[s];
  if (op === SQRT) {
    if (b !== b) {
      X[k] = bi | 0x400000;
      return isSNaN32(bi) ? MX_IE : 0;
    }
  } else if (a !== a || b !== b) return propNaN32(X, k, ai, bi);
  const mx = c.mxcsr;
  let de = 0, fl = 0;
  if (mx & MX_DAZ) {
    if (isDen32(ai)) a = ai < 0 ? -0 : 0;
    if (isDen32(bi)) b = bi < 0 ? -0 : 0;
  } else if ((op !== SQRT && isDen32(ai)) || isDen32(bi)) de = MX_DE;
  let d: number; // the double result: exact, or correctly rounded to 53 bits
  let e = 0; // exact - d (its sign)
  switch (op) {
    case ADD:
    case SUB:
      if (op === SUB) b = -b;
      d = a + b;
      if (d - d === 0) {
        e = sumErr(a, b, d);
        if (d === 0 && e === 0 && (mx & 0x6000) === 0x2000 && !(1 / a > 0 && 1 / b > 0)) d = -0;
      }
      break;
    case MUL:
      d = a * b; // 24 x 24 bits: exact in double
      break;
    case DIV:
      d = a / b;
      if (b === 0) {
        if (a !== 0 && a - a === 0) { c.XF32[k] = d; return MX_ZE; }
      } else if (d - d === 0 && d !== 0) {
        // Float operands: no under/overflow in double, so d is 0 only for x / inf (exact).
        const p = d * b;
        const rem = a - p - mulErr(d, b, p);
        e = b > 0 ? rem : -rem;
      }
      break;
    default:
      d = b < 0 ? NaN : Math.sqrt(b);
      if (d === d && d - d === 0) { const p = d * d; e = b - p - mulErr(d, d, p); }
  }
  if (d !== d) {
    X[k] = QNAN32;
    return MX_IE;
  }
  let r = Math.fround(d);
  if (d - d === 0) {
    const err = r !== d ? d - r : e; // exact - r: |d - r| dwarfs |e| when they differ
    const rc = (mx >> 13) & 3;
    if (r === Infinity || r === -Infinity) {
      fl = MX_OE | MX_PE;
      if (rc !== 0) {
        if (towardZero(rc, r < 0) && below2p128(d, e)) {
          r = r > 0 ? MAX32 : -MAX32;
          fl = MX_PE;
        } else r = overflowTo(r, MAX32, rc);
      }
    } else if (err !== 0) {
      fl = MX_PE;
      if (tiny32(d, e, rc)) fl |= MX_UE;
      if (rc !== 0) {
        r = roundDir32(r, err, rc);
        if (r === Infinity || r === -Infinity) fl |= MX_OE;
      }
    }
    // FZ: flush a tiny result; an unmasked UE reports any tiny result, without PE (see lane64).
    const tiny = (r !== 0 && Math.abs(r) < MIN_NORMAL32) || (fl & MX_UE) !== 0;
    if (tiny && !(mx & MX_UM)) fl = (fl & ~MX_PE) | MX_UE | (inexact24(d, e) ? MX_PE : 0);
    else if (mx & MX_FZ && tiny) {
      r = d < 0 ? -0 : 0;
      fl |= MX_UE | MX_PE;
    }
    if (fl & MX_OE && !(mx & MX_OM)) fl = (fl & ~MX_PE) | (inexact24(d, e) ? MX_PE : 0);
  }
  c.XF32[k] = r;
  return fl | de;
}

// ---- handlers: i.sub is the op (opcode low nibble) ----

function ps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg, op = i.sub;
  endFp(c, i, lane32(c, op, k, 0) | lane32(c, op, k + 1, 1) | lane32(c, op, k + 2, 2) | lane32(c, op, k + 3, 3), i.reg);
}
function pd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg, op = i.sub;
  endFp(c, i, lane64(c, op, k, 0) | lane64(c, op, k + 2, 2), i.reg);
}
function ss(c: Cpu, i: Insn): void {
  src32(c, i);
  beginFp(c, i.reg);
  endFp(c, i, lane32(c, i.sub, 4 * i.reg, 0), i.reg);
}
function sd(c: Cpu, i: Insn): void {
  src64(c, i);
  beginFp(c, i.reg);
  endFp(c, i, lane64(c, i.sub, 4 * i.reg, 0), i.reg);
}

const M = { modrm: true };
const ops: [number, string, number][] = [
  [0x51, 'sqrt', SQRT], [0x58, 'add', ADD], [0x59, 'mul', MUL], [0x5c, 'sub', SUB], [0x5e, 'div', DIV],
];
for (const [op, name, sub] of ops) {
  defPfx(MAP_0F, op, 'none', { name: name + 'ps', fn: ps, ...M, sub });
  defPfx(MAP_0F, op, 'p66', { name: name + 'pd', fn: pd, ...M, sub });
  defPfx(MAP_0F, op, 'f3', { name: name + 'ss', fn: ss, ...M, sub });
  defPfx(MAP_0F, op, 'f2', { name: name + 'sd', fn: sd, ...M, sub });
}
