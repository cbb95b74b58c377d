/**
 * AVX data movement: vmovups/vmovupd/vmovaps/vmovapd/vmovdqu/vmovdqa (128 and 256), the
 * non-temporal vmovntps/pd/dq and vmovntdqa, vlddqu, vmovss/vmovsd (three-operand register form),
 * the half moves vmovlps/vmovhps/vmovlpd/vmovhpd/vmovhlps/vmovlhps, vmovq, vmovddup/vmovsldup/
 * vmovshdup ymm, vmovmskps/pd and vpmovmskb (ymm too), vzeroupper/vzeroall, vldmxcsr/vstmxcsr.
 *
 * The aligned forms (vmovaps/pd, vmovdqa, vmovnt*) raise #GP on an operand not aligned to its own
 * size (16 or 32 bytes); every other VEX form takes any address. Writes to an xmm zero bits
 * 128..255 of the ymm register.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { tables, defVex, MAP_0F, MAP_0F38 } from '../optable.js';
import { ea, setReg } from '../operands.js';
import { GuestFault, SIGILL, ILL_ILLOPN } from '../fault.js';
import { HI, M32, readMem, vaddr, storeReg, zeroUpper } from './avx-common.js';
import { vexRow } from './avx-sse.js';
import { K_SRC, K_RAW1, V_NOZERO } from './avx-common.js';

export function ud(i: Insn): GuestFault {
  return new GuestFault(SIGILL, ILL_ILLOPN, i.addr, 'invalid VEX form');
}

/** Whole-register load; sub = 1 for the aligned forms. */
function vload(c: Cpu, i: Insn): void {
  const X = c.X32, d = 4 * i.reg, wide = i.vl === 1;
  if (i.rm >= 0) {
    const s = 4 * i.rm;
    X[d] = X[s]; X[d + 1] = X[s + 1]; X[d + 2] = X[s + 2]; X[d + 3] = X[s + 3];
    if (wide) { X[HI + d] = X[HI + s]; X[HI + d + 1] = X[HI + s + 1]; X[HI + d + 2] = X[HI + s + 2]; X[HI + d + 3] = X[HI + s + 3]; }
    else zeroUpper(c, i.reg);
    return;
  }
  const n = wide ? 32 : 16;
  readMem(c, vaddr(c, i, i.sub === 1 ? n : 0), n);
  X[d] = M32[0]; X[d + 1] = M32[1]; X[d + 2] = M32[2]; X[d + 3] = M32[3];
  if (wide) { X[HI + d] = M32[4]; X[HI + d + 1] = M32[5]; X[HI + d + 2] = M32[6]; X[HI + d + 3] = M32[7]; }
  else zeroUpper(c, i.reg);
}

/** Whole-register store (xmm/ymm/m, xmm/ymm). */
function vstore(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    const X = c.X32, s = 4 * i.reg, d = 4 * i.rm;
    X[d] = X[s]; X[d + 1] = X[s + 1]; X[d + 2] = X[s + 2]; X[d + 3] = X[s + 3];
    if (i.vl === 1) { X[HI + d] = X[HI + s]; X[HI + d + 1] = X[HI + s + 1]; X[HI + d + 2] = X[HI + s + 2]; X[HI + d + 3] = X[HI + s + 3]; }
    else zeroUpper(c, i.rm);
    return;
  }
  const n = i.vl === 1 ? 32 : 16;
  storeReg(c, vaddr(c, i, i.sub === 1 ? n : 0), i.reg, i.vl === 1);
}

/** vmovss/vmovsd load (F3/F2 0F 10); sub = 1 for 32-bit. Register form: dst = [rm low, vvvv rest]. */
function vmovsLoad(c: Cpu, i: Insn): void {
  const X = c.X32, d = 4 * i.reg, n = i.sub === 1 ? 1 : 2;
  if (i.rm < 0) {
    if (i.vreg !== 0) throw ud(i);
    readMem(c, ea(c, i), 4 * n);
    X[d] = M32[0]; X[d + 1] = n === 2 ? M32[1] : 0; X[d + 2] = 0; X[d + 3] = 0;
  } else {
    const s = 4 * i.rm, v = 4 * i.vreg;
    const a0 = X[s], a1 = n === 2 ? X[s + 1] : X[v + 1], a2 = X[v + 2], a3 = X[v + 3];
    X[d] = a0; X[d + 1] = a1; X[d + 2] = a2; X[d + 3] = a3;
  }
  zeroUpper(c, i.reg);
}

/** vmovss/vmovsd store (F3/F2 0F 11). Register form: rm = [reg low, vvvv rest]. */
function vmovsStore(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.reg, n = i.sub === 1 ? 1 : 2;
  if (i.rm < 0) {
    if (i.vreg !== 0) throw ud(i);
    if (n === 1) c.mem.write32(ea(c, i), X[s]);
    else c.mem.write64(ea(c, i), X[s], X[s + 1]);
    return;
  }
  const d = 4 * i.rm, v = 4 * i.vreg;
  const a0 = X[s], a1 = n === 2 ? X[s + 1] : X[v + 1], a2 = X[v + 2], a3 = X[v + 3];
  X[d] = a0; X[d + 1] = a1; X[d + 2] = a2; X[d + 3] = a3;
  zeroUpper(c, i.rm);
}

/**
 * 0F 12 / 0F 16 (VEX): sub 0 = low half from the second source (vmovlps/vmovlpd m64, vmovhlps),
 * sub 1 = high half (vmovhps/vmovhpd m64, vmovlhps). dst = merge with vvvv.
 */
function vmovHalf(c: Cpu, i: Insn): void {
  const X = c.X32, d = 4 * i.reg, v = 4 * i.vreg;
  let q0: number, q1: number;
  if (i.rm < 0) { readMem(c, ea(c, i), 8); q0 = M32[0]; q1 = M32[1]; }
  else if (i.sub === 0) { q0 = X[4 * i.rm + 2]; q1 = X[4 * i.rm + 3]; } // vmovhlps
  else { q0 = X[4 * i.rm]; q1 = X[4 * i.rm + 1]; } // vmovlhps
  if (i.sub === 0) { X[d + 2] = X[v + 2]; X[d + 3] = X[v + 3]; X[d] = q0; X[d + 1] = q1; }
  else { X[d] = X[v]; X[d + 1] = X[v + 1]; X[d + 2] = q0; X[d + 3] = q1; }
  zeroUpper(c, i.reg);
}

/** vmovlps/vmovlpd m64, xmm (sub 0) and vmovhps/vmovhpd m64, xmm (sub 1). */
function vstoreHalf(c: Cpu, i: Insn): void {
  const k = 4 * i.reg + 2 * i.sub;
  c.mem.write64(ea(c, i), c.X32[k], c.X32[k + 1]);
}

/** vmovq xmm/m64, xmm (66 0F D6). */
function vmovqStore(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.reg;
  if (i.rm < 0) { c.mem.write64(ea(c, i), X[s], X[s + 1]); return; }
  const d = 4 * i.rm;
  X[d] = X[s]; X[d + 1] = X[s + 1]; X[d + 2] = 0; X[d + 3] = 0;
  zeroUpper(c, i.rm);
}

/** vmovsldup (sub 0) / vmovshdup (sub 1) / vmovddup (sub 2), 128 and 256. */
function vdup(c: Cpu, i: Insn): void {
  const X = c.X32, d = 4 * i.reg, wide = i.vl === 1;
  if (i.rm < 0) readMem(c, ea(c, i), wide ? 32 : i.sub === 2 ? 8 : 16);
  else {
    const s = 4 * i.rm;
    M32[0] = X[s]; M32[1] = X[s + 1]; M32[2] = X[s + 2]; M32[3] = X[s + 3];
    M32[4] = X[HI + s]; M32[5] = X[HI + s + 1]; M32[6] = X[HI + s + 2]; M32[7] = X[HI + s + 3];
  }
  for (let lane = 0; lane < (wide ? 2 : 1); lane++) {
    const o = 4 * lane, k = lane === 0 ? d : HI + d;
    if (i.sub === 2) { X[k] = M32[o]; X[k + 1] = M32[o + 1]; X[k + 2] = M32[o]; X[k + 3] = M32[o + 1]; }
    else {
      const e = i.sub;
      X[k] = M32[o + e]; X[k + 1] = M32[o + e]; X[k + 2] = M32[o + 2 + e]; X[k + 3] = M32[o + 2 + e];
    }
  }
  if (!wide) zeroUpper(c, i.reg);
}

/** vmovmskps (sub 0) / vmovmskpd (sub 1) r32, xmm/ymm. */
function vmovmsk(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.rm;
  let m = 0;
  if (i.sub === 0) {
    for (let j = 0; j < 4; j++) m |= (X[s + j] >>> 31) << j;
    if (i.vl === 1) for (let j = 0; j < 4; j++) m |= (X[HI + s + j] >>> 31) << (4 + j);
  } else {
    m = (X[s + 1] >>> 31) | ((X[s + 3] >>> 31) << 1);
    if (i.vl === 1) m |= ((X[HI + s + 1] >>> 31) << 2) | ((X[HI + s + 3] >>> 31) << 3);
  }
  setReg(c, 4, i.reg, m);
}

/** vpmovmskb r32, xmm/ymm. */
function vpmovmskb(c: Cpu, i: Insn): void {
  const B = c.X8, s = 16 * i.rm;
  let m = 0;
  for (let j = 0; j < 16; j++) m |= (B[s + j] >> 7) << j;
  if (i.vl === 1) for (let j = 0; j < 16; j++) m |= (B[256 + s + j] >> 7) << (16 + j);
  setReg(c, 4, i.reg, m);
}

/** vzeroupper (VEX.L 0) / vzeroall (VEX.L 1). */
function vzero(c: Cpu, i: Insn): void {
  if (i.vl === 1) c.X32.fill(0, 0, 64);
  c.X32.fill(0, HI, HI + 64);
}

const M = { modrm: true };
const A = { modrm: true, sub: 1 };
const AM = { modrm: true, sub: 1, memOnly: true, noV: true };
const U = { modrm: true, noV: true };
defVex(MAP_0F, 0x10, 'none', { name: 'vmovups', fn: vload, ...U });
defVex(MAP_0F, 0x10, 'p66', { name: 'vmovupd', fn: vload, ...U });
defVex(MAP_0F, 0x11, 'none', { name: 'vmovups', fn: vstore, ...U });
defVex(MAP_0F, 0x11, 'p66', { name: 'vmovupd', fn: vstore, ...U });
defVex(MAP_0F, 0x28, 'none', { name: 'vmovaps', fn: vload, ...A, noV: true });
defVex(MAP_0F, 0x28, 'p66', { name: 'vmovapd', fn: vload, ...A, noV: true });
defVex(MAP_0F, 0x29, 'none', { name: 'vmovaps', fn: vstore, ...A, noV: true });
defVex(MAP_0F, 0x29, 'p66', { name: 'vmovapd', fn: vstore, ...A, noV: true });
defVex(MAP_0F, 0x6f, 'p66', { name: 'vmovdqa', fn: vload, ...A, noV: true });
defVex(MAP_0F, 0x6f, 'f3', { name: 'vmovdqu', fn: vload, ...U });
defVex(MAP_0F, 0x7f, 'p66', { name: 'vmovdqa', fn: vstore, ...A, noV: true });
defVex(MAP_0F, 0x7f, 'f3', { name: 'vmovdqu', fn: vstore, ...U });
defVex(MAP_0F, 0x2b, 'none', { name: 'vmovntps', fn: vstore, ...AM });
defVex(MAP_0F, 0x2b, 'p66', { name: 'vmovntpd', fn: vstore, ...AM });
defVex(MAP_0F, 0xe7, 'p66', { name: 'vmovntdq', fn: vstore, ...AM });
defVex(MAP_0F38, 0x2a, 'p66', { name: 'vmovntdqa', fn: vload, ...AM });
defVex(MAP_0F, 0xf0, 'f2', { name: 'vlddqu', fn: vload, ...U, memOnly: true });
defVex(MAP_0F, 0x10, 'f3', { name: 'vmovss', fn: vmovsLoad, ...M, sub: 1 });
defVex(MAP_0F, 0x10, 'f2', { name: 'vmovsd', fn: vmovsLoad, ...M, sub: 2 });
defVex(MAP_0F, 0x11, 'f3', { name: 'vmovss', fn: vmovsStore, ...M, sub: 1 });
defVex(MAP_0F, 0x11, 'f2', { name: 'vmovsd', fn: vmovsStore, ...M, sub: 2 });
defVex(MAP_0F, 0x12, 'none', { name: 'vmovlps', fn: vmovHalf, ...M, vexL: 0 });
defVex(MAP_0F, 0x12, 'p66', { name: 'vmovlpd', fn: vmovHalf, ...M, vexL: 0, memOnly: true });
defVex(MAP_0F, 0x16, 'none', { name: 'vmovhps', fn: vmovHalf, ...M, vexL: 0, sub: 1 });
defVex(MAP_0F, 0x16, 'p66', { name: 'vmovhpd', fn: vmovHalf, ...M, vexL: 0, sub: 1, memOnly: true });
defVex(MAP_0F, 0x13, 'none', { name: 'vmovlps', fn: vstoreHalf, ...U, vexL: 0, memOnly: true });
defVex(MAP_0F, 0x13, 'p66', { name: 'vmovlpd', fn: vstoreHalf, ...U, vexL: 0, memOnly: true });
defVex(MAP_0F, 0x17, 'none', { name: 'vmovhps', fn: vstoreHalf, ...U, vexL: 0, memOnly: true, sub: 1 });
defVex(MAP_0F, 0x17, 'p66', { name: 'vmovhpd', fn: vstoreHalf, ...U, vexL: 0, memOnly: true, sub: 1 });
defVex(MAP_0F, 0xd6, 'p66', { name: 'vmovq', fn: vmovqStore, ...U, vexL: 0 });
defVex(MAP_0F, 0x12, 'f3', { name: 'vmovsldup', fn: vdup, ...U, sub: 0 });
defVex(MAP_0F, 0x16, 'f3', { name: 'vmovshdup', fn: vdup, ...U, sub: 1 });
defVex(MAP_0F, 0x12, 'f2', { name: 'vmovddup', fn: vdup, ...U, sub: 2 });
defVex(MAP_0F, 0x50, 'none', { name: 'vmovmskps', fn: vmovmsk, ...U, regOnly: true, sub: 0 });
defVex(MAP_0F, 0x50, 'p66', { name: 'vmovmskpd', fn: vmovmsk, ...U, regOnly: true, sub: 1 });
defVex(MAP_0F, 0xd7, 'p66', { name: 'vpmovmskb', fn: vpmovmskb, ...U, regOnly: true });
defVex(MAP_0F, 0x77, 'none', { name: 'vzeroupper', fn: vzero, noV: true });

// vmovd/vmovq with general registers, and vldmxcsr/vstmxcsr: the legacy handlers as they are.
const movd = vexRow(MAP_0F, 0x6e, 'p66', K_SRC, 4, 0);
if (movd) defVex(MAP_0F, 0x6e, 'p66', { ...movd, fn: vexRawZero(tables[MAP_0F][0x6e]!.pfx!.p66!.fn) });
const movdSt = vexRow(MAP_0F, 0x7e, 'p66', K_RAW1, 4, 0, V_NOZERO);
if (movdSt) defVex(MAP_0F, 0x7e, 'p66', movdSt);
const g15 = tables[MAP_0F][0xae]!.pfx!.none!.group!;
defVex(MAP_0F, 0xae, 'none', {
  name: 'vgrp15', fn: vzero, modrm: true, noV: true, vexL: 0, memOnly: true,
  group: [undefined, undefined, { ...g15[2]!, name: 'vldmxcsr' }, { ...g15[3]!, name: 'vstmxcsr' }],
});

/** The legacy movd xmm, r/m handler with the upper half zeroed (it reads a GPR, not an xmm). */
function vexRawZero(h: (c: Cpu, i: Insn) => void): (c: Cpu, i: Insn) => void {
  return (c, i) => { h(c, i); zeroUpper(c, i.reg); };
}
