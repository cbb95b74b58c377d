/**
 * The arithmetic core of FMA3: a*b + c with a single rounding, in binary32 or binary64, in any
 * MXCSR rounding mode, with the MXCSR flags (PE, UE with x86's tininess-after-rounding rule, OE,
 * FZ) exactly as the hardware computes them.
 *
 * Fast path (almost every call): all operands normal and in a safe exponent range. Then the
 * product is exact as a double-double (Dekker), the sum is rounded once by Boldo and Melquiond's
 * round-to-odd scheme, and the sign of the remaining error comes from an exact expansion, so the
 * directed modes and PE are right too. No BigInt, no allocation.
 * Slow path (denormals, results near overflow or underflow, extreme exponent gaps): the exact
 * value as a BigInt significand and exponent, rounded by integer arithmetic.
 */

import { sumErr, mulErr, toOdd, roundDir, roundDir32, MX_PE, MX_UE, MX_OE } from './sse-common.js';

const BF = new Float64Array(1), BI = new Int32Array(BF.buffer);
const FF = new Float32Array(1), FI = new Int32Array(FF.buffer);

/** Result of the last call: the bits (hi:lo for double, lo for float). */
export let resHi = 0, resLo = 0;

/** Sign of the exact sum p + e + c - r (all doubles), by an exact expansion (Shewchuk's grow). */
function residualSign(p: number, e: number, c: number, r: number): number {
  // Expansion of p + c.
  let s = p + c, t = sumErr(p, c, s);
  // Add e: components (s, t) + e.
  let u = t + e, ue = sumErr(t, e, u);
  let v = s + u, ve = sumErr(s, u, v);
  // Now exact = v + ve + ue; subtract r.
  const w = v - r, we = sumErr(v, -r, w);
  // exact - r = w + we + ve + ue; sum from the small end with error-free steps for the sign.
  let a = ue + ve, ae = sumErr(ue, ve, a);
  let b = a + we, be = sumErr(a, we, b);
  let z = b + w, ze = sumErr(b, w, z);
  if (z !== 0) return z;
  if (ze !== 0) return ze;
  if (be !== 0) return be;
  return ae;
}

/**
 * Fast path for binary64: a*b + c (finite, the caller has negated as the form says). Returns the
 * flags (PE or 0) and sets resHi/resLo, or returns -1 when the slow path must decide.
 */
export function fma64Fast(a: number, b: number, c: number, rc: number): number {
  const aa = Math.abs(a), ab = Math.abs(b), ac = Math.abs(c);
  if (!(aa > 2 ** -500 && aa < 2 ** 500 && ab > 2 ** -500 && ab < 2 ** 500)) return -1;
  if (c !== 0 && !(ac > 2 ** -900 && ac < 2 ** 900)) return -1;
  const p = a * b;
  if (!(Math.abs(p) > 2 ** -900)) return -1;
  const e = mulErr(a, b, p);
  const th = c + p, tl = sumErr(c, p, th);
  const w = tl + e;
  const v = toOdd(w, sumErr(tl, e, w));
  let r = th + v;
  const sg = residualSign(p, e, c, r);
  if (r === 0) {
    if (sg === 0) { BF[0] = zeroSum(p, c, rc); resHi = BI[1]; resLo = BI[0]; return 0; }
    return -1;
  }
  if (!(Math.abs(r) > 2 ** -1000 && Math.abs(r) < 2 ** 1000)) return -1;
  if (sg !== 0) r = roundDir(r, sg, rc);
  BF[0] = r;
  resHi = BI[1]; resLo = BI[0];
  return sg !== 0 ? MX_PE : 0;
}

/** Fast path for binary32 operands given as floats in doubles; sets resLo. */
export function fma32Fast(a: number, b: number, c: number, rc: number): number {
  const p = a * b; // exact: 48 bits
  const s = p + c, err = sumErr(p, c, s);
  if (s === 0) {
    if (err !== 0) return -1;
    FF[0] = zeroSum(p, c, rc);
    resLo = FI[0];
    return 0;
  }
  const as = Math.abs(s);
  if (!(as > 2 ** -120 && as < 2 ** 127) || !(p === 0 || Math.abs(p) > 2 ** -300)) return -1;
  const x = toOdd(s, err);
  let r = Math.fround(x);
  const inexact = r !== x;
  if (inexact && rc !== 0) r = roundDir32(r, x - r, rc);
  FF[0] = r;
  resLo = FI[0];
  return inexact ? MX_PE : 0;
}

/** An exact zero sum p + c: the common sign of two zeros of one sign, else +0 (-0 rounding down). */
function zeroSum(p: number, c: number, rc: number): number {
  if (p === 0 && c === 0 && Object.is(p, -0) === Object.is(c, -0)) return p;
  return rc === 1 ? -0 : 0;
}

// ---- slow path ----

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Rounds (-1)^neg * S * 2^E (S > 0) to precision P with minimum normal exponent emin and maximum
 * exponent emax, mode rc; mxcsr supplies UM, OM and FZ. Sets resHi/resLo (float: resLo) and
 * returns the flags.
 */
function roundBig(neg: boolean, S: bigint, E: number, P: number, emin: number, emax: number, rc: number, mxcsr: number): number {
  const n = bitLen(S);
  const e = E + n - 1;
  const roundAt = (q: number): [bigint, boolean] => {
    const sh = q - E;
    if (sh <= 0) return [S << BigInt(-sh), false];
    const m = S >> BigInt(sh), rem = S & ((1n << BigInt(sh)) - 1n), half = 1n << BigInt(sh - 1);
    let up = false;
    if (rem !== 0n) {
      if (rc === 0) up = rem > half || (rem === half && (m & 1n) === 1n);
      else if (rc === 1) up = neg;
      else if (rc === 2) up = !neg;
    }
    return [up ? m + 1n : m, rem !== 0n];
  };
  // Unbounded exponent: tininess and the "needs more than P bits" test.
  const qU = e - (P - 1);
  const [mU, inexU] = roundAt(qU);
  const tiny = e < emin && !(mU === 1n << BigInt(P) && e + 1 === emin);
  let q = Math.max(qU, emin - (P - 1));
  let [m, inexact] = roundAt(q);
  if (m === 1n << BigInt(P)) { m >>= 1n; q += 1; }
  let fl = 0;
  let big = false;
  if (q + bitLen(m) - 1 > emax) {
    // Overflow: infinity or the largest finite by mode.
    fl = MX_OE | ((mxcsr & 0x400) === 0 ? (inexU ? MX_PE : 0) : MX_PE);
    big = !(rc === 3 || (rc === 1 && !neg) || (rc === 2 && neg));
    m = (1n << BigInt(P)) - 1n;
    q = emax - (P - 1);
  } else if (tiny) {
    if ((mxcsr & 0x800) === 0) fl = MX_UE | (inexU ? MX_PE : 0);
    else if (mxcsr & 0x8000) { m = 0n; fl = MX_UE | MX_PE; }
    else if (inexact) fl = MX_UE | MX_PE;
  } else if (inexact) fl = MX_PE;
  encode(neg, m, q, P, emin, big);
  return fl;
}

function encode(neg: boolean, m: bigint, q: number, P: number, emin: number, inf: boolean): void {
  const sign = neg ? 0x80000000 : 0;
  const mn = Number(m);
  if (P === 53) {
    let expField = 0, frac = mn;
    if (inf) { expField = 0x7ff; frac = 0; }
    else if (mn >= 2 ** 52) { expField = q + 52 + 1023; frac = mn - 2 ** 52; }
    else if (mn === 0) frac = 0;
    resHi = (sign | (expField << 20) | Math.floor(frac / 4294967296)) | 0;
    resLo = (frac % 4294967296) | 0;
  } else {
    let expField = 0, frac = mn;
    if (inf) { expField = 0xff; frac = 0; }
    else if (mn >= 2 ** 23) { expField = q + 23 + 127; frac = mn - 2 ** 23; }
    resLo = (sign | (expField << 23) | frac) | 0;
  }
  void emin;
}

/** A finite value as [negative, significand, exponent]. */
function parts64(hi: number, lo: number): [boolean, bigint, number] {
  const ex = (hi >>> 20) & 0x7ff;
  const frac = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo >>> 0);
  return ex === 0 ? [hi < 0, frac, -1074] : [hi < 0, frac | (1n << 52n), ex - 1075];
}
function parts32(v: number): [boolean, bigint, number] {
  const ex = (v >>> 23) & 0xff;
  const frac = BigInt(v & 0x7fffff);
  return ex === 0 ? [v < 0, frac, -149] : [v < 0, frac | (1n << 23n), ex - 150];
}

/**
 * Exact a*b + c (finite operands as bits; a zero or DAZ-flushed operand has a zero significand),
 * negProd/negC applied, rounded: sets resHi/resLo and returns the flags.
 */
export function fmaSlow(dbl: boolean, aHi: number, aLo: number, bHi: number, bLo: number, cHi: number, cLo: number,
  negProd: boolean, negC: boolean, rc: number, mxcsr: number): number {
  const [sa, ma, ea] = dbl ? parts64(aHi, aLo) : parts32(aLo);
  const [sb, mb, eb] = dbl ? parts64(bHi, bLo) : parts32(bLo);
  const [sc0, mc, ec] = dbl ? parts64(cHi, cLo) : parts32(cLo);
  const sp = sa !== sb !== negProd, sc = sc0 !== negC;
  const mp = ma * mb, ep = ea + eb;
  const E = Math.min(ep, ec);
  const vp = mp << BigInt(ep - E), vc = mc << BigInt(ec - E);
  const S = (sp ? -vp : vp) + (sc ? -vc : vc);
  if (S === 0n) {
    // An exact zero: the common sign if both terms are zeros of one sign, else +0 (-0 rounding down).
    const neg = mp === 0n && mc === 0n && sp === sc ? sp : rc === 1;
    if (dbl) { resHi = neg ? 0x80000000 | 0 : 0; resLo = 0; } else resLo = neg ? 0x80000000 | 0 : 0;
    return 0;
  }
  const neg = S < 0n;
  return dbl ? roundBig(neg, neg ? -S : S, E, 53, -1022, 1023, rc, mxcsr) : roundBig(neg, neg ? -S : S, E, 24, -126, 127, rc, mxcsr);
}
