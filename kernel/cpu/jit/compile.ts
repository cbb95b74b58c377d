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
import type { Cpu } from '../state.js';
import { cond } from '../flags.js';
import { Emitted, FlagSrc, alu, condExpr, eaExpr, lo, hi } from './emit.js';
import { emitVec, isVecNeutral } from './emit-vec.js';

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
      return alu(k, i, i.sub, false, regOrMem(i), 'i', x.live, ea);
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
      // Shifts and rotates by an immediate whose flags nobody reads: just the data.
      if (x.live || i.rm < 0 || (sz !== 4 && sz !== 8)) return null;
      if (s === 2 || s === 3) return null; // rcl/rcr use CF
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
      if ((i.name === 'inc' || i.name === 'dec') && !x.live) return incDec(i, ea);
      return null;
    case 0x0faf: case 0x69: case 0x6b: {
      if (x.live || sz !== 4) return null;
      const a = i.rm >= 0 ? lo(i.rm) : `m.read32(${ea})`;
      const b = op === 0x0faf ? lo(i.reg) : String(i.imm | 0);
      return { code: `${lo(i.reg)}=Math.imul(${a},${b});${hi(i.reg)}=0;` };
    }
  }
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
  if (op >= 0x0f40 && op <= 0x0f4f && (sz === 4 || sz === 8) && i.rm >= 0) {
    const e = condExpr(i.sub, x.flags) ?? `cond(c,${i.sub})`;
    if (sz === 4) return { code: `if(${e}){${lo(i.reg)}=${lo(i.rm)};}${hi(i.reg)}=0;` };
    return { code: `if(${e}){${lo(i.reg)}=${lo(i.rm)};${hi(i.reg)}=${hi(i.rm)};}` };
  }
  if (op >= 0x0f90 && op <= 0x0f9f && i.rm >= 0) {
    const e = condExpr(i.sub, x.flags) ?? `cond(c,${i.sub})`;
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
export function compileBlock(insns: Insn[], self: { readonly addr: number; readonly valid: boolean } | null = null): Compiled {
  const n = insns.length;
  const live: boolean[] = new Array(n).fill(true);
  for (let k = n - 1; k > 0; k--) {
    const e = flagEffect(insns[k]);
    live[k - 1] = e === READS ? true : e === WRITES ? false : live[k];
  }
  let body = profile ? `PC.n+=${n};` : '';
  const counters: Counter[] = [];
  let flags: FlagSrc | undefined;
  for (let k = 0; k < n; k++) {
    const i = insns[k];
    const em = emitOne({ k, i, live: live[k], flags });
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
      continue;
    }
    body += `c.jk=${k};` + em.code;
    const e = flagEffect(i);
    if (em.flags) flags = em.flags;
    else if (e !== NEUTRAL) flags = undefined;
  }
  const handlers: Handler[] = insns.map((i) => i.fn);
  const prologue = 'const R=c.R,R8=c.R8,R16=c.R16,T=c.T,X32=c.X32,m=c.mem;';
  const last = insns[n - 1];
  const isJump = last.op === 0xe9 || last.op === 0xeb || (last.op >= 0x70 && last.op <= 0x7f) || (last.op >= 0x0f80 && last.op <= 0x0f8f);
  if (self && isJump && last.imm === self.addr) {
    // A loop (the block branches back to itself): iterate here instead of returning to the
    // run loop each time. Retired instructions are counted per completed iteration; the run
    // loop counts the last one. The loop also stops if the block is invalidated (a store into
    // its own code) and after a bounded number of iterations, so the scheduler keeps control.
    body = `${prologue}for(let it=0;;it++){${body}if(c.rip!==${self.addr}||!B.valid||it>=${LOOP_LIMIT})break;c.retired+=${n};}`;
  } else body = prologue + body;
  const make = new Function('H', 'I', 'cond', 'B', 'P', 'PC', `return function block(c){${body}}`) as
    (h: Handler[], i: Insn[], c: typeof cond, b: unknown, p: Counter[], pc: Counter) => Compiled;
  return make(handlers, insns, cond, self, counters, compiledRuns);
}
