/**
 * Extended-precision soft float for the x87: 80-bit values as { se, m } (sign/exponent word and
 * a 64-bit significand BigInt with explicit integer bit), exact arithmetic on BigInt integers and
 * one rounding routine that honours the precision (24/53/64 bits) and rounding controls, the
 * 15-bit exponent range with denormals, and reports the exception flags the way the x87 does
 * (tininess after rounding; C1 = "rounded up"). Every result here is exactly what IEEE 754 with
 * those parameters gives, which is what the hardware computes for + - * / sqrt and conversions.
 *
 * Exceptions raised by an operation accumulate in `fx.flags` (FSW bit layout); `fx.up` is 1
 * when the last rounding increased the magnitude. Callers clear both before each operation.
 * BigInt is used for the significand arithmetic: the x87 is far from the interpreter's hot path
 * and exactness is what matters here.
 */

export interface F80 {
  se: number;
  m: bigint;
}

export const IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20, SF = 0x40, ES = 0x80;
export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;

export const J = 1n << 63n;
export const QBIT = 1n << 62n;
export const M64 = (1n << 64n) - 1n;
export const INDEFINITE: F80 = { se: 0xffff, m: 0xc000000000000000n };
export const BIAS = 16383;
/** Exponent of the least significant bit of an 80-bit denormal. */
const EMIN80 = -16382;

/**
 * flags: exceptions raised so far by the current instruction; up: the last rounding increased the
 * magnitude (C1); mask: FCW's exception masks, which change how over/underflow are delivered;
 * deGoesOn: an unmasked DE does not stop this instruction (loads and compares).
 */
export const fx = { flags: 0, up: 0, mask: 0x3f, deGoesOn: false };

export function bitlen(m: bigint): number {
  if (m === 0n) return 0;
  const h = m.toString(16);
  return 4 * h.length - (Math.clz32(parseInt(h[0], 16)) - 28);
}

// ---- classification ----

export const K_ZERO = 0, K_NORMAL = 1, K_DENORMAL = 2, K_INF = 3, K_QNAN = 4, K_SNAN = 5, K_UNSUPPORTED = 6;

export function kind(x: F80): number {
  const e = x.se & 0x7fff;
  if (e === 0x7fff) {
    if ((x.m & J) === 0n) return K_UNSUPPORTED;
    if ((x.m & ~J) === 0n) return K_INF;
    return x.m & QBIT ? K_QNAN : K_SNAN;
  }
  if (e === 0) return x.m === 0n ? K_ZERO : K_DENORMAL;
  return x.m & J ? K_NORMAL : K_UNSUPPORTED;
}

export function sign(x: F80): number {
  return x.se >> 15;
}

export function isNaNk(k: number): boolean {
  return k === K_QNAN || k === K_SNAN;
}

export function mk(s: number, e: number, m: bigint): F80 {
  return { se: (s << 15) | e, m };
}

export function zero(s: number): F80 {
  return { se: s << 15, m: 0n };
}

export function inf(s: number): F80 {
  return { se: (s << 15) | 0x7fff, m: J };
}

/** Unbiased exponent of the significand's bit 0: value = m * 2^lsbExp (finite values). */
export function lsbExp(x: F80): number {
  const e = x.se & 0x7fff;
  return (e === 0 ? 1 : e) - BIAS - 63;
}

export function quiet(x: F80): F80 {
  return { se: x.se, m: x.m | QBIT };
}

// ---- rounding ----

/** Rounds m (a positive integer) by `sh` bits under rc; sets fx.up/PE on inexact. */
function rshiftRound(m: bigint, sh: number, s: number, rc: number): { q: bigint; inexact: boolean; inc: boolean } {
  if (sh <= 0) return { q: m << BigInt(-sh), inexact: false, inc: false };
  const b = BigInt(sh);
  const q = m >> b;
  const rem = m & ((1n << b) - 1n);
  if (rem === 0n) return { q, inexact: false, inc: false };
  let inc: boolean;
  switch (rc) {
    case 0: {
      const half = 1n << (b - 1n);
      inc = rem > half || (rem === half && (q & 1n) === 1n);
      break;
    }
    case 1: inc = s === 1; break;
    case 2: inc = s === 0; break;
    default: inc = false;
  }
  return { q: inc ? q + 1n : q, inexact: true, inc };
}

/** A rounded finite result: value q * 2^s (q may be 0), or overflow. */
export interface Rounded {
  q: bigint;
  s: number;
  ovf: boolean;
}

/**
 * Rounds the exact value (-1)^sg * m * 2^e to p significand bits in a format whose normal
 * exponents are emin..emax, with denormals below. Sets PE/UE/OE and fx.up.
 */
export function roundTo(sg: number, m: bigint, e: number, p: number, rc: number, emin: number, emax: number, bias = 0): Rounded {
  const L = bitlen(m);
  const E = e + L - 1;
  let sh = E - (p - 1) - e;
  let tiny = false;
  const r0 = bias && E < emin && (fx.mask & UE) === 0 ? rshiftRound(m, sh, sg, rc) : null;
  if (r0 && !(E === emin - 1 && bitlen(r0.q) > p)) {
    // Unmasked underflow on a register result (tiny after rounding): round normally and add the
    // bias to the exponent.
    fx.flags |= UE | (r0.inexact ? PE : 0);
    fx.up = r0.inc ? 1 : 0;
    let q = r0.q, s = e + sh;
    if (bitlen(q) > p) { q >>= 1n; s += 1; }
    if (s + bitlen(q) - 1 + bias >= emin) return { q, s: s + bias, ovf: false };
    // Out of reach even with the bias (only fscale gets here): a signed zero.
    fx.flags |= PE;
    fx.up = 0;
    return { q: 0n, s: 0, ovf: false };
  }
  if (E < emin) {
    tiny = true;
    if (E === emin - 1) {
      // Tininess is detected after rounding: the unbounded-exponent result may reach 2^emin.
      const r0 = rshiftRound(m, sh, sg, rc);
      if (bitlen(r0.q) > p) tiny = false;
    }
    sh = emin - (p - 1) - e;
  }
  const r = rshiftRound(m, sh, sg, rc);
  let s = e + sh;
  if (r.inexact) fx.flags |= PE;
  // Masked underflow needs tininess and inexactness; an unmasked one only tininess.
  if (tiny && (r.inexact || (fx.mask & UE) === 0)) fx.flags |= UE;
  fx.up = r.inc ? 1 : 0;
  let q = r.q;
  if (q !== 0n && bitlen(q) > p) {
    q >>= 1n;
    s += 1;
  }
  if (q !== 0n && s + bitlen(q) - 1 > emax) {
    if (bias && (fx.mask & OE) === 0) {
      // Unmasked overflow on a register result: the rounded value with the bias taken off, or
      // (out of reach even so, only fscale) a signed infinity.
      fx.flags |= OE;
      if (s + bitlen(q) - 1 - bias <= emax) return { q, s: s - bias, ovf: false };
      fx.flags |= PE;
      fx.up = 1;
      return { q: 0n, s: 0, ovf: true };
    }
    fx.flags |= OE | PE;
    const toInf = rc === 0 || (rc === 2 && sg === 0) || (rc === 1 && sg === 1);
    fx.up = toInf ? 1 : 0;
    if (toInf) return { q: 0n, s: 0, ovf: true };
    return { q: (1n << BigInt(p)) - 1n, s: emax - (p - 1), ovf: false };
  }
  return { q, s, ovf: false };
}

/** Rounds to the 80-bit format with p significand bits (precision control). */
export function round80(sg: number, m: bigint, e: number, p: number, rc: number): F80 {
  if (m === 0n) return zero(sg);
  const r = roundTo(sg, m, e, p, rc, EMIN80, BIAS, 24576);
  if (r.ovf) return inf(sg);
  return pack80(sg, r.q, r.s);
}

/** Packs q * 2^s (exactly representable) into 80 bits. */
export function pack80(sg: number, q: bigint, s: number): F80 {
  if (q === 0n) return zero(sg);
  const L = bitlen(q);
  const E = s + L - 1;
  if (E >= EMIN80) return mk(sg, E + BIAS, (q << BigInt(64 - L)) & M64);
  return mk(sg, 0, q << BigInt(s - (EMIN80 - 63)));
}

/** Precision-control bits of FCW to significand width. */
export function pcBits(fcw: number): number {
  const pc = (fcw >> 8) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}

// ---- NaN handling ----

/**
 * Operand checks of a two-operand arithmetic operation: unsupported encodings and SNaNs are
 * invalid; NaNs propagate (x87 rule: a QNaN beats an SNaN, else the larger significand).
 * Returns the result when one is decided, else null. Denormal operands set DE.
 */
export function nan2(a: F80, b: F80, ka: number, kb: number): F80 | null {
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) {
    fx.flags |= IE;
    return INDEFINITE;
  }
  const na = isNaNk(ka), nb = isNaNk(kb);
  if (!na && !nb) {
    if (ka === K_DENORMAL || kb === K_DENORMAL) fx.flags |= DE;
    return null;
  }
  if (ka === K_SNAN || kb === K_SNAN) fx.flags |= IE;
  if (na && nb) {
    if (ka === K_SNAN && kb === K_QNAN) return b;
    if (kb === K_SNAN && ka === K_QNAN) return a;
    const ma = a.m | QBIT, mb = b.m | QBIT;
    if (ma > mb) return quiet(a);
    if (mb > ma) return quiet(b);
    return sign(a) <= sign(b) ? quiet(a) : quiet(b);
  }
  return quiet(na ? a : b);
}

/** One-operand version: returns the result for NaN/unsupported operands, else null; DE on denormal. */
export function nan1(a: F80, ka: number): F80 | null {
  if (ka === K_UNSUPPORTED) {
    fx.flags |= IE;
    return INDEFINITE;
  }
  if (ka === K_SNAN) {
    fx.flags |= IE;
    return quiet(a);
  }
  if (ka === K_QNAN) return a;
  if (ka === K_DENORMAL) fx.flags |= DE;
  return null;
}

export function invalid(): F80 {
  fx.flags |= IE;
  return INDEFINITE;
}

// ---- arithmetic ----

export function add(a: F80, b: F80, p: number, rc: number, negB = false): F80 {
  const ka = kind(a), kb = kind(b);
  const n = nan2(a, b, ka, kb);
  if (n) return n;
  if (negB) b = { se: b.se ^ 0x8000, m: b.m };
  const sa = sign(a), sb = sign(b);
  if (ka === K_INF) {
    if (kb === K_INF && sa !== sb) return invalid();
    return a;
  }
  if (kb === K_INF) return b;
  if (ka === K_ZERO && kb === K_ZERO) return zero(sa === sb ? sa : rc === 1 ? 1 : 0);
  let ma = a.m, ea = lsbExp(a), mb = b.m, eb = lsbExp(b);
  if (ka === K_ZERO) return round80(sb, mb, eb, p, rc);
  if (kb === K_ZERO) return round80(sa, ma, ea, p, rc);
  // Align on the smaller exponent; a far smaller operand only matters as a sticky bit.
  if (ea - eb > 200) { mb = 1n; eb = ea - 200; }
  else if (eb - ea > 200) { ma = 1n; ea = eb - 200; }
  const e = Math.min(ea, eb);
  const va = (sa ? -ma : ma) << BigInt(ea - e);
  const vb = (sb ? -mb : mb) << BigInt(eb - e);
  const sum = va + vb;
  if (sum === 0n) return zero(rc === 1 ? 1 : 0);
  return sum < 0n ? round80(1, -sum, e, p, rc) : round80(0, sum, e, p, rc);
}

export function mul(a: F80, b: F80, p: number, rc: number): F80 {
  const ka = kind(a), kb = kind(b);
  const n = nan2(a, b, ka, kb);
  if (n) return n;
  const s = sign(a) ^ sign(b);
  if (ka === K_INF || kb === K_INF) {
    if (ka === K_ZERO || kb === K_ZERO) return invalid();
    return inf(s);
  }
  if (ka === K_ZERO || kb === K_ZERO) return zero(s);
  return round80(s, a.m * b.m, lsbExp(a) + lsbExp(b), p, rc);
}

export function div(a: F80, b: F80, p: number, rc: number): F80 {
  const ka = kind(a), kb = kind(b);
  const n = nan2(a, b, ka, kb);
  if (n) return n;
  const s = sign(a) ^ sign(b);
  if (ka === K_INF) return kb === K_INF ? invalid() : inf(s);
  if (kb === K_INF) return zero(s);
  if (kb === K_ZERO) {
    if (ka === K_ZERO) return invalid();
    fx.flags |= ZE;
    return inf(s);
  }
  if (ka === K_ZERO) return zero(s);
  const sh = 130 - bitlen(a.m) + bitlen(b.m);
  const num = a.m << BigInt(sh);
  let q = num / b.m;
  let e = lsbExp(a) - lsbExp(b) - sh;
  if (q * b.m !== num) { q = (q << 1n) | 1n; e -= 1; }
  return round80(s, q, e, p, rc);
}

/** Integer square root: floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitlen(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(a: F80, p: number, rc: number): F80 {
  const ka = kind(a);
  const n = nan1(a, ka);
  if (n) return n;
  if (ka === K_ZERO) return a;
  if (sign(a)) return invalid();
  if (ka === K_INF) return a;
  let m = a.m, e = lsbExp(a);
  // Scale so the root has well over 66 bits and the exponent is even.
  let sh = 140 - bitlen(m);
  if ((e - sh) & 1) sh++;
  m <<= BigInt(sh);
  e -= sh;
  let r = isqrt(m);
  if (r * r !== m) r = (r << 1n) | 1n, e -= 2;
  return round80(0, r, e / 2, p, rc);
}

// ---- compare ----

export const CMP_LT = 0, CMP_EQ = 1, CMP_GT = 2, CMP_UN = 3;

/** Compares finite/infinite non-NaN values (call after NaN checks). */
export function cmpNum(a: F80, b: F80): number {
  const ka = kind(a), kb = kind(b);
  const za = ka === K_ZERO, zb = kb === K_ZERO;
  if (za && zb) return CMP_EQ;
  const sa = sign(a), sb = sign(b);
  if (za) return sb ? CMP_GT : CMP_LT;
  if (zb) return sa ? CMP_LT : CMP_GT;
  if (sa !== sb) return sa ? CMP_LT : CMP_GT;
  const mag = magCmp(a, ka, b, kb);
  if (mag === 0) return CMP_EQ;
  return (mag > 0) !== (sa === 1) ? CMP_GT : CMP_LT;
}

function magCmp(a: F80, ka: number, b: F80, kb: number): number {
  if (ka === K_INF || kb === K_INF) return ka === kb ? 0 : ka === K_INF ? 1 : -1;
  const ea = lsbExp(a), eb = lsbExp(b);
  const e = Math.min(ea, eb);
  const va = a.m << BigInt(ea - e), vb = b.m << BigInt(eb - e);
  return va > vb ? 1 : va < vb ? -1 : 0;
}
