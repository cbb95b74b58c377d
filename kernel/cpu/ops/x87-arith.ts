/**
 * x87 arithmetic: fadd/fsub/fsubr/fmul/fdiv/fdivr in every form (m32, m64, m16int, m32int,
 * ST(0),ST(i), ST(i),ST(0) and the popping forms), fchs, fabs, fsqrt, frndint, fscale, fxtract,
 * fprem and fprem1. Results are exact-rounded (x87-float.ts) under PC and RC: bit-exact.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { ea } from '../operands.js';
import {
  xmem, xreg, begin, commit, commitArith, ok, getST, setST, push, pop, isEmpty, underflow, overflow, full, fx,
} from './x87-common.js';
import {
  F80, IE, PE, DE, ZE, C0, C1, C2, C3, INDEFINITE, BIAS, J, kind, sign, mk, zero, inf, lsbExp, bitlen, pcBits,
  add, mul, div, sqrt, nan1, nan2, invalid, round80, pack80,
  K_ZERO, K_DENORMAL, K_INF, K_QNAN, K_SNAN, K_UNSUPPORTED,
} from './x87-float.js';
import { fromBin, fromInt, SINGLE, DOUBLE } from './x87-conv.js';
import { rd64 } from './x87-ldst.js';

const ADD = 0, MUL = 1, SUB = 4, SUBR = 5, DIV = 6, DIVR = 7;

/** a OP b under the current PC/RC. An invalid or zero-divide result suppresses DE (as the hardware). */
function binop(op: number, a: F80, b: F80, fcw: number): F80 {
  const p = pcBits(fcw), rc = (fcw >> 10) & 3;
  let r: F80;
  switch (op) {
    case ADD: r = add(a, b, p, rc); break;
    case MUL: r = mul(a, b, p, rc); break;
    case SUB: r = add(a, b, p, rc, true); break;
    case SUBR: r = add(b, a, p, rc, true); break;
    case DIV: r = div(a, b, p, rc); break;
    default: r = div(b, a, p, rc); break;
  }
  if (fx.flags & (IE | ZE) || (r.se & 0x7fff) === 0x7fff && r.m !== J) fx.flags &= ~DE;
  return r;
}

/** Memory-operand readers: each returns the operand as 80 bits (SNaNs kept signaling). */
type Reader = (c: Cpu, a: number) => F80;
const M32: Reader = (c, a) => fromBin(BigInt(c.mem.read32(a) >>> 0), SINGLE, true);
const M64: Reader = (c, a) => fromBin(rd64(c, a), DOUBLE, true);
const I16: Reader = (c, a) => fromInt(BigInt((c.mem.read16(a) << 16) >> 16));
const I32: Reader = (c, a) => fromInt(BigInt(c.mem.read32(a)));

/** ST(0) = ST(0) OP m. */
function arithMem(op: number, rd: Reader) {
  return (c: Cpu, i: Insn): void => {
    const a = ea(c, i);
    const x = c.x87;
    fx.flags = 0;
    const b = rd(c, a); // may fault: before any state change; conversion flags (DE) count
    const fl = fx.flags;
    begin(c, i, a);
    fx.flags = fl;
    let r: F80;
    if (isEmpty(x, 0)) { fx.flags = 0; underflow(); r = INDEFINITE; }
    else r = binop(op, getST(x, 0), b, x.fcw);
    if (ok(x)) setST(x, 0, r);
    commitArith(x);
  };
}

/** dst = ST(d) OP ST(s) for register forms; `toI` writes ST(i) (DC/DE), `doPop` pops after. */
function arithReg(op: number, toI: boolean, doPop: boolean) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    const k = i.rm & 7;
    let r: F80;
    if (isEmpty(x, 0) || isEmpty(x, k)) { underflow(); r = INDEFINITE; }
    else r = toI ? binop(op, getST(x, k), getST(x, 0), x.fcw) : binop(op, getST(x, 0), getST(x, k), x.fcw);
    if (ok(x)) {
      setST(x, toI ? k : 0, r);
      if (doPop) pop(x);
    }
    commitArith(x);
  };
}

/** One-operand ST(0) operations: f returns the result (flags in fx). */
function unary(f: (v: F80, fcw: number) => F80, cc = C1) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    let r: F80;
    if (isEmpty(x, 0)) { underflow(); r = INDEFINITE; }
    else r = f(getST(x, 0), x.fcw);
    if (fx.flags & (IE | ZE)) fx.flags &= ~DE;
    if (ok(x)) setST(x, 0, r);
    if (cc === C1) commitArith(x);
  };
}

const fchs = unary((v) => ({ se: v.se ^ 0x8000, m: v.m }));
const fabs = unary((v) => ({ se: v.se & 0x7fff, m: v.m }));
const fsqrt = unary((v, fcw) => sqrt(v, pcBits(fcw), (fcw >> 10) & 3));

function roundInt(v: F80, rc: number): F80 {
  const k = kind(v);
  const n = nan1(v, k);
  if (n) return n;
  if (k === K_ZERO || k === K_INF) return v;
  const e = lsbExp(v);
  if (e >= 0) return v;
  const s = sign(v);
  let q: bigint, rem: bigint, half: bigint;
  if (e < -70) { q = 0n; rem = 1n; half = 2n; }
  else {
    const sh = BigInt(-e);
    q = v.m >> sh;
    rem = v.m & ((1n << sh) - 1n);
    half = 1n << (sh - 1n);
  }
  if (rem === 0n) return v;
  fx.flags |= PE;
  const inc = rc === 0 ? rem > half || (rem === half && (q & 1n) === 1n) : rc === 1 ? s === 1 : rc === 2 ? s === 0 : false;
  fx.up = inc ? 1 : 0;
  return pack80(s, inc ? q + 1n : q, 0);
}

const frndint = unary((v, fcw) => roundInt(v, (fcw >> 10) & 3));

function fscale(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  let r: F80;
  if (isEmpty(x, 0) || isEmpty(x, 1)) { underflow(); r = INDEFINITE; }
  else r = scale(getST(x, 0), getST(x, 1), (x.fcw >> 10) & 3);
  if (ok(x)) setST(x, 0, r);
  commitArith(x);
}

function scale(a: F80, b: F80, rc: number): F80 {
  const ka = kind(a), kb = kind(b);
  const n = nan2(a, b, ka, kb);
  if (n) return n;
  if (kb === K_INF) {
    if (sign(b) === 0) return ka === K_ZERO ? invalid() : inf(sign(a));
    return ka === K_INF ? invalid() : zero(sign(a));
  }
  if (ka === K_INF || ka === K_ZERO) return a;
  // trunc(ST(1)), clamped far beyond the exponent range.
  let s = 0;
  if (kb !== K_ZERO) {
    const e = lsbExp(b);
    const mag = e >= 0 ? 1 << 20 : e < -64 ? 0 : Math.min(1 << 20, Number(b.m >> BigInt(-e)));
    s = sign(b) ? -mag : mag;
  }
  return round80(sign(a), a.m, lsbExp(a) + s, 64, rc);
}

function fxtract(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  if (isEmpty(x, 0)) {
    underflow();
    if (ok(x)) { setST(x, 0, INDEFINITE); if (!full(x)) push(x, INDEFINITE); }
    commitArith(x);
    return;
  }
  if (full(x)) {
    overflow();
    if (ok(x)) {
      setST(x, 0, INDEFINITE);
      push(x, INDEFINITE);
    }
    commitArith(x);
    return;
  }
  const v = getST(x, 0);
  const k = kind(v);
  let ex: F80, sig: F80;
  const n = nan1(v, k);
  if (n) { ex = n; sig = n; }
  else if (k === K_ZERO) { fx.flags |= ZE; ex = inf(1); sig = v; }
  else if (k === K_INF) { ex = inf(0); sig = v; }
  else {
    const L = bitlen(v.m);
    ex = fromInt(BigInt(lsbExp(v) + L - 1));
    sig = mk(sign(v), BIAS, v.m << BigInt(64 - L));
  }
  if (!ok(x)) { commitArith(x); return; }
  setST(x, 0, ex);
  push(x, sig);
  commitArith(x);
}

/** fprem (truncating quotient) and fprem1 (round-to-nearest quotient). */
function fprem(ieee: boolean) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    if (isEmpty(x, 0) || isEmpty(x, 1)) {
      underflow();
      if (ok(x)) setST(x, 0, INDEFINITE);
      commit(x, C1 | C2, 0);
      return;
    }
    const a = getST(x, 0), b = getST(x, 1);
    const ka = kind(a), kb = kind(b);
    let r: F80 | null = nan2(a, b, ka, kb);
    let cc = 0;
    // NaN and invalid operands clear C1 and C2 and leave C0/C3 alone.
    let mask = r === null ? C0 | C1 | C2 | C3 : C1 | C2;
    if (r === null) {
      if (ka === K_INF || kb === K_ZERO) { r = invalid(); mask = C1 | C2; }
      else if (kb === K_INF || ka === K_ZERO) r = a;
      else {
        const La = bitlen(a.m), Lb = bitlen(b.m);
        const ea = lsbExp(a), eb = lsbExp(b);
        const d = ea + La - (eb + Lb);
        // Both as integers over the common exponent min(ea, eb).
        const e = Math.min(ea, eb);
        let A = a.m << BigInt(ea - e);
        const B = b.m << BigInt(eb - e);
        if (d < 64) {
          let q = A / B;
          let rem = A - q * B;
          if (ieee) {
            const twice = 2n * rem;
            if (twice > B || (twice === B && (q & 1n) === 1n)) { q += 1n; rem -= B; }
          }
          const qb = Number(q & 7n);
          cc = (qb & 4 ? C0 : 0) | (qb & 2 ? C3 : 0) | (qb & 1 ? C1 : 0);
          // Exact, but a tiny remainder still reports an unmasked underflow (biased result).
          r = rem < 0n ? round80(1 - sign(a), -rem, e, 64, 0) : round80(sign(a), rem, e, 64, 0);
          if (rem === 0n) r = zero(sign(a));
        } else {
          const nn = (d & 31) | 32;
          const Bs = B << BigInt(d - nn);
          const q = A / Bs;
          A -= q * Bs;
          cc = C2;
          r = A === 0n ? zero(sign(a)) : round80(sign(a), A, e, 64, 0);
        }
      }
    }
    if (ok(x)) setST(x, 0, r);
    commit(x, mask, cc);
  };
}

// ---- the rows ----

const OPS: [number, string][] = [[ADD, 'fadd'], [MUL, 'fmul'], [SUB, 'fsub'], [SUBR, 'fsubr'], [DIV, 'fdiv'], [DIVR, 'fdivr']];
for (const [op, name] of OPS) {
  xmem(0xd8, op, `${name} m32`, arithMem(op, M32));
  xmem(0xdc, op, `${name} m64`, arithMem(op, M64));
  xmem(0xda, op, `fi${name.slice(1)} m32int`, arithMem(op, I32));
  xmem(0xde, op, `fi${name.slice(1)} m16int`, arithMem(op, I16));
  xreg(0xd8, op, -1, `${name} st,st(i)`, arithReg(op, false, false));
  // DC/DE encode the reversed operation in the sub/div slots: /4 is fsubr st(i),st.
  const rev = op === SUB ? SUBR : op === SUBR ? SUB : op === DIV ? DIVR : op === DIVR ? DIV : op;
  const rname = OPS.find((o) => o[0] === rev)![1];
  xreg(0xdc, op, -1, `${rname} st(i),st`, arithReg(rev, true, false));
  xreg(0xde, op, -1, `${rname}p st(i),st`, arithReg(rev, true, true));
}
xreg(0xd9, 4, 0, 'fchs', fchs);
xreg(0xd9, 4, 1, 'fabs', fabs);
xreg(0xd9, 7, 2, 'fsqrt', fsqrt);
xreg(0xd9, 7, 4, 'frndint', frndint);
xreg(0xd9, 7, 5, 'fscale', fscale);
xreg(0xd9, 6, 4, 'fxtract', fxtract);
xreg(0xd9, 7, 0, 'fprem', fprem(false));
xreg(0xd9, 6, 5, 'fprem1', fprem(true));

export { DE, K_DENORMAL, K_QNAN, K_SNAN, K_UNSUPPORTED };
