/**
 * 128-by-64-bit unsigned division for div/idiv r/m64 (and the 64/32 case of div r/m32), without
 * BigInt or allocation: the quotient and remainder land in the shared Int32Array `DIV`.
 *
 * Three paths, cheapest first: a divisor below 2^32 is long division in 16-bit digits (every
 * partial remainder stays below 2^48, exact in doubles); a dividend below 2^53 divides in doubles
 * (% is exact and n - r is a multiple of d); anything else is Knuth's algorithm D in base 2^16,
 * which is what glibc's multi-precision code (strtod, printf of doubles) ends up exercising, with
 * normalized divisors of 64 bits.
 */

const TWO32 = 4294967296;

/** Results of udiv128: quotient low/high, remainder low/high (int32 halves). */
export const DIV = new Int32Array(4);

/** Algorithm D's dividend digits (9 base-2^16 digits) and quotient digits. */
const u = new Int32Array(9);
const q = new Int32Array(4);
/** The normalized divisor's digits. */
const v = new Int32Array(4);

/**
 * Unsigned (nh:nl) / d, each 64 bits as int32/uint32 words (high word first); false when d = 0 or
 * the quotient needs more than 64 bits (nh >= d). On success DIV holds quotient and remainder.
 */
export function udiv128(nh1: number, nh0: number, nl1: number, nl0: number, d1: number, d0: number): boolean {
  nh1 >>>= 0; nh0 >>>= 0; nl1 >>>= 0; nl0 >>>= 0; d1 >>>= 0; d0 >>>= 0;
  if (nh1 > d1 || (nh1 === d1 && nh0 >= d0)) return false; // also catches d = 0
  if (d1 === 0) {
    // nh < d < 2^32.
    let r = nh0;
    r = r * 65536 + (nl1 >>> 16);
    const q3 = Math.floor(r / d0);
    r -= q3 * d0;
    r = r * 65536 + (nl1 & 0xffff);
    const q2 = Math.floor(r / d0);
    r -= q2 * d0;
    r = r * 65536 + (nl0 >>> 16);
    const q1 = Math.floor(r / d0);
    r -= q1 * d0;
    r = r * 65536 + (nl0 & 0xffff);
    const q0 = Math.floor(r / d0);
    r -= q0 * d0;
    DIV[0] = q1 * 65536 + q0;
    DIV[1] = q3 * 65536 + q2;
    DIV[2] = r;
    DIV[3] = 0;
    return true;
  }
  if (nh1 === 0 && nh0 === 0 && nl1 < 0x200000) {
    // The dividend fits in 53 bits.
    if (d1 >= 0x200000) {
      DIV[0] = 0;
      DIV[1] = 0;
      DIV[2] = nl0;
      DIV[3] = nl1;
      return true;
    }
    const n = nl1 * TWO32 + nl0;
    const d = d1 * TWO32 + d0;
    const r = n % d;
    const qq = (n - r) / d;
    const qh = Math.floor(qq / TWO32);
    DIV[0] = qq - qh * TWO32;
    DIV[1] = qh;
    const rh = Math.floor(r / TWO32);
    DIV[2] = r - rh * TWO32;
    DIV[3] = rh;
    return true;
  }
  knuthD(nh1, nh0, nl1, nl0, d1, d0);
  return true;
}

/** (hi << s) | (lo >>> (32 - s)) for s in 0..31. */
function shl(hi: number, lo: number, s: number): number {
  return s === 0 ? hi : (hi << s) | (lo >>> (32 - s));
}

/** Algorithm D (TAOCP 4.3.1) for d >= 2^32 and nh < d: four quotient digits of 16 bits. */
function knuthD(n3: number, n2: number, n1: number, n0: number, d1: number, d0: number): void {
  // Normalize: shift so the divisor's top bit is set (n << s still fits in 128 bits as nh < d).
  const s = Math.clz32(d1);
  const v1 = shl(d1, d0, s), v0 = d0 << s;
  const w3 = shl(n3, n2, s), w2 = shl(n2, n1, s), w1 = shl(n1, n0, s), w0 = n0 << s;
  u[0] = w0 & 0xffff; u[1] = w0 >>> 16; u[2] = w1 & 0xffff; u[3] = w1 >>> 16;
  u[4] = w2 & 0xffff; u[5] = w2 >>> 16; u[6] = w3 & 0xffff; u[7] = w3 >>> 16;
  u[8] = 0;
  v[0] = v0 & 0xffff; v[1] = v0 >>> 16; v[2] = v1 & 0xffff; v[3] = v1 >>> 16;
  const vt = v[3], vs = v[2];
  for (let j = 3; j >= 0; j--) {
    // Estimate the digit from the top two remainder digits, then correct it with the third.
    const num = u[j + 4] * 65536 + u[j + 3];
    let qhat = Math.floor(num / vt);
    let rhat = num - qhat * vt;
    while (qhat >= 65536 || qhat * vs > rhat * 65536 + u[j + 2]) {
      qhat--;
      rhat += vt;
      if (rhat >= 65536) break;
    }
    // u[j..j+4] -= qhat * v.
    let carry = 0, borrow = 0;
    for (let k = 0; k < 4; k++) {
      const p = qhat * v[k] + carry;
      carry = Math.floor(p / 65536);
      const t = u[j + k] - (p - carry * 65536) - borrow;
      u[j + k] = t & 0xffff;
      borrow = t < 0 ? 1 : 0;
    }
    const t = u[j + 4] - carry - borrow;
    u[j + 4] = t & 0xffff;
    if (t < 0) {
      // The estimate was one too large (rare): add the divisor back.
      qhat--;
      let c = 0;
      for (let k = 0; k < 4; k++) {
        const a = u[j + k] + v[k] + c;
        u[j + k] = a & 0xffff;
        c = a >>> 16;
      }
      u[j + 4] = (u[j + 4] + c) & 0xffff;
    }
    q[j] = qhat;
  }
  DIV[0] = (q[1] << 16) | q[0];
  DIV[1] = (q[3] << 16) | q[2];
  const r0 = (u[1] << 16) | u[0], r1 = (u[3] << 16) | u[2];
  DIV[2] = s === 0 ? r0 : (r0 >>> s) | (r1 << (32 - s));
  DIV[3] = r1 >>> s;
}
