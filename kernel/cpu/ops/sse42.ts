/**
 * SSE4.2: the packed string compares pcmpestri/pcmpestrm/pcmpistri/pcmpistrm (66 0F 3A 60-63,
 * m128 need not be aligned) and crc32 (F2 0F 38 F0/F1: r32/r64 accumulating over r/m8, r/m16,
 * r/m32 or r/m64). pcmpgtq sits with the other 0F 38 integer ops in sse41-int.ts; popcnt is in
 * bits.ts.
 *
 * The string compares follow the manual's pipeline literally: element lengths (explicit from
 * rAX/rDX, absolute value saturated to the element count, or implicit up to the first zero
 * element), the 16x16 (or 8x8) comparison matrix with its validity overrides folded into each
 * aggregation (equal any, ranges, equal each, equal ordered), polarity, then the index (ECX) or
 * mask (XMM0) output and the flags CF = result != 0, ZF/SF = the source/needle is short,
 * OF = result bit 0, AF = PF = 0.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { F_FLAGS } from '../state.js';
import { defPfx, MAP_0F38, MAP_0F3A, I_UB, S_DQ } from '../optable.js';
import { ea } from '../operands.js';
import { P8, P16, Q8, Q16, stageX } from './simd-stage.js';

/** The elements of the two operands, signed or not, as plain numbers. */
const A = new Int32Array(16), B = new Int32Array(16);

function explicitLen(c: Cpu, i: Insn, reg: number, n: number): number {
  const v = i.size === 8 ? c.R[2 * reg + 1] * 4294967296 + (c.R[2 * reg] >>> 0) : c.R[2 * reg];
  const a = Math.abs(v);
  return a > n ? n : a;
}

function implicitLen(src: Int32Array, n: number): number {
  for (let j = 0; j < n; j++) if (src[j] === 0) return j;
  return n;
}

/** Runs the compare; returns IntRes2 and sets the flags. `explicit`: lengths from rAX/rDX. */
function pcmpstr(c: Cpu, i: Insn, explicit: boolean): number {
  stageX(c, i, false);
  const imm = i.imm;
  const words = (imm & 1) !== 0, signed = (imm & 2) !== 0, n = words ? 8 : 16;
  for (let j = 0; j < n; j++) {
    if (words) {
      A[j] = signed ? (P16[j] << 16) >> 16 : P16[j];
      B[j] = signed ? (Q16[j] << 16) >> 16 : Q16[j];
    } else {
      A[j] = signed ? (P8[j] << 24) >> 24 : P8[j];
      B[j] = signed ? (Q8[j] << 24) >> 24 : Q8[j];
    }
  }
  const la = explicit ? explicitLen(c, i, 0, n) : implicitLen(A, n);
  const lb = explicit ? explicitLen(c, i, 2, n) : implicitLen(B, n);
  let r = 0;
  switch ((imm >> 2) & 3) {
    case 0: // equal any: b[j] is one of the valid a[]
      for (let j = 0; j < lb; j++) {
        for (let k = 0; k < la; k++) if (A[k] === B[j]) { r |= 1 << j; break; }
      }
      break;
    case 1: // ranges: a[2k] <= b[j] <= a[2k+1] for a valid pair
      for (let j = 0; j < lb; j++) {
        for (let k = 0; k + 1 < la; k += 2) if (B[j] >= A[k] && B[j] <= A[k + 1]) { r |= 1 << j; break; }
      }
      break;
    case 2: // equal each: both valid and equal, or both invalid
      for (let j = 0; j < n; j++) {
        const va = j < la, vb = j < lb;
        if (va && vb ? A[j] === B[j] : !va && !vb) r |= 1 << j;
      }
      break;
    default: // equal ordered: the needle a[] starts at b[j] (an invalid needle element matches anything)
      for (let j = 0; j < n; j++) {
        let m = true;
        for (let k = 0; k < n - j && k < la; k++) {
          if (j + k >= lb || A[k] !== B[j + k]) { m = false; break; }
        }
        if (m) r |= 1 << j;
      }
  }
  switch ((imm >> 4) & 3) {
    case 1: r = ~r & ((1 << n) - 1); break;
    case 3: r ^= (1 << lb) - 1; break;
  }
  c.fOp = F_FLAGS;
  c.fFlags = (r !== 0 ? 1 : 0) | (lb < n ? 0x40 : 0) | (la < n ? 0x80 : 0) | ((r & 1) << 11);
  return r;
}

/** The index form: ECX = least (or, imm[6], most) significant set bit, or the element count. */
function pcmpstri(c: Cpu, i: Insn): void {
  const r = pcmpstr(c, i, i.sub === 1);
  const n = i.imm & 1 ? 8 : 16;
  c.R[2] = r === 0 ? n : i.imm & 0x40 ? 31 - Math.clz32(r) : 31 - Math.clz32(r & -r);
  c.R[3] = 0;
}

/** The mask form: XMM0 = the result bits, or (imm[6]) each element all ones or zero. */
function pcmpstrm(c: Cpu, i: Insn): void {
  const r = pcmpstr(c, i, i.sub === 1);
  const X = c.X32;
  if (!(i.imm & 0x40)) {
    X[0] = r; X[1] = 0; X[2] = 0; X[3] = 0;
  } else if (i.imm & 1) {
    for (let j = 0; j < 8; j++) c.X16[j] = (r >> j) & 1 ? 0xffff : 0;
  } else {
    for (let j = 0; j < 16; j++) c.X8[j] = (r >> j) & 1 ? 0xff : 0;
  }
}

// ---- crc32 (CRC-32C, the Castagnoli polynomial, bit-reflected; no pre/post inversion) ----

const CRC = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let v = n;
  for (let k = 0; k < 8; k++) v = v & 1 ? (v >>> 1) ^ 0x82f63b78 : v >>> 1;
  CRC[n] = v;
}

function crcBytes(crc: number, v: number, bytes: number): number {
  for (let k = 0; k < bytes; k++) {
    crc = CRC[(crc ^ v) & 0xff] ^ (crc >>> 8);
    v >>>= 8;
  }
  return crc;
}

const T2 = new Int32Array(2);

/** crc32 r, r/m8 (F2 0F 38 F0; rm is a byte-register index) and r, r/m16/32/64 (F2 0F 38 F1). */
function crc32(c: Cpu, i: Insn): void {
  let crc = c.R[2 * i.reg];
  if (i.sub === 0) {
    crc = crcBytes(crc, i.rm >= 0 ? c.R8[i.rm] : c.mem.read8(ea(c, i)), 1);
  } else if (i.size === 8) {
    if (i.rm >= 0) { T2[0] = c.R[2 * i.rm]; T2[1] = c.R[2 * i.rm + 1]; } else c.mem.read64(ea(c, i), T2, 0);
    crc = crcBytes(crcBytes(crc, T2[0], 4), T2[1], 4);
  } else if (i.size === 2) {
    crc = crcBytes(crc, i.rm >= 0 ? c.R16[4 * i.rm] : c.mem.read16(ea(c, i)), 2);
  } else {
    crc = crcBytes(crc, i.rm >= 0 ? c.R[2 * i.rm] : c.mem.read32(ea(c, i)), 4);
  }
  c.R[2 * i.reg] = crc;
  c.R[2 * i.reg + 1] = 0;
}

const M = { modrm: true, imm: I_UB, size: S_DQ };
defPfx(MAP_0F3A, 0x60, 'p66', { name: 'pcmpestrm', fn: pcmpstrm, ...M, sub: 1 });
defPfx(MAP_0F3A, 0x61, 'p66', { name: 'pcmpestri', fn: pcmpstri, ...M, sub: 1 });
defPfx(MAP_0F3A, 0x62, 'p66', { name: 'pcmpistrm', fn: pcmpstrm, ...M });
defPfx(MAP_0F3A, 0x63, 'p66', { name: 'pcmpistri', fn: pcmpstri, ...M });
defPfx(MAP_0F38, 0xf0, 'f2', { name: 'crc32 r, r/m8', fn: crc32, modrm: true, size: S_DQ, rmByte: true });
defPfx(MAP_0F38, 0xf1, 'f2', { name: 'crc32', fn: crc32, modrm: true, sub: 1 });
