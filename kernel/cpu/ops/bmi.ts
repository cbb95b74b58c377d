/**
 * BMI1 (andn, bextr, blsi, blsmsk, blsr) and BMI2 (bzhi, mulx, pdep, pext, rorx, sarx, shlx,
 * shrx): VEX-encoded general-register instructions. tzcnt (BMI1) and lzcnt (ABM) are in bits.ts.
 *
 * Handlers read i.reg (ModRM.reg), i.rm (ModRM.rm register, or -1 for memory), i.vreg (VEX.vvvv)
 * and i.size (4, or 8 with VEX.W); 64-bit values travel as int32 pairs (lo, hi) so nothing
 * allocates. Their VEX rows (defVex, see optable.ts) are at the bottom of the file.
 *
 * Flags: the defined ones exactly (andn/bextr/bzhi/bls*: ZF, SF per result where the manual says,
 * CF as documented, OF = 0); AF and PF are undefined and left to the lazy-flag record.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { ea } from '../operands.js';
import { setLogic, setEager } from '../flags.js';
import { defVex, MAP_0F38, MAP_0F3A, S_DQ, I_UB } from '../optable.js';

const T = new Int32Array(2);

/** Reads the r/m operand into T[0], T[1] (T[1] = 0 for 32-bit). */
function rm(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    T[0] = c.R[2 * i.rm];
    T[1] = i.size === 8 ? c.R[2 * i.rm + 1] : 0;
  } else if (i.size === 8) c.mem.read64(ea(c, i), T, 0);
  else { T[0] = c.mem.read32(ea(c, i)); T[1] = 0; }
}

function put(c: Cpu, n: number, size: number, lo: number, hi: number): void {
  c.R[2 * n] = lo;
  c.R[2 * n + 1] = size === 8 ? hi : 0;
}

/** vvvv as a pair (hi 0 for 32-bit). */
const vLo = (c: Cpu, i: Insn): number => c.R[2 * i.vreg];
const vHi = (c: Cpu, i: Insn): number => (i.size === 8 ? c.R[2 * i.vreg + 1] : 0);

/** andn r, vvvv, r/m: ~vvvv & r/m; SF, ZF; CF = OF = 0. */
export function andn(c: Cpu, i: Insn): void {
  rm(c, i);
  const lo = ~vLo(c, i) & T[0], hi = ~vHi(c, i) & T[1];
  put(c, i.reg, i.size, lo, hi);
  setLogic(c, i.size, lo, i.size === 8 ? hi : 0);
}

/** The low n bits of the pair (lo, hi) kept, 0 <= n <= 64: into T. */
function lowBits(lo: number, hi: number, n: number): void {
  if (n >= 64) { T[0] = lo; T[1] = hi; } else if (n >= 32) { T[0] = lo; T[1] = n === 32 ? 0 : hi & (-1 >>> (64 - n)); } else { T[0] = n === 0 ? 0 : lo & (-1 >>> (32 - n)); T[1] = 0; }
}

/** Shifts the pair right logically by s (0..63) into T. */
function shr64(lo: number, hi: number, s: number): void {
  if (s === 0) { T[0] = lo; T[1] = hi; } else if (s < 32) { T[0] = (lo >>> s) | (hi << (32 - s)); T[1] = hi >>> s; } else { T[0] = hi >>> (s - 32); T[1] = 0; }
}

/** bextr r, r/m, vvvv: the len = vvvv[15:8] bits of r/m from bit start = vvvv[7:0]; ZF; CF = OF = 0. */
export function bextr(c: Cpu, i: Insn): void {
  rm(c, i);
  const ctl = vLo(c, i), start = ctl & 0xff, len = (ctl >> 8) & 0xff, w = i.size * 8;
  if (start >= w) { T[0] = 0; T[1] = 0; } else {
    shr64(T[0], T[1], start);
    lowBits(T[0], T[1], len);
  }
  put(c, i.reg, i.size, T[0], T[1]);
  setEager(c, i.size, T[0], T[1], 0, 0);
}

/** blsi/blsmsk/blsr vvvv, r/m (VEX 0F 38 F3 /3, /2, /1): i.sub selects 3, 2 or 1. */
export function bls(c: Cpu, i: Insn): void {
  rm(c, i);
  const lo = T[0], hi = T[1], zero = (lo | hi) === 0;
  // x - 1 as a pair
  const mLo = (lo - 1) | 0, mHi = lo === 0 ? (hi - 1) | 0 : hi;
  let rLo: number, rHi: number, cf: number;
  if (i.sub === 3) { rLo = -lo & lo; rHi = (lo === 0 ? -hi : ~hi) & hi; cf = zero ? 0 : 1; }
  else if (i.sub === 2) { rLo = mLo ^ lo; rHi = mHi ^ hi; cf = zero ? 1 : 0; }
  else { rLo = mLo & lo; rHi = mHi & hi; cf = zero ? 1 : 0; }
  if (i.size !== 8) rHi = 0;
  put(c, i.vreg, i.size, rLo, rHi);
  setEager(c, i.size, rLo, rHi, cf, 0);
}

/** bzhi r, r/m, vvvv: r/m with bits from index vvvv[7:0] up cleared; CF = index >= width. */
export function bzhi(c: Cpu, i: Insn): void {
  rm(c, i);
  const n = vLo(c, i) & 0xff, w = i.size * 8;
  lowBits(T[0], T[1], n >= w ? 64 : n);
  put(c, i.reg, i.size, T[0], T[1]);
  setEager(c, i.size, T[0], T[1], n > w - 1 ? 1 : 0, 0);
}

const L = new Uint32Array(8), BL = new Uint32Array(4);

/** mulx r_hi, r_lo(vvvv), r/m: rDX * r/m unsigned, no flags; the high half wins if the registers are equal. */
export function mulx(c: Cpu, i: Insn): void {
  rm(c, i);
  const R = c.R;
  if (i.size !== 8) {
    const a = R[4] >>> 0, b = T[0] >>> 0;
    const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
    const mid = al * bh + ah * bl, midLo = mid % 65536;
    const lo = al * bl + midLo * 65536;
    const hi = ah * bh + (mid - midLo) / 65536 + Math.floor(lo / 4294967296);
    put(c, i.vreg, 4, lo | 0, 0);
    put(c, i.reg, 4, hi | 0, 0);
    return;
  }
  // 4 x 16-bit limbs each, schoolbook into 8 limbs.
  const a0 = R[4] & 0xffff, a1 = R[4] >>> 16, a2 = R[5] & 0xffff, a3 = R[5] >>> 16;
  BL[0] = T[0] & 0xffff; BL[1] = T[0] >>> 16; BL[2] = T[1] & 0xffff; BL[3] = T[1] >>> 16;
  L.fill(0);
  let carry = 0;
  for (let k = 0; k < 8; k++) {
    let s = carry;
    for (let j = Math.max(0, k - 3); j <= Math.min(3, k); j++) {
      const aj = j === 0 ? a0 : j === 1 ? a1 : j === 2 ? a2 : a3;
      s += aj * BL[k - j];
    }
    L[k] = s % 65536;
    carry = Math.floor(s / 65536);
  }
  const lo0 = L[0] | (L[1] << 16), lo1 = L[2] | (L[3] << 16), hi0 = L[4] | (L[5] << 16), hi1 = L[6] | (L[7] << 16);
  put(c, i.vreg, 8, lo0, lo1);
  put(c, i.reg, 8, hi0, hi1);
}

/** pdep r, vvvv, r/m: the low bits of vvvv deposited at the set bits of the mask r/m. */
export function pdep(c: Cpu, i: Insn): void {
  rm(c, i);
  const sLo = vLo(c, i), sHi = vHi(c, i);
  let rLo = 0, rHi = 0, k = 0;
  for (let b = 0; b < i.size * 8; b++) {
    const m = b < 32 ? (T[0] >>> b) & 1 : (T[1] >>> (b - 32)) & 1;
    if (!m) continue;
    const bit = k < 32 ? (sLo >>> k) & 1 : (sHi >>> (k - 32)) & 1;
    k++;
    if (bit) { if (b < 32) rLo |= 1 << b; else rHi |= 1 << (b - 32); }
  }
  put(c, i.reg, i.size, rLo, rHi);
}

/** pext r, vvvv, r/m: the bits of vvvv at the set bits of the mask r/m, packed at the bottom. */
export function pext(c: Cpu, i: Insn): void {
  rm(c, i);
  const sLo = vLo(c, i), sHi = vHi(c, i);
  let rLo = 0, rHi = 0, k = 0;
  for (let b = 0; b < i.size * 8; b++) {
    const m = b < 32 ? (T[0] >>> b) & 1 : (T[1] >>> (b - 32)) & 1;
    if (!m) continue;
    const bit = b < 32 ? (sLo >>> b) & 1 : (sHi >>> (b - 32)) & 1;
    if (bit) { if (k < 32) rLo |= 1 << k; else rHi |= 1 << (k - 32); }
    k++;
  }
  put(c, i.reg, i.size, rLo, rHi);
}

/** rorx r, r/m, imm8: rotate right, no flags. */
export function rorx(c: Cpu, i: Insn): void {
  rm(c, i);
  const lo = T[0], hi = T[1];
  if (i.size !== 8) {
    const s = i.imm & 31;
    put(c, i.reg, 4, s === 0 ? lo : (lo >>> s) | (lo << (32 - s)), 0);
    return;
  }
  let s = i.imm & 63, a = lo, b = hi;
  if (s >= 32) { a = hi; b = lo; s -= 32; }
  put(c, i.reg, 8, s === 0 ? a : (a >>> s) | (b << (32 - s)), s === 0 ? b : (b >>> s) | (a << (32 - s)));
}

/** shlx (i.sub 0), shrx (1), sarx (2) r, r/m, vvvv: shift by vvvv mod the width, no flags. */
export function shiftx(c: Cpu, i: Insn): void {
  rm(c, i);
  const lo = T[0], hi = T[1];
  if (i.size !== 8) {
    const s = vLo(c, i) & 31;
    put(c, i.reg, 4, i.sub === 0 ? lo << s : i.sub === 1 ? lo >>> s : lo >> s, 0);
    return;
  }
  const s = vLo(c, i) & 63;
  let rLo: number, rHi: number;
  if (s === 0) { rLo = lo; rHi = hi; } else if (i.sub === 0) {
    if (s < 32) { rLo = lo << s; rHi = (hi << s) | (lo >>> (32 - s)); } else { rLo = 0; rHi = lo << (s - 32); }
  } else if (s < 32) {
    rLo = (lo >>> s) | (hi << (32 - s));
    rHi = i.sub === 1 ? hi >>> s : hi >> s;
  } else {
    rLo = i.sub === 1 ? hi >>> (s - 32) : hi >> (s - 32);
    rHi = i.sub === 1 ? 0 : hi >> 31;
  }
  put(c, i.reg, 8, rLo, rHi);
}

// ---- the VEX rows (VEX.LZ: L = 1 is #UD; W selects 64-bit through S_DQ) ----

const R = { modrm: true, size: S_DQ, vexL: 0 };
defVex(MAP_0F38, 0xf2, 'none', { name: 'andn', fn: andn, ...R });
defVex(MAP_0F38, 0xf3, 'none', {
  name: 'bls', fn: bls, ...R,
  group: [undefined, { name: 'blsr', sub: 1 }, { name: 'blsmsk', sub: 2 }, { name: 'blsi', sub: 3 }],
});
defVex(MAP_0F38, 0xf5, 'none', { name: 'bzhi', fn: bzhi, ...R });
defVex(MAP_0F38, 0xf5, 'f2', { name: 'pdep', fn: pdep, ...R });
defVex(MAP_0F38, 0xf5, 'f3', { name: 'pext', fn: pext, ...R });
defVex(MAP_0F38, 0xf6, 'f2', { name: 'mulx', fn: mulx, ...R });
defVex(MAP_0F38, 0xf7, 'none', { name: 'bextr', fn: bextr, ...R });
defVex(MAP_0F38, 0xf7, 'p66', { name: 'shlx', fn: shiftx, ...R, sub: 0 });
defVex(MAP_0F38, 0xf7, 'f2', { name: 'shrx', fn: shiftx, ...R, sub: 1 });
defVex(MAP_0F38, 0xf7, 'f3', { name: 'sarx', fn: shiftx, ...R, sub: 2 });
defVex(MAP_0F3A, 0xf0, 'f2', { name: 'rorx', fn: rorx, ...R, imm: I_UB, noV: true });
