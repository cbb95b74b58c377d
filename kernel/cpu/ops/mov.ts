/**
 * Data movement: mov in all its general-purpose forms, movzx/movsx/movsxd, lea, xchg, and the
 * accumulator sign extensions (cbw/cwde/cdqe, cwd/cdq/cqo). None of these touch the flags.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, defRegs, MAP_1, MAP_0F, I_B, I_Z, I_V, I_MOFFS, S_B } from '../optable.js';
import { ea, getReg, setReg, writeRm, sext } from '../operands.js';

/** mov E, G (88, 89). */
function movEG(c: Cpu, i: Insn): void {
  const R = c.R;
  const s = i.size;
  if (i.rm >= 0) {
    if (s === 8) {
      R[2 * i.rm] = R[2 * i.reg];
      R[2 * i.rm + 1] = R[2 * i.reg + 1];
    } else setReg(c, s, i.rm, getReg(c, s, i.reg));
    return;
  }
  const a = ea(c, i);
  if (s === 8) c.mem.write64(a, R[2 * i.reg], R[2 * i.reg + 1]);
  else if (s === 4) c.mem.write32(a, R[2 * i.reg]);
  else if (s === 1) c.mem.write8(a, c.R8[i.reg]);
  else c.mem.write16(a, c.R16[4 * i.reg]);
}

/** mov G, E (8A, 8B). */
function movGE(c: Cpu, i: Insn): void {
  const R = c.R;
  const s = i.size;
  if (i.rm >= 0) {
    if (s === 8) {
      R[2 * i.reg] = R[2 * i.rm];
      R[2 * i.reg + 1] = R[2 * i.rm + 1];
    } else setReg(c, s, i.reg, getReg(c, s, i.rm));
    return;
  }
  const a = ea(c, i);
  if (s === 8) c.mem.read64(a, R, 2 * i.reg);
  else if (s === 4) {
    R[2 * i.reg] = c.mem.read32(a);
    R[2 * i.reg + 1] = 0;
  } else if (s === 1) c.R8[i.reg] = c.mem.read8(a);
  else c.R16[4 * i.reg] = c.mem.read16(a);
}

/** mov E, imm (C6 /0, C7 /0). */
function movEI(c: Cpu, i: Insn): void {
  if (i.size === 8) {
    if (i.rm >= 0) {
      c.R[2 * i.rm] = i.imm;
      c.R[2 * i.rm + 1] = i.immHi;
    } else c.mem.write64(ea(c, i), i.imm, i.immHi);
    return;
  }
  writeRm(c, i, i.imm, i.rm >= 0 ? 0 : ea(c, i));
}

/** mov r, imm (B0+r, B8+r). */
function movRI(c: Cpu, i: Insn): void {
  if (i.size === 8) {
    c.R[2 * i.reg] = i.imm;
    c.R[2 * i.reg + 1] = i.immHi;
  } else setReg(c, i.size, i.reg, i.imm);
}

/** mov AL/AX/EAX/RAX, moffs (A0, A1) and back (A2, A3). */
function movAO(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (i.size === 8) c.mem.read64(a, c.R, 0);
  else if (i.size === 4) setReg(c, 4, 0, c.mem.read32(a));
  else if (i.size === 2) c.R16[0] = c.mem.read16(a);
  else c.R8[0] = c.mem.read8(a);
}
function movOA(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (i.size === 8) c.mem.write64(a, c.R[0], c.R[1]);
  else if (i.size === 4) c.mem.write32(a, c.R[0]);
  else if (i.size === 2) c.mem.write16(a, c.R16[0]);
  else c.mem.write8(a, c.R8[0]);
}

/** Writes a 32-bit signed value to G at size 2/4/8 (sign- or zero-extended already to 32 bits). */
function setGFrom32(c: Cpu, i: Insn, v: number, signed: boolean): void {
  if (i.size === 8) {
    c.R[2 * i.reg] = v;
    c.R[2 * i.reg + 1] = signed ? v >> 31 : 0;
  } else setReg(c, i.size, i.reg, i.size === 2 ? v & 0xffff : v);
}

/** movzx G, Eb / Ew (0F B6, 0F B7). */
function movzxB(c: Cpu, i: Insn): void {
  setGFrom32(c, i, i.rm >= 0 ? c.R8[i.rm] : c.mem.read8(ea(c, i)), false);
}
function movzxW(c: Cpu, i: Insn): void {
  setGFrom32(c, i, i.rm >= 0 ? c.R16[4 * i.rm] : c.mem.read16(ea(c, i)), false);
}
/** movsx G, Eb / Ew (0F BE, 0F BF). */
function movsxB(c: Cpu, i: Insn): void {
  setGFrom32(c, i, sext(1, i.rm >= 0 ? c.R8[i.rm] : c.mem.read8(ea(c, i))), true);
}
function movsxW(c: Cpu, i: Insn): void {
  setGFrom32(c, i, sext(2, i.rm >= 0 ? c.R16[4 * i.rm] : c.mem.read16(ea(c, i))), true);
}
/** movsxd G, Ed (63). */
function movsxd(c: Cpu, i: Insn): void {
  const v = i.rm >= 0 ? c.R[2 * i.rm] : c.mem.read32(ea(c, i));
  setGFrom32(c, i, v, true);
}

/** lea G, M (8D): the address itself, truncated to the operand size. */
function lea(c: Cpu, i: Insn): void {
  const R = c.R;
  if (i.size === 8 && i.asize === 8) {
    // Exact 64-bit wrapping arithmetic in halves (addresses as doubles could lose bits here).
    let lo = i.disp | 0;
    let hi = i.disp < 0 ? -1 : Math.floor(i.disp / 4294967296) | 0;
    if (i.base >= 0) {
      const s = (lo >>> 0) + (R[2 * i.base] >>> 0);
      lo = s | 0;
      hi = (hi + R[2 * i.base + 1] + (s > 0xffffffff ? 1 : 0)) | 0;
    }
    if (i.index >= 0) {
      let xl = R[2 * i.index], xh = R[2 * i.index + 1];
      for (let sc = i.scale; sc > 1; sc >>= 1) {
        xh = (xh << 1) | (xl >>> 31);
        xl <<= 1;
      }
      const s = (lo >>> 0) + (xl >>> 0);
      lo = s | 0;
      hi = (hi + xh + (s > 0xffffffff ? 1 : 0)) | 0;
    }
    R[2 * i.reg] = lo;
    R[2 * i.reg + 1] = hi;
    return;
  }
  let a = i.disp | 0;
  if (i.base >= 0) a += R[2 * i.base];
  if (i.index >= 0) a += R[2 * i.index] * i.scale;
  if (i.size === 8) {
    R[2 * i.reg] = a | 0;
    R[2 * i.reg + 1] = 0;
  } else setReg(c, i.size, i.reg, i.size === 2 ? a & 0xffff : a | 0);
}

/** xchg E, G (86, 87) and xchg rAX, r (90+r with a register other than rAX). */
function xchg(c: Cpu, i: Insn): void {
  const R = c.R;
  const s = i.size;
  if (s === 8) {
    const gl = R[2 * i.reg], gh = R[2 * i.reg + 1];
    if (i.rm >= 0) {
      R[2 * i.reg] = R[2 * i.rm];
      R[2 * i.reg + 1] = R[2 * i.rm + 1];
      R[2 * i.rm] = gl;
      R[2 * i.rm + 1] = gh;
    } else {
      const a = ea(c, i);
      c.mem.read64(a, c.T, 0);
      c.mem.write64(a, gl, gh);
      R[2 * i.reg] = c.T[0];
      R[2 * i.reg + 1] = c.T[1];
    }
    return;
  }
  const g = getReg(c, s, i.reg);
  if (i.rm >= 0) {
    const e = getReg(c, s, i.rm);
    setReg(c, s, i.rm, g);
    setReg(c, s, i.reg, e);
  } else {
    const a = ea(c, i);
    const e = s === 1 ? c.mem.read8(a) : s === 2 ? c.mem.read16(a) : c.mem.read32(a);
    writeRm(c, i, g, a);
    setReg(c, s, i.reg, e);
  }
}

/** 90+r: nop for rAX (unless REX.B makes it r8), else xchg r, rAX. */
function xchgAcc(c: Cpu, i: Insn): void {
  if (i.reg === 0) return; // nop, and F3 90 pause
  const R = c.R;
  const s = i.size;
  if (s === 8) {
    const l = R[0], h = R[1];
    R[0] = R[2 * i.reg];
    R[1] = R[2 * i.reg + 1];
    R[2 * i.reg] = l;
    R[2 * i.reg + 1] = h;
  } else {
    const a = getReg(c, s, 0);
    setReg(c, s, 0, getReg(c, s, i.reg));
    setReg(c, s, i.reg, a);
  }
}

/** cbw/cwde/cdqe (98). */
function cbw(c: Cpu, i: Insn): void {
  const R = c.R;
  if (i.size === 8) R[1] = R[0] >> 31;
  else if (i.size === 4) setReg(c, 4, 0, (R[0] << 16) >> 16);
  else c.R16[0] = ((R[0] << 24) >> 24) & 0xffff;
}

/** cwd/cdq/cqo (99). */
function cwd(c: Cpu, i: Insn): void {
  const R = c.R;
  if (i.size === 8) {
    const s = R[1] >> 31;
    R[4] = s;
    R[5] = s;
  } else if (i.size === 4) setReg(c, 4, 2, R[0] >> 31);
  else c.R16[8] = (R[0] << 16) >> 31 & 0xffff;
}

def(MAP_1, 0x88, { name: 'mov', fn: movEG, modrm: true, size: S_B });
def(MAP_1, 0x89, { name: 'mov', fn: movEG, modrm: true });
def(MAP_1, 0x8a, { name: 'mov', fn: movGE, modrm: true, size: S_B });
def(MAP_1, 0x8b, { name: 'mov', fn: movGE, modrm: true });
def(MAP_1, 0xc6, { name: 'mov', fn: movEI, modrm: true, size: S_B, imm: I_B, group: [{}] });
def(MAP_1, 0xc7, { name: 'mov', fn: movEI, modrm: true, imm: I_Z, group: [{}] });
defRegs(MAP_1, 0xb0, { name: 'mov', fn: movRI, size: S_B, imm: I_B });
defRegs(MAP_1, 0xb8, { name: 'mov', fn: movRI, imm: I_V });
def(MAP_1, 0xa0, { name: 'mov', fn: movAO, size: S_B, imm: I_MOFFS });
def(MAP_1, 0xa1, { name: 'mov', fn: movAO, imm: I_MOFFS });
def(MAP_1, 0xa2, { name: 'mov', fn: movOA, size: S_B, imm: I_MOFFS });
def(MAP_1, 0xa3, { name: 'mov', fn: movOA, imm: I_MOFFS });
def(MAP_0F, 0xb6, { name: 'movzx', fn: movzxB, modrm: true, rmByte: true });
def(MAP_0F, 0xb7, { name: 'movzx', fn: movzxW, modrm: true });
def(MAP_0F, 0xbe, { name: 'movsx', fn: movsxB, modrm: true, rmByte: true });
def(MAP_0F, 0xbf, { name: 'movsx', fn: movsxW, modrm: true });
def(MAP_1, 0x63, { name: 'movsxd', fn: movsxd, modrm: true });
def(MAP_1, 0x8d, { name: 'lea', fn: lea, modrm: true, memOnly: true });
def(MAP_1, 0x86, { name: 'xchg', fn: xchg, modrm: true, size: S_B });
def(MAP_1, 0x87, { name: 'xchg', fn: xchg, modrm: true });
defRegs(MAP_1, 0x90, { name: 'xchg', fn: xchgAcc });
def(MAP_1, 0x98, { name: 'cbw', fn: cbw });
def(MAP_1, 0x99, { name: 'cwd', fn: cwd });
