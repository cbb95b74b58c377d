/**
 * AVX instructions with no SSE counterpart: vbroadcastss/sd/f128, vinsertf128/vextractf128,
 * vperm2f128, vpermilps/pd (variable and immediate), vblendvps/pd and vpblendvb (register mask
 * in imm8[7:4]), vmaskmovps/pd, vtestps/pd and vptest (xmm and ymm). The AVX2 ones that share
 * their shape (vinserti128, vextracti128, vperm2i128, vbroadcasti128) are registered here too.
 *
 * Operands are staged in scratch arrays (avx-common.ts M32, and A/B here) before the destination
 * is written, so a destination that is also a source, or a memory fault, never sees half a result.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defVex, MAP_0F38, MAP_0F3A, I_UB } from '../optable.js';
import { ea } from '../operands.js';
import { HI, M32, M8, readMem, zeroUpper, probeWrite } from './avx-common.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { F_FLAGS } from '../state.js';

/** Two 256-bit staging operands (int32 lanes 0..7). */
export const A = new Int32Array(8);
export const B = new Int32Array(8);

/** Loads ymm n (8 lanes) into t. */
export function getY(c: Cpu, n: number, t: Int32Array): void {
  const X = c.X32, k = 4 * n;
  t[0] = X[k]; t[1] = X[k + 1]; t[2] = X[k + 2]; t[3] = X[k + 3];
  t[4] = X[HI + k]; t[5] = X[HI + k + 1]; t[6] = X[HI + k + 2]; t[7] = X[HI + k + 3];
}

/** The r/m operand (ymm, or 16/32 bytes of memory by VEX.L, or `bytes` if given) into t. */
export function getRm(c: Cpu, i: Insn, t: Int32Array, bytes = 0): void {
  if (i.rm >= 0) { getY(c, i.rm, t); return; }
  readMem(c, ea(c, i), bytes || (i.vl ? 32 : 16));
  for (let j = 0; j < 8; j++) t[j] = M32[j];
}

/** Writes t to ymm n: 8 lanes for VEX.256, else 4 lanes and a zeroed upper half. */
export function putY(c: Cpu, i: Insn, n: number, t: Int32Array): void {
  const X = c.X32, k = 4 * n;
  X[k] = t[0]; X[k + 1] = t[1]; X[k + 2] = t[2]; X[k + 3] = t[3];
  if (i.vl) { X[HI + k] = t[4]; X[HI + k + 1] = t[5]; X[HI + k + 2] = t[6]; X[HI + k + 3] = t[7]; }
  else zeroUpper(c, n);
}

const R = new Int32Array(8);
const A8 = new Uint8Array(A.buffer), B8 = new Uint8Array(B.buffer), R8 = new Uint8Array(R.buffer);

// ---- broadcasts ----

/** vbroadcastss / vpbroadcastd (sub 4), vbroadcastsd / vpbroadcastq (8), f128/i128 (16), b (1), w (2). */
function broadcast(c: Cpu, i: Insn): void {
  const n = i.sub;
  if (i.rm >= 0) { const X = c.X32, k = 4 * i.rm; M32[0] = X[k]; M32[1] = X[k + 1]; M32[2] = X[k + 2]; M32[3] = X[k + 3]; }
  else readMem(c, ea(c, i), n);
  if (n === 1) { const v = M8[0] * 0x01010101; for (let j = 0; j < 8; j++) R[j] = v; }
  else if (n === 2) { const v = (M8[0] | (M8[1] << 8)) * 0x10001; for (let j = 0; j < 8; j++) R[j] = v; }
  else if (n === 4) for (let j = 0; j < 8; j++) R[j] = M32[0];
  else if (n === 8) for (let j = 0; j < 8; j += 2) { R[j] = M32[0]; R[j + 1] = M32[1]; }
  else for (let j = 0; j < 8; j++) R[j] = M32[j & 3];
  putY(c, i, i.reg, R);
}

// ---- 128-bit lane moves ----

/** vinsertf128/vinserti128 ymm1, ymm2, xmm3/m128, imm8. */
function vinsert128(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B, 16);
  const o = (i.imm & 1) * 4;
  for (let j = 0; j < 4; j++) A[o + j] = B[j];
  putY(c, i, i.reg, A);
}

/** vextractf128/vextracti128 xmm1/m128, ymm2, imm8. */
function vextract128(c: Cpu, i: Insn): void {
  getY(c, i.reg, A);
  const o = (i.imm & 1) * 4;
  if (i.rm >= 0) {
    const X = c.X32, k = 4 * i.rm;
    X[k] = A[o]; X[k + 1] = A[o + 1]; X[k + 2] = A[o + 2]; X[k + 3] = A[o + 3];
    zeroUpper(c, i.rm);
    return;
  }
  const a = ea(c, i);
  probeWrite(c, a, 16);
  c.mem.write64(a, A[o], A[o + 1]);
  c.mem.write64(a + 8, A[o + 2], A[o + 3]);
}

/** vperm2f128/vperm2i128 ymm1, ymm2, ymm3/m256, imm8. */
function vperm2x128(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  for (let h = 0; h < 2; h++) {
    const s = (i.imm >> (4 * h)) & 0xf;
    for (let j = 0; j < 4; j++) {
      R[4 * h + j] = s & 8 ? 0 : (s & 2 ? B : A)[4 * (s & 1) + j];
    }
  }
  putY(c, i, i.reg, R);
}

// ---- vpermilps / vpermilpd ----

/** vpermilps ymm1, ymm2, ymm3/m (0F38 0C): control per dword from the third operand. */
function vpermilpsVar(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  for (let j = 0; j < 8; j++) R[j] = A[(j & 4) + (B[j] & 3)];
  putY(c, i, i.reg, R);
}

/** vpermilpd ymm1, ymm2, ymm3/m (0F38 0D): bit 1 of each qword selects. */
function vpermilpdVar(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  for (let q = 0; q < 4; q++) {
    const s = (q & 2) + ((B[2 * q] >> 1) & 1);
    R[2 * q] = A[2 * s]; R[2 * q + 1] = A[2 * s + 1];
  }
  putY(c, i, i.reg, R);
}

/** vpermilps ymm1, ymm2/m, imm8 (0F3A 04). */
function vpermilpsImm(c: Cpu, i: Insn): void {
  getRm(c, i, A);
  for (let j = 0; j < 8; j++) R[j] = A[(j & 4) + ((i.imm >> (2 * (j & 3))) & 3)];
  putY(c, i, i.reg, R);
}

/** vpermilpd ymm1, ymm2/m, imm8 (0F3A 05): bit q of imm8 selects within qword q's lane. */
function vpermilpdImm(c: Cpu, i: Insn): void {
  getRm(c, i, A);
  for (let q = 0; q < 4; q++) {
    const s = (q & 2) + ((i.imm >> q) & 1);
    R[2 * q] = A[2 * s]; R[2 * q + 1] = A[2 * s + 1];
  }
  putY(c, i, i.reg, R);
}

// ---- blends with a register mask ----

/** vblendvps (sub 4) / vblendvpd (sub 8) / vpblendvb (sub 1) x1, x2, x3/m, x4 (imm8[7:4]). */
function vblendv(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getRm(c, i, B);
  getY(c, (i.imm >> 4) & 15, R);
  const n = i.sub;
  if (n === 1) {
    for (let j = 0; j < 32; j++) if (R8[j] & 0x80) A8[j] = B8[j];
  } else if (n === 4) {
    for (let j = 0; j < 8; j++) if (R[j] < 0) A[j] = B[j];
  } else {
    for (let j = 0; j < 8; j += 2) if (R[j + 1] < 0) { A[j] = B[j]; A[j + 1] = B[j + 1]; }
  }
  putY(c, i, i.reg, A);
}

// ---- masked moves ----

/** vmaskmovps/pd load (0F38 2C/2D; sub 4/8) and vpmaskmovd/q load (0F38 8C): masked lanes read 0. */
function maskLoad(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  const a = ea(c, i), n = i.vl ? 8 : 4, q = i.sub === 8;
  for (let j = 0; j < n; j++) {
    const on = q ? A[j | 1] < 0 : A[j] < 0;
    // Only selected elements are read, so a masked-off element on an unmapped page never faults.
    R[j] = on ? c.mem.read32(a + 4 * j) : 0;
  }
  putY(c, i, i.reg, R);
}

/** vmaskmovps/pd store (0F38 2E/2F) and vpmaskmovd/q store (0F38 8E). */
function maskStore(c: Cpu, i: Insn): void {
  getY(c, i.vreg, A);
  getY(c, i.reg, B);
  const a = ea(c, i), n = i.vl ? 8 : 4, q = i.sub === 8;
  // Probe every selected element first so a fault leaves memory untouched.
  for (let j = 0; j < n; j++) {
    if (q ? A[j | 1] < 0 : A[j] < 0) { c.mem.pt.translate(a + 4 * j, PROT_WRITE); probeWrite(c, a + 4 * j, 4); }
  }
  for (let j = 0; j < n; j++) if (q ? A[j | 1] < 0 : A[j] < 0) c.mem.write32(a + 4 * j, B[j]);
}

// ---- tests ----

/** vptest (sub 0: all bits), vtestps (sub 4: dword sign bits), vtestpd (sub 8: qword sign bits). */
function vtest(c: Cpu, i: Insn): void {
  getY(c, i.reg, A);
  getRm(c, i, B);
  const n = i.vl ? 8 : 4;
  let z = 0, cf = 0;
  for (let j = 0; j < n; j++) {
    let m = -1;
    if (i.sub === 4) m = 0x80000000 | 0;
    else if (i.sub === 8) m = j & 1 ? 0x80000000 | 0 : 0;
    z |= A[j] & B[j] & m;
    cf |= ~A[j] & B[j] & m;
  }
  // ZF = (a & b) == 0, CF = (~a & b) == 0; OF, SF, AF, PF cleared.
  c.fOp = F_FLAGS;
  c.fFlags = (z === 0 ? 0x40 : 0) | (cf === 0 ? 1 : 0);
}

const M = { modrm: true };
const MI = { modrm: true, imm: I_UB };
defVex(MAP_0F38, 0x18, 'p66', { name: 'vbroadcastss', fn: broadcast, ...M, sub: 4, noV: true, vexW: 0 });
defVex(MAP_0F38, 0x19, 'p66', { name: 'vbroadcastsd', fn: broadcast, ...M, sub: 8, noV: true, vexW: 0, vexL: 1 });
defVex(MAP_0F38, 0x1a, 'p66', { name: 'vbroadcastf128', fn: broadcast, ...M, sub: 16, noV: true, vexW: 0, vexL: 1, memOnly: true });
defVex(MAP_0F38, 0x5a, 'p66', { name: 'vbroadcasti128', fn: broadcast, ...M, sub: 16, noV: true, vexW: 0, vexL: 1, memOnly: true });
defVex(MAP_0F38, 0x78, 'p66', { name: 'vpbroadcastb', fn: broadcast, ...M, sub: 1, noV: true, vexW: 0 });
defVex(MAP_0F38, 0x79, 'p66', { name: 'vpbroadcastw', fn: broadcast, ...M, sub: 2, noV: true, vexW: 0 });
defVex(MAP_0F38, 0x58, 'p66', { name: 'vpbroadcastd', fn: broadcast, ...M, sub: 4, noV: true, vexW: 0 });
defVex(MAP_0F38, 0x59, 'p66', { name: 'vpbroadcastq', fn: broadcast, ...M, sub: 8, noV: true, vexW: 0 });
defVex(MAP_0F3A, 0x18, 'p66', { name: 'vinsertf128', fn: vinsert128, ...MI, vexW: 0, vexL: 1 });
defVex(MAP_0F3A, 0x38, 'p66', { name: 'vinserti128', fn: vinsert128, ...MI, vexW: 0, vexL: 1 });
defVex(MAP_0F3A, 0x19, 'p66', { name: 'vextractf128', fn: vextract128, ...MI, vexW: 0, vexL: 1, noV: true });
defVex(MAP_0F3A, 0x39, 'p66', { name: 'vextracti128', fn: vextract128, ...MI, vexW: 0, vexL: 1, noV: true });
defVex(MAP_0F3A, 0x06, 'p66', { name: 'vperm2f128', fn: vperm2x128, ...MI, vexW: 0, vexL: 1 });
defVex(MAP_0F3A, 0x46, 'p66', { name: 'vperm2i128', fn: vperm2x128, ...MI, vexW: 0, vexL: 1 });
defVex(MAP_0F38, 0x0c, 'p66', { name: 'vpermilps', fn: vpermilpsVar, ...M, vexW: 0 });
defVex(MAP_0F38, 0x0d, 'p66', { name: 'vpermilpd', fn: vpermilpdVar, ...M, vexW: 0 });
defVex(MAP_0F3A, 0x04, 'p66', { name: 'vpermilps', fn: vpermilpsImm, ...MI, vexW: 0, noV: true });
defVex(MAP_0F3A, 0x05, 'p66', { name: 'vpermilpd', fn: vpermilpdImm, ...MI, vexW: 0, noV: true });
defVex(MAP_0F3A, 0x4a, 'p66', { name: 'vblendvps', fn: vblendv, ...MI, sub: 4, vexW: 0 });
defVex(MAP_0F3A, 0x4b, 'p66', { name: 'vblendvpd', fn: vblendv, ...MI, sub: 8, vexW: 0 });
defVex(MAP_0F3A, 0x4c, 'p66', { name: 'vpblendvb', fn: vblendv, ...MI, sub: 1, vexW: 0 });
defVex(MAP_0F38, 0x2c, 'p66', { name: 'vmaskmovps', fn: maskLoad, ...M, sub: 4, vexW: 0, memOnly: true });
defVex(MAP_0F38, 0x2d, 'p66', { name: 'vmaskmovpd', fn: maskLoad, ...M, sub: 8, vexW: 0, memOnly: true });
defVex(MAP_0F38, 0x2e, 'p66', { name: 'vmaskmovps', fn: maskStore, ...M, sub: 4, vexW: 0, memOnly: true });
defVex(MAP_0F38, 0x2f, 'p66', { name: 'vmaskmovpd', fn: maskStore, ...M, sub: 8, vexW: 0, memOnly: true });
defVex(MAP_0F38, 0x8c, 'p66', {
  name: 'vpmaskmovd', fn: maskLoad, ...M, sub: 4, memOnly: true,
  w1: { name: 'vpmaskmovq', fn: maskLoad, ...M, sub: 8, memOnly: true },
});
defVex(MAP_0F38, 0x8e, 'p66', {
  name: 'vpmaskmovd', fn: maskStore, ...M, sub: 4, memOnly: true,
  w1: { name: 'vpmaskmovq', fn: maskStore, ...M, sub: 8, memOnly: true },
});
defVex(MAP_0F38, 0x17, 'p66', { name: 'vptest', fn: vtest, ...M, sub: 0, noV: true });
defVex(MAP_0F38, 0x0e, 'p66', { name: 'vtestps', fn: vtest, ...M, sub: 4, noV: true, vexW: 0 });
defVex(MAP_0F38, 0x0f, 'p66', { name: 'vtestpd', fn: vtest, ...M, sub: 8, noV: true, vexW: 0 });

