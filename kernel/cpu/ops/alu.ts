/**
 * The eight classic ALU operations (add, or, adc, sbb, and, sub, xor, cmp) in all their encodings
 * (00-3F, group 1 at 80/81/83), test (84/85, A8/A9), inc/dec (FE/FF /0 /1) and not/neg (F6/F7 /2 /3).
 * Op numbers are the manual's: the /digit of group 1 and bits 3..5 of the 00-3F opcodes.
 */

import { Cpu, F_ADD, F_ADC, F_SUB, F_SBB, F_INC, F_DEC } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, I_B, I_Z, S_B } from '../optable.js';
import { setLazy, setLazy64, setLogic, getCF } from '../flags.js';
import { ea, getReg, setReg, norm, writeRm, writeRm64 } from '../operands.js';

export const ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;
const NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];

/** op on values of size 1, 2 or 4; returns the result and records flags. */
export function alu(c: Cpu, op: number, size: number, a: number, b: number): number {
  let r: number;
  switch (op) {
    case ADD:
      r = norm(size, a + b);
      setLazy(c, F_ADD, size, r, a, b);
      return r;
    case OR:
      r = norm(size, a | b);
      setLogic(c, size, r, 0);
      return r;
    case ADC: {
      const cf = getCF(c);
      r = norm(size, a + b + cf);
      c.fCF = cf;
      setLazy(c, F_ADC, size, r, a, b);
      return r;
    }
    case SBB: {
      const cf = getCF(c);
      r = norm(size, a - b - cf);
      c.fCF = cf;
      setLazy(c, F_SBB, size, r, a, b);
      return r;
    }
    case AND:
      r = norm(size, a & b);
      setLogic(c, size, r, 0);
      return r;
    case XOR:
      r = norm(size, a ^ b);
      setLogic(c, size, r, 0);
      return r;
    default: // SUB, CMP
      r = norm(size, a - b);
      setLazy(c, F_SUB, size, r, a, b);
      return r;
  }
}

/** op on 64-bit pairs; the result goes to c.T[14] (low) and c.T[15] (high). */
export function alu64(c: Cpu, op: number, aLo: number, aHi: number, bLo: number, bHi: number): void {
  let lo: number, hi: number;
  switch (op) {
    case ADD: {
      lo = (aLo + bLo) | 0;
      const carry = lo >>> 0 < aLo >>> 0 ? 1 : 0;
      hi = (aHi + bHi + carry) | 0;
      setLazy64(c, F_ADD, lo, hi, aLo, aHi, bLo, bHi);
      break;
    }
    case OR:
      lo = aLo | bLo;
      hi = aHi | bHi;
      setLogic(c, 8, lo, hi);
      break;
    case ADC: {
      const cf = getCF(c);
      const s = (aLo >>> 0) + (bLo >>> 0) + cf;
      lo = s | 0;
      hi = (aHi + bHi + (s > 0xffffffff ? 1 : 0)) | 0;
      c.fCF = cf;
      setLazy64(c, F_ADC, lo, hi, aLo, aHi, bLo, bHi);
      break;
    }
    case SBB: {
      const cf = getCF(c);
      const s = (aLo >>> 0) - (bLo >>> 0) - cf;
      lo = s | 0;
      hi = (aHi - bHi - (s < 0 ? 1 : 0)) | 0;
      c.fCF = cf;
      setLazy64(c, F_SBB, lo, hi, aLo, aHi, bLo, bHi);
      break;
    }
    case AND:
      lo = aLo & bLo;
      hi = aHi & bHi;
      setLogic(c, 8, lo, hi);
      break;
    case XOR:
      lo = aLo ^ bLo;
      hi = aHi ^ bHi;
      setLogic(c, 8, lo, hi);
      break;
    default: {
      lo = (aLo - bLo) | 0;
      const borrow = aLo >>> 0 < bLo >>> 0 ? 1 : 0;
      hi = (aHi - bHi - borrow) | 0;
      setLazy64(c, F_SUB, lo, hi, aLo, aHi, bLo, bHi);
    }
  }
  c.T[14] = lo;
  c.T[15] = hi;
}

function readMem(c: Cpu, size: number, addr: number): number {
  return size === 1 ? c.mem.read8(addr) : size === 2 ? c.mem.read16(addr) : c.mem.read32(addr);
}

/** op E, G (00, 01, 08, 09, ...) and test E, G (84, 85 with sub = AND and no write-back). */
function aluEG(c: Cpu, i: Insn): void {
  const op = i.sub & 7;
  const write = op !== CMP && i.sub < 8;
  const R = c.R;
  if (i.size === 8) {
    let addr = 0;
    let aLo: number, aHi: number;
    if (i.rm >= 0) {
      aLo = R[2 * i.rm];
      aHi = R[2 * i.rm + 1];
    } else {
      addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
      aLo = c.T[0];
      aHi = c.T[1];
    }
    alu64(c, op, aLo, aHi, R[2 * i.reg], R[2 * i.reg + 1]);
    if (write) writeRm64(c, i, c.T[14], c.T[15], addr);
    return;
  }
  if (i.rm >= 0) {
    const r = alu(c, op, i.size, getReg(c, i.size, i.rm), getReg(c, i.size, i.reg));
    if (write) setReg(c, i.size, i.rm, r);
  } else {
    const addr = ea(c, i);
    const r = alu(c, op, i.size, readMem(c, i.size, addr), getReg(c, i.size, i.reg));
    if (write) writeRm(c, i, r, addr);
  }
}

/** op G, E (02, 03, 0A, 0B, ...). */
function aluGE(c: Cpu, i: Insn): void {
  const op = i.sub;
  const R = c.R;
  if (i.size === 8) {
    let bLo: number, bHi: number;
    if (i.rm >= 0) {
      bLo = R[2 * i.rm];
      bHi = R[2 * i.rm + 1];
    } else {
      c.mem.read64(ea(c, i), c.T, 0);
      bLo = c.T[0];
      bHi = c.T[1];
    }
    alu64(c, op, R[2 * i.reg], R[2 * i.reg + 1], bLo, bHi);
    if (op !== CMP) {
      R[2 * i.reg] = c.T[14];
      R[2 * i.reg + 1] = c.T[15];
    }
    return;
  }
  const b = i.rm >= 0 ? getReg(c, i.size, i.rm) : readMem(c, i.size, ea(c, i));
  const r = alu(c, op, i.size, getReg(c, i.size, i.reg), b);
  if (op !== CMP) setReg(c, i.size, i.reg, r);
}

/** op E, imm (group 1: 80, 81, 83; test: F6/F7 /0 with sub = 8|AND). */
function aluEI(c: Cpu, i: Insn): void {
  const op = i.sub & 7;
  const write = op !== CMP && i.sub < 8;
  const R = c.R;
  if (i.size === 8) {
    let addr = 0;
    let aLo: number, aHi: number;
    if (i.rm >= 0) {
      aLo = R[2 * i.rm];
      aHi = R[2 * i.rm + 1];
    } else {
      addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
      aLo = c.T[0];
      aHi = c.T[1];
    }
    alu64(c, op, aLo, aHi, i.imm, i.immHi);
    if (write) writeRm64(c, i, c.T[14], c.T[15], addr);
    return;
  }
  if (i.rm >= 0) {
    const r = alu(c, op, i.size, getReg(c, i.size, i.rm), i.imm);
    if (write) setReg(c, i.size, i.rm, r);
  } else {
    const addr = ea(c, i);
    const r = alu(c, op, i.size, readMem(c, i.size, addr), i.imm);
    if (write) writeRm(c, i, r, addr);
  }
}

/** op AL/AX/EAX/RAX, imm (04, 05, 0C, ..., A8, A9). */
function aluAI(c: Cpu, i: Insn): void {
  const op = i.sub & 7;
  const write = op !== CMP && i.sub < 8;
  if (i.size === 8) {
    alu64(c, op, c.R[0], c.R[1], i.imm, i.immHi);
    if (write) {
      c.R[0] = c.T[14];
      c.R[1] = c.T[15];
    }
    return;
  }
  const r = alu(c, op, i.size, getReg(c, i.size, 0), i.imm);
  if (write) setReg(c, i.size, 0, r);
}

/** inc/dec E (FE/FF /0 /1): like add/sub 1 but CF is left alone. */
function incDec(c: Cpu, i: Insn): void {
  const dec = i.sub === 1;
  const cf = getCF(c);
  const R = c.R;
  if (i.size === 8) {
    let addr = 0;
    if (i.rm >= 0) {
      c.T[0] = R[2 * i.rm];
      c.T[1] = R[2 * i.rm + 1];
    } else {
      addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
    }
    const aLo = c.T[0], aHi = c.T[1];
    const lo = (aLo + (dec ? -1 : 1)) | 0;
    const hi = dec ? (lo === -1 ? (aHi - 1) | 0 : aHi) : lo === 0 ? (aHi + 1) | 0 : aHi;
    setLazy64(c, dec ? F_DEC : F_INC, lo, hi, aLo, aHi, 1, 0);
    c.fCF = cf;
    writeRm64(c, i, lo, hi, addr);
    return;
  }
  const addr = i.rm >= 0 ? 0 : ea(c, i);
  const a = i.rm >= 0 ? getReg(c, i.size, i.rm) : readMem(c, i.size, addr);
  const r = norm(i.size, dec ? a - 1 : a + 1);
  setLazy(c, dec ? F_DEC : F_INC, i.size, r, a, 1);
  c.fCF = cf;
  writeRm(c, i, r, addr);
}

/** not E (F6/F7 /2): no flags. */
function notE(c: Cpu, i: Insn): void {
  const R = c.R;
  if (i.size === 8) {
    if (i.rm >= 0) {
      R[2 * i.rm] = ~R[2 * i.rm];
      R[2 * i.rm + 1] = ~R[2 * i.rm + 1];
    } else {
      const addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
      c.mem.write64(addr, ~c.T[0], ~c.T[1]);
    }
    return;
  }
  const addr = i.rm >= 0 ? 0 : ea(c, i);
  const a = i.rm >= 0 ? getReg(c, i.size, i.rm) : readMem(c, i.size, addr);
  writeRm(c, i, norm(i.size, ~a), addr);
}

/** neg E (F6/F7 /3): 0 - E, CF = (E != 0). */
function negE(c: Cpu, i: Insn): void {
  const R = c.R;
  if (i.size === 8) {
    let addr = 0;
    if (i.rm >= 0) {
      c.T[0] = R[2 * i.rm];
      c.T[1] = R[2 * i.rm + 1];
    } else {
      addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
    }
    alu64(c, SUB, 0, 0, c.T[0], c.T[1]);
    writeRm64(c, i, c.T[14], c.T[15], addr);
    return;
  }
  const addr = i.rm >= 0 ? 0 : ea(c, i);
  const a = i.rm >= 0 ? getReg(c, i.size, i.rm) : readMem(c, i.size, addr);
  writeRm(c, i, alu(c, SUB, i.size, 0, a), addr);
}

for (let op = 0; op < 8; op++) {
  const b = op * 8;
  const n = NAMES[op];
  def(MAP_1, b + 0, { name: n, fn: aluEG, modrm: true, size: S_B, sub: op });
  def(MAP_1, b + 1, { name: n, fn: aluEG, modrm: true, sub: op });
  def(MAP_1, b + 2, { name: n, fn: aluGE, modrm: true, size: S_B, sub: op });
  def(MAP_1, b + 3, { name: n, fn: aluGE, modrm: true, sub: op });
  def(MAP_1, b + 4, { name: n, fn: aluAI, imm: I_B, size: S_B, sub: op });
  def(MAP_1, b + 5, { name: n, fn: aluAI, imm: I_Z, sub: op });
}
const group1 = NAMES.map((name, op) => ({ name, sub: op }));
def(MAP_1, 0x80, { name: 'grp1', fn: aluEI, modrm: true, size: S_B, imm: I_B, group: group1 });
def(MAP_1, 0x81, { name: 'grp1', fn: aluEI, modrm: true, imm: I_Z, group: group1 });
def(MAP_1, 0x83, { name: 'grp1', fn: aluEI, modrm: true, imm: I_B, group: group1 });
def(MAP_1, 0x84, { name: 'test', fn: aluEG, modrm: true, size: S_B, sub: 8 | AND });
def(MAP_1, 0x85, { name: 'test', fn: aluEG, modrm: true, sub: 8 | AND });
def(MAP_1, 0xa8, { name: 'test', fn: aluAI, imm: I_B, size: S_B, sub: 8 | AND });
def(MAP_1, 0xa9, { name: 'test', fn: aluAI, imm: I_Z, sub: 8 | AND });

export const incDecHandler = incDec;
export const group3Common = {
  test: { name: 'test', fn: aluEI, sub: 8 | AND },
  not: { name: 'not', fn: notE },
  neg: { name: 'neg', fn: negE },
};
