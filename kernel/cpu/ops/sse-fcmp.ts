/**
 * SSE/SSE2 floating-point operations that select or compare rather than compute: the bitwise
 * logic (andps/andnps/orps/xorps and the pd forms, 0F 54-57), min/max (0F 5D/5F in ps/pd/ss/sd
 * forms), the predicate compares cmpps/cmppd/cmpss/cmpsd (0F C2, imm8 predicates 0-7), and the
 * flag-setting compares comiss/comisd/ucomiss/ucomisd (0F 2F/2E).
 *
 * Selections copy the chosen operand's bits, so NaN payloads survive exactly. Exceptions follow
 * the manual: min/max and the ordered predicates (LT, LE, NLT, NLE) and comis signal invalid on
 * any NaN, the others (EQ, UNORD, NEQ, ORD, ucomis) only on a signalling NaN; a denormal operand
 * raises DE (unless DAZ, which compares it as a zero of its sign).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F, I_UB, VEX_OP } from '../optable.js';
import { setSomeFlags, CF, PF, AF, ZF, SF, OF } from '../flags.js';
import {
  S32, SF64, SF32, src128, src64, src32, isSNaN64, isSNaN32, isDen64, isDen32,
  MX_IE, MX_DE, MX_DAZ, beginFp, endFp,
} from './sse-common.js';

// ---- logic ----

/** sub: 4 and, 5 andn, 6 or, 7 xor (opcode 54..57). */
function logic(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  for (let j = 0; j < 4; j++) {
    const a = X[k + j], b = S32[j];
    X[k + j] = i.sub === 4 ? a & b : i.sub === 5 ? ~a & b : i.sub === 6 ? a | b : a ^ b;
  }
}

// ---- operand classification shared by min/max and the compares ----

/** Set by classify64/32: the operands as numbers (DAZ applied), and flags raised so far. */
let va = 0, vb = 0, cfl = 0;
/** True if either operand is a NaN; `quietSignals`: a QNaN also raises IE. */
function classify64(c: Cpu, aHi: number, aLo: number, a: number, bHi: number, bLo: number, b: number, quietSignals: boolean): boolean {
  cfl = 0;
  if (a !== a || b !== b) {
    // A NaN operand hides a denormal one: no DE.
    if (quietSignals || isSNaN64(aHi, aLo) || isSNaN64(bHi, bLo)) cfl = MX_IE;
    return true;
  }
  va = a;
  vb = b;
  if (c.mxcsr & MX_DAZ) {
    if (isDen64(aHi, aLo)) va = aHi < 0 ? -0 : 0;
    if (isDen64(bHi, bLo)) vb = bHi < 0 ? -0 : 0;
  } else if (isDen64(aHi, aLo) || isDen64(bHi, bLo)) cfl = MX_DE;
  return false;
}
function classify32(c: Cpu, ai: number, a: number, bi: number, b: number, quietSignals: boolean): boolean {
  cfl = 0;
  if (a !== a || b !== b) {
    if (quietSignals || isSNaN32(ai) || isSNaN32(bi)) cfl = MX_IE;
    return true;
  }
  va = a;
  vb = b;
  if (c.mxcsr & MX_DAZ) {
    if (isDen32(ai)) va = ai < 0 ? -0 : 0;
    if (isDen32(bi)) vb = bi < 0 ? -0 : 0;
  } else if (isDen32(ai) || isDen32(bi)) cfl = MX_DE;
  return false;
}

// ---- min / max: sub 0xD min, 0xF max ----

/** Double lane X32[k] = min/max(X32[k], S32[s]); returns the flags. */
function minmax64(c: Cpu, max: boolean, k: number, s: number): number {
  const X = c.X32;
  const aLo = X[k], aHi = X[k + 1], bLo = S32[s], bHi = S32[s + 1];
  const nan = classify64(c, aHi, aLo, c.XF64[k >> 1], bHi, bLo, SF64[s >> 1], true);
  // NaN either side, or both zero: the second operand. DAZ-flushed operands are written as zeros.
  const pickA = !nan && (max ? va > vb : va < vb);
  if (pickA) {
    if (va === 0) c.XF64[k >> 1] = va;
  } else if (c.mxcsr & MX_DAZ && isDen64(bHi, bLo)) c.XF64[k >> 1] = bHi < 0 ? -0 : 0;
  else { X[k] = bLo; X[k + 1] = bHi; }
  return cfl;
}
function minmax32(c: Cpu, max: boolean, k: number, s: number): number {
  const X = c.X32;
  const ai = X[k], bi = S32[s];
  const nan = classify32(c, ai, c.XF32[k], bi, SF32[s], true);
  const pickA = !nan && (max ? va > vb : va < vb);
  if (pickA) {
    if (va === 0) c.XF32[k] = va;
  } else if (c.mxcsr & MX_DAZ && isDen32(bi)) c.XF32[k] = bi < 0 ? -0 : 0;
  else X[k] = bi;
  return cfl;
}

function minmaxPs(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg, m = i.sub === 0xf;
  endFp(c, i, minmax32(c, m, k, 0) | minmax32(c, m, k + 1, 1) | minmax32(c, m, k + 2, 2) | minmax32(c, m, k + 3, 3), i.reg);
}
function minmaxPd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg, m = i.sub === 0xf;
  endFp(c, i, minmax64(c, m, k, 0) | minmax64(c, m, k + 2, 2), i.reg);
}
function minmaxSs(c: Cpu, i: Insn): void {
  src32(c, i);
  beginFp(c, i.reg);
  endFp(c, i, minmax32(c, i.sub === 0xf, 4 * i.reg, 0), i.reg);
}
function minmaxSd(c: Cpu, i: Insn): void {
  src64(c, i);
  beginFp(c, i.reg);
  endFp(c, i, minmax64(c, i.sub === 0xf, 4 * i.reg, 0), i.reg);
}

// ---- cmpps / cmppd / cmpss / cmpsd ----

/**
 * Predicate p on the classified operands: 0..7 are SSE's EQ LT LE UNORD NEQ NLT NLE ORD; the VEX
 * forms (vcmpps...) take 0..31: 8..15 add EQ_UQ NGE NGT FALSE NEQ_OQ GE GT TRUE, and 16..31 repeat
 * 0..15 with the opposite QNaN signalling. TRUTH[p & 15] is the set of relations (LT 1, EQ 2,
 * GT 4, UNORD 8) for which the predicate holds.
 */
const TRUTH = [2, 1, 3, 8, 13, 14, 12, 7, 10, 9, 11, 0, 5, 6, 4, 15];
function pred(p: number, nan: boolean): boolean {
  const rel = nan ? 8 : va < vb ? 1 : va === vb ? 2 : 4;
  return (TRUTH[p & 15] & rel) !== 0;
}

/** The predicates that signal on a quiet NaN: LT, LE, NLT, NLE, NGE, NGT, GE, GT (and 16..31 inverted). */
const signals = (p: number): boolean => ((p & 3) === 1 || (p & 3) === 2) !== (p >= 16);

/** The predicate of a cmp instruction: 3 bits in the SSE forms, 5 in the VEX forms. */
const predOf = (i: Insn): number => i.imm & (i.op >= VEX_OP ? 31 : 7);

function cmp64(c: Cpu, p: number, k: number, s: number): number {
  const X = c.X32;
  const nan = classify64(c, X[k + 1], X[k], c.XF64[k >> 1], S32[s + 1], S32[s], SF64[s >> 1], signals(p));
  const v = pred(p, nan) ? -1 : 0;
  X[k] = v;
  X[k + 1] = v;
  return cfl;
}
function cmp32(c: Cpu, p: number, k: number, s: number): number {
  const X = c.X32;
  const nan = classify32(c, X[k], c.XF32[k], S32[s], SF32[s], signals(p));
  X[k] = pred(p, nan) ? -1 : 0;
  return cfl;
}

function cmpps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg, p = predOf(i);
  endFp(c, i, cmp32(c, p, k, 0) | cmp32(c, p, k + 1, 1) | cmp32(c, p, k + 2, 2) | cmp32(c, p, k + 3, 3), i.reg);
}
function cmppd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  beginFp(c, i.reg);
  const k = 4 * i.reg, p = predOf(i);
  endFp(c, i, cmp64(c, p, k, 0) | cmp64(c, p, k + 2, 2), i.reg);
}
function cmpss(c: Cpu, i: Insn): void {
  src32(c, i);
  beginFp(c, i.reg);
  endFp(c, i, cmp32(c, predOf(i), 4 * i.reg, 0), i.reg);
}
function cmpsd(c: Cpu, i: Insn): void {
  src64(c, i);
  beginFp(c, i.reg);
  endFp(c, i, cmp64(c, predOf(i), 4 * i.reg, 0), i.reg);
}

// ---- comis / ucomis: sub 1 for comis (signals on QNaN) ----

const CMP_FLAGS = CF | PF | AF | ZF | SF | OF;

function setCmpFlags(c: Cpu, i: Insn, nan: boolean): void {
  const f = nan ? ZF | PF | CF : va < vb ? CF : va === vb ? ZF : 0;
  endFp(c, i, cfl, -1); // an unmasked exception leaves RFLAGS alone
  setSomeFlags(c, CMP_FLAGS, f);
}

function comisd(c: Cpu, i: Insn): void {
  src64(c, i);
  const X = c.X32, k = 4 * i.reg;
  setCmpFlags(c, i, classify64(c, X[k + 1], X[k], c.XF64[k >> 1], S32[1], S32[0], SF64[0], i.sub === 1));
}
function comiss(c: Cpu, i: Insn): void {
  src32(c, i);
  const k = 4 * i.reg;
  setCmpFlags(c, i, classify32(c, c.X32[k], c.XF32[k], S32[0], SF32[0], i.sub === 1));
}

const M = { modrm: true };
for (let op = 0x54; op <= 0x57; op++) {
  const n = ['and', 'andn', 'or', 'xor'][op - 0x54];
  defPfx(MAP_0F, op, 'none', { name: n + 'ps', fn: logic, ...M, sub: op & 7 });
  defPfx(MAP_0F, op, 'p66', { name: n + 'pd', fn: logic, ...M, sub: op & 7 });
}
for (const [op, n] of [[0x5d, 'min'], [0x5f, 'max']] as [number, string][]) {
  defPfx(MAP_0F, op, 'none', { name: n + 'ps', fn: minmaxPs, ...M, sub: op & 15 });
  defPfx(MAP_0F, op, 'p66', { name: n + 'pd', fn: minmaxPd, ...M, sub: op & 15 });
  defPfx(MAP_0F, op, 'f3', { name: n + 'ss', fn: minmaxSs, ...M, sub: op & 15 });
  defPfx(MAP_0F, op, 'f2', { name: n + 'sd', fn: minmaxSd, ...M, sub: op & 15 });
}
defPfx(MAP_0F, 0xc2, 'none', { name: 'cmpps', fn: cmpps, ...M, imm: I_UB });
defPfx(MAP_0F, 0xc2, 'p66', { name: 'cmppd', fn: cmppd, ...M, imm: I_UB });
defPfx(MAP_0F, 0xc2, 'f3', { name: 'cmpss', fn: cmpss, ...M, imm: I_UB });
defPfx(MAP_0F, 0xc2, 'f2', { name: 'cmpsd', fn: cmpsd, ...M, imm: I_UB });
defPfx(MAP_0F, 0x2e, 'none', { name: 'ucomiss', fn: comiss, ...M, sub: 0 });
defPfx(MAP_0F, 0x2e, 'p66', { name: 'ucomisd', fn: comisd, ...M, sub: 0 });
defPfx(MAP_0F, 0x2f, 'none', { name: 'comiss', fn: comiss, ...M, sub: 1 });
defPfx(MAP_0F, 0x2f, 'p66', { name: 'comisd', fn: comisd, ...M, sub: 1 });
