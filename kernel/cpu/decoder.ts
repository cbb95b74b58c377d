/**
 * The x86-64 decoder: legacy prefixes, REX, the opcode maps, ModRM/SIB/displacement, RIP-relative
 * addressing and immediates, driven by the rows of optable.ts. It fills an Insn; it never executes.
 *
 * VEX (C4/C5) instructions are looked up in optable.ts's vexTables; see defVex there for what the
 * decoder fills in for them (vreg, vl, pfx from VEX.pp, REX bits from the VEX payload).
 *
 * Bytes are fetched with execute permission, so decoding from a non-executable or unmapped page
 * raises the SIGSEGV the CPU would. An opcode with no row is an invalid opcode (SIGILL).
 */

import { Insn } from './insn.js';
import {
  tables, vexTables, VEX_OP, OpDef, MAP_1, MAP_0F, MAP_0F38, MAP_0F3A,
  I_NONE, I_B, I_UB, I_W, I_Z, I_V, I_WB, I_REL8, I_REL32, I_MOFFS,
  S_B, S_V, S_D64, S_Q, S_DQ, S_W,
} from './optable.js';
import { GuestFault, SIGILL, ILL_ILLOPN, SIGSEGV, SI_KERNEL } from './fault.js';
import type { MemAccess } from '../mm/access.js';
import { PROT_EXEC } from '../mm/pagetable.js';
import { PAGE_SIZE } from '../mm/phys.js';

const MAX_LEN = 15;

export class Decoder {
  private mem!: MemAccess;
  private pc = 0;
  private start = 0;
  /** Physical offset of the current fetch page and its page number. */
  private pageOff = 0;
  private pageVpn = -1;

  /** Decodes the instruction at addr into insn (all fields overwritten). */
  decode(mem: MemAccess, addr: number, insn: Insn): void {
    this.mem = mem;
    this.start = addr;
    this.pc = addr;
    this.pageVpn = -1;
    const i = insn;
    i.addr = addr;
    i.rep = 0;
    i.lock = false;
    i.seg = 0;
    i.rex = 0;
    i.vreg = -1;
    i.vl = 0;
    let opsize16 = false;
    let addr32 = false;
    let rex = 0;
    let b: number;
    // Legacy prefixes, then an optional REX that must come last.
    for (;;) {
      b = this.byte();
      if (b === 0x66) opsize16 = true;
      else if (b === 0x67) addr32 = true;
      else if (b === 0xf2 || b === 0xf3) i.rep = b;
      else if (b === 0xf0) i.lock = true;
      else if (b === 0x64) i.seg = 1;
      else if (b === 0x65) i.seg = 2;
      else if (b === 0x2e || b === 0x36 || b === 0x3e || b === 0x26) { /* null segments in 64-bit mode */ }
      else if ((b & 0xf0) === 0x40) {
        rex = b;
        b = this.byte();
        if ((b & 0xf0) === 0x40 || b === 0x66 || b === 0x67 || b === 0xf2 || b === 0xf3 || b === 0xf0 || b === 0x64 || b === 0x65) {
          // A REX followed by another prefix is ignored; keep scanning.
          rex = 0;
          this.pc--;
          continue;
        }
        break;
      } else break;
    }
    let map = MAP_1;
    let op = b;
    let d: OpDef | undefined;
    if (b === 0xc4 || b === 0xc5) {
      // VEX (always, in 64-bit mode). A legacy 66/F2/F3, REX or lock before it is #UD.
      if (rex !== 0 || opsize16 || i.rep !== 0 || i.lock) throw this.ud();
      const b1 = this.byte();
      let b2: number;
      if (b === 0xc5) {
        map = MAP_0F;
        rex = 0x40 | ((~b1 >> 5) & 4);
        b2 = b1;
      } else {
        map = b1 & 0x1f;
        if (map < MAP_0F || map > MAP_0F3A) throw this.ud();
        b2 = this.byte();
        rex = 0x40 | ((~b1 >> 5) & 7) | ((b2 >> 4) & 8);
      }
      i.vreg = (~b2 >> 3) & 15;
      i.vl = (b2 >> 2) & 1;
      const pp = b2 & 3;
      op = this.byte();
      i.op = VEX_OP | (map === MAP_0F ? 0x0f00 | op : map === MAP_0F38 ? 0x0f3800 | op : 0x0f3a00 | op);
      const row = vexTables[map][op];
      d = row === undefined ? undefined : pp === 0 ? row.pfx!.none : pp === 1 ? row.pfx!.p66 : pp === 2 ? row.pfx!.f3 : row.pfx!.f2;
      if (d === undefined) throw this.ud();
      i.pfx = pp === 0 ? 0 : pp === 1 ? 0x66 : pp === 2 ? 0xf3 : 0xf2;
      if ((rex & 8) !== 0 && d.w1 !== undefined) d = d.w1;
      if ((d.vexL !== undefined && d.vexL !== i.vl) || (d.vexW !== undefined && d.vexW !== (rex & 8) >> 3) || (d.noV && i.vreg !== 0)) {
        throw this.ud();
      }
    } else {
      if (b === 0x0f) {
        op = this.byte();
        map = MAP_0F;
        if (op === 0x38) { map = MAP_0F38; op = this.byte(); }
        else if (op === 0x3a) { map = MAP_0F3A; op = this.byte(); }
      }
      i.op = map === MAP_1 ? op : map === MAP_0F ? 0x0f00 | op : map === MAP_0F38 ? 0x0f3800 | op : 0x0f3a00 | op;
      d = tables[map][op];
      if (d === undefined) throw this.ud();
      i.pfx = 0;
    }
    i.rex = rex;
    if (d.pfx) {
      let v: OpDef | undefined;
      if (i.rep === 0xf3 && d.pfx.f3) { v = d.pfx.f3; i.rep = 0; i.pfx = 0xf3; }
      else if (i.rep === 0xf2 && d.pfx.f2) { v = d.pfx.f2; i.rep = 0; i.pfx = 0xf2; }
      else if (i.rep === 0 && opsize16 && d.pfx.p66) { v = d.pfx.p66; opsize16 = false; i.pfx = 0x66; }
      // No 66 variant: 66 is the operand-size prefix of the plain row (bsf r16, r/m16).
      else if (i.rep === 0) v = d.pfx.none;
      if (v === undefined) throw this.ud();
      d = v;
    }
    const rexW = (rex & 8) !== 0;
    const rexR = (rex & 4) << 1;
    const rexX = (rex & 2) << 2;
    const rexB = (rex & 1) << 3;

    let modrm = -1;
    if (d.modrm || d.group) {
      modrm = this.byte();
      if (d.group) {
        const g = d.group[(modrm >> 3) & 7];
        if (g === undefined) throw this.ud();
        d = { ...d, ...g, group: undefined };
      }
    }
    // lock is only valid on a read-modify-write of memory.
    if (i.lock && (modrm < 0 || modrm >> 6 === 3 || !lockable(map, op, (modrm >> 3) & 7))) throw this.ud();
    let size: number;
    switch (d.size ?? S_V) {
      case S_B: size = 1; break;
      case S_D64: size = opsize16 ? 2 : 8; break;
      case S_Q: size = 8; break;
      case S_DQ: size = rexW ? 8 : 4; break;
      case S_W: size = 2; break;
      default: size = rexW ? 8 : opsize16 ? 2 : 4;
    }
    i.size = size;
    i.asize = addr32 ? 4 : 8;
    i.fn = d.fn;
    i.sub = d.sub ?? 0;
    i.branch = d.branch ?? false;
    i.name = d.name;
    const byteReg = size === 1;
    i.rm = -1;
    i.base = -1;
    i.index = -1;
    i.scale = 1;
    i.disp = 0;
    let ripRel = false;
    if (modrm >= 0) {
      const mod = modrm >> 6;
      const reg = ((modrm >> 3) & 7) | rexR;
      i.reg = byteReg ? byteIndex(reg, rex) : reg;
      const rm = (modrm & 7) | rexB;
      if (mod === 3) {
        if (d.memOnly) throw this.ud();
        i.rm = byteReg || d.rmByte ? byteIndex(rm, rex) : rm;
      } else {
        if (d.regOnly) throw this.ud();
        if ((modrm & 7) === 4) {
          const sib = this.byte();
          const idx = ((sib >> 3) & 7) | rexX;
          // (VSIB, for gathers: the index names a vector register, and 4 is xmm4, not "none".)
          if (idx !== 4 || d.vsib) { i.index = idx; i.scale = 1 << (sib >> 6); }
          const base = (sib & 7) | rexB;
          if ((sib & 7) === 5 && mod === 0) i.disp = this.s32();
          else i.base = base;
        } else if (d.vsib) {
          throw this.ud();
        } else if ((modrm & 7) === 5 && mod === 0) {
          ripRel = true;
          i.disp = this.s32();
        } else {
          i.base = rm;
        }
        if (mod === 1) i.disp = this.s8();
        else if (mod === 2) i.disp = this.s32();
      }
    } else if (d.opReg) {
      const r = (op & 7) | rexB;
      i.reg = byteReg ? byteIndex(r, rex) : r;
    }
    i.imm = 0;
    i.immHi = 0;
    i.imm2 = 0;
    switch (d.imm ?? I_NONE) {
      case I_B: {
        const v = this.s8();
        this.setImm(i, v, size);
        break;
      }
      case I_UB: i.imm = this.byte(); break;
      case I_W: i.imm = this.u16(); break;
      case I_Z: this.setImm(i, size === 2 ? (this.u16() << 16) >> 16 : this.s32(), size); break;
      case I_V:
        if (size === 8) { i.imm = this.s32(); i.immHi = this.s32(); }
        else if (size === 4) i.imm = this.s32();
        else i.imm = this.u16();
        break;
      case I_WB: i.imm = this.u16(); i.imm2 = this.byte(); break;
      case I_REL8: { const r = this.s8(); i.imm = this.pc + r; break; }
      case I_REL32: { const r = this.s32(); i.imm = this.pc + r; break; }
      case I_MOFFS:
        if (addr32) i.disp = this.s32() >>> 0;
        else { const lo = this.s32() >>> 0; const hi = this.s32() >>> 0; i.disp = hi * 4294967296 + lo; }
        break;
    }
    i.len = this.pc - addr;
    i.next = this.pc;
    if (ripRel) i.disp += i.next;
  }

  private setImm(i: Insn, v: number, size: number): void {
    if (size === 1) i.imm = v & 0xff;
    else if (size === 2) i.imm = v & 0xffff;
    else { i.imm = v | 0; i.immHi = size === 8 ? v >> 31 : 0; }
  }

  private ud(): GuestFault {
    return new GuestFault(SIGILL, ILL_ILLOPN, this.start, 'invalid opcode');
  }

  private byte(): number {
    const a = this.pc;
    if (a - this.start >= MAX_LEN) throw new GuestFault(SIGSEGV, SI_KERNEL, 0, 'instruction too long');
    const vpn = Math.floor(a / PAGE_SIZE);
    if (vpn !== this.pageVpn) {
      this.pageOff = this.mem.pt.translate(vpn * PAGE_SIZE, PROT_EXEC);
      this.pageVpn = vpn;
    }
    this.pc = a + 1;
    return this.mem.u8[this.pageOff + (a - vpn * PAGE_SIZE)];
  }

  private s8(): number {
    return (this.byte() << 24) >> 24;
  }

  private u16(): number {
    const lo = this.byte();
    return lo | (this.byte() << 8);
  }

  private s32(): number {
    const b0 = this.byte(), b1 = this.byte(), b2 = this.byte(), b3 = this.byte();
    return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
  }
}

/**
 * Instructions that accept a lock prefix (with a memory destination): add/or/adc/sbb/and/sub/xor
 * E,G and group 1 except cmp, xchg, not/neg, inc/dec, bts/btr/btc, cmpxchg, xadd, cmpxchg8b/16b.
 */
function lockable(map: number, op: number, digit: number): boolean {
  if (map === MAP_1) {
    if (op < 0x40) return (op & 7) <= 1 && op >> 3 !== 7;
    switch (op) {
      case 0x80: case 0x81: case 0x83: return digit !== 7;
      case 0x86: case 0x87: return true;
      case 0xf6: case 0xf7: return digit === 2 || digit === 3;
      case 0xfe: case 0xff: return digit <= 1;
    }
    return false;
  }
  if (map !== MAP_0F) return false;
  switch (op) {
    case 0xab: case 0xb3: case 0xbb: case 0xb0: case 0xb1: case 0xc0: case 0xc1: return true;
    case 0xba: return digit >= 5;
    case 0xc7: return digit === 1;
  }
  return false;
}

/** Byte register n as an index into Cpu.R8: AH..BH without REX for 4..7, else the low byte. */
function byteIndex(n: number, rex: number): number {
  return n >= 4 && n < 8 && rex === 0 ? 8 * (n - 4) + 1 : 8 * n;
}
