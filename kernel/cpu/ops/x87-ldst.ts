/**
 * x87 data transfer: fld/fst/fstp (m32, m64, m80, ST(i)), fild/fist/fistp/fisttp (m16, m32, m64),
 * fbld/fbstp, fxch, fcmovcc, the constant loads (fld1, fldl2t, fldl2e, fldpi, fldlg2, fldln2,
 * fldz), ffree, fincstp/fdecstp and fnop, plus the undocumented aliases real CPUs accept
 * (ffreep, fstp1/8/9, fxch4/7). Memory is read (and faults) before any state changes; stores
 * write memory before popping.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { ea } from '../operands.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { cond } from '../flags.js';
import {
  xmem, xreg, begin, commitArith, ok, getST, setST, push, pop, isEmpty, underflow, full, rcOf, fx,
} from './x87-common.js';
import { F80, IE, ZE, OE, UE, PE, INDEFINITE, J, BIAS, mk } from './x87-float.js';
import { fromBin, toBin, fromInt, toInt, fromBcd, toBcd, SINGLE, DOUBLE } from './x87-conv.js';

// ---- memory helpers ----

export function rd64(c: Cpu, a: number): bigint {
  c.mem.read64(a, c.T, 30);
  return (BigInt(c.T[31] >>> 0) << 32n) | BigInt(c.T[30] >>> 0);
}

export function wr64(c: Cpu, a: number, v: bigint): void {
  c.mem.write64(a, Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
}

export function rd80(c: Cpu, a: number): F80 {
  const se = c.mem.read16(a + 8);
  return { se, m: rd64(c, a) };
}

/** Makes sure [a, a+n) is writable before a multi-part store writes anything. */
export function checkWrite(c: Cpu, a: number, n: number): void {
  c.mem.pt.translate(a, PROT_WRITE);
  c.mem.pt.translate(a + n - 1, PROT_WRITE);
}

export function wr80(c: Cpu, a: number, v: F80): void {
  checkWrite(c, a, 10);
  c.mem.write16(a + 8, v.se);
  wr64(c, a, v.m);
}

// ---- loads ----

/** Pushes a value converted from memory (conversion flags already in fx). */
function pushLoaded(c: Cpu, v: F80): void {
  const x = c.x87;
  fx.deGoesOn = true;
  if (full(x)) {
    // Stack overflow wins: the conversion's own flags are not reported.
    fx.flags &= ~0x3f;
    push(x, v);
  } else if (ok(x, IE | ZE)) push(x, v);
  commitArith(x);
}

function fldM32(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const bits = BigInt(c.mem.read32(a) >>> 0);
  begin(c, i, a);
  pushLoaded(c, fromBin(bits, SINGLE));
}

function fldM64(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const bits = rd64(c, a);
  begin(c, i, a);
  pushLoaded(c, fromBin(bits, DOUBLE));
}

function fldM80(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const v = rd80(c, a);
  begin(c, i, a);
  pushLoaded(c, v);
}

function fldSt(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  const k = i.rm & 7;
  let v: F80;
  if (isEmpty(x, k)) {
    underflow();
    v = INDEFINITE;
    if (!ok(x)) { commitArith(x); return; }
  } else v = getST(x, k);
  push(x, v);
  commitArith(x);
}

function fildM(bits: number) {
  return (c: Cpu, i: Insn): void => {
    const a = ea(c, i);
    let v: bigint;
    if (bits === 16) v = BigInt((c.mem.read16(a) << 16) >> 16);
    else if (bits === 32) v = BigInt(c.mem.read32(a));
    else v = BigInt.asIntN(64, rd64(c, a));
    begin(c, i, a);
    pushLoaded(c, fromInt(v));
  };
}

function fbld(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const b = new Uint8Array(10);
  for (let k = 0; k < 10; k++) b[k] = c.mem.read8(a + k);
  begin(c, i, a);
  pushLoaded(c, fromBcd(b));
}

// ---- constants: the exact values, rounded to 64 bits under RC (no precision exception) ----

const CONSTS: [number, string, bigint, number][] = [
  // low opcode byte, name, 128-bit significand, unbiased exponent of its leading bit
  [0xe9, 'fldl2t', 0xd49a784bcd1b8afe492bf6ff4dafdb4cn, 1],
  [0xea, 'fldl2e', 0xb8aa3b295c17f0bbbe87fed0691d3e88n, 0],
  [0xeb, 'fldpi', 0xc90fdaa22168c234c4c6628b80dc1cd1n, 1],
  [0xec, 'fldlg2', 0x9a209a84fbcff7988f8959ac0b7c9178n, -2],
  [0xed, 'fldln2', 0xb17217f7d1cf79abc9e3b39803f2f6afn, -1],
];

function constRounded(m128: bigint, e: number, rc: number): F80 {
  let m = m128 >> 64n;
  const rest = m128 & ((1n << 64n) - 1n);
  const half = 1n << 63n;
  if ((rc === 0 && (rest > half || (rest === half && (m & 1n) === 1n))) || rc === 2) m += 1n;
  return mk(0, e + BIAS, m);
}

function fldConst(f: (rc: number) => F80) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    push(x, f(rcOf(x)));
    commitArith(x);
  };
}

// ---- stores ----

/** ST(0) for a store, or the indefinite on stack underflow; null means "write nothing" (unmasked). */
function storeSource(c: Cpu): F80 | null {
  const x = c.x87;
  if (isEmpty(x, 0)) {
    underflow();
    return ok(x) ? INDEFINITE : null;
  }
  return getST(x, 0);
}

function fstBin(double: boolean, doPop: boolean) {
  return (c: Cpu, i: Insn): void => {
    const a = ea(c, i);
    const x = begin(c, i, a);
    const v = storeSource(c);
    if (v !== null) {
      const bits = toBin(v, double ? DOUBLE : SINGLE, rcOf(x));
      // Unmasked overflow/underflow: nothing is stored and only that flag is reported.
      if (fx.flags & (OE | UE) & ~x.fcw) { fx.flags &= ~PE; fx.up = 0; }
      else if (ok(x)) {
        if (double) wr64(c, a, bits);
        else c.mem.write32(a, Number(bits) | 0);
        if (doPop) pop(x);
      }
    }
    commitArith(x);
  };
}

function fstpM80(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const x = begin(c, i, a);
  const v = storeSource(c);
  if (v !== null) {
    wr80(c, a, v);
    pop(x);
  }
  commitArith(x);
}

function fstSt(doPop: boolean) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    const v = storeSource(c);
    if (v !== null) {
      setST(x, i.rm & 7, v);
      if (doPop) pop(x);
    }
    commitArith(x);
  };
}

function fistM(bits: number, doPop: boolean, trunc: boolean) {
  return (c: Cpu, i: Insn): void => {
    const a = ea(c, i);
    const x = begin(c, i, a);
    const v = storeSource(c);
    if (v !== null) {
      const r = fx.flags & IE ? 1n << BigInt(bits - 1) : toInt(v, bits, trunc ? 3 : rcOf(x));
      if (ok(x)) {
        if (bits === 16) c.mem.write16(a, Number(r));
        else if (bits === 32) c.mem.write32(a, Number(r) | 0);
        else wr64(c, a, r);
        if (doPop) pop(x);
      }
    }
    commitArith(x);
  };
}

function fbstp(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const x = begin(c, i, a);
  const v = storeSource(c);
  if (v !== null) {
    const b = new Uint8Array(10);
    if (fx.flags & IE) toBcd(INDEFINITE, 0, b);
    else toBcd(v, rcOf(x), b);
    if (ok(x)) {
      checkWrite(c, a, 10);
      for (let k = 0; k < 10; k++) c.mem.write8(a + k, b[k]);
      pop(x);
    }
  }
  commitArith(x);
}

// ---- register moves ----

function fxch(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  const k = i.rm & 7;
  const e0 = isEmpty(x, 0), ek = isEmpty(x, k);
  if (e0 || ek) {
    underflow();
    if (!ok(x)) { commitArith(x); return; }
  }
  const a = e0 ? INDEFINITE : getST(x, 0);
  const b = ek ? INDEFINITE : getST(x, k);
  setST(x, 0, b);
  setST(x, k, a);
  commitArith(x);
}

/** fcmovcc: the EFLAGS condition (B, E, BE, U and negations) as a jcc condition code. */
function fcmov(cc: number) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    const k = i.rm & 7;
    if (isEmpty(x, 0) || isEmpty(x, k)) {
      underflow();
      if (ok(x)) setST(x, 0, INDEFINITE);
      commitArith(x);
    } else if (cond(c, cc)) setST(x, 0, getST(x, k));
  };
}

function ffree(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  x.empty |= 1 << ((x.top + (i.rm & 7)) & 7);
  commitArith(x);
}

/** ffreep (undocumented): ffree ST(i), then pop. */
function ffreep(c: Cpu, i: Insn): void {
  ffree(c, i);
  pop(c.x87);
}

function fincstp(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  x.top = (x.top + 1) & 7;
  commitArith(x);
}

function fdecstp(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  x.top = (x.top - 1) & 7;
  commitArith(x);
}

function fnop(c: Cpu, i: Insn): void {
  begin(c, i);
}

// ---- the rows ----

xmem(0xd9, 0, 'fld m32', fldM32);
xmem(0xdd, 0, 'fld m64', fldM64);
xmem(0xdb, 5, 'fld m80', fldM80);
xreg(0xd9, 0, -1, 'fld st(i)', fldSt);
xmem(0xd9, 2, 'fst m32', fstBin(false, false));
xmem(0xd9, 3, 'fstp m32', fstBin(false, true));
xmem(0xdd, 2, 'fst m64', fstBin(true, false));
xmem(0xdd, 3, 'fstp m64', fstBin(true, true));
xmem(0xdb, 7, 'fstp m80', fstpM80);
xreg(0xdd, 2, -1, 'fst st(i)', fstSt(false));
xreg(0xdd, 3, -1, 'fstp st(i)', fstSt(true));
xreg(0xd9, 3, -1, 'fstp1 st(i)', fstSt(true));
xreg(0xdf, 2, -1, 'fstp8 st(i)', fstSt(true));
xreg(0xdf, 3, -1, 'fstp9 st(i)', fstSt(true));
xmem(0xdf, 0, 'fild m16', fildM(16));
xmem(0xdb, 0, 'fild m32', fildM(32));
xmem(0xdf, 5, 'fild m64', fildM(64));
xmem(0xdf, 2, 'fist m16', fistM(16, false, false));
xmem(0xdf, 3, 'fistp m16', fistM(16, true, false));
xmem(0xdb, 2, 'fist m32', fistM(32, false, false));
xmem(0xdb, 3, 'fistp m32', fistM(32, true, false));
xmem(0xdf, 7, 'fistp m64', fistM(64, true, false));
xmem(0xdf, 1, 'fisttp m16', fistM(16, true, true));
xmem(0xdb, 1, 'fisttp m32', fistM(32, true, true));
xmem(0xdd, 1, 'fisttp m64', fistM(64, true, true));
xmem(0xdf, 4, 'fbld', fbld);
xmem(0xdf, 6, 'fbstp', fbstp);
xreg(0xd9, 1, -1, 'fxch', fxch);
xreg(0xdd, 1, -1, 'fxch4', fxch);
xreg(0xdf, 1, -1, 'fxch7', fxch);
xreg(0xda, 0, -1, 'fcmovb', fcmov(2));
xreg(0xda, 1, -1, 'fcmove', fcmov(4));
xreg(0xda, 2, -1, 'fcmovbe', fcmov(6));
xreg(0xda, 3, -1, 'fcmovu', fcmov(10));
xreg(0xdb, 0, -1, 'fcmovnb', fcmov(3));
xreg(0xdb, 1, -1, 'fcmovne', fcmov(5));
xreg(0xdb, 2, -1, 'fcmovnbe', fcmov(7));
xreg(0xdb, 3, -1, 'fcmovnu', fcmov(11));
xreg(0xd9, 5, 0, 'fld1', fldConst(() => mk(0, BIAS, J)));
xreg(0xd9, 5, 6, 'fldz', fldConst(() => mk(0, 0, 0n)));
for (const [lo, name, m, e] of CONSTS) xreg(0xd9, 5, lo & 7, name, fldConst((rc) => constRounded(m, e, rc)));
xreg(0xdd, 0, -1, 'ffree', ffree);
xreg(0xdf, 0, -1, 'ffreep', ffreep);
xreg(0xd9, 6, 7, 'fincstp', fincstp);
xreg(0xd9, 6, 6, 'fdecstp', fdecstp);
xreg(0xd9, 2, 0, 'fnop', fnop);
