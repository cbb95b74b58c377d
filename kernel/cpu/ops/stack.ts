/**
 * The stack: push/pop in their register, immediate and memory forms, leave/enter, pushf/popf,
 * and the FE/FF groups (inc, dec, indirect call/jmp, push) whose members live in other families.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, defRegs, MAP_1, I_B, I_Z, I_WB, S_B, S_D64 } from '../optable.js';
import { ea, push64, pop64, getSp, setSp, writeRm64 } from '../operands.js';
import { getFlags, setFlags } from '../flags.js';
import { incDecHandler } from './alu.js';
import { callEMember, jmpEMember } from './branch.js';
import { GuestFault, SIGILL, ILL_ILLOPN, SIGSEGV, SI_KERNEL } from '../fault.js';

function push16(c: Cpu, v: number): void {
  const sp = getSp(c) - 2;
  c.mem.write16(sp, v);
  setSp(c, sp);
}

function pop16(c: Cpu): number {
  const sp = getSp(c);
  const v = c.mem.read16(sp);
  setSp(c, sp + 2);
  return v;
}

function pushR(c: Cpu, i: Insn): void {
  if (i.size === 2) push16(c, c.R16[4 * i.reg]);
  else push64(c, c.R[2 * i.reg], c.R[2 * i.reg + 1]);
}

function popR(c: Cpu, i: Insn): void {
  if (i.size === 2) {
    c.R16[4 * i.reg] = pop16(c);
    return;
  }
  pop64(c, 0);
  // pop rsp loads the popped value, not the incremented one.
  c.R[2 * i.reg] = c.T[0];
  c.R[2 * i.reg + 1] = c.T[1];
}

function pushI(c: Cpu, i: Insn): void {
  if (i.size === 2) push16(c, i.imm & 0xffff);
  else push64(c, i.imm, i.imm >> 31);
}

function pushE(c: Cpu, i: Insn): void {
  if (i.size === 2) {
    push16(c, i.rm >= 0 ? c.R16[4 * i.rm] : c.mem.read16(ea(c, i)));
    return;
  }
  if (i.rm >= 0) push64(c, c.R[2 * i.rm], c.R[2 * i.rm + 1]);
  else {
    c.mem.read64(ea(c, i), c.T, 4);
    push64(c, c.T[4], c.T[5]);
  }
}

/** pop E (8F /0): rsp is incremented before the destination address is computed. */
function popE(c: Cpu, i: Insn): void {
  const sp = getSp(c);
  if (i.size === 2) {
    const v = c.mem.read16(sp);
    setSp(c, sp + 2);
    if (i.rm >= 0) c.R16[4 * i.rm] = v;
    else {
      try {
        c.mem.write16(ea(c, i), v);
      } catch (e) {
        setSp(c, sp);
        throw e;
      }
    }
    return;
  }
  c.mem.read64(sp, c.T, 0);
  setSp(c, sp + 8);
  try {
    writeRm64(c, i, c.T[0], c.T[1], i.rm >= 0 ? 0 : ea(c, i));
  } catch (e) {
    setSp(c, sp);
    throw e;
  }
}

/** leave: rsp = rbp, pop rbp. */
function leave(c: Cpu): void {
  const R = c.R;
  const bp = R[11] * 4294967296 + (R[10] >>> 0);
  c.mem.read64(bp, c.T, 0);
  setSp(c, bp + 8);
  R[10] = c.T[0];
  R[11] = c.T[1];
}

/** enter imm16, imm8 (nesting levels copied from the old frame, as the manual's pseudo-code). */
function enter(c: Cpu, i: Insn): void {
  const R = c.R;
  const level = i.imm2 & 31;
  push64(c, R[10], R[11]);
  const frame = getSp(c);
  let bp = R[11] * 4294967296 + (R[10] >>> 0);
  for (let k = 1; k < level; k++) {
    bp -= 8;
    c.mem.read64(bp, c.T, 0);
    push64(c, c.T[0], c.T[1]);
  }
  if (level > 0) push64(c, frame | 0, Math.floor(frame / 4294967296));
  setSp(c, getSp(c) - i.imm);
  R[10] = frame | 0;
  R[11] = Math.floor(frame / 4294967296);
}

function pushf(c: Cpu, i: Insn): void {
  const f = getFlags(c);
  if (i.size === 2) push16(c, f & 0xffff);
  else push64(c, f, 0);
}

function popf(c: Cpu, i: Insn): void {
  if (i.size === 2) {
    setFlags(c, (getFlags(c) & ~0xffff) | pop16(c));
    return;
  }
  pop64(c, 0);
  setFlags(c, c.T[0]);
}

/** Far call/jmp through memory: the pointer is read, then loading the selector faults (#GP). */
function farBranch(c: Cpu, i: Insn): void {
  if (i.rm >= 0) throw new GuestFault(SIGILL, ILL_ILLOPN, i.addr, 'far branch to a register');
  c.mem.read32(ea(c, i));
  throw new GuestFault(SIGSEGV, SI_KERNEL, 0, 'far branch');
}

defRegs(MAP_1, 0x50, { name: 'push', fn: pushR, size: S_D64 });
defRegs(MAP_1, 0x58, { name: 'pop', fn: popR, size: S_D64 });
def(MAP_1, 0x68, { name: 'push', fn: pushI, imm: I_Z, size: S_D64 });
def(MAP_1, 0x6a, { name: 'push', fn: pushI, imm: I_B, size: S_D64 });
def(MAP_1, 0x8f, { name: 'pop', fn: popE, modrm: true, size: S_D64, group: [{}] });
def(MAP_1, 0xc9, { name: 'leave', fn: leave, size: S_D64 });
def(MAP_1, 0xc8, { name: 'enter', fn: enter, imm: I_WB, size: S_D64 });
def(MAP_1, 0x9c, { name: 'pushf', fn: pushf, size: S_D64 });
def(MAP_1, 0x9d, { name: 'popf', fn: popf, size: S_D64 });
def(MAP_1, 0xfe, {
  name: 'grp4', fn: incDecHandler, modrm: true, size: S_B,
  group: [{ name: 'inc', sub: 0 }, { name: 'dec', sub: 1 }],
});
def(MAP_1, 0xff, {
  name: 'grp5', fn: incDecHandler, modrm: true,
  group: [
    { name: 'inc', sub: 0 }, { name: 'dec', sub: 1 }, callEMember, { name: 'callf', fn: farBranch, branch: true },
    jmpEMember, { name: 'jmpf', fn: farBranch, branch: true }, { name: 'push', fn: pushE, size: S_D64 }, undefined,
  ],
});
