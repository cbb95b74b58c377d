/**
 * MMX lane rearrangement and shifts (0F-map, no mandatory prefix; the xmm forms are in
 * sse-shuf.ts): the saturating packs (packsswb, packssdw, packuswb), the interleaves punpckl*
 * (whose memory operand is only m32) and punpckh* for bytes, words and dwords, and the shifts
 * psll/psrl/psra by an mm/m64 count or by imm8 (groups 0F 71/72/73 /2 /4 /6).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F, I_UB } from '../optable.js';
import { A8, A16, A32, B8, B16, B32, C8, C16, enter, srcB, srcB32, begin2, loadA, commitA, commitC } from './mmx-common.js';

// ---- packs ----

function packsswb(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  for (let j = 0; j < 4; j++) {
    const a = (A16[j] << 16) >> 16, b = (B16[j] << 16) >> 16;
    C8[j] = a > 127 ? 127 : a < -128 ? -128 : a;
    C8[4 + j] = b > 127 ? 127 : b < -128 ? -128 : b;
  }
  commitC(x, i);
}

function packuswb(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  for (let j = 0; j < 4; j++) {
    const a = (A16[j] << 16) >> 16, b = (B16[j] << 16) >> 16;
    C8[j] = a > 255 ? 255 : a < 0 ? 0 : a;
    C8[4 + j] = b > 255 ? 255 : b < 0 ? 0 : b;
  }
  commitC(x, i);
}

function packssdw(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  for (let j = 0; j < 2; j++) {
    const a = A32[j], b = B32[j];
    C16[j] = a > 32767 ? 32767 : a < -32768 ? -32768 : a;
    C16[2 + j] = b > 32767 ? 32767 : b < -32768 ? -32768 : b;
  }
  commitC(x, i);
}

// ---- interleaves ----

/**
 * sub = element bytes (1, 2, 4) | 16 for the high half. Elements of the destination's half
 * alternate with the source's: r = d0 s0 d1 s1 ... The low forms read only m32.
 */
function unpack(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const e = i.sub & 15, base = i.sub & 16 ? 4 : 0;
  if (base) srcB(c, i);
  else srcB32(c, i);
  loadA(x, i.reg & 7);
  for (let j = 0; j < 4 / e; j++) {
    for (let b = 0; b < e; b++) {
      C8[2 * j * e + b] = A8[base + j * e + b];
      C8[(2 * j + 1) * e + b] = B8[base + j * e + b];
    }
  }
  commitC(x, i);
}

// ---- shifts ----

const SLL = 0, SRL = 1, SRA = 2;

/** Shifts A's lanes (element bytes e, kind k) by count (0 .. 64; above 63 counts as 64). */
function shiftA(e: number, kind: number, count: number): void {
  if (e === 2) {
    if (count > 15) {
      for (let j = 0; j < 4; j++) A16[j] = kind === SRA ? (A16[j] << 16) >> 31 : 0;
      return;
    }
    for (let j = 0; j < 4; j++) {
      const v = A16[j];
      A16[j] = kind === SLL ? v << count : kind === SRL ? v >>> count : ((v << 16) >> 16) >> count;
    }
  } else if (e === 4) {
    if (count > 31) {
      for (let j = 0; j < 2; j++) A32[j] = kind === SRA ? A32[j] >> 31 : 0;
      return;
    }
    for (let j = 0; j < 2; j++) {
      const v = A32[j];
      A32[j] = kind === SLL ? v << count : kind === SRL ? v >>> count : v >> count;
    }
  } else {
    const lo = A32[0], hi = A32[1];
    if (count > 63) { A32[0] = 0; A32[1] = 0; }
    else if (count === 0) { /* unchanged */ }
    else if (kind === SLL) {
      if (count >= 32) { A32[1] = lo << (count - 32); A32[0] = 0; }
      else { A32[1] = (hi << count) | (lo >>> (32 - count)); A32[0] = lo << count; }
    } else if (count >= 32) { A32[0] = hi >>> (count - 32); A32[1] = 0; }
    else { A32[0] = (lo >>> count) | (hi << (32 - count)); A32[1] = hi >>> count; }
  }
}

/** psllw/d/q, psrlw/d/q, psraw/d mm, mm/m64: the count is the whole 64-bit source. */
function shiftByMm(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  const count = B32[1] !== 0 || B32[0] >>> 0 > 64 ? 64 : B32[0];
  shiftA(i.sub & 15, i.sub >> 4, count);
  commitA(x, i);
}

/** The immediate forms (0F 71/72/73 /2 /4 /6 ib): the register is ModRM.rm. */
function shiftByImm(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const n = i.rm & 7;
  loadA(x, n);
  shiftA(i.sub & 15, i.sub >> 4, i.imm > 64 ? 64 : i.imm);
  x.mant[2 * n] = A32[0];
  x.mant[2 * n + 1] = A32[1];
  x.se[n] = 0xffff;
  x.top = 0;
  x.empty = 0;
}

const M = { modrm: true };
const MI = { modrm: true, imm: I_UB };
defPfx(MAP_0F, 0x63, 'none', { name: 'packsswb mm', fn: packsswb, ...M });
defPfx(MAP_0F, 0x67, 'none', { name: 'packuswb mm', fn: packuswb, ...M });
defPfx(MAP_0F, 0x6b, 'none', { name: 'packssdw mm', fn: packssdw, ...M });
const unpacks: [number, string, number][] = [
  [0x60, 'punpcklbw', 1], [0x61, 'punpcklwd', 2], [0x62, 'punpckldq', 4],
  [0x68, 'punpckhbw', 17], [0x69, 'punpckhwd', 18], [0x6a, 'punpckhdq', 20],
];
for (const [op, name, sub] of unpacks) defPfx(MAP_0F, op, 'none', { name: name + ' mm', fn: unpack, ...M, sub });
const shifts: [number, string, number][] = [
  [0xf1, 'psllw', 2 | (SLL << 4)], [0xf2, 'pslld', 4 | (SLL << 4)], [0xf3, 'psllq', 8 | (SLL << 4)],
  [0xd1, 'psrlw', 2 | (SRL << 4)], [0xd2, 'psrld', 4 | (SRL << 4)], [0xd3, 'psrlq', 8 | (SRL << 4)],
  [0xe1, 'psraw', 2 | (SRA << 4)], [0xe2, 'psrad', 4 | (SRA << 4)],
];
for (const [op, name, sub] of shifts) defPfx(MAP_0F, op, 'none', { name: name + ' mm', fn: shiftByMm, ...M, sub });
// Names carry " mm": the block compiler keys its xmm shift templates on the bare mnemonic.
const sh = (name: string, sub: number) => ({ name: name + ' mm', fn: shiftByImm, sub });
defPfx(MAP_0F, 0x71, 'none', {
  name: 'grp12 mm', fn: shiftByImm, ...MI, regOnly: true,
  group: [undefined, undefined, sh('psrlw', 2 | (SRL << 4)), undefined, sh('psraw', 2 | (SRA << 4)), undefined, sh('psllw', 2 | (SLL << 4)), undefined],
});
defPfx(MAP_0F, 0x72, 'none', {
  name: 'grp13 mm', fn: shiftByImm, ...MI, regOnly: true,
  group: [undefined, undefined, sh('psrld', 4 | (SRL << 4)), undefined, sh('psrad', 4 | (SRA << 4)), undefined, sh('pslld', 4 | (SLL << 4)), undefined],
});
defPfx(MAP_0F, 0x73, 'none', {
  name: 'grp14 mm', fn: shiftByImm, ...MI, regOnly: true,
  group: [undefined, undefined, sh('psrlq', 8 | (SRL << 4)), undefined, undefined, undefined, sh('psllq', 8 | (SLL << 4)), undefined],
});
