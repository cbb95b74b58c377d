/**
 * Control transfer: jcc, jmp, call, ret (near, direct and indirect), jrcxz and loop, plus the
 * condition-code users setcc and cmovcc. Branch targets of direct forms were made absolute by the
 * decoder. Every instruction here that can change RIP is marked `branch` and ends a block.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, MAP_0F, I_REL8, I_REL32, I_W, S_B, S_D64 } from '../optable.js';
import { cond } from '../flags.js';
import { ea, push64, pop64, jumpTo, getSp, setSp, setReg, getReg } from '../operands.js';

function jcc(c: Cpu, i: Insn): void {
  c.rip = cond(c, i.sub) ? i.imm : i.next;
}

function jmp(c: Cpu, i: Insn): void {
  c.rip = i.imm;
}

function pushNext(c: Cpu, i: Insn): void {
  const n = i.next;
  const hi = Math.floor(n / 4294967296);
  push64(c, (n - hi * 4294967296) | 0, hi);
}

function call(c: Cpu, i: Insn): void {
  pushNext(c, i);
  c.rip = i.imm;
}

/** Reads the 64-bit r/m target of an indirect branch into T[2], T[3]. */
function target(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    c.T[2] = c.R[2 * i.rm];
    c.T[3] = c.R[2 * i.rm + 1];
  } else c.mem.read64(ea(c, i), c.T, 2);
}

function callE(c: Cpu, i: Insn): void {
  target(c, i);
  pushNext(c, i);
  jumpTo(c, c.T[2], c.T[3]);
}

function jmpE(c: Cpu, i: Insn): void {
  target(c, i);
  jumpTo(c, c.T[2], c.T[3]);
}

function ret(c: Cpu): void {
  pop64(c, 2);
  jumpTo(c, c.T[2], c.T[3]);
}

/** ret imm16: pops the return address, then imm16 more bytes. */
function retImm(c: Cpu, i: Insn): void {
  pop64(c, 2);
  setSp(c, getSp(c) + i.imm);
  jumpTo(c, c.T[2], c.T[3]);
}

/** Reads the count register at the address size (rcx or ecx). */
function count(c: Cpu, i: Insn): number {
  return i.asize === 8 ? c.getU64(1) : c.R[2] >>> 0;
}

function jrcxz(c: Cpu, i: Insn): void {
  c.rip = count(c, i) === 0 ? i.imm : i.next;
}

/** loop/loope/loopne (E2, E1, E0): decrement the count, branch while non-zero (and ZF says so). */
function loop(c: Cpu, i: Insn): void {
  const R = c.R;
  let nz: boolean;
  if (i.asize === 8) {
    const lo = (R[2] - 1) | 0;
    if (lo === -1) R[3] = (R[3] - 1) | 0;
    R[2] = lo;
    nz = (R[2] | R[3]) !== 0;
  } else {
    R[2] = (R[2] - 1) | 0;
    R[3] = 0;
    nz = R[2] !== 0;
  }
  let take = nz;
  if (i.sub === 1) take = nz && cond(c, 4); // loope: ZF = 1
  else if (i.sub === 0) take = nz && cond(c, 5); // loopne: ZF = 0
  c.rip = take ? i.imm : i.next;
}

function setcc(c: Cpu, i: Insn): void {
  const v = cond(c, i.sub) ? 1 : 0;
  if (i.rm >= 0) c.R8[i.rm] = v;
  else c.mem.write8(ea(c, i), v);
}

/** cmovcc G, E: the source is read even when the condition is false (it may fault). */
function cmovcc(c: Cpu, i: Insn): void {
  const R = c.R;
  if (i.size === 8) {
    if (i.rm >= 0) {
      c.T[0] = R[2 * i.rm];
      c.T[1] = R[2 * i.rm + 1];
    } else c.mem.read64(ea(c, i), c.T, 0);
    if (cond(c, i.sub)) {
      R[2 * i.reg] = c.T[0];
      R[2 * i.reg + 1] = c.T[1];
    }
    return;
  }
  const v = i.rm >= 0 ? getReg(c, i.size, i.rm) : i.size === 2 ? c.mem.read16(ea(c, i)) : c.mem.read32(ea(c, i));
  if (cond(c, i.sub)) setReg(c, i.size, i.reg, v);
  else if (i.size === 4) R[2 * i.reg + 1] = 0; // a 32-bit cmov always zero-extends its destination
}

const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
for (let cc = 0; cc < 16; cc++) {
  def(MAP_1, 0x70 + cc, { name: 'j' + CC[cc], fn: jcc, imm: I_REL8, sub: cc, branch: true });
  def(MAP_0F, 0x80 + cc, { name: 'j' + CC[cc], fn: jcc, imm: I_REL32, sub: cc, branch: true });
  def(MAP_0F, 0x90 + cc, { name: 'set' + CC[cc], fn: setcc, modrm: true, size: S_B, sub: cc });
  def(MAP_0F, 0x40 + cc, { name: 'cmov' + CC[cc], fn: cmovcc, modrm: true, sub: cc });
}
def(MAP_1, 0xe8, { name: 'call', fn: call, imm: I_REL32, branch: true, size: S_D64 });
def(MAP_1, 0xe9, { name: 'jmp', fn: jmp, imm: I_REL32, branch: true });
def(MAP_1, 0xeb, { name: 'jmp', fn: jmp, imm: I_REL8, branch: true });
def(MAP_1, 0xc3, { name: 'ret', fn: ret, branch: true });
def(MAP_1, 0xc2, { name: 'ret', fn: retImm, imm: I_W, branch: true });
def(MAP_1, 0xe3, { name: 'jrcxz', fn: jrcxz, imm: I_REL8, branch: true });
def(MAP_1, 0xe0, { name: 'loopne', fn: loop, imm: I_REL8, branch: true, sub: 0 });
def(MAP_1, 0xe1, { name: 'loope', fn: loop, imm: I_REL8, branch: true, sub: 1 });
def(MAP_1, 0xe2, { name: 'loop', fn: loop, imm: I_REL8, branch: true, sub: 2 });

/** FF /2 call and FF /4 jmp, as members of the FF group (see stack.ts, which owns the row). */
export const callEMember = { name: 'call', fn: callE, branch: true, size: S_D64 };
export const jmpEMember = { name: 'jmp', fn: jmpE, branch: true, size: S_D64 };
void S_B;
