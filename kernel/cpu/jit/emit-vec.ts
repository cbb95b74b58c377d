/**
 * Block-compiler templates for the SSE2 integer and move forms that vectorized loops (gcc's
 * -O2 output, glibc's string routines) execute most: register-to-register moves and logic,
 * 32-bit lane arithmetic and shifts, unaligned 128-bit loads, and aligned/unaligned stores that
 * stay within a page. Everything else (floating point with MXCSR flags, shuffles, memory operands
 * that need alignment checks) stays with the interpreter's handlers.
 */

import type { Insn } from '../insn.js';
import type { Emitted } from './emit.js';

const X = (x: number, j: number): string => `X32[${4 * x + j}]`;

function lanes(f: (j: number) => string): string {
  let s = '';
  for (let j = 0; j < 4; j++) s += f(j);
  return s;
}

/** 128-bit load into xmm d from local address ad (all four reads happen before any write). */
function load(k: number, d: number, ad: string): string {
  return `const q${k}0=m.read32(${ad}),q${k}1=m.read32(${ad}+4),q${k}2=m.read32(${ad}+8),q${k}3=m.read32(${ad}+12);` +
    lanes((j) => `${X(d, j)}=q${k}${j};`);
}

const BIN: Record<string, (a: string, b: string) => string> = {
  pxor: (a, b) => `${a}^${b}`,
  por: (a, b) => `${a}|${b}`,
  pand: (a, b) => `${a}&${b}`,
  pandn: (a, b) => `~${a}&${b}`,
  paddd: (a, b) => `(${a}+${b})|0`,
  psubd: (a, b) => `(${a}-${b})|0`,
  pcmpeqd: (a, b) => `${a}===${b}?-1:0`,
  xorps: (a, b) => `${a}^${b}`,
  xorpd: (a, b) => `${a}^${b}`,
  andps: (a, b) => `${a}&${b}`,
  andpd: (a, b) => `${a}&${b}`,
  orps: (a, b) => `${a}|${b}`,
  orpd: (a, b) => `${a}|${b}`,
};

const MOVES = new Set(['movdqa', 'movdqu', 'movaps', 'movups', 'movapd', 'movupd']);
const UNALIGNED = new Set(['movdqu', 'movups', 'movupd']);

/** Template for an SSE form, or null. `ea` is the address expression for memory operands. */
export function emitVec(k: number, i: Insn, ea: string | null): Emitted | null {
  const n = i.name;
  const op = i.op;
  if (MOVES.has(n) && i.vl === 0 && i.vreg < 0) {
    const isLoad = op === 0x0f6f || op === 0x0f28 || op === 0x0f10;
    const isStore = op === 0x0f7f || op === 0x0f29 || op === 0x0f11;
    if (i.rm >= 0) {
      if (isLoad) return { code: lanes((j) => `${X(i.reg, j)}=${X(i.rm, j)};`) };
      if (isStore) return { code: lanes((j) => `${X(i.rm, j)}=${X(i.reg, j)};`) };
      return null;
    }
    if (ea === null) return null;
    const ad = `ad${k}`;
    // Aligned forms fault on a misaligned address: the handler raises that, precisely.
    const guard = UNALIGNED.has(n) ? '' : `(${ad}%16)!==0||`;
    if (isLoad) {
      return { code: `const ${ad}=${ea};if(${guard}false){H[${k}](c,I[${k}]);}else{${load(k, i.reg, ad)}}` };
    }
    if (isStore) {
      // A store crossing a page could fault half-way: leave those to the handler.
      return { code: `const ${ad}=${ea};if(${guard}(${ad}%4096)>4080){H[${k}](c,I[${k}]);}else{` +
        lanes((j) => `m.write32(${ad}+${4 * j},${X(i.reg, j)});`) + '}' };
    }
    return null;
  }
  const f = BIN[n];
  if (f && i.rm >= 0 && i.vreg < 0 && (i.pfx === 0x66 || n.endsWith('ps'))) {
    return { code: lanes((j) => `${X(i.reg, j)}=${f(X(i.reg, j), X(i.rm, j))};`) };
  }
  if ((n === 'pslld' || n === 'psrld' || n === 'psrad') && op === 0x0f72 && i.pfx === 0x66 && i.rm >= 0) {
    const c = i.imm & 255;
    if (c > 31) return { code: lanes((j) => `${X(i.rm, j)}=${n === 'psrad' ? `${X(i.rm, j)}>>31` : '0'};`) };
    const o = n === 'pslld' ? '<<' : n === 'psrld' ? '>>>' : '>>';
    return { code: lanes((j) => `${X(i.rm, j)}=${X(i.rm, j)}${o}${c}|0;`) };
  }
  return null;
}

/** SSE forms that never touch EFLAGS (for the compiler's flag-liveness pass). */
export function isVecNeutral(i: Insn): boolean {
  const n = i.name;
  return MOVES.has(n) || n in BIN || ((n === 'pslld' || n === 'psrld' || n === 'psrad') && i.op === 0x0f72 && i.pfx === 0x66);
}
