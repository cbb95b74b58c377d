/**
 * SSE4.1 integer SIMD on xmm registers (66 0F 38 / 66 0F 3A, m128 aligned): pmuldq, pmulld,
 * pcmpeqq, packusdw, the byte/word/dword min/max completions (pminsb/sd, pminuw/ud, pmaxsb/sd,
 * pmaxuw/ud), phminposuw, ptest, mpsadbw and the blends (pblendw, blendps/pd by imm8;
 * pblendvb, blendvps/pd by the sign bits of xmm0). Also pcmpgtq, which SSE4.2 added to the same map.
 *
 * Operands are staged by simd-stage.ts (P destination, Q source, R result).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F38, MAP_0F3A, I_UB } from '../optable.js';
import { P8, P16, P32, Q8, Q16, Q32, R8, R16, R32, Body, xmmHandler, stageX, commitX, sb, satUW } from './simd-stage.js';
import { F_FLAGS } from '../state.js';

/** A lane-wise body over the n/size lanes. */
function lanes8(f: (a: number, b: number) => number): Body {
  return (n) => { for (let j = 0; j < n; j++) R8[j] = f(P8[j], Q8[j]); };
}
function lanes16(f: (a: number, b: number) => number): Body {
  return (n) => { for (let j = 0; j < n >> 1; j++) R16[j] = f(P16[j], Q16[j]); };
}
function lanes32(f: (a: number, b: number) => number): Body {
  return (n) => { for (let j = 0; j < n >> 2; j++) R32[j] = f(P32[j], Q32[j]); };
}

/** Signed 32 x 32 -> 64 product of a and b into R32[q], R32[q+1]. */
function mulS64(a: number, b: number, q: number): void {
  const ua = a >>> 0, ub = b >>> 0;
  const al = ua & 0xffff, ah = ua >>> 16, bl = ub & 0xffff, bh = ub >>> 16;
  const mid = al * bh + ah * bl;
  const midLo = mid % 65536;
  const lo = al * bl + midLo * 65536;
  let hi = ah * bh + (mid - midLo) / 65536 + (lo >= 4294967296 ? 1 : 0);
  // Unsigned to signed: subtract 2^32 * (the other operand) for each negative operand.
  if (a < 0) hi -= ub;
  if (b < 0) hi -= ua;
  R32[q] = lo | 0;
  R32[q + 1] = hi | 0;
}

function pmuldq(): void {
  mulS64(P32[0], Q32[0], 0);
  mulS64(P32[2], Q32[2], 2);
}

function pcmpeqq(): void {
  for (let q = 0; q < 4; q += 2) {
    const e = P32[q] === Q32[q] && P32[q + 1] === Q32[q + 1] ? -1 : 0;
    R32[q] = e; R32[q + 1] = e;
  }
}

/** pcmpgtq (SSE4.2): signed 64-bit greater-than. */
function pcmpgtq(): void {
  for (let q = 0; q < 4; q += 2) {
    const ah = P32[q + 1], bh = Q32[q + 1];
    const gt = ah > bh || (ah === bh && P32[q] >>> 0 > Q32[q] >>> 0) ? -1 : 0;
    R32[q] = gt; R32[q + 1] = gt;
  }
}

function packusdw(): void {
  for (let j = 0; j < 4; j++) {
    R16[j] = satUW(P32[j]);
    R16[4 + j] = satUW(Q32[j]);
  }
}

/** phminposuw: the smallest unsigned word of the source and its (lowest) index; the rest zero. */
function phminposuw(): void {
  let m = Q16[0], k = 0;
  for (let j = 1; j < 8; j++) if (Q16[j] < m) { m = Q16[j]; k = j; }
  R32[0] = m | (k << 16); R32[1] = 0; R32[2] = 0; R32[3] = 0;
}

/** mpsadbw: eight sums of absolute differences of 4-byte groups (imm8 picks the blocks). */
function mpsadbw(n: number, i: Insn): void {
  const a = i.imm & 4, b = (i.imm & 3) * 4;
  for (let j = 0; j < 8; j++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += Math.abs(P8[a + j + k] - Q8[b + k]);
    R16[j] = s;
  }
}

function pblendw(n: number, i: Insn): void {
  for (let j = 0; j < 8; j++) R16[j] = (i.imm >> j) & 1 ? Q16[j] : P16[j];
}
function blendps(n: number, i: Insn): void {
  for (let j = 0; j < 4; j++) R32[j] = (i.imm >> j) & 1 ? Q32[j] : P32[j];
}
function blendpd(n: number, i: Insn): void {
  for (let q = 0; q < 2; q++) {
    const s = (i.imm >> q) & 1;
    R32[2 * q] = s ? Q32[2 * q] : P32[2 * q];
    R32[2 * q + 1] = s ? Q32[2 * q + 1] : P32[2 * q + 1];
  }
}

/** The variable blends: xmm0 is the implicit mask (its lanes' sign bits). */
function pblendvb(c: Cpu, i: Insn): void {
  stageX(c, i, true);
  const M = c.X8;
  for (let j = 0; j < 16; j++) R8[j] = M[j] & 0x80 ? Q8[j] : P8[j];
  commitX(c, i);
}
function blendvps(c: Cpu, i: Insn): void {
  stageX(c, i, true);
  const M = c.X32;
  for (let j = 0; j < 4; j++) R32[j] = M[j] < 0 ? Q32[j] : P32[j];
  commitX(c, i);
}
function blendvpd(c: Cpu, i: Insn): void {
  stageX(c, i, true);
  const M = c.X32;
  for (let q = 0; q < 4; q += 2) {
    const s = M[q + 1] < 0;
    R32[q] = s ? Q32[q] : P32[q];
    R32[q + 1] = s ? Q32[q + 1] : P32[q + 1];
  }
  commitX(c, i);
}

/** ptest: ZF = (dst AND src) == 0, CF = (NOT dst AND src) == 0; AF, OF, PF, SF cleared. */
function ptest(c: Cpu, i: Insn): void {
  stageX(c, i, true);
  let and = 0, andn = 0;
  for (let j = 0; j < 4; j++) { and |= P32[j] & Q32[j]; andn |= ~P32[j] & Q32[j]; }
  c.fOp = F_FLAGS;
  c.fFlags = (and === 0 ? 0x40 : 0) | (andn === 0 ? 1 : 0);
}

const rows38: [number, string, Body][] = [
  [0x28, 'pmuldq', pmuldq],
  [0x29, 'pcmpeqq', pcmpeqq],
  [0x2b, 'packusdw', packusdw],
  [0x37, 'pcmpgtq', pcmpgtq],
  [0x38, 'pminsb', lanes8((a, b) => (sb(a) < sb(b) ? a : b))],
  [0x39, 'pminsd', lanes32((a, b) => (a < b ? a : b))],
  [0x3a, 'pminuw', lanes16((a, b) => (a < b ? a : b))],
  [0x3b, 'pminud', lanes32((a, b) => (a >>> 0 < b >>> 0 ? a : b))],
  [0x3c, 'pmaxsb', lanes8((a, b) => (sb(a) > sb(b) ? a : b))],
  [0x3d, 'pmaxsd', lanes32((a, b) => (a > b ? a : b))],
  [0x3e, 'pmaxuw', lanes16((a, b) => (a > b ? a : b))],
  [0x3f, 'pmaxud', lanes32((a, b) => (a >>> 0 > b >>> 0 ? a : b))],
  [0x40, 'pmulld', lanes32((a, b) => Math.imul(a, b))],
  [0x41, 'phminposuw', phminposuw],
];
const M = { modrm: true };
for (const [op, name, body] of rows38) defPfx(MAP_0F38, op, 'p66', { name, fn: xmmHandler(body), ...M });
defPfx(MAP_0F38, 0x10, 'p66', { name: 'pblendvb', fn: pblendvb, ...M });
defPfx(MAP_0F38, 0x14, 'p66', { name: 'blendvps', fn: blendvps, ...M });
defPfx(MAP_0F38, 0x15, 'p66', { name: 'blendvpd', fn: blendvpd, ...M });
defPfx(MAP_0F38, 0x17, 'p66', { name: 'ptest', fn: ptest, ...M });
const rows3a: [number, string, Body][] = [
  [0x0c, 'blendps', blendps],
  [0x0d, 'blendpd', blendpd],
  [0x0e, 'pblendw', pblendw],
  [0x42, 'mpsadbw', mpsadbw],
];
for (const [op, name, body] of rows3a) defPfx(MAP_0F3A, op, 'p66', { name, fn: xmmHandler(body), ...M, imm: I_UB });
