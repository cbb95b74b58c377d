/**
 * Block-compiler templates for the SSE2 and AVX/AVX2 forms that vectorized code executes most:
 * glibc's string and memory routines (pcmpeqb/vpcmpeqb, pminub/vpminub, por/vpor, pxor/vpxor,
 * pandn/vpandn, pmovmskb/vpmovmskb, vptest, whole-register loads and stores, vzeroupper,
 * vpbroadcastb) and gcc's vectorized loops (dword arithmetic and shifts, logic, movd/movq).
 *
 * Every template keeps the handlers' semantics exactly:
 *  - a legacy SSE form works on xmm only and leaves bits 128..255 of the ymm register alone; its
 *    m128 operand must be 16-byte aligned (#GP otherwise);
 *  - a VEX form takes any address (except vmovdqa/vmovaps/vmovapd, aligned to their own size),
 *    reads its first source from VEX.vvvv, and a VEX.128 form zeroes bits 128..255 of the xmm it
 *    writes; VEX.256 works on both 128-bit halves;
 *  - a memory operand is read completely (into scratch T[16..23]) before anything is written, and a
 *    store that crosses a page, or a misaligned aligned form, goes to the handler, which raises the
 *    fault before any change.
 * Byte lanes are computed on int32 dwords with SWAR arithmetic (no carries cross a byte).
 */

import type { Insn } from '../insn.js';
import type { Emitted } from './emit.js';
import { F_FLAGS } from '../state.js';

const VEX = 0x10000000;

/** The X32 index of dword j (0..7) of ymm n (dwords 4..7 are the upper half, from X32[64]). */
function xi(n: number, j: number): string {
  return `X32[${j < 4 ? 4 * n + j : 64 + 4 * n + j - 4}]`;
}

/** Statements zeroing bits 128..255 of ymm n. */
function zeroUpper(n: number): string {
  let s = '';
  for (let j = 4; j < 8; j++) s += `${xi(n, j)}=0;`;
  return s;
}

/** A dword lane: statements defining const r from int32 locals a and b (t: a prefix for temporaries). */
type Lane = (r: string, a: string, b: string, t: string) => string;

const H = '0x80808080', L = '0x7f7f7f7f';
/** Per-byte a - b (no borrow across bytes). */
const subBytes = (a: string, b: string): string => `((${a}|${H})-(${b}&${L}))^((${a}^~${b})&${H})`;
/** 0xff in each byte where a < b (unsigned), from the borrow out of each byte's subtraction. */
const ltuBytes = (t: string, a: string, b: string): string =>
  `const ${t}d=${subBytes(a, b)};const ${t}m=Math.imul((((~${a}&${b})|(~(${a}^${b})&${t}d))&${H})>>>7,255);`;

const LANES: Record<string, Lane> = {
  pxor: (r, a, b) => `const ${r}=${a}^${b};`,
  por: (r, a, b) => `const ${r}=${a}|${b};`,
  pand: (r, a, b) => `const ${r}=${a}&${b};`,
  pandn: (r, a, b) => `const ${r}=~${a}&${b};`,
  paddd: (r, a, b) => `const ${r}=(${a}+${b})|0;`,
  psubd: (r, a, b) => `const ${r}=(${a}-${b})|0;`,
  pcmpeqd: (r, a, b) => `const ${r}=${a}===${b}?-1:0;`,
  pcmpgtd: (r, a, b) => `const ${r}=${a}>${b}?-1:0;`,
  // Bit 7 of each byte of ((x & 7f) + 7f) | x is set when the byte of x is not zero.
  pcmpeqb: (r, a, b, t) => `const ${t}x=${a}^${b};const ${r}=Math.imul((~(((${t}x&${L})+${L})|${t}x)&${H})>>>7,255);`,
  pcmpeqw: (r, a, b, t) =>
    `const ${t}x=${a}^${b};const ${r}=Math.imul((~(((${t}x&0x7fff7fff)+0x7fff7fff)|${t}x)&0x80008000)>>>15,65535);`,
  paddb: (r, a, b) => `const ${r}=((${a}&${L})+(${b}&${L}))^((${a}^${b})&${H});`,
  psubb: (r, a, b) => `const ${r}=${subBytes(a, b)};`,
  pminub: (r, a, b, t) => `${ltuBytes(t, a, b)}const ${r}=(${a}&${t}m)|(${b}&~${t}m);`,
  pmaxub: (r, a, b, t) => `${ltuBytes(t, a, b)}const ${r}=(${b}&${t}m)|(${a}&~${t}m);`,
};

/**
 * Dword-lane binary forms: [map-0F opcode, legacy mandatory prefix, lane]. The VEX forms are the
 * same opcode and prefix under VEX (three operands, 128 and 256 bits).
 */
const BINARY: [number, number, string][] = [
  [0xef, 0x66, 'pxor'], [0xeb, 0x66, 'por'], [0xdb, 0x66, 'pand'], [0xdf, 0x66, 'pandn'],
  [0xfe, 0x66, 'paddd'], [0xfa, 0x66, 'psubd'], [0x76, 0x66, 'pcmpeqd'], [0x66, 0x66, 'pcmpgtd'],
  [0x74, 0x66, 'pcmpeqb'], [0x75, 0x66, 'pcmpeqw'], [0xfc, 0x66, 'paddb'], [0xf8, 0x66, 'psubb'],
  [0xda, 0x66, 'pminub'], [0xde, 0x66, 'pmaxub'],
  [0x57, 0, 'pxor'], [0x57, 0x66, 'pxor'], [0x56, 0, 'por'], [0x56, 0x66, 'por'], // xorps/pd, orps/pd
  [0x54, 0, 'pand'], [0x54, 0x66, 'pand'], [0x55, 0, 'pandn'], [0x55, 0x66, 'pandn'], // andps/pd, andnps/pd
];
const binary = new Map<number, Lane>();
for (const [op, pfx, lane] of BINARY) binary.set(((0x0f00 | op) << 8) | pfx, LANES[lane]);

/** Whole-register moves: map-0F opcode and prefix -> [load (else store), aligned]. */
const MOVES = new Map<number, [boolean, boolean]>();
for (const [op, pfx, ld, al] of [
  [0x6f, 0x66, 1, 1], [0x6f, 0xf3, 1, 0], [0x7f, 0x66, 0, 1], [0x7f, 0xf3, 0, 0], // movdqa/movdqu
  [0x28, 0, 1, 1], [0x28, 0x66, 1, 1], [0x29, 0, 0, 1], [0x29, 0x66, 0, 1], // movaps/movapd
  [0x10, 0, 1, 0], [0x10, 0x66, 1, 0], [0x11, 0, 0, 0], [0x11, 0x66, 0, 0], // movups/movupd
]) MOVES.set(((0x0f00 | op) << 8) | pfx, [ld === 1, al === 1]);

/** The key of a map-0F form: opcode and mandatory prefix (VEX forms: VEX.pp). */
function key(i: Insn): number {
  const op = i.op & (VEX - 1);
  return op >= 0x0f00 && op <= 0x0fff ? (op << 8) | i.pfx : -1;
}

/**
 * Reads the 16 or 32 bytes at local ad into T[16..], then declares int32 locals `${v}0..` from them
 * (before any other code can use T). Nothing changes if a read faults.
 */
function loadMem(ad: string, v: string, n: number): string {
  let s = '';
  for (let j = 0; j < n; j += 2) s += `m.read64(${ad}${j ? `+${4 * j}` : ''},T,${16 + j});`;
  for (let j = 0; j < n; j++) s += `const ${v}${j}=T[${16 + j}];`;
  return s;
}

/** Wraps a memory form: the address, the alignment rule (misaligned: the handler faults), the body. */
function withAddr(k: number, ea: string, align: number, body: string): string {
  const ad = `ad${k}`;
  if (align === 0) return `const ${ad}=${ea};${body}`;
  return `const ${ad}=${ea};if(${ad}%${align}!==0){H[${k}](c,I[${k}]);}else{${body}}`;
}

/** Template for a vector form, or null. `ea` is the address expression for memory operands. */
export function emitVec(k: number, i: Insn, ea: string | null): Emitted | null {
  if (i.asize !== 8) return null;
  const vex = i.op >= VEX;
  const kk = key(i);
  if (i.rm < 0 && ea === null) return null;
  const wide = vex && i.vl === 1;
  const n = wide ? 8 : 4;

  const lane = binary.get(kk);
  if (lane !== undefined) {
    if (!vex && i.vreg >= 0) return null;
    const s1 = vex ? i.vreg : i.reg;
    let pre = '', body = '';
    for (let j = 0; j < n; j++) {
      body += `const a${k}_${j}=${xi(s1, j)};`;
      if (i.rm >= 0) body += `const b${k}_${j}=${xi(i.rm, j)};`;
    }
    if (i.rm < 0) pre = loadMem(`ad${k}`, `b${k}_`, n);
    for (let j = 0; j < n; j++) body += lane(`r${k}_${j}`, `a${k}_${j}`, `b${k}_${j}`, `t${k}_${j}`);
    for (let j = 0; j < n; j++) body += `${xi(i.reg, j)}=r${k}_${j};`;
    if (vex && !wide) body += zeroUpper(i.reg);
    return { code: i.rm < 0 ? withAddr(k, ea!, vex ? 0 : 16, pre + body) : body };
  }

  const mv = MOVES.get(kk);
  if (mv !== undefined) {
    if (!vex && i.vreg >= 0) return null;
    const [isLoad, aligned] = mv;
    const bytes = 4 * n;
    let body = '';
    if (i.rm >= 0) {
      const d = isLoad ? i.reg : i.rm, s = isLoad ? i.rm : i.reg;
      for (let j = 0; j < n; j++) body += `const v${k}_${j}=${xi(s, j)};`;
      for (let j = 0; j < n; j++) body += `${xi(d, j)}=v${k}_${j};`;
      if (vex && !wide) body += zeroUpper(d);
      return { code: body };
    }
    const ad = `ad${k}`;
    if (isLoad) {
      body = loadMem(ad, `v${k}_`, n);
      for (let j = 0; j < n; j++) body += `${xi(i.reg, j)}=v${k}_${j};`;
      if (vex && !wide) body += zeroUpper(i.reg);
      return { code: withAddr(k, ea!, aligned ? bytes : 0, body) };
    }
    // A store that crosses a page could fault half-way: the handler checks both pages first.
    for (let j = 0; j < n; j += 2) body += `m.write64(${ad}${j ? `+${4 * j}` : ''},${xi(i.reg, j)},${xi(i.reg, j + 1)});`;
    const bad = `${aligned ? `${ad}%${bytes}!==0||` : ''}${ad}%4096>${4096 - bytes}`;
    return { code: `const ${ad}=${ea};if(${bad}){H[${k}](c,I[${k}]);}else{${body}}` };
  }

  switch (kk) {
    case 0x0fd766: { // pmovmskb / vpmovmskb r32, xmm/ymm: the byte sign bits
      if (i.rm < 0 || (!vex && i.vreg >= 0)) return null;
      // Bits 7, 15, 23, 31 of a dword, gathered into bits 28..31 by one multiply.
      let e = '';
      for (let j = 0; j < n; j++) {
        const part = `(Math.imul((${xi(i.rm, j)}>>>7)&0x01010101,0x10204080)>>>28)`;
        e += `${j ? '|' : ''}${j ? `(${part}<<${4 * j})` : part}`;
      }
      return { code: `R[${2 * i.reg}]=${e};R[${2 * i.reg + 1}]=0;` };
    }
    case 0x0f7700: // vzeroupper / vzeroall
      if (!vex) return null;
      return { code: i.vl === 1 ? 'X32.fill(0,0,128);' : 'X32.fill(0,64,128);' };
    case 0x0f6e66: { // movd/movq xmm, r/m32/64 (VEX: upper zeroed too)
      if (!vex && i.vreg >= 0) return null;
      const d = i.reg;
      let v: string;
      if (i.size === 8) {
        v = i.rm >= 0 ? `${xi(d, 0)}=R[${2 * i.rm}];${xi(d, 1)}=R[${2 * i.rm + 1}];`
          : `m.read64(${ea},T,16);${xi(d, 0)}=T[16];${xi(d, 1)}=T[17];`;
      } else v = `${xi(d, 0)}=${i.rm >= 0 ? `R[${2 * i.rm}]` : `m.read32(${ea})`};${xi(d, 1)}=0;`;
      return { code: `${v}${xi(d, 2)}=0;${xi(d, 3)}=0;${vex ? zeroUpper(d) : ''}` };
    }
    case 0x0f7e66: { // movd/movq r/m32/64, xmm
      // (The VEX handler probes a memory destination by reading it first: leave that form to it.)
      if ((!vex && i.vreg >= 0) || (vex && i.rm < 0)) return null;
      const s = i.reg;
      if (i.size === 8) {
        return { code: i.rm >= 0 ? `R[${2 * i.rm}]=${xi(s, 0)};R[${2 * i.rm + 1}]=${xi(s, 1)};` : `m.write64(${ea},${xi(s, 0)},${xi(s, 1)});` };
      }
      return { code: i.rm >= 0 ? `R[${2 * i.rm}]=${xi(s, 0)};R[${2 * i.rm + 1}]=0;` : `m.write32(${ea},${xi(s, 0)});` };
    }
    case 0x0f7ef3: { // movq xmm, xmm/m64 (VEX: upper zeroed too)
      if (!vex && i.vreg >= 0) return null;
      const d = i.reg;
      const src = i.rm >= 0 ? `const q${k}0=${xi(i.rm, 0)},q${k}1=${xi(i.rm, 1)};` : `m.read64(${ea},T,16);const q${k}0=T[16],q${k}1=T[17];`;
      return { code: `${src}${xi(d, 0)}=q${k}0;${xi(d, 1)}=q${k}1;${xi(d, 2)}=0;${xi(d, 3)}=0;${vex ? zeroUpper(d) : ''}` };
    }
    case 0x0fd666: { // movq xmm/m64, xmm
      if (!vex && i.vreg >= 0) return null;
      const s = i.reg;
      if (i.rm < 0) return { code: `m.write64(${ea},${xi(s, 0)},${xi(s, 1)});` };
      const d = i.rm;
      return { code: `const q${k}0=${xi(s, 0)},q${k}1=${xi(s, 1)};${xi(d, 0)}=q${k}0;${xi(d, 1)}=q${k}1;${xi(d, 2)}=0;${xi(d, 3)}=0;${vex ? zeroUpper(d) : ''}` };
    }
    case 0x0f1600: case 0x0f1666: { // movhps/movhpd xmm, m64 and movlhps xmm, xmm (legacy): the high quadword
      if (vex || i.vreg >= 0 || (i.rm >= 0 && i.pfx !== 0)) return null;
      const d = i.reg;
      const src = i.rm >= 0 ? `const q${k}0=${xi(i.rm, 0)},q${k}1=${xi(i.rm, 1)};` : `m.read64(${ea},T,16);const q${k}0=T[16],q${k}1=T[17];`;
      return { code: `${src}${xi(d, 2)}=q${k}0;${xi(d, 3)}=q${k}1;` };
    }
    case 0x0f1700: case 0x0f1766: // movhps/movhpd m64, xmm (legacy)
      if (vex || i.vreg >= 0 || i.rm >= 0) return null;
      return { code: `m.write64(${ea},${xi(i.reg, 2)},${xi(i.reg, 3)});` };
    case 0x0f6c66: // punpcklqdq xmm, xmm/m128 (legacy only): dst = [dst.q0, src.q0]
    case 0x0f7066: { // pshufd xmm, xmm/m128, imm8 (legacy only)
      if (vex || i.vreg >= 0) return null;
      let src = '';
      if (i.rm >= 0) for (let j = 0; j < 4; j++) src += `const s${k}_${j}=${xi(i.rm, j)};`;
      else src = loadMem(`ad${k}`, `s${k}_`, 4);
      const d = i.reg;
      let body: string;
      if (kk === 0x0f6c66) body = `${xi(d, 2)}=s${k}_0;${xi(d, 3)}=s${k}_1;`;
      else {
        body = '';
        for (let j = 0; j < 4; j++) body += `${xi(d, j)}=s${k}_${(i.imm >> (2 * j)) & 3};`;
      }
      return { code: i.rm >= 0 ? src + body : withAddr(k, ea!, 16, src + body) };
    }
    case 0x0f7266: { // pslld/psrld/psrad xmm, imm8 (legacy)
      if (vex || i.rm < 0) return null;
      const nm = i.name, c = i.imm & 255;
      if (nm !== 'pslld' && nm !== 'psrld' && nm !== 'psrad') return null;
      let body = '';
      for (let j = 0; j < 4; j++) {
        const x = xi(i.rm, j);
        body += `${x}=${c > 31 ? (nm === 'psrad' ? `${x}>>31` : '0') : `${x}${nm === 'pslld' ? '<<' : nm === 'psrld' ? '>>>' : '>>'}${c}|0`};`;
      }
      return { code: body };
    }
  }
  if (vex && (i.op & (VEX - 1)) === 0x0f3878 && i.pfx === 0x66) {
    // vpbroadcastb xmm/ymm, xmm/m8
    const b = i.rm >= 0 ? `(${xi(i.rm, 0)}&255)` : `m.read8(${ea})`;
    let body = `const v${k}=Math.imul(${b},0x01010101);`;
    for (let j = 0; j < n; j++) body += `${xi(i.reg, j)}=v${k};`;
    if (!wide) body += zeroUpper(i.reg);
    return { code: body };
  }
  if (vex && (i.op & (VEX - 1)) === 0x0f3817 && i.pfx === 0x66) {
    // vptest xmm/ymm, xmm/ymm/m: ZF = (a & b) == 0, CF = (~a & b) == 0, the other flags cleared.
    let pre = '';
    if (i.rm < 0) pre = loadMem(`ad${k}`, `b${k}_`, n);
    else for (let j = 0; j < n; j++) pre += `const b${k}_${j}=${xi(i.rm, j)};`;
    let z = '', cf = '';
    for (let j = 0; j < n; j++) {
      z += `${j ? '|' : ''}(${xi(i.reg, j)}&b${k}_${j})`;
      cf += `${j ? '|' : ''}(~${xi(i.reg, j)}&b${k}_${j})`;
    }
    const body = `${pre}c.fOp=${F_FLAGS};c.fFlags=((${z})===0?64:0)|((${cf})===0?1:0);`;
    return { code: i.rm < 0 ? withAddr(k, ea!, 0, body) : body };
  }
  return null;
}

/** Whether a vector form has a template here and leaves EFLAGS alone (the liveness pass). */
export function isVecNeutral(i: Insn): boolean {
  const vex = i.op >= VEX;
  const kk = key(i);
  if (binary.has(kk) || MOVES.has(kk)) return vex || i.vreg < 0;
  switch (kk) {
    case 0x0fd766: case 0x0f6e66: case 0x0f7e66: case 0x0f7ef3: case 0x0fd666:
      return vex || i.vreg < 0;
    case 0x0f7700: return vex;
    case 0x0f6c66: case 0x0f7066: return !vex;
    case 0x0f1600: case 0x0f1666: return !vex && (i.rm < 0 || i.pfx === 0);
    case 0x0f1700: case 0x0f1766: return !vex && i.rm < 0;
    case 0x0f7266: return !vex && i.rm >= 0 && (i.name === 'pslld' || i.name === 'psrld' || i.name === 'psrad');
  }
  return vex && (i.op & (VEX - 1)) === 0x0f3878 && i.pfx === 0x66;
}

/** Whether a vector form is templated here and sets all the arithmetic flags (vptest). */
export function isVecFlagWriter(i: Insn): boolean {
  return i.op >= VEX && (i.op & (VEX - 1)) === 0x0f3817 && i.pfx === 0x66;
}
