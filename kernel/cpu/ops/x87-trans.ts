/**
 * x87 transcendental instructions: fsin, fcos, fsincos, fptan, fpatan, f2xm1, fyl2x, fyl2xp1.
 * Each is evaluated to ~250 bits (x87-bigfloat.ts) and rounded once to 64 bits under RC, so the
 * result is the correctly rounded one; the hardware is within 1 ulp of that (and usually equal).
 * fsin/fcos/fsincos/fptan reduce their argument with the x87's own 66-bit approximation of pi, as
 * the hardware does, and leave ST(0) alone with C2 = 1 when |x| >= 2^63. PC does not apply.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import {
  xreg, begin, commit, commitArith, ok, getST, setST, push, pop, isEmpty, underflow, overflow, full, rcOf, fx,
} from './x87-common.js';
import {
  F80, ZE, C1, C2, INDEFINITE, J, BIAS, kind, sign, mk, zero, inf, lsbExp, bitlen, round80, nan1, nan2, invalid, mul as fmul,
  K_ZERO, K_INF,
} from './x87-float.js';
import * as B from './x87-bigfloat.js';

/** Rounds an approximation (never exact) to 80 bits. */
function toF80(v: B.BF, rc: number): F80 {
  if (v.m === 0n) return zero(0);
  const s = v.m < 0n ? 1 : 0;
  const m = s ? -v.m : v.m;
  const sh = Math.max(1, 200 - bitlen(m));
  return round80(s, (m << BigInt(sh)) | 1n, v.e - sh, 64, rc);
}

function fromF80(x: F80): B.BF {
  return { m: sign(x) ? -x.m : x.m, e: lsbExp(x) };
}

const ONE80 = mk(0, BIAS, J);
/** The x87's reduction constant: pi to 66 bits, 0xC90FDAA22168C234C * 2^-66. */
const PI66 = 0xc90fdaa22168c234cn;
let exactPiReduction = false;
/** Diagnostic switch for the differential tests: reduce with the exact pi instead. */
export function setExactPiReduction(v: boolean): void {
  exactPiReduction = v;
}

/** Reduces x (finite, |x| < 2^63) by multiples of pi/2: returns r and the quadrant. */
function reduce(x: F80): [B.BF, number] {
  const xm = fromF80(x);
  if (B.mag(xm) < -1) return [xm, 0];
  const ex = lsbExp(x);
  const pe = exactPiReduction ? B.PI_2.e : -67;
  const pm = exactPiReduction ? B.PI_2.m : PI66;
  const e = Math.min(ex, pe);
  const X = xm.m << BigInt(ex - e);
  const Pm = pm << BigInt(pe - e);
  // k = X / P rounded to nearest.
  let k = (2n * X + (X < 0n ? -Pm : Pm)) / (2n * Pm);
  const R = X - k * Pm;
  const q = Number(((k % 4n) + 4n) % 4n);
  return [B.bf(R, e), q];
}

/** Shared front of fsin/fcos/fptan/fsincos: null means "handled" (C2 set or special). */
function trigArg(x: F80): { r: B.BF; q: number } | F80 | 'c2' {
  const k = kind(x);
  const n = nan1(x, k);
  if (n) return n;
  if (k === K_INF) return invalid();
  if (k !== K_ZERO && lsbExp(x) + bitlen(x.m) - 1 >= 63) return 'c2';
  const [r, q] = reduce(x);
  return { r, q };
}

function trig(which: 'sin' | 'cos') {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    if (isEmpty(x, 0)) { underflow(); if (ok(x)) setST(x, 0, INDEFINITE); commit(x, C1 | C2, 0); return; }
    const v = getST(x, 0);
    const a = trigArg(v);
    if (a === 'c2') { commit(x, C1 | C2, C2); return; }
    let r: F80;
    if ('se' in a) r = a;
    else if (kind(v) === K_ZERO) r = which === 'sin' ? v : ONE80;
    else {
      const [s, co] = B.sinCos(a.r);
      const q = which === 'sin' ? a.q : (a.q + 1) & 3;
      const val = q === 0 ? s : q === 1 ? co : q === 2 ? B.neg(s) : B.neg(co);
      r = toF80(val, rcOf(x));
    }
    if (ok(x)) setST(x, 0, r);
    commit(x, C1 | C2, fx.flags & 0x20 && fx.up ? C1 : 0);
  };
}

/** fsincos (sin in ST(1), cos in ST(0)) and fptan (tan in ST(1), 1.0 in ST(0)). */
function twoResults(which: 'sincos' | 'tan') {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    if (isEmpty(x, 0) || full(x)) {
      // Stack fault: both results are the indefinite (masked response).
      if (isEmpty(x, 0)) underflow();
      else overflow();
      if (ok(x)) {
        setST(x, 0, INDEFINITE);
        push(x, INDEFINITE);
      }
      commit(x, C1 | C2, fx.up ? C1 : 0);
      return;
    }
    const v = getST(x, 0);
    const a = trigArg(v);
    if (a === 'c2') { commit(x, C1 | C2, C2); return; }
    let r0: F80, r1: F80;
    const rc = rcOf(x);
    // NaN or invalid operand: the NaN goes to both registers; tan(±0) = ±0 and cos(±0) = 1.
    if ('se' in a) { r0 = a; r1 = a; }
    else if (kind(v) === K_ZERO) { r1 = v; r0 = ONE80; }
    else {
      const [s, co] = B.sinCos(a.r);
      const odd = a.q & 1;
      if (which === 'tan') {
        r1 = toF80(odd ? B.neg(B.div(co, s)) : B.div(s, co), rc);
        r0 = ONE80;
      } else {
        const sv = a.q === 0 ? s : a.q === 1 ? co : a.q === 2 ? B.neg(s) : B.neg(co);
        const cv = a.q === 0 ? co : a.q === 1 ? B.neg(s) : a.q === 2 ? B.neg(co) : s;
        // C1 reports the rounding of the sine (ST(1)), as the hardware does.
        r0 = toF80(cv, rc);
        r1 = toF80(sv, rc);
      }
    }
    if (ok(x)) { setST(x, 0, r1); push(x, r0); }
    commit(x, C1 | C2, fx.flags & 0x20 && fx.up ? C1 : 0);
  };
}

function f2xm1(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  let r: F80;
  if (isEmpty(x, 0)) { underflow(); r = INDEFINITE; }
  else {
    const v = getST(x, 0);
    const k = kind(v);
    const n = nan1(v, k);
    if (n) r = n;
    else if (k === K_ZERO) r = v;
    else if (k === K_INF) r = sign(v) ? mk(1, BIAS, J) : v;
    else if ((v.se & 0x7fff) >= BIAS && (v.m !== J || (v.se & 0x7fff) > BIAS)) {
      // Outside -1..+1 the result is undefined; the hardware (AMD) leaves ST(0) and reports PE.
      fx.flags |= 0x20;
      r = v;
    } else r = toF80(B.expm1(B.mul(fromF80(v), B.LN2)), rcOf(x));
  }
  if (ok(x)) setST(x, 0, r);
  commitArith(x);
}

/** fyl2x (p1 = false) and fyl2xp1: ST(1) = ST(1) * log2(ST(0) [+ 1]), pop. */
function fyl2x(p1: boolean) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    let r: F80;
    if (isEmpty(x, 0) || isEmpty(x, 1)) { underflow(); r = INDEFINITE; }
    else r = ylog(getST(x, 1), getST(x, 0), p1, rcOf(x));
    if (ok(x)) { setST(x, 1, r); pop(x); }
    commitArith(x);
  };
}

function ylog(y: F80, v: F80, p1: boolean, rc: number): F80 {
  const ky = kind(y), kv = kind(v);
  const n = nan2(v, y, kv, ky);
  if (n) return n;
  const sv = sign(v);
  if (p1) {
    // log2(1 + x) has the sign of x; undefined below -1 (we say invalid).
    if (kv === K_ZERO) return ky === K_INF ? invalid() : zero(sv ^ sign(y));
    if (kv === K_INF) return sv ? invalid() : fmul(y, inf(0), 64, rc);
  } else {
    if (kv === K_ZERO) {
      if (ky === K_ZERO) return invalid();
      if (ky !== K_INF) fx.flags |= ZE;
      return inf(sign(y) ^ 1);
    }
    if (sv) return invalid();
    if (kv === K_INF) return ky === K_ZERO ? invalid() : inf(sign(y));
  }
  const xv = fromF80(v);
  const arg = p1 ? B.add(B.ONE, xv) : xv;
  if (arg.m <= 0n) return invalid();
  if (!p1 && arg.m === 1n << BigInt(bitlen(arg.m) - 1) && B.mag(arg) === 0) {
    // log2(1) = +0 exactly.
    if (ky === K_INF) return invalid();
    return zero(sign(y));
  }
  const l2 = B.div(p1 ? B.ln1p(xv) : B.ln(arg), B.LN2);
  if (ky === K_INF) return inf(sign(y) ^ (l2.m < 0n ? 1 : 0));
  if (ky === K_ZERO) return zero(sign(y) ^ (l2.m < 0n ? 1 : 0));
  return toF80(B.mul(fromF80(y), l2), rc);
}

function fpatan(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  let r: F80;
  if (isEmpty(x, 0) || isEmpty(x, 1)) { underflow(); r = INDEFINITE; }
  else r = atan2(getST(x, 1), getST(x, 0), rcOf(x));
  if (ok(x)) { setST(x, 1, r); pop(x); }
  commitArith(x);
}

function atan2(y: F80, v: F80, rc: number): F80 {
  const ky = kind(y), kv = kind(v);
  const n = nan2(v, y, kv, ky);
  if (n) return n;
  const sy = sign(y), sv = sign(v);
  const withSign = (b: B.BF) => toF80(sy ? B.neg(b) : b, rc);
  if (ky === K_ZERO) return sv ? withSign(B.PI) : zero(sy);
  if (ky === K_INF) {
    if (kv === K_INF) return withSign(sv ? B.mul(B.PI, { m: 3n, e: -2 }) : { m: B.PI.m, e: B.PI.e - 2 });
    return withSign(B.PI_2);
  }
  if (kv === K_ZERO) return withSign(B.PI_2);
  if (kv === K_INF) return sv ? withSign(B.PI) : zero(sy);
  const yy = fromF80(y), xx = fromF80(v);
  const ay = sy ? B.neg(yy) : yy, ax = sv ? B.neg(xx) : xx;
  let t = B.atan(B.div(ay, ax));
  if (sv) t = B.sub(B.PI, t);
  return withSign(t);
}

xreg(0xd9, 7, 6, 'fsin', trig('sin'));
xreg(0xd9, 7, 7, 'fcos', trig('cos'));
xreg(0xd9, 7, 3, 'fsincos', twoResults('sincos'));
xreg(0xd9, 6, 2, 'fptan', twoResults('tan'));
xreg(0xd9, 6, 3, 'fpatan', fpatan);
xreg(0xd9, 6, 0, 'f2xm1', f2xm1);
xreg(0xd9, 6, 1, 'fyl2x', fyl2x(false));
xreg(0xd9, 7, 1, 'fyl2xp1', fyl2x(true));

