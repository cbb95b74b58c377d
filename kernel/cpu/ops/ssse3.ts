/**
 * SSSE3: pshufb, the horizontal adds/subtracts (phaddw/d/sw, phsubw/d/sw), pmaddubsw, pmulhrsw,
 * psignb/w/d, pabsb/w/d (0F 38 00-0B, 1C-1E) and palignr (0F 3A 0F), each in its xmm form
 * (66 prefix, m128 aligned) and its MMX form (no prefix, mm/m64).
 *
 * Each body is written once over the staged operands of simd-stage.ts (P = destination, Q =
 * source, R = result) for a width of n bytes, 16 for xmm and 8 for MMX.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { S32, src128 } from './sse-common.js';
import { defPfx, MAP_0F38, MAP_0F3A, I_UB } from '../optable.js';
import {
  P8, P16, P32, Q8, Q16, Q32, R8, R16, R32, Body, xmmHandler, mmxHandler, sb, sw, satSW,
} from './simd-stage.js';

function pshufb(n: number): void {
  for (let j = 0; j < n; j++) { const s = Q8[j]; R8[j] = s & 0x80 ? 0 : P8[s & (n - 1)]; }
}

/** Horizontal word op: the pairs of P, then the pairs of Q. */
function hwords(f: (a: number, b: number) => number): Body {
  return (n) => {
    const h = n >> 2;
    for (let j = 0; j < h; j++) {
      R16[j] = f(P16[2 * j], P16[2 * j + 1]);
      R16[h + j] = f(Q16[2 * j], Q16[2 * j + 1]);
    }
  };
}
function hdwords(sub: boolean): Body {
  return (n) => {
    const h = n >> 3;
    for (let j = 0; j < h; j++) {
      R32[j] = sub ? P32[2 * j] - P32[2 * j + 1] : P32[2 * j] + P32[2 * j + 1];
      R32[h + j] = sub ? Q32[2 * j] - Q32[2 * j + 1] : Q32[2 * j] + Q32[2 * j + 1];
    }
  };
}

/** pmaddubsw: unsigned bytes of the destination times signed bytes of the source, pairs summed, saturated. */
function pmaddubsw(n: number): void {
  for (let j = 0; j < n >> 1; j++) R16[j] = satSW(P8[2 * j] * sb(Q8[2 * j]) + P8[2 * j + 1] * sb(Q8[2 * j + 1]));
}

/** pmulhrsw: (a * b + 2^14) >> 15 of signed words. */
function pmulhrsw(n: number): void {
  for (let j = 0; j < n >> 1; j++) R16[j] = (((sw(P16[j]) * sw(Q16[j])) >> 14) + 1) >> 1;
}

function psignb(n: number): void {
  for (let j = 0; j < n; j++) { const s = sb(Q8[j]); R8[j] = s < 0 ? -P8[j] : s === 0 ? 0 : P8[j]; }
}
function psignw(n: number): void {
  for (let j = 0; j < n >> 1; j++) { const s = sw(Q16[j]); R16[j] = s < 0 ? -P16[j] : s === 0 ? 0 : P16[j]; }
}
function psignd(n: number): void {
  for (let j = 0; j < n >> 2; j++) { const s = Q32[j]; R32[j] = s < 0 ? -P32[j] : s === 0 ? 0 : P32[j]; }
}
function pabsb(n: number): void {
  for (let j = 0; j < n; j++) R8[j] = Math.abs(sb(Q8[j]));
}
function pabsw(n: number): void {
  for (let j = 0; j < n >> 1; j++) R16[j] = Math.abs(sw(Q16[j]));
}
function pabsd(n: number): void {
  for (let j = 0; j < n >> 2; j++) R32[j] = Math.abs(Q32[j]);
}

/** palignr: the destination:source concatenation shifted right by imm8 bytes. */
function palignr(n: number, i: Insn): void {
  const s = i.imm;
  for (let j = 0; j < n; j++) {
    const x = j + s;
    R8[j] = x < n ? Q8[x] : x < 2 * n ? P8[x - n] : 0;
  }
}

const W = new Int32Array(12);

/**
 * The xmm palignr, on dwords: glibc's SSSE3 memcpy runs it in its inner loop (source:destination
 * as 12 dwords with 4 zeros, funnel-shifted by the byte count).
 */
function palignrX(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg, s = i.imm;
  if (s >= 32) { X[k] = 0; X[k + 1] = 0; X[k + 2] = 0; X[k + 3] = 0; return; }
  W[0] = S32[0]; W[1] = S32[1]; W[2] = S32[2]; W[3] = S32[3];
  W[4] = X[k]; W[5] = X[k + 1]; W[6] = X[k + 2]; W[7] = X[k + 3];
  const q = s >> 2, r = (s & 3) * 8;
  if (r === 0) {
    X[k] = W[q]; X[k + 1] = W[q + 1]; X[k + 2] = W[q + 2]; X[k + 3] = W[q + 3];
  } else {
    const l = 32 - r;
    X[k] = (W[q] >>> r) | (W[q + 1] << l);
    X[k + 1] = (W[q + 1] >>> r) | (W[q + 2] << l);
    X[k + 2] = (W[q + 2] >>> r) | (W[q + 3] << l);
    X[k + 3] = (W[q + 3] >>> r) | (W[q + 4] << l);
  }
}

const rows: [number, string, Body][] = [
  [0x00, 'pshufb', pshufb],
  [0x01, 'phaddw', hwords((a, b) => a + b)],
  [0x02, 'phaddd', hdwords(false)],
  [0x03, 'phaddsw', hwords((a, b) => satSW(sw(a) + sw(b)))],
  [0x04, 'pmaddubsw', pmaddubsw],
  [0x05, 'phsubw', hwords((a, b) => a - b)],
  [0x06, 'phsubd', hdwords(true)],
  [0x07, 'phsubsw', hwords((a, b) => satSW(sw(a) - sw(b)))],
  [0x08, 'psignb', psignb],
  [0x09, 'psignw', psignw],
  [0x0a, 'psignd', psignd],
  [0x0b, 'pmulhrsw', pmulhrsw],
  [0x1c, 'pabsb', pabsb],
  [0x1d, 'pabsw', pabsw],
  [0x1e, 'pabsd', pabsd],
];
const M = { modrm: true };
for (const [op, name, body] of rows) {
  defPfx(MAP_0F38, op, 'p66', { name, fn: xmmHandler(body), ...M });
  defPfx(MAP_0F38, op, 'none', { name: name + ' mm', fn: mmxHandler(body), ...M });
}
defPfx(MAP_0F3A, 0x0f, 'p66', { name: 'palignr', fn: palignrX, ...M, imm: I_UB });
defPfx(MAP_0F3A, 0x0f, 'none', { name: 'palignr mm', fn: mmxHandler(palignr), ...M, imm: I_UB });
