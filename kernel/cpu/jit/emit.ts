/**
 * Code templates for the block compiler: JavaScript source for the hot instruction forms, with
 * every operand (register numbers, displacements, immediates) folded into the text. Each template
 * returns null when it does not cover a form; the compiler then emits a call to the interpreter's
 * handler for that instruction, so coverage can grow one form at a time without changing
 * behaviour. Flag-setting templates write the same lazy-flag record the interpreter writes, and
 * skip it entirely when the compiler has proved the flags dead.
 */

import type { Insn } from '../insn.js';
import { F_ADD, F_SUB, F_LOGIC } from '../state.js';

/** A flag-setting operation whose operands a following jcc/setcc/cmovcc can test directly. */
export interface FlagSrc {
  /** inc/dec: ZF and SF from the result (CF is the one before). */
  kind: 'sub' | 'logic' | 'add' | 'inc';
  size: 4 | 8;
  a: string; aHi: string;
  b: string; bHi: string;
  r: string; rHi: string;
}

export interface Emitted {
  code: string;
  /** Flags this instruction leaves, when they can be tested from locals. */
  flags?: FlagSrc;
}

const TWO32 = '4294967296';

export function lo(r: number): string { return `R[${2 * r}]`; }
export function hi(r: number): string { return `R[${2 * r + 1}]`; }

/** The effective-address expression of i's memory operand, or null for forms not compiled. */
export function eaExpr(i: Insn): string | null {
  if (i.asize !== 8) return null;
  const parts: string[] = [];
  if (i.base >= 0) parts.push(`(${hi(i.base)}*${TWO32}+(${lo(i.base)}>>>0))`);
  if (i.index >= 0) parts.push(`(${hi(i.index)}*${TWO32}+(${lo(i.index)}>>>0))*${i.scale}`);
  if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp));
  if (i.seg === 1) parts.push('c.fsBase');
  else if (i.seg === 2) parts.push('c.gsBase');
  return parts.join('+');
}

/** Sets the lazy-flag record for a 32-bit or 64-bit result held in locals. */
export function lazy(op: number, size: number, r: string, rHi: string, a: string, aHi: string, b: string, bHi: string): string {
  if (op === F_LOGIC) return `c.fOp=${F_LOGIC};c.fSize=${size};c.fRes=${r};c.fResHi=${rHi};`;
  return `c.fOp=${op};c.fSize=${size};c.fRes=${r};c.fA=${a};c.fB=${b};` +
    (size === 8 ? `c.fResHi=${rHi};c.fAHi=${aHi};c.fBHi=${bHi};` : '');
}

const ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7;

/**
 * An ALU op (add/or/and/sub/xor/cmp/test) on 32- or 64-bit operands. dst/src describe where
 * operands come from: a register number, or 'm' (memory at local ad), or 'i' (the immediate).
 */
export function alu(k: number, i: Insn, op: number, test: boolean, dst: number | 'm', src: number | 'm' | 'i', flagsLive: boolean, ea: string | null): Emitted | null {
  if (op !== ALU_ADD && op !== ALU_OR && op !== ALU_AND && op !== ALU_SUB && op !== ALU_XOR && op !== ALU_CMP) return null;
  if ((dst === 'm' || src === 'm') && ea === null) return null;
  const write = op !== ALU_CMP && !test;
  const a = `a${k}`, aH = `ah${k}`, b = `b${k}`, bH = `bh${k}`, r = `r${k}`, rH = `rh${k}`, ad = `ad${k}`;
  let s = dst === 'm' || src === 'm' ? `const ${ad}=${ea};` : '';
  const sz = i.size;
  const kind = op === ALU_ADD ? 'add' : op === ALU_SUB || op === ALU_CMP ? 'sub' : 'logic';
  const fop = kind === 'add' ? F_ADD : kind === 'sub' ? F_SUB : F_LOGIC;
  if (sz === 1 || sz === 2) {
    // Byte and word operands: unsigned values masked to the size (the lazy-flag convention).
    const mask = sz === 1 ? 255 : 65535;
    const bits = sz * 8;
    const reg = (n: number): string => (sz === 1 ? `R8[${n}]` : `R16[${4 * n}]`);
    const rd = (x: number | 'm' | 'i'): string => (x === 'm' ? `m.read${bits}(${ad})` : x === 'i' ? String(i.imm & mask) : reg(x));
    s += `const ${a}=${rd(dst)};const ${b}=${rd(src)};`;
    const e = op === ALU_ADD ? `(${a}+${b})&${mask}` : op === ALU_OR ? `${a}|${b}` : op === ALU_AND ? `${a}&${b}` : op === ALU_XOR ? `${a}^${b}` : `(${a}-${b})&${mask}`;
    s += `const ${r}=${e};`;
    if (write) s += dst === 'm' ? `m.write${bits}(${ad},${r});` : `${reg(dst)}=${r};`;
    if (flagsLive) s += lazy(fop, sz, r, '0', a, '0', b, '0');
    return { code: s };
  }
  if (sz !== 4 && sz !== 8) return null;
  // xor r, r / sub r, r: the zeroing idiom.
  if (sz === 4) {
    s += `const ${a}=${dst === 'm' ? `m.read32(${ad})` : lo(dst)};`;
    s += `const ${b}=${src === 'm' ? `m.read32(${ad})` : src === 'i' ? String(i.imm | 0) : lo(src)};`;
    const e = op === ALU_ADD ? `(${a}+${b})|0` : op === ALU_OR ? `${a}|${b}` : op === ALU_AND ? `${a}&${b}` : op === ALU_XOR ? `${a}^${b}` : `(${a}-${b})|0`;
    s += `const ${r}=${e};`;
    if (write) s += dst === 'm' ? `m.write32(${ad},${r});` : `${lo(dst)}=${r};${hi(dst)}=0;`;
    if (flagsLive) s += lazy(fop, 4, r, '0', a, '0', b, '0');
    return { code: s, flags: { kind, size: 4, a, aHi: '0', b, bHi: '0', r, rHi: '0' } };
  }
  if (dst === 'm') s += `m.read64(${ad},T,0);const ${a}=T[0],${aH}=T[1];`;
  else s += `const ${a}=${lo(dst)},${aH}=${hi(dst)};`;
  if (src === 'm') s += `m.read64(${ad},T,2);const ${b}=T[2],${bH}=T[3];`;
  else if (src === 'i') s += `const ${b}=${i.imm | 0},${bH}=${i.immHi | 0};`;
  else s += `const ${b}=${lo(src)},${bH}=${hi(src)};`;
  switch (op) {
    case ALU_ADD:
      s += `const ${r}=(${a}+${b})|0;const ${rH}=(${aH}+${bH}+((${r}>>>0)<(${a}>>>0)?1:0))|0;`;
      break;
    case ALU_SUB:
    case ALU_CMP:
      s += `const ${r}=(${a}-${b})|0;const ${rH}=(${aH}-${bH}-((${a}>>>0)<(${b}>>>0)?1:0))|0;`;
      break;
    default: {
      const o = op === ALU_OR ? '|' : op === ALU_AND ? '&' : '^';
      s += `const ${r}=${a}${o}${b};const ${rH}=${aH}${o}${bH};`;
    }
  }
  if (write) s += dst === 'm' ? `m.write64(${ad},${r},${rH});` : `${lo(dst)}=${r};${hi(dst)}=${rH};`;
  if (flagsLive) s += lazy(fop, 8, r, rH, a, aH, b, bH);
  return { code: s, flags: { kind, size: 8, a, aHi: aH, b, bHi: bH, r, rHi: rH } };
}

/** A condition tested straight from the last flag-setter's operands, or null to use cond(). */
export function condExpr(cc: number, f: FlagSrc | undefined): string | null {
  if (!f) return null;
  const inv = (e: string): string => `!(${e})`;
  const base = cc & ~1;
  let e: string | null = null;
  if (f.kind === 'sub') {
    if (f.size === 4) {
      const a = f.a, b = f.b;
      switch (base) {
        case 2: e = `(${a}>>>0)<(${b}>>>0)`; break;
        case 4: e = `${a}===${b}`; break;
        case 6: e = `(${a}>>>0)<=(${b}>>>0)`; break;
        case 8: e = `${f.r}<0`; break;
        case 12: e = `${a}<${b}`; break;
        case 14: e = `${a}<=${b}`; break;
      }
    } else {
      const ltu = `((${f.aHi}>>>0)<(${f.bHi}>>>0)||(${f.aHi}===${f.bHi}&&(${f.a}>>>0)<(${f.b}>>>0)))`;
      const eq = `(${f.a}===${f.b}&&${f.aHi}===${f.bHi})`;
      const lts = `(${f.aHi}<${f.bHi}||(${f.aHi}===${f.bHi}&&(${f.a}>>>0)<(${f.b}>>>0)))`;
      switch (base) {
        case 2: e = ltu; break;
        case 4: e = eq; break;
        case 6: e = `(${ltu}||${eq})`; break;
        case 8: e = `${f.rHi}<0`; break;
        case 12: e = lts; break;
        case 14: e = `(${lts}||${eq})`; break;
      }
    }
  } else if (f.kind === 'logic') {
    const zero = f.size === 4 ? `${f.r}===0` : `(${f.r}|${f.rHi})===0`;
    const neg = f.size === 4 ? `${f.r}<0` : `${f.rHi}<0`;
    switch (base) {
      case 2: e = 'false'; break;
      case 4: e = zero; break;
      case 6: e = zero; break;
      case 8: e = neg; break;
      case 12: e = neg; break;
      case 14: e = `(${zero}||${neg})`; break;
    }
  } else if (f.kind === 'inc') {
    if (base === 4) e = f.size === 4 ? `${f.r}===0` : `(${f.r}|${f.rHi})===0`;
    else if (base === 8) e = f.size === 4 ? `${f.r}<0` : `${f.rHi}<0`;
  } else {
    const zero = f.size === 4 ? `${f.r}===0` : `(${f.r}|${f.rHi})===0`;
    if (base === 4) e = zero;
    else if (base === 8) e = f.size === 4 ? `${f.r}<0` : `${f.rHi}<0`;
    else if (base === 2) e = f.size === 4 ? `(${f.r}>>>0)<(${f.a}>>>0)` : null;
  }
  if (e === null) return null;
  return cc & 1 ? inv(e) : `(${e})`;
}
