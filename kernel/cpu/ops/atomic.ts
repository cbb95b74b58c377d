/**
 * The read-modify-write instructions that locking code is built from: cmpxchg (0F B0/B1), xadd
 * (0F C0/C1), cmpxchg8b/cmpxchg16b (0F C7 /1), and bswap (0F C8+r), which sits next to them in the
 * map. One core runs at a time, so the lock prefix needs no extra work; what matters is that a
 * memory destination is always written (even when a compare fails), as the locked bus cycle does,
 * so a read-only destination faults the same way.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, defRegs, MAP_0F, S_B } from '../optable.js';
import { setSomeFlags, ZF } from '../flags.js';
import { ea, getReg, setReg } from '../operands.js';
import { alu, alu64, ADD, CMP } from './alu.js';
import { GuestFault, SIGSEGV, SI_KERNEL } from '../fault.js';

function readMem(c: Cpu, size: number, a: number): number {
  return size === 1 ? c.mem.read8(a) : size === 2 ? c.mem.read16(a) : c.mem.read32(a);
}

function writeMem(c: Cpu, size: number, a: number, v: number): void {
  if (size === 1) c.mem.write8(a, v);
  else if (size === 2) c.mem.write16(a, v);
  else c.mem.write32(a, v);
}

/** cmpxchg E, G: compare the accumulator with E; equal: E = G, else accumulator = E. Flags of cmp. */
function cmpxchg(c: Cpu, i: Insn): void {
  const R = c.R;
  const s = i.size;
  if (s === 8) {
    let addr = 0;
    if (i.rm >= 0) {
      c.T[0] = R[2 * i.rm];
      c.T[1] = R[2 * i.rm + 1];
    } else {
      addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
    }
    const dLo = c.T[0], dHi = c.T[1];
    alu64(c, CMP, R[0], R[1], dLo, dHi);
    if (dLo === R[0] && dHi === R[1]) {
      if (i.rm >= 0) {
        R[2 * i.rm] = R[2 * i.reg];
        R[2 * i.rm + 1] = R[2 * i.reg + 1];
      } else c.mem.write64(addr, R[2 * i.reg], R[2 * i.reg + 1]);
    } else {
      if (i.rm < 0) c.mem.write64(addr, dLo, dHi);
      R[0] = dLo;
      R[1] = dHi;
    }
    return;
  }
  const addr = i.rm >= 0 ? 0 : ea(c, i);
  const d = i.rm >= 0 ? getReg(c, s, i.rm) : readMem(c, s, addr);
  const acc = getReg(c, s, 0);
  alu(c, CMP, s, acc, d);
  if (acc === d) {
    const g = getReg(c, s, i.reg);
    if (i.rm >= 0) setReg(c, s, i.rm, g);
    else writeMem(c, s, addr, g);
  } else {
    if (i.rm < 0) writeMem(c, s, addr, d);
    setReg(c, s, 0, d);
  }
}

/** xadd E, G: G = E, E = E + G (flags of the add). When E is G itself, the sum wins. */
function xadd(c: Cpu, i: Insn): void {
  const R = c.R;
  const s = i.size;
  if (s === 8) {
    let addr = 0;
    if (i.rm >= 0) {
      c.T[0] = R[2 * i.rm];
      c.T[1] = R[2 * i.rm + 1];
    } else {
      addr = ea(c, i);
      c.mem.read64(addr, c.T, 0);
    }
    const dLo = c.T[0], dHi = c.T[1];
    alu64(c, ADD, dLo, dHi, R[2 * i.reg], R[2 * i.reg + 1]);
    const sLo = c.T[14], sHi = c.T[15];
    if (i.rm < 0) c.mem.write64(addr, sLo, sHi);
    R[2 * i.reg] = dLo;
    R[2 * i.reg + 1] = dHi;
    if (i.rm >= 0) {
      R[2 * i.rm] = sLo;
      R[2 * i.rm + 1] = sHi;
    }
    return;
  }
  const addr = i.rm >= 0 ? 0 : ea(c, i);
  const d = i.rm >= 0 ? getReg(c, s, i.rm) : readMem(c, s, addr);
  const sum = alu(c, ADD, s, d, getReg(c, s, i.reg));
  if (i.rm < 0) writeMem(c, s, addr, sum);
  setReg(c, s, i.reg, d);
  if (i.rm >= 0) setReg(c, s, i.rm, sum);
}

/**
 * cmpxchg8b m64 / cmpxchg16b m128 (0F C7 /1, 16b with REX.W): compare rDX:rAX with memory; equal:
 * store rCX:rBX, else load memory into rDX:rAX. Only ZF changes. cmpxchg16b needs a 16-byte
 * aligned operand (#GP, which Linux reports as SIGSEGV with si_addr 0).
 */
function cmpxchg8b(c: Cpu, i: Insn): void {
  const R = c.R;
  const a = ea(c, i);
  const T = c.T;
  if (i.size === 8) {
    if (a % 16 !== 0) throw new GuestFault(SIGSEGV, SI_KERNEL, 0, 'cmpxchg16b alignment');
    c.mem.read64(a, T, 0);
    c.mem.read64(a + 8, T, 2);
    const eq = T[0] === R[0] && T[1] === R[1] && T[2] === R[4] && T[3] === R[5];
    if (eq) {
      c.mem.write64(a + 8, R[2], R[3]); // aligned: both halves are in one page
      c.mem.write64(a, R[6], R[7]);
    } else {
      c.mem.write64(a + 8, T[2], T[3]);
      c.mem.write64(a, T[0], T[1]);
      R[0] = T[0]; R[1] = T[1];
      R[4] = T[2]; R[5] = T[3];
    }
    setSomeFlags(c, ZF, eq ? ZF : 0);
    return;
  }
  c.mem.read64(a, T, 0);
  const eq = T[0] === R[0] && T[1] === R[4];
  if (eq) c.mem.write64(a, R[6], R[2]);
  else {
    c.mem.write64(a, T[0], T[1]);
    R[0] = T[0]; R[1] = 0;
    R[4] = T[1]; R[5] = 0;
  }
  setSomeFlags(c, ZF, eq ? ZF : 0);
}

function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** bswap r (0F C8+r). The 16-bit form is undefined; like Intel and AMD CPUs it clears the word. */
function bswap(c: Cpu, i: Insn): void {
  const R = c.R;
  const n = i.reg;
  if (i.size === 8) {
    const lo = R[2 * n];
    R[2 * n] = bswap32(R[2 * n + 1]);
    R[2 * n + 1] = bswap32(lo);
  } else if (i.size === 4) {
    R[2 * n] = bswap32(R[2 * n]);
    R[2 * n + 1] = 0;
  } else c.R16[4 * n] = 0;
}

def(MAP_0F, 0xb0, { name: 'cmpxchg', fn: cmpxchg, modrm: true, size: S_B });
def(MAP_0F, 0xb1, { name: 'cmpxchg', fn: cmpxchg, modrm: true });
def(MAP_0F, 0xc0, { name: 'xadd', fn: xadd, modrm: true, size: S_B });
def(MAP_0F, 0xc1, { name: 'xadd', fn: xadd, modrm: true });
def(MAP_0F, 0xc7, {
  name: 'grp9', fn: cmpxchg8b, modrm: true, memOnly: true,
  group: [undefined, { name: 'cmpxchg8b' }],
});
defRegs(MAP_0F, 0xc8, { name: 'bswap', fn: bswap });
