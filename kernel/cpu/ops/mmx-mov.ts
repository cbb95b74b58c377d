/**
 * MMX data movement (0F-map, no mandatory prefix): movd/movq between MM registers and general
 * registers or memory (0F 6E/7E, REX.W selecting 64 bits), movq mm <-> mm/m64 (0F 6F/7F), movntq,
 * emms, pshufw, pinsrw/pextrw, and the MM <-> XMM moves movq2dq (F3 0F D6) and movdq2q (F2 0F D6).
 *
 * Stores write memory before the x87 transition, so a faulting store leaves TOP and tags alone.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F, S_DQ, I_UB } from '../optable.js';
import { ea } from '../operands.js';
import { B16, B32, C16, enter, srcB, setMm, commitC, transition } from './mmx-common.js';

/** movd mm, r/m32 (0F 6E), movq mm, r/m64 (REX.W 0F 6E). */
function movdToMm(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  let lo: number, hi = 0;
  if (i.rm >= 0) {
    lo = c.R[2 * i.rm];
    if (i.size === 8) hi = c.R[2 * i.rm + 1];
  } else if (i.size === 8) {
    c.mem.read64(ea(c, i), B32, 0);
    lo = B32[0];
    hi = B32[1];
  } else lo = c.mem.read32(ea(c, i));
  setMm(x, i.reg & 7, lo, hi);
  transition(x);
}

/** movd r/m32, mm (0F 7E), movq r/m64, mm (REX.W 0F 7E). */
function movdFromMm(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const n = 2 * (i.reg & 7);
  const lo = x.mant[n] | 0, hi = i.size === 8 ? x.mant[n + 1] | 0 : 0;
  if (i.rm >= 0) {
    c.R[2 * i.rm] = lo;
    c.R[2 * i.rm + 1] = hi;
  } else if (i.size === 8) c.mem.write64(ea(c, i), lo, hi);
  else c.mem.write32(ea(c, i), lo);
  transition(x);
}

/** movq mm, mm/m64 (0F 6F). */
function movqLoad(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  srcB(c, i);
  setMm(x, i.reg & 7, B32[0], B32[1]);
  transition(x);
}

/** movq mm/m64, mm (0F 7F) and movntq m64, mm (0F E7). */
function movqStore(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const n = 2 * (i.reg & 7);
  const lo = x.mant[n] | 0, hi = x.mant[n + 1] | 0;
  if (i.rm >= 0) setMm(x, i.rm & 7, lo, hi);
  else c.mem.write64(ea(c, i), lo, hi);
  transition(x);
}

/** emms (0F 77): all x87 registers empty and TOP = 0 (SDM table 9-3 "Effects of MMX Instructions on x87 FPU State"). */
function emms(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  x.top = 0;
  x.empty = 0xff;
}

/** pshufw mm, mm/m64, imm8 (0F 70). */
function pshufw(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  srcB(c, i);
  const m = i.imm;
  for (let j = 0; j < 4; j++) C16[j] = B16[(m >> (2 * j)) & 3];
  commitC(x, i);
}

/** pinsrw mm, r32/m16, imm8 (0F C4). */
function pinsrw(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const v = i.rm >= 0 ? c.R16[4 * i.rm] : c.mem.read16(ea(c, i));
  const n = i.reg & 7;
  const k = 2 * n + ((i.imm >> 1) & 1);
  const sh = 16 * (i.imm & 1);
  x.mant[k] = (x.mant[k] & ~(0xffff << sh)) | (v << sh);
  x.se[n] = 0xffff;
  transition(x);
}

/** pextrw r32, mm, imm8 (0F C5): zero-extended into the general register. */
function pextrw(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const w = x.mant[2 * (i.rm & 7) + ((i.imm >> 1) & 1)] >>> (16 * (i.imm & 1));
  c.R[2 * i.reg] = w & 0xffff;
  c.R[2 * i.reg + 1] = 0;
  transition(x);
}

/** movq2dq xmm, mm (F3 0F D6): the upper quadword of the xmm register is zeroed. */
function movq2dq(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const n = 2 * (i.rm & 7), X = c.X32, k = 4 * i.reg;
  X[k] = x.mant[n]; X[k + 1] = x.mant[n + 1]; X[k + 2] = 0; X[k + 3] = 0;
  transition(x);
}

/** movdq2q mm, xmm (F2 0F D6). */
function movdq2q(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  setMm(x, i.reg & 7, c.X32[4 * i.rm], c.X32[4 * i.rm + 1]);
  transition(x);
}

const M = { modrm: true };
defPfx(MAP_0F, 0x6e, 'none', { name: 'movd mm', fn: movdToMm, ...M, size: S_DQ });
defPfx(MAP_0F, 0x7e, 'none', { name: 'movd mm', fn: movdFromMm, ...M, size: S_DQ });
defPfx(MAP_0F, 0x6f, 'none', { name: 'movq mm', fn: movqLoad, ...M });
defPfx(MAP_0F, 0x7f, 'none', { name: 'movq mm', fn: movqStore, ...M });
defPfx(MAP_0F, 0xe7, 'none', { name: 'movntq mm', fn: movqStore, ...M, memOnly: true });
defPfx(MAP_0F, 0x77, 'none', { name: 'emms', fn: emms });
defPfx(MAP_0F, 0x70, 'none', { name: 'pshufw mm', fn: pshufw, ...M, imm: I_UB });
defPfx(MAP_0F, 0xc4, 'none', { name: 'pinsrw mm', fn: pinsrw, ...M, imm: I_UB });
defPfx(MAP_0F, 0xc5, 'none', { name: 'pextrw mm', fn: pextrw, ...M, imm: I_UB, regOnly: true });
defPfx(MAP_0F, 0xd6, 'f3', { name: 'movq2dq', fn: movq2dq, ...M, regOnly: true });
defPfx(MAP_0F, 0xd6, 'f2', { name: 'movdq2q', fn: movdq2q, ...M, regOnly: true });
