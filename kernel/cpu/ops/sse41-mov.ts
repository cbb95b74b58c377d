/**
 * SSE4.1 data movement: the sign/zero-extending loads pmovsx* and pmovzx* (66 0F 38 20-25, 30-35,
 * source xmm or an unaligned m16/m32/m64), movntdqa (66 0F 38 2A, aligned m128), the lane
 * inserts and extracts pinsrb/d/q, pextrb/w/d/q (66 0F 3A 14-16, 20, 22; REX.W selects the
 * q forms), extractps (66 0F 3A 17) and insertps (66 0F 3A 21).
 *
 * Extracts to a general register zero-extend the lane into the full 64-bit register.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F38, MAP_0F3A, I_UB, S_DQ } from '../optable.js';
import { ea } from '../operands.js';
import { Q8, Q16, Q32, R16, R32, stageX, commitX, P32 } from './simd-stage.js';

/**
 * pmovsx/pmovzx: `from` bytes per source lane widen to `to` bytes, signed or not; the source is
 * the low 16/to*from bytes of an xmm or a memory operand of that size.
 */
function pmovx(from: number, to: number, signed: boolean): (c: Cpu, i: Insn) => void {
  const count = 16 / to, bytes = count * from;
  return (c, i) => {
    if (i.rm >= 0) {
      const X = c.X32, k = 4 * i.rm;
      Q32[0] = X[k]; Q32[1] = X[k + 1];
    } else {
      const a = ea(c, i);
      if (bytes === 8) c.mem.read64(a, Q32, 0);
      else if (bytes === 4) Q32[0] = c.mem.read32(a);
      else Q16[0] = c.mem.read16(a);
    }
    for (let j = 0; j < count; j++) {
      let v: number;
      if (from === 1) v = signed ? (Q8[j] << 24) >> 24 : Q8[j];
      else if (from === 2) v = signed ? (Q16[j] << 16) >> 16 : Q16[j];
      else v = signed ? Q32[j] : Q32[j] >>> 0;
      if (to === 2) R16[j] = v;
      else if (to === 4) R32[j] = v;
      else { R32[2 * j] = v; R32[2 * j + 1] = signed && v < 0 ? -1 : 0; }
    }
    commitX(c, i);
  };
}

/** movntdqa xmm, m128 (66 0F 38 2A): an aligned load (the non-temporal hint is moot). */
function movntdqa(c: Cpu, i: Insn): void {
  stageX(c, i, true);
  R32[0] = Q32[0]; R32[1] = Q32[1]; R32[2] = Q32[2]; R32[3] = Q32[3];
  commitX(c, i);
}

/** Writes an extracted value (lo, and hi for 64-bit) to the r/m operand of `size` bytes. */
function putRm(c: Cpu, i: Insn, size: number, lo: number, hi: number): void {
  if (i.rm >= 0) {
    c.R[2 * i.rm] = lo;
    c.R[2 * i.rm + 1] = size === 8 ? hi : 0;
    return;
  }
  const a = ea(c, i);
  if (size === 1) c.mem.write8(a, lo);
  else if (size === 2) c.mem.write16(a, lo);
  else if (size === 4) c.mem.write32(a, lo);
  else c.mem.write64(a, lo, hi);
}

function pextrb(c: Cpu, i: Insn): void {
  putRm(c, i, 1, c.X8[16 * i.reg + (i.imm & 15)], 0);
}
function pextrw(c: Cpu, i: Insn): void {
  putRm(c, i, 2, c.X16[8 * i.reg + (i.imm & 7)], 0);
}
/** pextrd/pextrq (REX.W) and extractps (always a dword). */
function pextrd(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  if (i.size === 8 && i.sub === 0) {
    const q = 2 * (i.imm & 1);
    putRm(c, i, 8, X[k + q], X[k + q + 1]);
  } else putRm(c, i, 4, X[k + (i.imm & 3)], 0);
}

function pinsrb(c: Cpu, i: Insn): void {
  const v = i.rm >= 0 ? c.R[2 * i.rm] : c.mem.read8(ea(c, i));
  c.X8[16 * i.reg + (i.imm & 15)] = v;
}
function pinsrd(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  if (i.size === 8) {
    if (i.rm >= 0) { Q32[0] = c.R[2 * i.rm]; Q32[1] = c.R[2 * i.rm + 1]; } else c.mem.read64(ea(c, i), Q32, 0);
    const q = 2 * (i.imm & 1);
    X[k + q] = Q32[0]; X[k + q + 1] = Q32[1];
  } else X[k + (i.imm & 3)] = i.rm >= 0 ? c.R[2 * i.rm] : c.mem.read32(ea(c, i));
}

/**
 * insertps xmm, xmm/m32, imm8 (66 0F 3A 21): source dword imm[7:6] (a memory operand is the
 * dword itself) into destination lane imm[5:4], then the lanes in imm[3:0] are zeroed.
 */
function insertps(c: Cpu, i: Insn): void {
  const imm = i.imm;
  let v: number;
  if (i.rm >= 0) v = c.X32[4 * i.rm + ((imm >> 6) & 3)];
  else v = c.mem.read32(ea(c, i));
  const X = c.X32, k = 4 * i.reg;
  P32[0] = X[k]; P32[1] = X[k + 1]; P32[2] = X[k + 2]; P32[3] = X[k + 3];
  P32[(imm >> 4) & 3] = v;
  for (let j = 0; j < 4; j++) X[k + j] = (imm >> j) & 1 ? 0 : P32[j];
}

const M = { modrm: true };
const ext: [number, string, number, number][] = [
  [0x20, 'pmovsxbw', 1, 2], [0x21, 'pmovsxbd', 1, 4], [0x22, 'pmovsxbq', 1, 8],
  [0x23, 'pmovsxwd', 2, 4], [0x24, 'pmovsxwq', 2, 8], [0x25, 'pmovsxdq', 4, 8],
];
for (const [op, name, from, to] of ext) {
  defPfx(MAP_0F38, op, 'p66', { name, fn: pmovx(from, to, true), ...M });
  defPfx(MAP_0F38, op + 0x10, 'p66', { name: name.replace('sx', 'zx'), fn: pmovx(from, to, false), ...M });
}
defPfx(MAP_0F38, 0x2a, 'p66', { name: 'movntdqa', fn: movntdqa, ...M, memOnly: true });
const X = { ...M, imm: I_UB, size: S_DQ };
defPfx(MAP_0F3A, 0x14, 'p66', { name: 'pextrb', fn: pextrb, ...X });
defPfx(MAP_0F3A, 0x15, 'p66', { name: 'pextrw', fn: pextrw, ...X });
defPfx(MAP_0F3A, 0x16, 'p66', { name: 'pextrd', fn: pextrd, ...X });
defPfx(MAP_0F3A, 0x17, 'p66', { name: 'extractps', fn: pextrd, ...X, sub: 1 });
defPfx(MAP_0F3A, 0x20, 'p66', { name: 'pinsrb', fn: pinsrb, ...X });
defPfx(MAP_0F3A, 0x21, 'p66', { name: 'insertps', fn: insertps, ...M, imm: I_UB });
defPfx(MAP_0F3A, 0x22, 'p66', { name: 'pinsrd', fn: pinsrd, ...X });
