/**
 * SSE/SSE2 lane rearrangement and shifts: pshufd/pshuflw/pshufhw, shufps/shufpd, the interleaves
 * (punpckl and punpckh for bytes to quadwords, unpcklps/unpckhps/unpcklpd/unpckhpd, which are the
 * same permutations), the saturating packs (packsswb, packuswb, packssdw), pinsrw/pextrw, and
 * the shifts: psll/psrl/psra by an xmm/m128 count or by imm8 (groups 66 0F 71/72/73), and the
 * whole-register byte shifts pslldq/psrldq.
 *
 * Results are assembled in the scratch D and copied back, since each output lane may read lanes
 * of the destination register that an in-place loop would already have overwritten.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F, I_UB } from '../optable.js';
import { ea, setReg } from '../operands.js';
import { S8, S16, S32, D8, D16, D32, src128 } from './sse-common.js';

/** Copies D into xmm register n. */
function fromD(c: Cpu, n: number): void {
  const X = c.X32, k = 4 * n;
  X[k] = D32[0]; X[k + 1] = D32[1]; X[k + 2] = D32[2]; X[k + 3] = D32[3];
}

// ---- shuffles ----

/** pshufd xmm, xmm/m128, imm8 (66 0F 70). */
function pshufd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const m = i.imm, X = c.X32, k = 4 * i.reg;
  X[k] = S32[m & 3]; X[k + 1] = S32[(m >> 2) & 3]; X[k + 2] = S32[(m >> 4) & 3]; X[k + 3] = S32[(m >> 6) & 3];
}

/** pshuflw (F2 0F 70, sub 0) / pshufhw (F3 0F 70, sub 4): shuffles one half's words, copies the other. */
function pshufw(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const m = i.imm, h = i.sub, X = c.X16, k = 8 * i.reg;
  for (let j = 0; j < 8; j++) X[k + j] = S16[j];
  for (let j = 0; j < 4; j++) X[k + h + j] = S16[h + ((m >> (2 * j)) & 3)];
}

/** shufps xmm, xmm/m128, imm8 (0F C6): two dwords from the destination, two from the source. */
function shufps(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const m = i.imm, X = c.X32, k = 4 * i.reg;
  const a = X[k + (m & 3)], b = X[k + ((m >> 2) & 3)];
  X[k] = a; X[k + 1] = b; X[k + 2] = S32[(m >> 4) & 3]; X[k + 3] = S32[(m >> 6) & 3];
}

/** shufpd xmm, xmm/m128, imm8 (66 0F C6). */
function shufpd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const m = i.imm, X = c.X32, k = 4 * i.reg;
  const d = k + 2 * (m & 1);
  const lo = X[d], hi = X[d + 1];
  const s = 2 * ((m >> 1) & 1);
  X[k] = lo; X[k + 1] = hi; X[k + 2] = S32[s]; X[k + 3] = S32[s + 1];
}

/**
 * The interleaves: sub = element bytes (1, 2, 4, 8) | 16 for the high half. Elements of the
 * destination's half alternate with the source's: r = d0 s0 d1 s1 ...
 */
function unpack(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const e = i.sub & 15, base = i.sub & 16 ? 8 : 0;
  const X = c.X8, k = 16 * i.reg;
  for (let j = 0; j < 8 / e; j++) {
    for (let b = 0; b < e; b++) {
      D8[2 * j * e + b] = X[k + base + j * e + b];
      D8[(2 * j + 1) * e + b] = S8[base + j * e + b];
    }
  }
  fromD(c, i.reg);
}

// ---- packs ----

function packsswb(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X16, k = 8 * i.reg;
  for (let j = 0; j < 8; j++) {
    const a = (X[k + j] << 16) >> 16, b = (S16[j] << 16) >> 16;
    D8[j] = a > 127 ? 127 : a < -128 ? -128 : a;
    D8[8 + j] = b > 127 ? 127 : b < -128 ? -128 : b;
  }
  fromD(c, i.reg);
}

function packuswb(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X16, k = 8 * i.reg;
  for (let j = 0; j < 8; j++) {
    const a = (X[k + j] << 16) >> 16, b = (S16[j] << 16) >> 16;
    D8[j] = a > 255 ? 255 : a < 0 ? 0 : a;
    D8[8 + j] = b > 255 ? 255 : b < 0 ? 0 : b;
  }
  fromD(c, i.reg);
}

function packssdw(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  for (let j = 0; j < 4; j++) {
    const a = X[k + j], b = S32[j];
    D16[j] = a > 32767 ? 32767 : a < -32768 ? -32768 : a;
    D16[4 + j] = b > 32767 ? 32767 : b < -32768 ? -32768 : b;
  }
  fromD(c, i.reg);
}

// ---- pinsrw / pextrw ----

/** pinsrw xmm, r32/m16, imm8 (66 0F C4). */
function pinsrw(c: Cpu, i: Insn): void {
  const v = i.rm >= 0 ? c.R16[4 * i.rm] : c.mem.read16(ea(c, i));
  c.X16[8 * i.reg + (i.imm & 7)] = v;
}

/** pextrw r32, xmm, imm8 (66 0F C5): zero-extended. */
function pextrw(c: Cpu, i: Insn): void {
  setReg(c, 4, i.reg, c.X16[8 * i.rm + (i.imm & 7)]);
}

// ---- shifts ----

/** Shift kinds (Insn.sub): element size in bytes | kind << 4. */
const SLL = 0, SRL = 1, SRA = 2;

/** Shifts register n's lanes (element bytes e, kind k) by count (0 .. anything). */
function shiftLanes(c: Cpu, n: number, e: number, kind: number, count: number): void {
  if (e === 2) {
    const X = c.X16, k = 8 * n;
    if (count > 15) {
      for (let j = 0; j < 8; j++) X[k + j] = kind === SRA ? ((X[k + j] << 16) >> 31) : 0;
      return;
    }
    for (let j = 0; j < 8; j++) {
      const v = X[k + j];
      X[k + j] = kind === SLL ? v << count : kind === SRL ? v >>> count : ((v << 16) >> 16) >> count;
    }
  } else if (e === 4) {
    const X = c.X32, k = 4 * n;
    if (count > 31) {
      for (let j = 0; j < 4; j++) X[k + j] = kind === SRA ? X[k + j] >> 31 : 0;
      return;
    }
    for (let j = 0; j < 4; j++) {
      const v = X[k + j];
      X[k + j] = kind === SLL ? v << count : kind === SRL ? v >>> count : v >> count;
    }
  } else {
    const X = c.X32, k = 4 * n;
    for (let q = k; q < k + 4; q += 2) {
      const lo = X[q], hi = X[q + 1];
      if (count > 63) { X[q] = 0; X[q + 1] = 0; }
      else if (count === 0) { /* unchanged */ }
      else if (kind === SLL) {
        if (count >= 32) { X[q + 1] = lo << (count - 32); X[q] = 0; }
        else { X[q + 1] = (hi << count) | (lo >>> (32 - count)); X[q] = lo << count; }
      } else if (count >= 32) { X[q] = hi >>> (count - 32); X[q + 1] = 0; }
      else { X[q] = (lo >>> count) | (hi << (32 - count)); X[q + 1] = hi >>> count; }
    }
  }
}

/** psllw/pslld/psllq/psrlw/psrld/psrlq/psraw/psrad xmm, xmm/m128: the count is the low quadword. */
function shiftByX(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const count = S32[1] !== 0 ? 64 : S32[0] >>> 0 > 64 ? 64 : S32[0];
  shiftLanes(c, i.reg, i.sub & 15, i.sub >> 4, count);
}

/** The immediate forms (66 0F 71/72/73 /2 /4 /6 ib): the register is ModRM.rm. */
function shiftByImm(c: Cpu, i: Insn): void {
  shiftLanes(c, i.rm, i.sub & 15, i.sub >> 4, i.imm);
}

/** pslldq (/7, sub 1) and psrldq (/3, sub 0) xmm, imm8 (66 0F 73): byte shifts of the whole register. */
function byteShift(c: Cpu, i: Insn): void {
  const n = i.imm > 16 ? 16 : i.imm;
  const X = c.X8, k = 16 * i.rm;
  if (i.sub === 1) for (let j = 0; j < 16; j++) D8[j] = j >= n ? X[k + j - n] : 0;
  else for (let j = 0; j < 16; j++) D8[j] = j + n < 16 ? X[k + j + n] : 0;
  fromD(c, i.rm);
}

const M = { modrm: true };
const MI = { modrm: true, imm: I_UB };
defPfx(MAP_0F, 0x70, 'p66', { name: 'pshufd', fn: pshufd, ...MI });
defPfx(MAP_0F, 0x70, 'f2', { name: 'pshuflw', fn: pshufw, ...MI, sub: 0 });
defPfx(MAP_0F, 0x70, 'f3', { name: 'pshufhw', fn: pshufw, ...MI, sub: 4 });
defPfx(MAP_0F, 0xc6, 'none', { name: 'shufps', fn: shufps, ...MI });
defPfx(MAP_0F, 0xc6, 'p66', { name: 'shufpd', fn: shufpd, ...MI });
const unpacks: [number, string, number][] = [
  [0x60, 'punpcklbw', 1], [0x61, 'punpcklwd', 2], [0x62, 'punpckldq', 4], [0x6c, 'punpcklqdq', 8],
  [0x68, 'punpckhbw', 17], [0x69, 'punpckhwd', 18], [0x6a, 'punpckhdq', 20], [0x6d, 'punpckhqdq', 24],
];
for (const [op, name, sub] of unpacks) defPfx(MAP_0F, op, 'p66', { name, fn: unpack, ...M, sub });
defPfx(MAP_0F, 0x14, 'none', { name: 'unpcklps', fn: unpack, ...M, sub: 4 });
defPfx(MAP_0F, 0x15, 'none', { name: 'unpckhps', fn: unpack, ...M, sub: 20 });
defPfx(MAP_0F, 0x14, 'p66', { name: 'unpcklpd', fn: unpack, ...M, sub: 8 });
defPfx(MAP_0F, 0x15, 'p66', { name: 'unpckhpd', fn: unpack, ...M, sub: 24 });
defPfx(MAP_0F, 0x63, 'p66', { name: 'packsswb', fn: packsswb, ...M });
defPfx(MAP_0F, 0x67, 'p66', { name: 'packuswb', fn: packuswb, ...M });
defPfx(MAP_0F, 0x6b, 'p66', { name: 'packssdw', fn: packssdw, ...M });
defPfx(MAP_0F, 0xc4, 'p66', { name: 'pinsrw', fn: pinsrw, ...MI });
defPfx(MAP_0F, 0xc5, 'p66', { name: 'pextrw', fn: pextrw, ...MI, regOnly: true });
const shifts: [number, string, number][] = [
  [0xf1, 'psllw', 2 | (SLL << 4)], [0xf2, 'pslld', 4 | (SLL << 4)], [0xf3, 'psllq', 8 | (SLL << 4)],
  [0xd1, 'psrlw', 2 | (SRL << 4)], [0xd2, 'psrld', 4 | (SRL << 4)], [0xd3, 'psrlq', 8 | (SRL << 4)],
  [0xe1, 'psraw', 2 | (SRA << 4)], [0xe2, 'psrad', 4 | (SRA << 4)],
];
for (const [op, name, sub] of shifts) defPfx(MAP_0F, op, 'p66', { name, fn: shiftByX, ...M, sub });
const sh = (name: string, sub: number) => ({ name, fn: shiftByImm, sub });
defPfx(MAP_0F, 0x71, 'p66', {
  name: 'grp12', fn: shiftByImm, ...MI, regOnly: true,
  group: [undefined, undefined, sh('psrlw', 2 | (SRL << 4)), undefined, sh('psraw', 2 | (SRA << 4)), undefined, sh('psllw', 2 | (SLL << 4)), undefined],
});
defPfx(MAP_0F, 0x72, 'p66', {
  name: 'grp13', fn: shiftByImm, ...MI, regOnly: true,
  group: [undefined, undefined, sh('psrld', 4 | (SRL << 4)), undefined, sh('psrad', 4 | (SRA << 4)), undefined, sh('pslld', 4 | (SLL << 4)), undefined],
});
defPfx(MAP_0F, 0x73, 'p66', {
  name: 'grp14', fn: shiftByImm, ...MI, regOnly: true,
  group: [
    undefined, undefined, sh('psrlq', 8 | (SRL << 4)), { name: 'psrldq', fn: byteShift, sub: 0 },
    undefined, undefined, sh('psllq', 8 | (SLL << 4)), { name: 'pslldq', fn: byteShift, sub: 1 },
  ],
});
