/**
 * AVX2 instructions with no SSE counterpart: the cross-lane permutes vpermq/vpermpd (imm8) and
 * vpermd/vpermps (index vector), vpblendd, the per-element shifts vpsllvd/q, vpsrlvd/q, vpsravd,
 * and the gathers vpgatherdd/dq/qd/qq and vgatherdps/dpd/qps/qpd with VSIB addressing.
 * (vpbroadcast*, vinserti128/vextracti128, vperm2i128 and vpmaskmovd/q live in avx.ts; the
 * 256-bit forms of the SSE integer instructions come from avx-sse.ts.)
 *
 * Gathers follow the hardware's restartable protocol: elements load in ascending order, and each
 * completed element is written to the destination and its mask element cleared at once, so a
 * fault part-way leaves the completed elements done and the signal handler (or a restart) sees
 * exactly the progress the CPU would have made. Masked-off elements are never read.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defVex, MAP_0F38, MAP_0F3A, I_UB, S_DQ } from '../optable.js';
import { HI } from './avx-common.js';
import { A, B, getY, getRm, putY } from './avx.js';
import { GuestFault, SIGILL, ILL_ILLOPN } from '../fault.js';

const R = new Int32Array(8);
const T = new Int32Array(2);
const TWO32 = 4294967296;

/** vpermq (sub 0) / vpermpd (sub 1) ymm1, ymm2/m256, imm8: qword q = source qword imm[2q+1:2q]. */
function vpermqImm(c: Cpu, i: Insn): void {
  getRm(c, i, A);
  for (let q = 0; q < 4; q++) {
    const s = (i.imm >> (2 * q)) & 3;
    R[2 * q] = A[2 * s]; R[2 * q + 1] = A[2 * s + 1];
  }
  putY(c, i, i.reg, R);
}

/** vpermd / vpermps ymm1, ymm2 (indices), ymm3/m256: dword j = src[idx[j] & 7]. */
function vpermd(c: Cpu, i: Insn): void {
  getY(c, i.vreg, B);
  getRm(c, i, A);
  for (let j = 0; j < 8; j++) R[j] = A[B[j] & 7];
  putY(c, i, i.reg, R);
}

/** vpblendd x1, x2, x3/m, imm8: dword j from the third operand when imm bit j is set. */
function vpblendd(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  for (let j = 0; j < 8; j++) R[j] = (i.imm >> j) & 1 ? B[j] : A[j];
  putY(c, i, i.reg, R);
}

/** vpsllvd (sub 0) / vpsrlvd (1) / vpsravd (2): per-dword counts; >= 32 gives 0 (or the sign). */
function shiftvD(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  const n = i.vl ? 8 : 4;
  for (let j = 0; j < n; j++) {
    const k = B[j] >>> 0, v = A[j];
    if (i.sub === 0) R[j] = k > 31 ? 0 : v << k;
    else if (i.sub === 1) R[j] = k > 31 ? 0 : v >>> k;
    else R[j] = v >> (k > 31 ? 31 : k);
  }
  putY(c, i, i.reg, R);
}

/** vpsllvq (sub 0) / vpsrlvq (sub 1): per-qword counts; >= 64 gives 0. */
function shiftvQ(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  const n = i.vl ? 4 : 2;
  for (let q = 0; q < n; q++) {
    const lo = A[2 * q], hi = A[2 * q + 1];
    const k = B[2 * q + 1] !== 0 ? 64 : B[2 * q] >>> 0;
    let rl = 0, rh = 0;
    if (k < 64) {
      if (i.sub === 0) {
        if (k === 0) { rl = lo; rh = hi; } else if (k < 32) { rl = lo << k; rh = (hi << k) | (lo >>> (32 - k)); } else rh = lo << (k - 32);
      } else {
        if (k === 0) { rl = lo; rh = hi; } else if (k < 32) { rl = (lo >>> k) | (hi << (32 - k)); rh = hi >>> k; } else rl = hi >>> (k - 32);
      }
    }
    R[2 * q] = rl; R[2 * q + 1] = rh;
  }
  putY(c, i, i.reg, R);
}

/**
 * Gathers. sub bit 0: the index elements are qwords (the "q" forms); VEX.W (i.size 8): the data
 * (and mask) elements are qwords. Registers: i.reg destination, i.index the index vector,
 * i.vreg the mask. Destination, index and mask must be distinct (#UD).
 */
function gather(c: Cpu, i: Insn): void {
  const qIdx = (i.sub & 1) === 1, qData = i.size === 8;
  const d = i.reg, x = i.index, m = i.vreg;
  if (d === x || d === m || x === m || x < 0) throw new GuestFault(SIGILL, ILL_ILLOPN, i.addr, 'gather operands');
  const n = qIdx || qData ? (i.vl ? 4 : 2) : (i.vl ? 8 : 4);
  getY(c, x, B);
  let base = i.disp;
  if (i.base >= 0) base += i.asize === 8 ? c.R[2 * i.base + 1] * TWO32 + (c.R[2 * i.base] >>> 0) : c.R[2 * i.base];
  if (i.seg !== 0) base += i.seg === 1 ? c.fsBase : c.gsBase;
  const X = c.X32;
  for (let j = 0; j < n; j++) {
    const mk = qData ? at(m, 2 * j + 1) : at(m, j);
    if (X[mk] >= 0) continue;
    const idx = qIdx ? B[2 * j + 1] * TWO32 + (B[2 * j] >>> 0) : B[j];
    let a = base + idx * i.scale;
    if (i.asize === 4) a = a >>> 0;
    else if (a < 0) a += TWO32 * TWO32; // (wraps to a non-canonical or high address: faults)
    if (qData) {
      c.mem.read64(a, T, 0);
      X[at(d, 2 * j)] = T[0]; X[at(d, 2 * j + 1)] = T[1];
      X[at(m, 2 * j)] = 0; X[mk] = 0;
    } else {
      X[at(d, j)] = c.mem.read32(a);
      X[mk] = 0;
    }
  }
  // The mask ends all zero; an xmm destination or mask gets its upper half zeroed.
  const dw = qData ? 2 * n : n; // dwords of destination written
  for (let j = dw; j < 8; j++) X[at(d, j)] = 0;
  for (let j = 0; j < 8; j++) X[at(m, j)] = 0;
}

/** Index in Cpu.X32 of dword j of ymm reg: lanes 0..3 in the low half, 4..7 in the upper half. */
function at(reg: number, j: number): number {
  return j < 4 ? 4 * reg + j : HI + 4 * reg + j - 4;
}

const M = { modrm: true };
const MI = { modrm: true, imm: I_UB };
defVex(MAP_0F3A, 0x00, 'p66', { name: 'vpermq', fn: vpermqImm, ...MI, vexW: 1, vexL: 1, noV: true });
defVex(MAP_0F3A, 0x01, 'p66', { name: 'vpermpd', fn: vpermqImm, ...MI, vexW: 1, vexL: 1, noV: true, sub: 1 });
defVex(MAP_0F38, 0x36, 'p66', { name: 'vpermd', fn: vpermd, ...M, vexW: 0, vexL: 1 });
defVex(MAP_0F38, 0x16, 'p66', { name: 'vpermps', fn: vpermd, ...M, vexW: 0, vexL: 1 });
defVex(MAP_0F3A, 0x02, 'p66', { name: 'vpblendd', fn: vpblendd, ...MI, vexW: 0 });
defVex(MAP_0F38, 0x47, 'p66', {
  name: 'vpsllvd', fn: shiftvD, ...M, sub: 0,
  w1: { name: 'vpsllvq', fn: shiftvQ, ...M, sub: 0 },
});
defVex(MAP_0F38, 0x45, 'p66', {
  name: 'vpsrlvd', fn: shiftvD, ...M, sub: 1,
  w1: { name: 'vpsrlvq', fn: shiftvQ, ...M, sub: 1 },
});
defVex(MAP_0F38, 0x46, 'p66', { name: 'vpsravd', fn: shiftvD, ...M, sub: 2, vexW: 0 });
const G = { modrm: true, memOnly: true, vsib: true, size: S_DQ };
defVex(MAP_0F38, 0x90, 'p66', { name: 'vpgatherdd', fn: gather, ...G, sub: 0, w1: { name: 'vpgatherdq', fn: gather, ...G, sub: 0 } });
defVex(MAP_0F38, 0x91, 'p66', { name: 'vpgatherqd', fn: gather, ...G, sub: 1, w1: { name: 'vpgatherqq', fn: gather, ...G, sub: 1 } });
defVex(MAP_0F38, 0x92, 'p66', { name: 'vgatherdps', fn: gather, ...G, sub: 0, w1: { name: 'vgatherdpd', fn: gather, ...G, sub: 0 } });
defVex(MAP_0F38, 0x93, 'p66', { name: 'vgatherqps', fn: gather, ...G, sub: 1, w1: { name: 'vgatherqpd', fn: gather, ...G, sub: 1 } });
