/**
 * A small arbitrary-precision binary float (m * 2^e, m a signed BigInt kept to about P bits) for
 * the x87 transcendental instructions: the functions are evaluated to ~250 bits and then rounded
 * once to the 64-bit significand, so results are correctly rounded except in cases a few
 * hundred bits from a rounding boundary. Also the high-precision constants (pi, ln 2).
 */

import { bitlen } from './x87-float.js';

export const P = 256;

export interface BF {
  m: bigint;
  e: number;
}

export function bf(m: bigint, e: number): BF {
  const neg = m < 0n;
  const a = neg ? -m : m;
  const L = bitlen(a);
  if (L <= P + 8) return { m, e };
  const sh = L - P;
  const r = a >> BigInt(sh);
  return { m: neg ? -r : r, e: e + sh };
}

export const ZERO: BF = { m: 0n, e: 0 };
export const ONE: BF = { m: 1n, e: 0 };

/** Exponent of the leading bit (or -Infinity for zero). */
export function mag(a: BF): number {
  if (a.m === 0n) return -Infinity;
  return a.e + bitlen(a.m < 0n ? -a.m : a.m) - 1;
}

export function add(a: BF, b: BF): BF {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const ma = mag(a), mb = mag(b);
  // A far smaller addend still decides the rounding direction: keep it as a sticky unit.
  if (ma - mb > P + 16) return sticky(a, b.m < 0n ? -1n : 1n);
  if (mb - ma > P + 16) return sticky(b, a.m < 0n ? -1n : 1n);
  const e = Math.min(a.e, b.e);
  return bf((a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e);
}

function sticky(a: BF, d: bigint): BF {
  const sh = P + 24 - bitlen(a.m < 0n ? -a.m : a.m);
  return sh > 0 ? { m: (a.m << BigInt(sh)) + d, e: a.e - sh } : { m: a.m + d, e: a.e };
}

export function neg(a: BF): BF {
  return { m: -a.m, e: a.e };
}

export function sub(a: BF, b: BF): BF {
  return add(a, neg(b));
}

export function mul(a: BF, b: BF): BF {
  return bf(a.m * b.m, a.e + b.e);
}

export function div(a: BF, b: BF): BF {
  const la = bitlen(a.m < 0n ? -a.m : a.m), lb = bitlen(b.m < 0n ? -b.m : b.m);
  const sh = P + 8 - la + lb;
  return bf((a.m << BigInt(sh)) / b.m, a.e - b.e - sh);
}

export function sqrt(a: BF): BF {
  let m = a.m, e = a.e;
  let sh = 2 * P + 16 - bitlen(m);
  if ((e - sh) & 1) sh++;
  m <<= BigInt(sh);
  e -= sh;
  let x = 1n << BigInt((bitlen(m) >> 1) + 1);
  for (;;) {
    const y = (x + m / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  return bf(x, e / 2);
}

/** Sums a series while terms still matter: term(k, prev) gives term k from term k-1. */
function series(first: BF, term: (k: number, prev: BF) => BF): BF {
  let sum = first, t = first;
  for (let k = 1; k < 2000; k++) {
    t = term(k, t);
    if (t.m === 0n) break;
    sum = add(sum, t); // a negligible term still counts as a sticky unit
    if (mag(t) < mag(sum) - P - 8) break;
  }
  return sum;
}

function small(n: number): BF {
  return { m: BigInt(n), e: 0 };
}

/** atan(t) for |t| <= ~0.2 by its Taylor series. */
function atanSeries(t: BF): BF {
  const t2 = mul(t, t);
  let pw = t;
  return series(t, (k) => {
    pw = neg(mul(pw, t2));
    return div(pw, small(2 * k + 1));
  });
}

export function atan(t: BF): BF {
  if (t.m === 0n) return t;
  if (t.m < 0n) return neg(atan(neg(t)));
  if (mag(t) >= 0 && (mag(t) > 0 || sub(t, ONE).m > 0n)) return sub(PI_2, atan(div(ONE, t)));
  // atan(t) = 2 atan(t / (1 + sqrt(1 + t^2))), twice: |t| <= tan(pi/16).
  let r = t;
  for (let k = 0; k < 2; k++) r = div(r, add(ONE, sqrt(add(ONE, mul(r, r)))));
  const s = atanSeries(r);
  return { m: s.m, e: s.e + 2 };
}

/** atanh(z) for |z| <= 1/3 by its series. */
function atanh(z: BF): BF {
  const z2 = mul(z, z);
  let pw = z;
  return series(z, (k) => {
    pw = mul(pw, z2);
    return div(pw, small(2 * k + 1));
  });
}

/** ln(x) for x > 0. */
export function ln(x: BF): BF {
  // x = m * 2^E with m in [sqrt(1/2), sqrt(2)): ln x = E ln 2 + 2 atanh((m-1)/(m+1)).
  let E = mag(x);
  let m: BF = { m: x.m, e: x.e - E };
  if (sub(m, SQRT2).m > 0n) { m = { m: m.m, e: m.e - 1 }; E += 1; }
  const z = div(sub(m, ONE), add(m, ONE));
  const r = atanh(z);
  return add({ m: r.m, e: r.e + 1 }, mul(small(E), LN2));
}

/** ln(1 + x) for x > -1, accurate for tiny x. */
export function ln1p(x: BF): BF {
  if (mag(x) >= -2) return ln(add(ONE, x));
  const r = atanh(div(x, add({ m: 2n, e: 0 }, x)));
  return { m: r.m, e: r.e + 1 };
}

/** e^t - 1 by its series (|t| <= 1). */
export function expm1(t: BF): BF {
  let pw = t;
  return series(t, (k) => {
    pw = div(mul(pw, t), small(k + 1));
    return pw;
  });
}

/** sin(r) and cos(r) for |r| <= ~pi/4. */
export function sinCos(r: BF): [BF, BF] {
  const r2 = mul(r, r);
  let ps = r;
  const s = series(r, (k) => {
    ps = neg(div(mul(ps, r2), small(2 * k * (2 * k + 1))));
    return ps;
  });
  let pc: BF = ONE;
  const c = series(ONE, (k) => {
    pc = neg(div(mul(pc, r2), small((2 * k - 1) * 2 * k)));
    return pc;
  });
  return [s, c];
}

// ---- constants, computed once with plain fixed point at 600 bits ----

function fixAtanInv(n: bigint, F: bigint): bigint {
  // atan(1/n) * 2^F
  let pw = (1n << F) / n;
  let sum = pw;
  const n2 = n * n;
  for (let k = 1n; pw !== 0n; k++) {
    pw /= n2;
    sum += (k & 1n ? -pw : pw) / (2n * k + 1n);
  }
  return sum;
}

const F = 600n;
const PI_FIX = 16n * fixAtanInv(5n, F) - 4n * fixAtanInv(239n, F);
export const PI: BF = bf(PI_FIX, -600);
export const PI_2: BF = bf(PI_FIX, -601);
/** ln 2 = 2 atanh(1/3). */
const LN2_FIX = (() => {
  let pw = (1n << F) / 3n;
  let sum = pw;
  for (let k = 1n; pw !== 0n; k++) {
    pw /= 9n;
    sum += pw / (2n * k + 1n);
  }
  return 2n * sum;
})();
export const LN2: BF = bf(LN2_FIX, -600);
const SQRT2: BF = sqrt({ m: 2n, e: 0 });
