/**
 * Block-compiler templates for integer forms beyond the basic ALU/move set of emit.ts: the F6/F7
 * group (test, not, neg), inc/dec and shifts/rotates by a constant with their flags, adc/sbb,
 * cbw/cwd and their wider forms, and the indirect branches (FF /2, FF /4).
 *
 * Flags are written exactly as the handlers write them (the same lazy-flag record kind, size and
 * operands). Where a handler reads the flags before it (inc/dec keep CF, adc/sbb use it, rotates
 * keep SF/ZF/PF), the template calls the same flag helpers, passed to compiled code as K.
 */

import type { Insn } from '../insn.js';
import { F_SUB, F_ADC, F_SBB, F_INC, F_DEC, F_EAGER, F_FLAGS } from '../state.js';
import { Emitted, lo, hi } from './emit.js';

const TWO32 = '4294967296';

/** The operand E of size 1/2/4 as an expression: a register, or memory at local ad. */
function readE(i: Insn, ad: string): string {
  const sz = i.size;
  if (i.rm >= 0) return sz === 1 ? `R8[${i.rm}]` : sz === 2 ? `R16[${4 * i.rm}]` : lo(i.rm);
  return `m.read${sz * 8}(${ad})`;
}

/** Stores v (already normalized to the size) to E of size 1/2/4 (a 32-bit register write clears the high half). */
function writeE(i: Insn, ad: string, v: string): string {
  const sz = i.size;
  if (i.rm >= 0) return sz === 1 ? `R8[${i.rm}]=${v};` : sz === 2 ? `R16[${4 * i.rm}]=${v};` : `${lo(i.rm)}=${v};${hi(i.rm)}=0;`;
  return `m.write${sz * 8}(${ad},${v});`;
}

/** The address local for a memory operand (declared once), or '' for a register operand. */
function addr(k: number, i: Insn, ea: string | null): string | null {
  if (i.rm >= 0) return '';
  if (ea === null) return null;
  return `const ad${k}=${ea};`;
}

function norm(sz: number, e: string): string {
  return sz === 1 ? `(${e})&255` : sz === 2 ? `(${e})&65535` : `(${e})|0`;
}

/** neg E (F6/F7 /3): 0 - E, flags as sub 0, E. */
export function neg(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  const pre = addr(k, i, ea);
  if (pre === null) return null;
  const ad = `ad${k}`, b = `b${k}`, r = `r${k}`;
  const sz = i.size;
  if (sz !== 8) {
    let s = `${pre}const ${b}=${readE(i, ad)};const ${r}=${norm(sz, `0-${b}`)};${writeE(i, ad, r)}`;
    if (live) s += `c.fOp=${F_SUB};c.fSize=${sz};c.fRes=${r};c.fA=0;c.fB=${b};`;
    return sz === 4 ? { code: s, flags: { kind: 'sub', size: 4, a: '0', aHi: '0', b, bHi: '0', r, rHi: '0' } } : { code: s };
  }
  const bh = `bh${k}`, rh = `rh${k}`;
  let s = pre + (i.rm >= 0 ? `const ${b}=${lo(i.rm)},${bh}=${hi(i.rm)};` : `m.read64(${ad},T,0);const ${b}=T[0],${bh}=T[1];`);
  s += `const ${r}=(0-${b})|0;const ${rh}=(0-${bh}-(${b}!==0?1:0))|0;`;
  s += i.rm >= 0 ? `${lo(i.rm)}=${r};${hi(i.rm)}=${rh};` : `m.write64(${ad},${r},${rh});`;
  if (live) s += `c.fOp=${F_SUB};c.fSize=8;c.fRes=${r};c.fResHi=${rh};c.fA=0;c.fAHi=0;c.fB=${b};c.fBHi=${bh};`;
  return { code: s, flags: { kind: 'sub', size: 8, a: '0', aHi: '0', b, bHi: bh, r, rHi: rh } };
}

/** not E (F6/F7 /2): no flags. */
export function not(k: number, i: Insn, ea: string | null): Emitted | null {
  const pre = addr(k, i, ea);
  if (pre === null) return null;
  const ad = `ad${k}`;
  if (i.size !== 8) {
    const sz = i.size;
    return { code: `${pre}${writeE(i, ad, sz === 4 ? `~${readE(i, ad)}` : `(~${readE(i, ad)})&${sz === 1 ? 255 : 65535}`)}` };
  }
  if (i.rm >= 0) return { code: `${lo(i.rm)}=~${lo(i.rm)};${hi(i.rm)}=~${hi(i.rm)};` };
  return { code: `${pre}m.read64(${ad},T,0);m.write64(${ad},~T[0],~T[1]);` };
}

/** cbw/cwde/cdqe (98) and cwd/cdq/cqo (99). */
export function signExtendAcc(i: Insn): Emitted | null {
  const sz = i.size;
  if (i.op === 0x98) {
    if (sz === 8) return { code: 'R[1]=R[0]>>31;' };
    if (sz === 4) return { code: 'R[0]=(R[0]<<16)>>16;R[1]=0;' };
    return { code: 'R16[0]=((R[0]<<24)>>24)&65535;' };
  }
  if (sz === 8) return { code: 'R[4]=R[1]>>31;R[5]=R[4];' };
  if (sz === 4) return { code: 'R[4]=R[0]>>31;R[5]=0;' };
  return { code: 'R16[8]=((R[0]<<16)>>31)&65535;' };
}

/** inc/dec E with the flags (FE/FF /0 /1): like add/sub 1, with CF carried over. */
export function incDecFlags(k: number, i: Insn, ea: string | null): Emitted | null {
  const pre = addr(k, i, ea);
  if (pre === null) return null;
  const dec = i.sub === 1;
  const fop = dec ? F_DEC : F_INC;
  const ad = `ad${k}`, a = `a${k}`, r = `r${k}`, cf = `cf${k}`;
  const sz = i.size;
  let s = `${pre}const ${cf}=K.getCF(c);`;
  if (sz !== 8) {
    s += `const ${a}=${readE(i, ad)};const ${r}=${norm(sz, `${a}${dec ? '-' : '+'}1`)};${writeE(i, ad, r)}`;
    s += `c.fOp=${fop};c.fSize=${sz};c.fRes=${r};c.fA=${a};c.fB=1;c.fCF=${cf};`;
    return { code: s, flags: sz === 4 ? { kind: 'inc', size: 4, a, aHi: '0', b: '1', bHi: '0', r, rHi: '0' } : undefined };
  }
  const ah = `ah${k}`, rh = `rh${k}`;
  s += i.rm >= 0 ? `const ${a}=${lo(i.rm)},${ah}=${hi(i.rm)};` : `m.read64(${ad},T,0);const ${a}=T[0],${ah}=T[1];`;
  s += dec ? `const ${r}=(${a}-1)|0;const ${rh}=${r}===-1?(${ah}-1)|0:${ah};` : `const ${r}=(${a}+1)|0;const ${rh}=${r}===0?(${ah}+1)|0:${ah};`;
  s += i.rm >= 0 ? `${lo(i.rm)}=${r};${hi(i.rm)}=${rh};` : `m.write64(${ad},${r},${rh});`;
  s += `c.fOp=${fop};c.fSize=8;c.fRes=${r};c.fResHi=${rh};c.fA=${a};c.fAHi=${ah};c.fB=1;c.fBHi=0;c.fCF=${cf};`;
  return { code: s, flags: { kind: 'inc', size: 8, a, aHi: ah, b: '1', bHi: '0', r, rHi: rh } };
}

/**
 * adc/sbb (ALU ops 2 and 3) on E, G / G, E / E, imm / acc, imm. dst and src: a register number,
 * 'm' (memory), or 'i' (the immediate).
 */
export function adcSbb(k: number, i: Insn, op: number, dst: number | 'm', src: number | 'm' | 'i', ea: string | null, live: boolean): Emitted | null {
  if ((dst === 'm' || src === 'm') && ea === null) return null;
  const sbb = op === 3;
  const ad = `ad${k}`, a = `a${k}`, b = `b${k}`, r = `r${k}`, cf = `cf${k}`;
  let s = dst === 'm' || src === 'm' ? `const ${ad}=${ea};` : '';
  s += `const ${cf}=K.getCF(c);`;
  const sz = i.size;
  const fop = sbb ? F_SBB : F_ADC;
  if (sz !== 8) {
    const mask = sz === 1 ? 255 : sz === 2 ? 65535 : -1;
    const rd = (x: number | 'm' | 'i'): string =>
      x === 'm' ? `m.read${sz * 8}(${ad})` : x === 'i' ? String(sz === 4 ? i.imm | 0 : i.imm & mask)
        : sz === 1 ? `R8[${x}]` : sz === 2 ? `R16[${4 * x}]` : lo(x);
    s += `const ${a}=${rd(dst)};const ${b}=${rd(src)};const ${r}=${norm(sz, `${a}${sbb ? '-' : '+'}${b}${sbb ? '-' : '+'}${cf}`)};`;
    if (dst === 'm') s += `m.write${sz * 8}(${ad},${r});`;
    else if (sz === 1) s += `R8[${dst}]=${r};`;
    else if (sz === 2) s += `R16[${4 * (dst as number)}]=${r};`;
    else s += `${lo(dst as number)}=${r};${hi(dst as number)}=0;`;
    if (live) s += `c.fCF=${cf};c.fOp=${fop};c.fSize=${sz};c.fRes=${r};c.fA=${a};c.fB=${b};`;
    return { code: s };
  }
  const ah = `ah${k}`, bh = `bh${k}`, rh = `rh${k}`, t = `s${k}`;
  if (dst === 'm') s += `m.read64(${ad},T,0);const ${a}=T[0],${ah}=T[1];`;
  else s += `const ${a}=${lo(dst as number)},${ah}=${hi(dst as number)};`;
  if (src === 'm') s += `m.read64(${ad},T,2);const ${b}=T[2],${bh}=T[3];`;
  else if (src === 'i') s += `const ${b}=${i.imm | 0},${bh}=${i.immHi | 0};`;
  else s += `const ${b}=${lo(src)},${bh}=${hi(src)};`;
  if (sbb) s += `const ${t}=(${a}>>>0)-(${b}>>>0)-${cf};const ${r}=${t}|0;const ${rh}=(${ah}-${bh}-(${t}<0?1:0))|0;`;
  else s += `const ${t}=(${a}>>>0)+(${b}>>>0)+${cf};const ${r}=${t}|0;const ${rh}=(${ah}+${bh}+(${t}>4294967295?1:0))|0;`;
  s += dst === 'm' ? `m.write64(${ad},${r},${rh});` : `${lo(dst as number)}=${r};${hi(dst as number)}=${rh};`;
  if (live) s += `c.fCF=${cf};c.fOp=${fop};c.fSize=8;c.fRes=${r};c.fResHi=${rh};c.fA=${a};c.fAHi=${ah};c.fB=${b};c.fBHi=${bh};`;
  return { code: s };
}

/** Bit n (0..63) of the 64-bit value (l, h), as an expression. */
function bit64(l: string, h: string, n: number): string {
  return n < 32 ? `((${l}>>>${n})&1)` : `((${h}>>>${n - 32})&1)`;
}

/**
 * rol/ror/shl/shr/sar E by a constant count (C0/C1 imm8, D0/D1 one), any size, register or memory,
 * with or without the flags. Returns null for rcl/rcr. A masked count of 0 changes nothing but the
 * zero-extension of a 32-bit register.
 */
export function shiftConst(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  const s = i.sub & 7;
  if (s === 2 || s === 3) return null;
  const sz = i.size;
  const n = (i.op === 0xd0 || i.op === 0xd1 ? 1 : i.imm) & (sz === 8 ? 63 : 31);
  if (n === 0) return { code: sz === 4 && i.rm >= 0 ? `${hi(i.rm)}=0;` : '' };
  const pre = addr(k, i, ea);
  if (pre === null) return null;
  const ad = `ad${k}`, x = `x${k}`, r = `r${k}`;
  if (sz === 8) return shift64(k, i, s, n, pre, ad, live);
  const bits = sz * 8;
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  let code = `${pre}const ${x}=${sz === 4 ? readE(i, ad) : `${readE(i, ad)}&${mask}`};`;
  let cf = '', of = '';
  const top = (v: string, b: number): string => `((${v}>>>${b})&1)`;
  if (s === 0 || s === 1) {
    const m = n & (bits - 1);
    if (m === 0) code += `const ${r}=${x};`;
    else if (s === 0) code += `const ${r}=${norm(sz, `(${x}<<${m})|(${x}>>>${bits - m})`)};`;
    else code += `const ${r}=${norm(sz, `(${x}>>>${m})|(${x}<<${bits - m})`)};`;
    code += writeE(i, ad, r);
    if (live) {
      if (s === 0) code += `K.setCfOf(c,${r}&1,${top(r, bits - 1)}^(${r}&1));`;
      else code += `K.setCfOf(c,${top(r, bits - 1)},${top(r, bits - 1)}^${top(r, bits - 2)});`;
    }
    return { code };
  }
  if (s === 4 || s === 6) {
    code += `const ${r}=${norm(sz, `${x}<<${n}`)};`;
    cf = n <= bits ? top(x, bits - n) : '0';
    of = `${top(r, bits - 1)}^${cf}`;
  } else if (s === 5) {
    code += `const ${r}=${sz === 4 ? `${x}>>>${n}|0` : `(${x}>>>${n})&${mask}`};`;
    cf = n <= bits ? top(x, n - 1) : '0';
    of = n === 1 ? top(x, bits - 1) : '0';
  } else {
    const sx = sz === 4 ? x : `((${x}<<${32 - bits})>>${32 - bits})`;
    code += `const ${r}=${sz === 4 ? `${sx}>>${n}` : `(${sx}>>${n})&${mask}`};`;
    cf = `((${sx}>>${n - 1})&1)`;
    of = '0';
  }
  code += writeE(i, ad, r);
  if (live) code += `c.fOp=${F_EAGER};c.fSize=${sz};c.fRes=${r};c.fResHi=0;c.fCF=${cf};c.fOF=${of};c.fAF=1;`;
  return { code };
}

/** The 64-bit case of shiftConst (n in 1..63). */
function shift64(k: number, i: Insn, s: number, n: number, pre: string, ad: string, live: boolean): Emitted {
  const l = `l${k}`, h = `h${k}`, rl = `rl${k}`, rh = `rh${k}`;
  let code = pre + (i.rm >= 0 ? `const ${l}=${lo(i.rm)},${h}=${hi(i.rm)};` : `m.read64(${ad},T,0);const ${l}=T[0],${h}=T[1];`);
  const set = (a: string, b: string): string => `const ${rl}=${a};const ${rh}=${b};`;
  let cf = '', of = '', rot = false;
  if (s === 0 || s === 1) {
    // ror n == rol 64-n.
    const m = s === 0 ? n : 64 - n;
    if (m === 32) code += set(h, l);
    else {
      const [a, b] = m < 32 ? [h, l] : [l, h];
      const q = m % 32;
      code += set(`(${b}<<${q})|(${a}>>>${32 - q})`, `(${a}<<${q})|(${b}>>>${32 - q})`);
    }
    rot = true;
    if (s === 0) { cf = `(${rl}&1)`; of = `(${rh}>>>31)^(${rl}&1)`; }
    else { cf = `(${rh}>>>31)`; of = `(${rh}>>>31)^((${rh}>>>30)&1)`; }
  } else if (s === 4 || s === 6) {
    if (n < 32) code += set(`${l}<<${n}`, `(${h}<<${n})|(${l}>>>${32 - n})`);
    else code += set('0', `${l}<<${n - 32}`);
    cf = bit64(l, h, 64 - n);
    of = `(${rh}>>>31)^${cf}`;
  } else if (s === 5) {
    if (n < 32) code += set(`(${l}>>>${n})|(${h}<<${32 - n})`, `${h}>>>${n}`);
    else code += set(`(${h}>>>${n - 32})|0`, '0');
    cf = bit64(l, h, n - 1);
    of = n === 1 ? `(${h}>>>31)` : '0';
  } else {
    if (n < 32) code += set(`(${l}>>>${n})|(${h}<<${32 - n})`, `${h}>>${n}`);
    else code += set(`${h}>>${n - 32}`, `${h}>>31`);
    cf = bit64(l, h, n - 1);
    of = '0';
  }
  code += i.rm >= 0 ? `${lo(i.rm)}=${rl};${hi(i.rm)}=${rh};` : `m.write64(${ad},${rl},${rh});`;
  if (live) {
    code += rot ? `K.setCfOf(c,${cf},${of});`
      : `c.fOp=${F_EAGER};c.fSize=8;c.fRes=${rl};c.fResHi=${rh};c.fCF=${cf};c.fOF=${of};c.fAF=1;`;
  }
  return { code };
}

/** imul G, E / G, E, imm with 32-bit operands, flags included (CF = OF = the product overflowed). */
export function imul32(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  if (i.rm < 0 && ea === null) return null;
  const a = `a${k}`, b = `b${k}`, r = `r${k}`;
  let s = `const ${a}=${i.rm >= 0 ? lo(i.rm) : `m.read32(${ea})`};const ${b}=${i.op === 0x0faf ? lo(i.reg) : String(i.imm | 0)};`;
  s += `const ${r}=Math.imul(${a},${b});${lo(i.reg)}=${r};${hi(i.reg)}=0;`;
  if (live) s += `const f${k}=${a}*${b}!==${r}?1:0;c.fOp=${F_EAGER};c.fSize=4;c.fRes=${r};c.fResHi=0;c.fCF=f${k};c.fOF=f${k};c.fAF=0;`;
  return { code: s };
}

/**
 * call/jmp r/m64 (FF /2, FF /4): the target is read first (a fault changes nothing), then a call
 * pushes the return address; RIP is set, and the block (or region) ends here.
 */
export function branchE(k: number, i: Insn, ea: string | null, push: (k: number, l: string, h: string) => string): Emitted | null {
  if (i.size !== 8) return null;
  const tl = `tl${k}`, th = `th${k}`;
  let s: string;
  if (i.rm >= 0) s = `const ${tl}=${lo(i.rm)},${th}=${hi(i.rm)};`;
  else if (ea !== null) s = `m.read64(${ea},T,2);const ${tl}=T[2],${th}=T[3];`;
  else return null;
  if (i.name === 'call') {
    const n = i.next;
    s += push(k, String(n % 2 ** 32 | 0), String(Math.floor(n / 2 ** 32)));
  }
  return { code: `${s}c.rip=${th}*${TWO32}+(${tl}>>>0);` };
}

/** The 32- or 64-bit source of a bit scan: declares l (and h for 64 bits). */
function scanSrc(k: number, i: Insn, ea: string | null): string | null {
  if (i.rm < 0 && ea === null) return null;
  if (i.size === 8) return i.rm >= 0 ? `const l${k}=${lo(i.rm)},h${k}=${hi(i.rm)};` : `m.read64(${ea},T,0);const l${k}=T[0],h${k}=T[1];`;
  return `const l${k}=${i.rm >= 0 ? lo(i.rm) : `m.read32(${ea})`};`;
}

/** PF (as a flags bit) of the low byte of a small count n (< 256), as an expression. */
function pfOf(n: string): string {
  return `((0x6996>>>((${n}^(${n}>>>4))&15))&1?0:4)`;
}

/**
 * tzcnt/lzcnt (F3 0F BC/BD) and bsf/bsr (0F BC/BD), 32 and 64 bits. tzcnt/lzcnt: the count (the
 * width for 0), CF = source was 0, ZF = count is 0, OF kept, the rest cleared. bsf/bsr: a zero
 * source sets ZF (and PF) and leaves the destination alone; else the index, PF of it, rest clear.
 */
export function bitScan(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  if (i.size !== 4 && i.size !== 8) return null;
  const src = scanSrc(k, i, ea);
  if (src === null) return null;
  const nm = i.name;
  if (nm !== 'tzcnt' && nm !== 'lzcnt' && nm !== 'bsf' && nm !== 'bsr') return null;
  const trailing = nm === 'tzcnt' || nm === 'bsf';
  const count = nm === 'tzcnt' || nm === 'lzcnt';
  const l = `l${k}`, h = `h${k}`, n = `n${k}`;
  const ctz = (x: string): string => `(31-Math.clz32(${x}&-${x}))`;
  const w = i.size * 8;
  let e: string;
  if (trailing) e = i.size === 8 ? `${l}!==0?${ctz(l)}:${h}!==0?32+${ctz(h)}:64` : `${l}!==0?${ctz(l)}:32`;
  else if (count) e = i.size === 8 ? `${h}!==0?Math.clz32(${h}):32+Math.clz32(${l})` : `Math.clz32(${l})`;
  else e = i.size === 8 ? `${h}!==0?63-Math.clz32(${h}):31-Math.clz32(${l})` : `31-Math.clz32(${l})`;
  const setG = `${lo(i.reg)}=${n};${hi(i.reg)}=0;`;
  if (count) {
    let s = `${src}const ${n}=${e};`;
    if (live) s += `const of${k}=K.getOF(c);`;
    s += setG;
    if (live) s += `c.fOp=${F_FLAGS};c.fFlags=(${n}===${w}?1:0)|(${n}===0?64:0)|(of${k}<<11);`;
    return { code: s };
  }
  const zero = i.size === 8 ? `(${l}|${h})===0` : `${l}===0`;
  return { code: `${src}if(${zero}){${live ? `c.fOp=${F_FLAGS};c.fFlags=68;` : ''}}else{const ${n}=${e};${setG}${live ? `c.fOp=${F_FLAGS};c.fFlags=${pfOf(n)};` : ''}}` };
}

/**
 * imul G, E / G, E, imm with 64-bit operands: the low 64 bits of the product; with the flags,
 * CF = OF = the product overflowed (never when both operands fit in 32 bits, else K computes it).
 */
export function imul64(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  if (i.rm < 0 && ea === null) return null;
  const a = `a${k}`, ah = `ah${k}`, b = `b${k}`, bh = `bh${k}`, t = `t${k}`, u = `u${k}`;
  let s = i.rm >= 0 ? `const ${a}=${lo(i.rm)},${ah}=${hi(i.rm)};` : `m.read64(${ea},T,0);const ${a}=T[0],${ah}=T[1];`;
  s += i.op === 0x0faf ? `const ${b}=${lo(i.reg)},${bh}=${hi(i.reg)};` : `const ${b}=${i.imm | 0},${bh}=${i.immHi | 0};`;
  // The high half of the unsigned 32x32 product of the low words, from 16-bit pieces (exact in doubles).
  s += `const ${t}=(${a}>>>0)*(${b}&65535);const ${u}=(${a}>>>0)*(${b}>>>16)+Math.floor(${t}/65536);`;
  const rl = `rl${k}`, rh = `rh${k}`, f = `f${k}`;
  s += `const ${rh}=(Math.floor(${u}/65536)+Math.imul(${a},${bh})+Math.imul(${ah},${b}))|0;const ${rl}=Math.imul(${a},${b});`;
  if (live) s += `const ${f}=${ah}===${a}>>31&&${bh}===${b}>>31?0:K.imul64Overflow(${a},${ah},${b},${bh});`;
  s += `${lo(i.reg)}=${rl};${hi(i.reg)}=${rh};`;
  if (live) s += `c.fOp=${F_EAGER};c.fSize=8;c.fRes=${rl};c.fResHi=${rh};c.fCF=${f};c.fOF=${f};c.fAF=0;`;
  return { code: s };
}

/**
 * shl/shr/sar E, CL (D3) with 32- or 64-bit operands. A masked count of 0 changes nothing (not even
 * memory is touched), except the zero-extension of a 32-bit register.
 */
export function shiftCl(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  const s = i.sub & 7;
  if (s < 4 || (i.size !== 4 && i.size !== 8)) return null;
  const pre = addr(k, i, ea);
  if (pre === null) return null;
  const n = `n${k}`, ad = `ad${k}`;
  const zeroExt = i.size === 4 && i.rm >= 0 ? `else{${hi(i.rm)}=0;}` : '';
  if (i.size === 4) {
    const x = `x${k}`, r = `r${k}`;
    let body = `${pre}const ${x}=${readE(i, ad)};`;
    let cf: string, of: string;
    if (s === 5) {
      body += `const ${r}=(${x}>>>${n})|0;`;
      cf = `(${x}>>>(${n}-1))&1`;
      of = `${n}===1?${x}>>>31:0`;
    } else if (s === 7) {
      body += `const ${r}=${x}>>${n};`;
      cf = `(${x}>>(${n}-1))&1`;
      of = '0';
    } else {
      body += `const ${r}=${x}<<${n};`;
      cf = `(${x}>>>(32-${n}))&1`;
      of = `(${r}>>>31)^(${cf})`;
    }
    body += writeE(i, ad, r);
    if (live) body += `const cf${k}=${cf};c.fOp=${F_EAGER};c.fSize=4;c.fRes=${r};c.fResHi=0;c.fCF=cf${k};c.fOF=${s === 4 || s === 6 ? `(${r}>>>31)^cf${k}` : of};c.fAF=1;`;
    return { code: `const ${n}=R8[8]&31;if(${n}!==0){${body}}${zeroExt}` };
  }
  const l = `l${k}`, h = `h${k}`, rl = `rl${k}`, rh = `rh${k}`, cf = `cf${k}`;
  let body = pre + (i.rm >= 0 ? `const ${l}=${lo(i.rm)},${h}=${hi(i.rm)};` : `m.read64(${ad},T,0);const ${l}=T[0],${h}=T[1];`);
  body += `let ${rl},${rh};`;
  // CF: bit 64-n (left) or n-1 (right) of the source.
  const bitAt = (p: string): string => `(${p}<32?(${l}>>>${p})&1:(${h}>>>(${p}-32))&1)`;
  if (s === 4 || s === 6) {
    body += `if(${n}<32){${rh}=(${h}<<${n})|(${l}>>>(32-${n}));${rl}=${l}<<${n};}else{${rh}=${l}<<(${n}-32);${rl}=0;}`;
    body += `const ${cf}=${bitAt(`(64-${n})`)};`;
  } else {
    const top = s === 7 ? `${h}>>${n}` : `${h}>>>${n}`;
    const high = s === 7 ? `${h}>>(${n}-32)` : `(${h}>>>(${n}-32))|0`;
    body += `if(${n}<32){${rl}=(${l}>>>${n})|(${h}<<(32-${n}));${rh}=${top};}else{${rl}=${high};${rh}=${s === 7 ? `${h}>>31` : '0'};}`;
    body += `const ${cf}=${bitAt(`(${n}-1)`)};`;
  }
  body += i.rm >= 0 ? `${lo(i.rm)}=${rl};${hi(i.rm)}=${rh};` : `m.write64(${ad},${rl},${rh});`;
  if (live) {
    const of = s === 4 || s === 6 ? `(${rh}>>>31)^${cf}` : s === 5 ? `${n}===1?${h}>>>31:0` : '0';
    body += `c.fOp=${F_EAGER};c.fSize=8;c.fRes=${rl};c.fResHi=${rh};c.fCF=${cf};c.fOF=${of};c.fAF=1;`;
  }
  return { code: `const ${n}=R8[8]&63;if(${n}!==0){${body}}` };
}

/** bswap r32/r64 (0F C8+r); the 16-bit form (undefined) is left to the handler. */
export function bswap(i: Insn): Emitted | null {
  const sw = (x: string): string => `((${x}&255)<<24)|((${x}&65280)<<8)|((${x}>>>8)&65280)|(${x}>>>24)`;
  const r = i.reg;
  if (i.size === 4) return { code: `${lo(r)}=${sw(lo(r))};${hi(r)}=0;` };
  if (i.size === 8) return { code: `{const l=${lo(r)};${lo(r)}=${sw(hi(r))};${hi(r)}=${sw('l')};}` };
  return null;
}

/** bzhi r32, r/m32, r32 (BMI2): the low n = vvvv[7:0] bits kept; CF = n > 31, OF = 0. */
export function bzhi(k: number, i: Insn, ea: string | null, live: boolean): Emitted | null {
  if (i.size !== 4 || (i.rm < 0 && ea === null)) return null;
  const n = `n${k}`, s = `s${k}`, r = `r${k}`;
  let code = `const ${n}=${lo(i.vreg)}&255;const ${s}=${i.rm >= 0 ? lo(i.rm) : `m.read32(${ea})`};`;
  code += `const ${r}=${n}>=32?${s}:${n}===0?0:${s}&(-1>>>(32-${n}));${lo(i.reg)}=${r};${hi(i.reg)}=0;`;
  if (live) code += `c.fOp=${F_EAGER};c.fSize=4;c.fRes=${r};c.fResHi=0;c.fCF=${n}>31?1:0;c.fOF=0;c.fAF=0;`;
  return { code };
}
