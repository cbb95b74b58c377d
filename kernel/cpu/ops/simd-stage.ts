/**
 * Operand staging for the SSSE3/SSE4 integer families, which exist both as 66-prefixed xmm forms
 * and (SSSE3) as unprefixed MMX forms: a handler body written once over byte arrays works for
 * both widths. The destination's old value is copied into P, the source into Q, the result is
 * built in R and then written back — so dst==src aliasing never matters and a faulting memory
 * read happens before anything changes.
 *
 * xmmHandler/mmxHandler wrap a body `(n)` (n = 8 or 16 bytes) with the register traffic; the MMX
 * side goes through mmx-common.ts so the x87 side effects (pending #MF, TOP=0, tags) are the MMX
 * engineer's rules.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { S32, src128 } from './sse-common.js';
import { B32, begin2, A32, setMm, transition } from './mmx-common.js';

const BUF = new ArrayBuffer(48);
/** The destination's old value. */
export const P8 = new Uint8Array(BUF, 0, 16);
export const P16 = new Uint16Array(BUF, 0, 8);
export const P32 = new Int32Array(BUF, 0, 4);
/** The source operand. */
export const Q8 = new Uint8Array(BUF, 16, 16);
export const Q16 = new Uint16Array(BUF, 16, 8);
export const Q32 = new Int32Array(BUF, 16, 4);
/** The result. */
export const R8 = new Uint8Array(BUF, 32, 16);
export const R16 = new Uint16Array(BUF, 32, 8);
export const R32 = new Int32Array(BUF, 32, 4);

export type Body = (n: number, i: Insn) => void;
type H = (c: Cpu, i: Insn) => void;

/** Loads xmm dst into P and the (aligned m128 or xmm) source into Q. */
export function stageX(c: Cpu, i: Insn, aligned: boolean): void {
  src128(c, i, aligned);
  Q32[0] = S32[0]; Q32[1] = S32[1]; Q32[2] = S32[2]; Q32[3] = S32[3];
  const X = c.X32, k = 4 * i.reg;
  P32[0] = X[k]; P32[1] = X[k + 1]; P32[2] = X[k + 2]; P32[3] = X[k + 3];
}

/** Writes R to xmm i.reg. */
export function commitX(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  X[k] = R32[0]; X[k + 1] = R32[1]; X[k + 2] = R32[2]; X[k + 3] = R32[3];
}

/** The 66-prefixed xmm form of a body (m128 aligned). */
export function xmmHandler(body: Body): H {
  return (c, i) => {
    stageX(c, i, true);
    body(16, i);
    commitX(c, i);
  };
}

/** The MMX form of a body: mm, mm/m64. */
export function mmxHandler(body: Body): H {
  return (c, i) => {
    const x = begin2(c, i);
    P32[0] = A32[0]; P32[1] = A32[1];
    Q32[0] = B32[0]; Q32[1] = B32[1];
    body(8, i);
    setMm(x, i.reg & 7, R32[0], R32[1]);
    transition(x);
  };
}

export const sb = (v: number): number => (v << 24) >> 24;
export const sw = (v: number): number => (v << 16) >> 16;
export const satSB = (v: number): number => (v > 127 ? 127 : v < -128 ? -128 : v) & 0xff;
export const satSW = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v) & 0xffff;
export const satUB = (v: number): number => (v > 255 ? 255 : v < 0 ? 0 : v);
export const satUW = (v: number): number => (v > 65535 ? 65535 : v < 0 ? 0 : v);
