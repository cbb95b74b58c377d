/**
 * The block compiler: turns a hot block of decoded instructions into one JavaScript function.
 * Operands are folded into the source, locals replace the interpreter's per-instruction loads,
 * a compare followed by a conditional branch becomes one JS comparison, and lazy-flag records
 * that no later instruction can observe are not written at all. Forms without a template call
 * the interpreter's handler, so compiled and interpreted execution are the same machine.
 *
 * Faults stay precise: before each instruction that can fault the function stores its index in
 * c.jk, and the run loop rewinds RIP to that instruction.
 */

import type { Insn, Handler } from '../insn.js';
import { VEX_OP } from '../optable.js';
import type { Cpu } from '../state.js';
import { cond } from '../flags.js';
import { Emitted, FlagSrc, alu, condExpr, eaExpr, lo, hi } from './emit.js';
import { emitVec, isVecNeutral, isVecFlagWriter } from './emit-vec.js';
import { neg, not, signExtendAcc, incDecFlags, adcSbb, shiftConst, shiftCl, imul32, imul64, bitScan, branchE, bswap, bzhi } from './emit-int.js';
import { getCF, getOF } from '../flags.js';
import { setCfOf } from '../ops/shift.js';
import { imul64Overflow } from '../ops/muldiv.js';

export type Compiled = (c: Cpu) => void;

const TWO32 = '4294967296';

/** Iterations a self-looping block runs before returning to the scheduler's run loop. */
const LOOP_LIMIT = 4096;

/** How an instruction touches the flags, for the liveness pass. */
const NEUTRAL = 0, WRITES = 1, READS = 2;
/**
 * Writes some flags and keeps the others (rol/ror keep SF/ZF/PF, inc/dec keep CF): the flags
 * before it matter exactly when the flags after it do, and it spoils any fused compare.
 */
const PARTIAL = 3;

function isAluRow(op: number): boolean {
  return op < 0x40 && (op & 7) <= 5;
}

function flagEffect(i: Insn): number {
  const op = i.op;
  if (op < 0x40 && (op & 7) <= 5 && op !== 0x0f) {
    const aluOp = op >> 3;
    return aluOp === 2 || aluOp === 3 ? READS : WRITES; // adc/sbb read CF
  }
  if (op === 0x80 || op === 0x81 || op === 0x83) return i.sub === 2 || i.sub === 3 ? READS : WRITES;
  if (op === 0x84 || op === 0x85 || op === 0xa8 || op === 0xa9) return WRITES;
  if (op === 0xc1 || op === 0xc0 || op === 0xd1 || op === 0xd0) {
    const s = i.sub & 7;
    if (s === 2 || s === 3) return READS; // rcl/rcr
    const n = op === 0xd0 || op === 0xd1 ? 1 : i.imm & (i.size === 8 ? 63 : 31);
    return n === 0 ? NEUTRAL : s <= 1 ? PARTIAL : WRITES;
  }
  if ((op === 0xff || op === 0xfe) && (i.sub === 0 || i.sub === 1) && (i.name === 'inc' || i.name === 'dec')) return PARTIAL;
  if (op === 0x0faf || op === 0x69 || op === 0x6b) return WRITES;
  if (op === 0xd2 || op === 0xd3) return (i.sub & 7) === 2 || (i.sub & 7) === 3 ? READS : PARTIAL; // a count of 0 keeps the flags
  if (op === 0x0fbc || op === 0x0fbd) return i.name === 'bsf' || i.name === 'bsr' ? WRITES : PARTIAL; // tzcnt/lzcnt keep OF
  if (op === 0xf6 || op === 0xf7) return i.name === 'test' || i.name === 'neg' ? WRITES : i.name === 'not' ? NEUTRAL : READS;
  if (op === 0x98 || op === 0x99 || (op === 0xff && (i.name === 'call' || i.name === 'jmp'))) return NEUTRAL;
  if (isVecFlagWriter(i) || (op === (VEX_OP | 0x0f38f5) && i.name === 'bzhi')) return WRITES;
  if (op >= 0x0fc8 && op <= 0x0fcf) return NEUTRAL; // bswap
  if ((op >= 0x88 && op <= 0x8b) || op === 0x8d || op === 0xc7 || op === 0xc6 || (op >= 0xb0 && op <= 0xbf)) return NEUTRAL;
  if (op === 0x0fb6 || op === 0x0fb7 || op === 0x0fbe || op === 0x0fbf || op === 0x63) return NEUTRAL;
  if ((op >= 0x50 && op <= 0x5f) || op === 0xe8 || op === 0xe9 || op === 0xeb || op === 0xc3 || op === 0x90) return NEUTRAL;
  if (op === 0x0f1f || isVecNeutral(i)) return NEUTRAL;
  return READS; // jcc, setcc, cmovcc, inc/dec (CF), and every fallback
}

interface Ctx {
  k: number;
  i: Insn;
  live: boolean;
  flags: FlagSrc | undefined;
}

/** push of a 64-bit value given as two expressions. */
function push(k: number, l: string, h: string): string {
  return `const sp${k}=${hi(4)}*${TWO32}+(${lo(4)}>>>0)-8;m.write64(sp${k},${l},${h});` +
    `${lo(4)}=sp${k}|0;${hi(4)}=Math.floor(sp${k}/${TWO32});`;
}

function regOrMem(i: Insn): number | 'm' {
  return i.rm >= 0 ? i.rm : 'm';
}

/** Template for one instruction, or null. */
function emitOne(x: Ctx): Emitted | null {
  const { i, k } = x;
  const op = i.op;
  const sz = i.size;
  // 32-bit addressing (the 0x67 prefix) is rare: leave it to the interpreter.
  if (i.asize !== 8) return null;
  const ea = i.rm < 0 ? eaExpr(i) : null;
  if (isAluRow(op) && op < 0x40) {
    const aluOp = op >> 3;
    if (aluOp === 2 || aluOp === 3) {
      switch (op & 7) {
        case 0: case 1: return adcSbb(k, i, aluOp, regOrMem(i), i.reg, ea, x.live);
        case 2: case 3: return adcSbb(k, i, aluOp, i.reg, regOrMem(i), ea, x.live);
        default: return adcSbb(k, i, aluOp, 0, 'i', ea, x.live);
      }
    }
    switch (op & 7) {
      case 0: case 1: return alu(k, i, aluOp, false, regOrMem(i), i.reg, x.live, ea);
      case 2: case 3: return alu(k, i, aluOp, false, i.reg, regOrMem(i), x.live, ea);
      case 4: case 5: return alu(k, i, aluOp, false, 0, 'i', x.live, ea);
    }
  }
  switch (op) {
    case 0x80:
    case 0x81:
    case 0x83:
      if (i.sub === 2 || i.sub === 3) return adcSbb(k, i, i.sub, regOrMem(i), 'i', ea, x.live);
      return alu(k, i, i.sub, false, regOrMem(i), 'i', x.live, ea);
    case 0xf6:
    case 0xf7:
      if (i.name === 'test') return alu(k, i, 4, true, regOrMem(i), 'i', x.live, ea);
      if (i.name === 'neg') return neg(k, i, ea, x.live);
      if (i.name === 'not') return not(k, i, ea);
      return null;
    case 0x98:
    case 0x99:
      return signExtendAcc(i);
    case 0xc0:
    case 0xd0:
    case 0xd1:
      return shiftConst(k, i, ea, x.live);
    case 0x84:
    case 0x85:
      return alu(k, i, 4, true, regOrMem(i), i.reg, x.live, ea);
    case 0xa8:
    case 0xa9:
      return alu(k, i, 4, true, 0, 'i', x.live, ea);
    case 0x88: // mov Eb, Gb
      return { code: i.rm >= 0 ? `R8[${i.rm}]=R8[${i.reg}];` : `m.write8(${ea},R8[${i.reg}]);` };
    case 0x8a: // mov Gb, Eb
      return { code: `R8[${i.reg}]=${i.rm >= 0 ? `R8[${i.rm}]` : `m.read8(${ea})`};` };
    case 0xc6: // mov Eb, imm8
      return { code: i.rm >= 0 ? `R8[${i.rm}]=${i.imm & 255};` : `m.write8(${ea},${i.imm & 255});` };
    case 0x89: // mov E, G
      if (sz === 8) return { code: i.rm >= 0 ? `${lo(i.rm)}=${lo(i.reg)};${hi(i.rm)}=${hi(i.reg)};` : `m.write64(${ea},${lo(i.reg)},${hi(i.reg)});` };
      if (sz === 4) return { code: i.rm >= 0 ? `${lo(i.rm)}=${lo(i.reg)};${hi(i.rm)}=0;` : `m.write32(${ea},${lo(i.reg)});` };
      return { code: i.rm >= 0 ? `R16[${4 * i.rm}]=R16[${4 * i.reg}];` : `m.write16(${ea},R16[${4 * i.reg}]);` };
    case 0x8b: // mov G, E
      if (sz === 8) return { code: i.rm >= 0 ? `${lo(i.reg)}=${lo(i.rm)};${hi(i.reg)}=${hi(i.rm)};` : `m.read64(${ea},R,${2 * i.reg});` };
      if (sz === 4) return { code: `${lo(i.reg)}=${i.rm >= 0 ? lo(i.rm) : `m.read32(${ea})`};${hi(i.reg)}=0;` };
      return { code: `R16[${4 * i.reg}]=${i.rm >= 0 ? `R16[${4 * i.rm}]` : `m.read16(${ea})`};` };
    case 0xc7: // mov E, imm
      if (sz === 8) return { code: i.rm >= 0 ? `${lo(i.rm)}=${i.imm | 0};${hi(i.rm)}=${i.immHi | 0};` : `m.write64(${ea},${i.imm | 0},${i.immHi | 0});` };
      if (sz === 4) return { code: i.rm >= 0 ? `${lo(i.rm)}=${i.imm | 0};${hi(i.rm)}=0;` : `m.write32(${ea},${i.imm | 0});` };
      return null;
    case 0x0fb6: case 0x0fb7: case 0x0fbe: case 0x0fbf: case 0x63: {
      if (sz !== 4 && sz !== 8) return null;
      let v: string;
      if (op === 0x0fb6) v = i.rm >= 0 ? `R8[${i.rm}]` : `m.read8(${ea})`;
      else if (op === 0x0fb7) v = i.rm >= 0 ? `R16[${4 * i.rm}]` : `m.read16(${ea})`;
      else if (op === 0x0fbe) v = `((${i.rm >= 0 ? `R8[${i.rm}]` : `m.read8(${ea})`})<<24>>24)`;
      else if (op === 0x0fbf) v = `((${i.rm >= 0 ? `R16[${4 * i.rm}]` : `m.read16(${ea})`})<<16>>16)`;
      else v = i.rm >= 0 ? lo(i.rm) : `m.read32(${ea})`;
      const signed = op === 0x0fbe || op === 0x0fbf || op === 0x63;
      if (sz === 4) return { code: `${lo(i.reg)}=${v};${hi(i.reg)}=0;` };
      return { code: signed ? `const v${k}=${v};${lo(i.reg)}=v${k};${hi(i.reg)}=v${k}>>31;` : `${lo(i.reg)}=${v};${hi(i.reg)}=0;` };
    }
    case 0x8d: return lea(i);
    case 0x90:
      return i.reg === 0 ? { code: '' } : null;
    case 0x0f1f:
      return { code: '' };
    case 0xe8: {
      const n = i.next;
      return { code: push(k, String(n % 2 ** 32 | 0), String(Math.floor(n / 2 ** 32))) + `c.rip=${i.imm};` };
    }
    case 0xe9: case 0xeb:
      return { code: `c.rip=${i.imm};` };
    case 0xc3:
      return { code: `const sp${k}=${hi(4)}*${TWO32}+(${lo(4)}>>>0);m.read64(sp${k},T,0);const t${k}=sp${k}+8;` +
        `${lo(4)}=t${k}|0;${hi(4)}=Math.floor(t${k}/${TWO32});c.rip=T[1]*${TWO32}+(T[0]>>>0);` };
    case 0xc1: {
      const s = i.sub & 7;
      // Shifts and rotates of a register by an immediate whose flags nobody reads: just the data.
      if (x.live || i.rm < 0 || (sz !== 4 && sz !== 8) || s === 2 || s === 3) return shiftConst(k, i, ea, x.live);
      const n = i.imm & (sz === 8 ? 63 : 31);
      if (sz === 4) {
        const r = lo(i.rm);
        if (n === 0) return { code: `${hi(i.rm)}=0;` };
        const e = s === 0 ? `(${r}<<${n})|(${r}>>>${32 - n})` : s === 1 ? `(${r}>>>${n})|(${r}<<${32 - n})`
          : s === 5 ? `${r}>>>${n}` : s === 7 ? `${r}>>${n}` : `${r}<<${n}`;
        return { code: `${r}=(${e})|0;${hi(i.rm)}=0;` };
      }
      return n === 0 ? { code: '' } : { code: shift64(k, s, i.rm, n) };
    }
    case 0xfe:
    case 0xff:
      if (i.name === 'inc' || i.name === 'dec') return x.live ? incDecFlags(k, i, ea) : incDec(i, ea);
      if (op === 0xff && (i.name === 'call' || i.name === 'jmp')) return branchE(k, i, ea, push);
      return null;
    case 0x0faf: case 0x69: case 0x6b:
      return sz === 4 ? imul32(k, i, ea, x.live) : sz === 8 ? imul64(k, i, ea, x.live) : null;
    case 0xd3:
      return shiftCl(k, i, ea, x.live);
    case 0x0fbc: case 0x0fbd:
      return bitScan(k, i, ea, x.live);
  }
  if (op >= 0x0fc8 && op <= 0x0fcf) return bswap(i);
  if (op === (VEX_OP | 0x0f38f5) && i.name === 'bzhi') return bzhi(k, i, ea, x.live);
  if (op >= 0x0f00) {
    const v = emitVec(k, i, ea);
    if (v) return v;
  }
  if (op >= 0x50 && op <= 0x57 && sz === 8) return { code: push(k, lo(i.reg), hi(i.reg)) };
  if (op >= 0x58 && op <= 0x5f && sz === 8) {
    return { code: `const sp${k}=${hi(4)}*${TWO32}+(${lo(4)}>>>0);m.read64(sp${k},T,0);const t${k}=sp${k}+8;` +
      `${lo(4)}=t${k}|0;${hi(4)}=Math.floor(t${k}/${TWO32});${lo(i.reg)}=T[0];${hi(i.reg)}=T[1];` };
  }
  if (op >= 0xb8 && op <= 0xbf) {
    if (sz === 8) return { code: `${lo(i.reg)}=${i.imm | 0};${hi(i.reg)}=${i.immHi | 0};` };
    if (sz === 4) return { code: `${lo(i.reg)}=${i.imm | 0};${hi(i.reg)}=0;` };
    return null;
  }
  const isJcc = (op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f);
  if (isJcc) {
    const e = condExpr(i.sub, x.flags) ?? `cond(c,${i.sub})`;
    return { code: `c.rip=${e}?${i.imm}:${i.next};` };
  }
  if (op >= 0x0f40 && op <= 0x0f4f && (sz === 4 || sz === 8)) {
    const e = condExpr(i.sub, x.flags) ?? `cond(c,${i.sub})`;
    if (i.rm < 0) {
      // The source is read (and may fault) whatever the condition.
      if (ea === null) return null;
      if (sz === 4) return { code: `const v${k}=m.read32(${ea});if(${e}){${lo(i.reg)}=v${k};}${hi(i.reg)}=0;` };
      return { code: `m.read64(${ea},T,0);if(${e}){${lo(i.reg)}=T[0];${hi(i.reg)}=T[1];}` };
    }
    if (sz === 4) return { code: `if(${e}){${lo(i.reg)}=${lo(i.rm)};}${hi(i.reg)}=0;` };
    return { code: `if(${e}){${lo(i.reg)}=${lo(i.rm)};${hi(i.reg)}=${hi(i.rm)};}` };
  }
  if (op >= 0x0f90 && op <= 0x0f9f) {
    const e = condExpr(i.sub, x.flags) ?? `cond(c,${i.sub})`;
    if (i.rm < 0) return ea === null ? null : { code: `m.write8(${ea},${e}?1:0);` };
    return { code: `R8[${i.rm}]=${e}?1:0;` };
  }
  return null;
}

/** A 64-bit shift or rotate of register r by n (1..63), flags not computed. */
function shift64(k: number, s: number, r: number, n: number): string {
  const L = lo(r), H = hi(r);
  const pre = `const l${k}=${L},h${k}=${H};`;
  const l = `l${k}`, h = `h${k}`;
  // Rotates: ror n == rol 64-n.
  if (s === 0 || s === 1) {
    const m = s === 0 ? n : 64 - n;
    if (m === 32) return `${pre}${L}=${h};${H}=${l};`;
    const [a, b] = m < 32 ? [h, l] : [l, h];
    const q = m % 32;
    return `${pre}${H}=(${a}<<${q})|(${b}>>>${32 - q});${L}=(${b}<<${q})|(${a}>>>${32 - q});`;
  }
  if (s === 4 || s === 6) {
    if (n < 32) return `${pre}${H}=(${h}<<${n})|(${l}>>>${32 - n});${L}=${l}<<${n};`;
    return `${pre}${H}=${l}<<${n - 32};${L}=0;`;
  }
  if (s === 5) {
    if (n < 32) return `${pre}${L}=(${l}>>>${n})|(${h}<<${32 - n});${H}=${h}>>>${n};`;
    return `${pre}${L}=${h}>>>${n - 32};${H}=0;`;
  }
  if (n < 32) return `${pre}${L}=(${l}>>>${n})|(${h}<<${32 - n});${H}=${h}>>${n};`;
  return `${pre}${L}=${h}>>${n - 32};${H}=${h}>>31;`;
}

/** inc/dec with the flags dead afterwards. */
function incDec(i: Insn, ea: string | null): Emitted | null {
  const d = i.sub === 1 ? -1 : 1;
  const sz = i.size;
  if (i.rm < 0) {
    if (ea === null || sz === 8) return null;
    const bits = sz * 8;
    const mask = sz === 1 ? '&255' : sz === 2 ? '&65535' : '|0';
    return { code: `{const ad=${ea};m.write${bits}(ad,(m.read${bits === 32 ? '32' : bits}(ad)+${d})${mask});}` };
  }
  if (sz === 4) return { code: `${lo(i.rm)}=(${lo(i.rm)}+${d})|0;${hi(i.rm)}=0;` };
  if (sz === 8) {
    const L = lo(i.rm), H = hi(i.rm);
    return d > 0 ? { code: `${L}=(${L}+1)|0;if(${L}===0)${H}=(${H}+1)|0;` } : { code: `if(${L}===0)${H}=(${H}-1)|0;${L}=(${L}-1)|0;` };
  }
  if (sz === 1) return { code: `R8[${i.rm}]=(R8[${i.rm}]+${d})&255;` };
  return { code: `R16[${4 * i.rm}]=(R16[${4 * i.rm}]+${d})&65535;` };
}

/** lea: exact 64-bit sums in halves, or a 32-bit sum (doubles are exact below 2^53). */
function lea(i: Insn): Emitted | null {
  if (i.asize !== 8 || (i.size !== 8 && i.size !== 4)) return null;
  if (i.size === 4) {
    const parts: string[] = [String(i.disp | 0)];
    if (i.base >= 0) parts.push(lo(i.base));
    if (i.index >= 0) parts.push(`${lo(i.index)}*${i.scale}`);
    return { code: `${lo(i.reg)}=(${parts.join('+')})|0;${hi(i.reg)}=0;` };
  }
  const k = i.addr % 1e9 | 0;
  const dlo = i.disp | 0;
  const dhi = i.disp < 0 ? -1 : Math.floor(i.disp / 2 ** 32) | 0;
  if (i.base < 0 && i.index < 0) return { code: `${lo(i.reg)}=${dlo};${hi(i.reg)}=${dhi};` };
  let s = `let l${k}=${dlo},h${k}=${dhi},s${k}=0;`;
  if (i.base >= 0) s += `s${k}=(l${k}>>>0)+(${lo(i.base)}>>>0);l${k}=s${k}|0;h${k}=(h${k}+${hi(i.base)}+(s${k}>4294967295?1:0))|0;`;
  if (i.index >= 0) {
    const sh = Math.log2(i.scale);
    const xl = sh ? `(${lo(i.index)}<<${sh})` : lo(i.index);
    const xh = sh ? `((${hi(i.index)}<<${sh})|(${lo(i.index)}>>>${32 - sh}))` : hi(i.index);
    s += `s${k}=(l${k}>>>0)+(${xl}>>>0);l${k}=s${k}|0;h${k}=(h${k}+${xh}+(s${k}>4294967295?1:0))|0;`;
  }
  return { code: `{${s}${lo(i.reg)}=l${k};${hi(i.reg)}=h${k};}` };
}

/** Diagnostics: called for each instruction a compiled block leaves to the interpreter. */
let fallbackLog: ((i: Insn) => void) | null = null;
export function setFallbackLog(f: ((i: Insn) => void) | null): void {
  fallbackLog = f;
}

/**
 * Fallback profiling (RUSTOS_JIT_FALLBACKS): compiled blocks count how often each form without a
 * template runs, and how many instructions compiled code runs in all.
 */
interface Counter { n: number }
let profile: Map<string, Counter> | null = null;
const compiledRuns: Counter = { n: 0 };
export function setFallbackProfile(on: boolean): void {
  profile = on ? new Map() : null;
  compiledRuns.n = 0;
}

/** A form's name for the profile: mnemonic, operand size, register or memory operand, prefixes. */
export function formKey(i: Insn): string {
  let s = `${i.vl || i.vreg >= 0 || i.op >= 0x10000000 ? 'v:' : ''}${i.name}/${i.size}${i.rm >= 0 ? ' r' : ' m'}`;
  if (i.vl) s += ' L1';
  if (i.rep) s += ` rep${i.rep.toString(16)}`;
  if (i.pfx) s += ` p${i.pfx.toString(16)}`;
  if (i.asize !== 8) s += ' a32';
  return s + ` op${(i.op & 0xfffffff).toString(16)}`;
}

/** The profile: instructions run by compiled code, and fallback forms by executions (most first). */
export function fallbackProfile(): { compiled: number; forms: [string, number][] } {
  const forms = profile ? [...profile].map(([k, v]): [string, number] => [k, v.n]).sort((a, b) => b[1] - a[1]) : [];
  return { compiled: compiledRuns.n, forms };
}

/** Compiles a block. */
/** What the region builder needs to know about a translated block (interp.ts's Block). */
export interface RegionBlock {
  readonly addr: number;
  readonly insns: Insn[];
  readonly end: number;
  readonly valid: boolean;
  readonly hits: number;
  /** The block that followed this one last time (a guess for indirect branches and returns). */
  readonly succ: RegionBlock | null;
  readonly succAddr: number;
  /** For the entry block of a compiled region: its own last successor (succ is where the region left). */
  readonly ownSuccAddr: number;
  readonly fn: unknown;
  readonly jitInsns: Insn[];
}

/** A compiled region: its function, and for each instruction index j (c.jk) the instruction and
 * how many instructions of the region's path from its entry retired before it. */
export interface CompiledRegion {
  fn: Compiled;
  insns: Insn[];
  pos: number[];
}

/** Flag helpers templates call (K in compiled code): the ones the handlers use. */
const HELPERS = { getCF, getOF, setCfOf, imul64Overflow };

/** Region limits: instructions and blocks, and instructions a looping region runs per call. */
const REGION_INSNS = 256;
const REGION_BLOCKS = 32;
const LOOP_INSNS = 65536;

const LOOP = 'loop';

/** One block of a region's tree, and where control goes after it. */
interface Node {
  b: RegionBlock;
  parent: Node | null;
  /** Instructions retired on the path from the region's entry before this block. */
  pathLen: number;
  /** Return addresses pushed by direct calls on the path (for guessing where a ret goes). */
  calls: number[];
  exits: Exit[];
}

interface Exit {
  /** The target, or -1 for a branch whose target is only known at run time. */
  addr: number;
  /** For a run-time target: the address guessed (the block inlined after a guard). */
  guess: number;
  child: Node | typeof LOOP | null;
}

function isJcc(op: number): boolean {
  return (op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f);
}

/** The static exits of a block: jcc (taken, fall-through), jmp/call rel (target), no branch (end). */
function staticExits(b: RegionBlock): number[] | null {
  const last = b.insns[b.insns.length - 1];
  if (!last.branch) return [b.end];
  if (last.asize !== 8) return null;
  if (isJcc(last.op)) return [last.imm, last.next];
  if (last.op === 0xe9 || last.op === 0xeb || last.op === 0xe8) return [last.imm];
  return null;
}

/**
 * Builds the region's tree breadth-first from the root: a successor is inlined when it has been
 * translated, is still valid, has run often enough compared with the root, is not already on the
 * path (except the root itself, which becomes a loop), and the limits allow it.
 */
function buildRegion(root: RegionBlock, peek: ((addr: number) => RegionBlock | undefined) | null): Node {
  const top: Node = { b: root, parent: null, pathLen: 0, calls: [], exits: [] };
  let insns = root.insns.length;
  let blocks = 1;
  const queue: Node[] = [top];
  const minHits = Math.max(1, root.hits / 16);
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q];
    const b = n.b;
    const last = b.insns[b.insns.length - 1];
    const st = staticExits(b);
    const isCall = last.asize === 8 && (last.op === 0xe8 || (last.op === 0xff && last.name === 'call'));
    const calls = isCall ? [...n.calls, last.next] : n.calls;
    const targets: { addr: number; guess: number }[] = [];
    if (st) for (const a of st) targets.push({ addr: a, guess: a });
    else if (last.name !== 'syscall') {
      // A run-time target: a ret goes back to the caller on the path, else guess the last successor.
      const isRet = last.op === 0xc3;
      const regionEntry = b.fn !== null && b.jitInsns.length > b.insns.length;
      const guess = isRet && calls.length > 0 ? calls[calls.length - 1] : regionEntry ? b.ownSuccAddr : b.succ !== null ? b.succAddr : -1;
      targets.push({ addr: -1, guess });
    } else targets.push({ addr: -1, guess: -1 });
    for (const t of targets) {
      const e: Exit = { addr: t.addr, guess: t.guess, child: null };
      n.exits.push(e);
      if (t.guess < 0 || peek === null) continue;
      if (t.guess === root.addr) {
        e.child = LOOP;
        continue;
      }
      const cb = peek(t.guess);
      if (cb === undefined || !cb.valid || cb.hits < minHits) continue;
      if (insns + cb.insns.length > REGION_INSNS || blocks >= REGION_BLOCKS) continue;
      let onPath = false;
      for (let p: Node | null = n; p !== null; p = p.parent) if (p.b === cb) onPath = true;
      if (onPath) continue;
      const isRet = last.op === 0xc3 && st === null && n.calls.length > 0 && t.guess === n.calls[n.calls.length - 1];
      const child: Node = {
        b: cb, parent: n, pathLen: n.pathLen + b.insns.length,
        calls: isRet ? n.calls.slice(0, -1) : calls, exits: [],
      };
      e.child = child;
      insns += cb.insns.length;
      blocks++;
      queue.push(child);
    }
  }
  return top;
}

/** live[k]: whether the flags instruction k leaves can be read later (liveOut: after the block). */
function blockLiveness(insns: Insn[], liveOut: boolean): boolean[] {
  const n = insns.length;
  const live: boolean[] = new Array(n).fill(true);
  live[n - 1] = liveOut;
  for (let k = n - 1; k > 0; k--) {
    const e = flagEffect(insns[k]);
    live[k - 1] = e === READS ? true : e === WRITES ? false : live[k];
  }
  return live;
}

/** The arguments of the call whose '(' is at src[open], split at top-level commas, and the index after ')'. */
function callArgs(src: string, open: number): { args: string[]; end: number } | null {
  const args: string[] = [];
  let depth = 0, start = open + 1;
  for (let j = open; j < src.length; j++) {
    const ch = src[j];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        args.push(src.slice(start, j));
        return { args, end: j + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(src.slice(start, j));
      start = j + 1;
    }
  }
  return null;
}

/**
 * The hottest blocks get the TLB hit of their 64-bit loads and stores inline (what MemAccess's
 * read64/write64 do first), the accessor being called only on a miss: V8 does not inline the
 * accessors (bin/rustos keeps its inlining small, so that the many lukewarm blocks compile fast).
 * Rewrites the statements m.read64(a,D,k); and m.write64(a,lo,hi); of compiled source.
 */
function inlineMemory(src: string): string {
  let out = '';
  let pos = 0, n = 0;
  for (;;) {
    const r = src.indexOf('m.read64(', pos), w = src.indexOf('m.write64(', pos);
    const at = r < 0 ? w : w < 0 ? r : Math.min(r, w);
    if (at < 0) return out + src.slice(pos);
    const isRead = at === r;
    const open = at + (isRead ? 8 : 9);
    const call = callArgs(src, open);
    const prev = at > 0 ? src[at - 1] : ';';
    if (call === null || call.args.length !== 3 || src[call.end] !== ';' || !(prev === ';' || prev === '{' || prev === '}')) {
      out += src.slice(pos, open);
      pos = open;
      continue;
    }
    const [a, x, y] = call.args;
    const v = `z${n++}`;
    const head = `{const ${v}a=${a},${v}o=${v}a&4095,${v}v=(${v}a-${v}o)/4096,${v}i=${v}v&4095;`;
    let body: string;
    if (isRead) {
      body = `if(RT[${v}i]===${v}v&&${v}o<=4088){const ${v}p=RO[${v}i]+${v}o;${x}[${y}]=DV.getInt32(${v}p,true);${x}[${y}+1]=DV.getInt32(${v}p+4,true);}` +
        `else m.read64(${v}a,${x},${y});}`;
    } else {
      body = `if(WT[${v}i]===${v}v&&${v}o<=4088){const ${v}p=WO[${v}i]+${v}o;DV.setInt32(${v}p,${x},true);DV.setInt32(${v}p+4,${y},true);}` +
        `else m.write64(${v}a,${x},${y});}`;
    }
    out += src.slice(pos, at) + head + body;
    pos = call.end + 1;
  }
}

/** Compile options: peek finds translated blocks (regions; null: the block alone); hot: inline the TLB hits. */
export interface CompileOptions {
  peek?: ((addr: number) => RegionBlock | undefined) | null;
  hot?: boolean;
}

/** Builds and compiles the region rooted at a hot block (just the block without opts.peek). */
export function compileRegion(root: RegionBlock, opts: CompileOptions = {}): CompiledRegion {
  const peek = opts.peek ?? null;
  const top = buildRegion(root, peek);
  const all: Insn[] = [];
  const pos: number[] = [];
  const guards: RegionBlock[] = [];
  const counters: Counter[] = [];
  let loops = false;

  /** Code for leaving the region (or looping, or entering a child) after a block. */
  const edge = (n: Node, e: Exit, addr: string, guarded: string): string => {
    const L = n.pathLen + n.b.insns.length;
    const leave = `${addr === '' ? '' : `c.rip=${addr};`}c.retired+=${L};return;`;
    if (e.child === null) return leave;
    if (e.child === LOOP) {
      loops = true;
      return `c.retired+=${L};it+=${L};if(${guarded}it>=${LOOP_INSNS}||!B.valid){${addr === '' ? '' : `c.rip=${addr};`}return;}continue;`;
    }
    guards.push(e.child.b);
    const g = guards.length - 1;
    return `if(${guarded}!V[${g}].valid){${leave}}` + emitNode(e.child);
  };

  const emitNode = (n: Node): string => {
    const insns = n.b.insns;
    const cnt = insns.length;
    // The flags are live at the end of every block: any edge may leave the region (a guess that
    // fails, a block invalidated by a store), and the code outside must find exact flags.
    const live = blockLiveness(insns, true);
    let body = '';
    let flags: FlagSrc | undefined;
    let fallbackEnd = false;
    for (let j = 0; j < cnt; j++) {
      const i = insns[j];
      const k = all.length;
      all.push(i);
      pos.push(n.pathLen + j);
      if (j === cnt - 1 && i.branch && i.asize === 8 && n.exits[0].addr >= 0) {
        // The block's static branch: its exits are edges of the region.
        const op = i.op;
        if (isJcc(op)) {
          const e = condExpr(i.sub, flags) ?? `cond(c,${i.sub})`;
          body += `if(${e}){${edge(n, n.exits[0], String(i.imm), '')}}else{${edge(n, n.exits[1], String(i.next), '')}}`;
          return body;
        }
        if (op === 0xe8) body += `c.jk=${k};` + push(k, String(i.next % 2 ** 32 | 0), String(Math.floor(i.next / 2 ** 32)));
        return body + edge(n, n.exits[0], String(i.imm), '');
      }
      const em = emitOne({ k, i, live: live[j], flags });
      if (em === null) {
        if (fallbackLog) fallbackLog(i);
        if (profile) {
          const key = formKey(i);
          let ctr = profile.get(key);
          if (!ctr) profile.set(key, (ctr = { n: 0 }));
          counters[k] = ctr;
          body += `P[${k}].n++;`;
        }
        body += `c.jk=${k};H[${k}](c,I[${k}]);`;
        flags = undefined;
        if (j === cnt - 1) fallbackEnd = true;
        continue;
      }
      // Only instructions that touch memory or call a handler can fault.
      body += (em.code.includes('m.') || em.code.includes('H[') ? `c.jk=${k};` : '') + em.code;
      const e = flagEffect(i);
      if (em.flags) flags = em.flags;
      else if (e !== NEUTRAL) flags = undefined;
    }
    const e = n.exits[0];
    if (e.addr >= 0) return body + edge(n, e, String(e.addr), ''); // no branch: falls through to the end
    // A branch whose target is known at run time (c.rip is set): continue only where guessed.
    const stop = fallbackEnd ? 'c.stop!==0||' : '';
    return body + edge(n, e, '', `${stop}c.rip!==${e.guess}||`);
  };

  let body = emitNode(top);
  let prologue = 'const R=c.R,R8=c.R8,R16=c.R16,T=c.T,X32=c.X32,m=c.mem;';
  if (opts.hot) {
    body = inlineMemory(body);
    prologue += 'const RT=m.rTag,RO=m.rOff,WT=m.wTag,WO=m.wOff,DV=m.dv;';
  }
  if (profile) body = body.replace(/c\.retired\+=(\d+);/g, (s, d) => `${s}PC.n+=${d};`);
  // A region that loops back to its entry iterates here instead of returning to the run loop
  // each time, for a bounded number of instructions (so the scheduler keeps control), and stops
  // if its entry block is invalidated (a store into its own code).
  body = loops ? `${prologue}for(let it=0;;){${body}}` : prologue + body;
  const handlers: Handler[] = all.map((i) => i.fn);
  const make = new Function('H', 'I', 'cond', 'B', 'V', 'P', 'PC', 'K', `return function block(c){${body}}`) as
    (h: Handler[], i: Insn[], c: typeof cond, b: unknown, v: RegionBlock[], p: Counter[], pc: Counter, k: typeof HELPERS) => Compiled;
  return { fn: make(handlers, all, cond, root, guards, counters, compiledRuns, HELPERS), insns: all, pos };
}
