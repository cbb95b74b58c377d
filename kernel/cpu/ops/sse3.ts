/**
 * SSE3: addsubps/pd (F2/66 0F D0), haddps/pd and hsubps/pd (F2/66 0F 7C, 7D), movsldup and
 * movshdup (F3 0F 12, 16), movddup (F2 0F 12, m64), lddqu (F2 0F F0, unaligned m128).
 * fisttp is with the x87 family; monitor/mwait sit in group 7 (priv.ts), which faults in user mode.
 *
 * The arithmetic forms rearrange lanes and run the exact add/sub lanes of sse-fp.ts through
 * fp-lanes.ts, so rounding, DAZ/FZ, flags, NaN propagation and #XM are the SSE2 ones. An addsub
 * lane that subtracts adds the negated source instead (identical for every non-NaN value, and
 * a NaN source is left as is, since NaN propagation does not depend on the operation).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F } from '../optable.js';
import { S32, src128, src64, isNaN32, isNaN64 } from './sse-common.js';
import { ps, pd, ADD, SUB } from './fp-lanes.js';

const A = new Int32Array(4), B = new Int32Array(4), O = new Int32Array(4);

/** Stages the destination into A and the source (aligned m128) into B. */
function stage(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  A[0] = X[k]; A[1] = X[k + 1]; A[2] = X[k + 2]; A[3] = X[k + 3];
  B[0] = S32[0]; B[1] = S32[1]; B[2] = S32[2]; B[3] = S32[3];
}

function commit(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  X[k] = O[0]; X[k + 1] = O[1]; X[k + 2] = O[2]; X[k + 3] = O[3];
}

function addsubps(c: Cpu, i: Insn): void {
  stage(c, i);
  if (!isNaN32(B[0])) B[0] ^= 0x80000000;
  if (!isNaN32(B[2])) B[2] ^= 0x80000000;
  ps(c, i.addr, ADD, A, B, O);
  commit(c, i);
}

function addsubpd(c: Cpu, i: Insn): void {
  stage(c, i);
  if (!isNaN64(B[1], B[0])) B[1] ^= 0x80000000;
  pd(c, i.addr, ADD, A, B, O);
  commit(c, i);
}

/** haddps/hsubps: [d0 op d1, d2 op d3, s0 op s1, s2 op s3]. */
function hps(c: Cpu, i: Insn): void {
  stage(c, i);
  const d1 = A[1], d3 = A[3], s0 = B[0], s1 = B[1], s2 = B[2], s3 = B[3];
  A[1] = A[2]; A[2] = s0; A[3] = s2;
  B[0] = d1; B[1] = d3; B[2] = s1; B[3] = s3;
  ps(c, i.addr, i.sub, A, B, O);
  commit(c, i);
}

/** haddpd/hsubpd: [d0 op d1, s0 op s1]. */
function hpd(c: Cpu, i: Insn): void {
  stage(c, i);
  const s0 = B[0], s1 = B[1];
  B[0] = A[2]; B[1] = A[3];
  A[2] = s0; A[3] = s1;
  pd(c, i.addr, i.sub, A, B, O);
  commit(c, i);
}

/** movsldup (i.sub 0) / movshdup (i.sub 1): the even (odd) dwords duplicated. */
function movdup(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg, s = i.sub;
  X[k] = S32[s]; X[k + 1] = S32[s]; X[k + 2] = S32[2 + s]; X[k + 3] = S32[2 + s];
}

function movddup(c: Cpu, i: Insn): void {
  src64(c, i);
  const X = c.X32, k = 4 * i.reg;
  X[k] = S32[0]; X[k + 1] = S32[1]; X[k + 2] = S32[0]; X[k + 3] = S32[1];
}

function lddqu(c: Cpu, i: Insn): void {
  src128(c, i, false);
  const X = c.X32, k = 4 * i.reg;
  X[k] = S32[0]; X[k + 1] = S32[1]; X[k + 2] = S32[2]; X[k + 3] = S32[3];
}

const M = { modrm: true };
defPfx(MAP_0F, 0xd0, 'f2', { name: 'addsubps', fn: addsubps, ...M });
defPfx(MAP_0F, 0xd0, 'p66', { name: 'addsubpd', fn: addsubpd, ...M });
defPfx(MAP_0F, 0x7c, 'f2', { name: 'haddps', fn: hps, ...M, sub: ADD });
defPfx(MAP_0F, 0x7c, 'p66', { name: 'haddpd', fn: hpd, ...M, sub: ADD });
defPfx(MAP_0F, 0x7d, 'f2', { name: 'hsubps', fn: hps, ...M, sub: SUB });
defPfx(MAP_0F, 0x7d, 'p66', { name: 'hsubpd', fn: hpd, ...M, sub: SUB });
defPfx(MAP_0F, 0x12, 'f3', { name: 'movsldup', fn: movdup, ...M });
defPfx(MAP_0F, 0x16, 'f3', { name: 'movshdup', fn: movdup, ...M, sub: 1 });
defPfx(MAP_0F, 0x12, 'f2', { name: 'movddup', fn: movddup, ...M });
defPfx(MAP_0F, 0xf0, 'f2', { name: 'lddqu', fn: lddqu, ...M, memOnly: true });
