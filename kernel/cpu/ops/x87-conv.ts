/**
 * x87 format conversions: single/double/integer/packed-BCD memory operands to and from the 80-bit
 * register format. Loads of single/double are exact (SNaN quietened with IE, denormals flagged
 * DE); stores round under RC into the destination's exponent range (PC does not apply); integer
 * stores round under RC (or truncate, fisttp) and store the integer indefinite when out of range.
 */

import {
  F80, fx, IE, DE, PE, J, QBIT, M64, BIAS, kind, sign, mk, zero, inf, lsbExp, bitlen, roundTo,
  K_ZERO, K_INF, K_QNAN, K_SNAN, K_UNSUPPORTED,
} from './x87-float.js';

/** A binary interchange format: significand bits (with hidden bit) and exponent field width. */
interface Fmt {
  p: number;
  ebits: number;
}
export const SINGLE: Fmt = { p: 24, ebits: 8 };
export const DOUBLE: Fmt = { p: 53, ebits: 11 };

/**
 * Converts a single/double bit pattern (as BigInt) to 80 bits. With `raw` an SNaN stays signaling
 * (arithmetic operands: the operation itself signals and picks the NaN to propagate).
 */
export function fromBin(bits: bigint, f: Fmt, raw = false): F80 {
  const fb = f.p - 1;
  const fbn = BigInt(fb);
  const emaxField = (1 << f.ebits) - 1;
  const bias = (1 << (f.ebits - 1)) - 1;
  const s = Number(bits >> BigInt(f.ebits + fb)) & 1;
  const e = Number((bits >> fbn) & BigInt(emaxField));
  const frac = bits & ((1n << fbn) - 1n);
  if (e === emaxField) {
    if (frac === 0n) return inf(s);
    let m = J | (frac << BigInt(63 - fb));
    if ((m & QBIT) === 0n && !raw) {
      fx.flags |= IE;
      m |= QBIT;
    }
    return mk(s, 0x7fff, m);
  }
  if (e === 0) {
    if (frac === 0n) return zero(s);
    fx.flags |= DE;
    const L = bitlen(frac);
    // value = frac * 2^(1 - bias - fb)
    const E = 1 - bias - fb + L - 1;
    return mk(s, E + BIAS, (frac << BigInt(64 - L)) & M64);
  }
  return mk(s, e - bias + BIAS, J | (frac << BigInt(63 - fb)));
}

/** Converts 80 bits to a single/double bit pattern under rc (flags IE/DE/OE/UE/PE, fx.up). */
export function toBin(x: F80, f: Fmt, rc: number): bigint {
  const fb = f.p - 1;
  const emaxField = (1 << f.ebits) - 1;
  const bias = (1 << (f.ebits - 1)) - 1;
  const k = kind(x);
  const s = BigInt(sign(x));
  const signBit = s << BigInt(f.ebits + fb);
  const infBits = BigInt(emaxField) << BigInt(fb);
  fx.up = 0;
  switch (k) {
    case K_ZERO: return signBit;
    case K_INF: return signBit | infBits;
    case K_UNSUPPORTED:
      fx.flags |= IE;
      return (1n << BigInt(f.ebits + fb)) | infBits | (1n << BigInt(fb - 1));
    case K_SNAN:
    case K_QNAN:
      if (k === K_SNAN) fx.flags |= IE;
      return signBit | infBits | (((x.m | QBIT) & ~J) >> BigInt(63 - fb));
  }
  // Stores do not report a denormal source (DE) on the hardware.
  const r = roundTo(sign(x), x.m, lsbExp(x), f.p, rc, 1 - bias, bias);
  if (r.ovf) return signBit | infBits;
  if (r.q === 0n) return signBit;
  const L = bitlen(r.q);
  const E = r.s + L - 1;
  if (E >= 1 - bias) {
    return signBit | (BigInt(E + bias) << BigInt(fb)) | ((r.q << BigInt(f.p - L)) & ((1n << BigInt(fb)) - 1n));
  }
  return signBit | (r.q << BigInt(r.s - (1 - bias - fb)));
}

/** An integer (BigInt, exact) to 80 bits. */
export function fromInt(v: bigint): F80 {
  if (v === 0n) return zero(0);
  const s = v < 0n ? 1 : 0;
  const m = s ? -v : v;
  const L = bitlen(m);
  return mk(s, L - 1 + BIAS, m << BigInt(64 - L));
}

/**
 * 80 bits to a signed integer of `bits` bits, rounded under rc (rc 3 = truncate for fisttp).
 * Returns the two's complement value as a non-negative BigInt below 2^bits.
 */
export function toInt(x: F80, bits: number, rc: number): bigint {
  const k = kind(x);
  const indefinite = 1n << BigInt(bits - 1);
  fx.up = 0;
  if (k === K_ZERO) return 0n;
  if (k === K_INF || k === K_QNAN || k === K_SNAN || k === K_UNSUPPORTED) {
    fx.flags |= IE;
    return indefinite;
  }
  const s = sign(x);
  const e = lsbExp(x);
  let q: bigint;
  let inexact = false, inc = false;
  if (e >= 0) q = e > 64 ? 1n << 70n : x.m << BigInt(e);
  else if (e < -70) {
    q = 0n;
    inexact = true;
    inc = rc === 1 ? s === 1 : rc === 2 ? s === 0 : false;
    if (inc) q = 1n;
  } else {
    const sh = BigInt(-e);
    q = x.m >> sh;
    const rem = x.m & ((1n << sh) - 1n);
    if (rem !== 0n) {
      inexact = true;
      const half = 1n << (sh - 1n);
      switch (rc) {
        case 0: inc = rem > half || (rem === half && (q & 1n) === 1n); break;
        case 1: inc = s === 1; break;
        case 2: inc = s === 0; break;
        default: inc = false;
      }
      if (inc) q += 1n;
    }
  }
  const lim = s ? indefinite : indefinite - 1n;
  if (q > lim) {
    fx.flags |= IE;
    return indefinite;
  }
  if (inexact) {
    fx.flags |= PE;
    fx.up = inc ? 1 : 0;
  }
  return s ? ((1n << BigInt(bits)) - q) & ((1n << BigInt(bits)) - 1n) : q;
}

/** fbld: 10-byte packed BCD (18 digits, sign in bit 79) to 80 bits; invalid digits are not checked. */
export function fromBcd(b: Uint8Array): F80 {
  let v = 0n;
  for (let k = 8; k >= 0; k--) v = v * 100n + BigInt((b[k] >> 4) * 10 + (b[k] & 15));
  const x = fromInt(v);
  if (b[9] & 0x80) x.se |= 0x8000;
  return x;
}

/** fbstp: 80 bits to packed BCD (rounded under rc); out of range or NaN stores the BCD indefinite. */
export function toBcd(x: F80, rc: number, out: Uint8Array): void {
  const k = kind(x);
  let v: bigint | null = null;
  if (k !== K_INF && k !== K_QNAN && k !== K_SNAN && k !== K_UNSUPPORTED) {
    const r = toInt(x, 72, rc);
    const mag = sign(x) ? ((1n << 72n) - r) & ((1n << 72n) - 1n) : r;
    if ((fx.flags & IE) === 0 && mag < 10n ** 18n) v = mag;
  }
  if (v === null) {
    fx.flags = (fx.flags & ~PE) | IE;
    fx.up = 0;
    out.fill(0);
    out[7] = 0xc0;
    out[8] = 0xff;
    out[9] = 0xff;
    return;
  }
  for (let j = 0; j < 9; j++) {
    const d = Number(v % 100n);
    v /= 100n;
    out[j] = ((Math.floor(d / 10)) << 4) | (d % 10);
  }
  out[9] = sign(x) ? 0x80 : 0;
}

