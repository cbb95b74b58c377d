/**
 * The XSAVE feature set: xgetbv (0F 01 D0), xsave / xrstor / xsaveopt (0F AE /4, /5, /6 memory
 * forms, and their REX.W "64" forms, identical here) over the three state components this CPU has:
 * x87 (bit 0), SSE (bit 1: XMM0-15 and MXCSR) and AVX (bit 2: the upper halves of YMM0-15).
 * XCR0 is fixed at 7 (the kernel enabled all three), and CPUID leaf 0xD describes the standard
 * (non-compacted) layout used here and in signal frames (kernel/signal.ts):
 *   0..511    the FXSAVE legacy region (x87, MXCSR at 24, XMM at 160)
 *   512..575  the XSAVE header (XSTATE_BV at 512, XCOMP_BV at 520, the rest reserved)
 *   576..831  YMM_Hi128
 *
 * The group rows 0F 01 (privileged group 7) and 0F AE (group 15) belong to priv.ts and
 * sse-misc.ts; this file adds the XSAVE members to them when it loads.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { tables, MAP_0F, type OpDef } from '../optable.js';
import { ea } from '../operands.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { PAGE_SIZE } from '../../mm/phys.js';
import { gpFault, MXCSR_MASK } from './sse-common.js';
import { x87ToFxsave, x87FromFxsave } from '../x87-state.js';

/** The enabled state components (x87 | SSE | AVX). */
export const XCR0 = 7;
/** Size of the standard-format XSAVE area for XCR0. */
export const XSAVE_SIZE = 832;

const IMG = new Uint8Array(XSAVE_SIZE);
const DV = new DataView(IMG.buffer);
const FX = new Uint8Array(512);

/** XINUSE: which components differ from their initial state (x87 and SSE are reported in use). */
export function xinuse(c: Cpu): number {
  const X = c.X32;
  for (let k = 64; k < 128; k++) if (X[k] !== 0) return 7;
  return 3;
}

/**
 * Writes the components in rfbm of c's state into img (an XSAVE_SIZE image in the standard
 * layout; bytes of components not in rfbm are left alone) and sets XSTATE_BV's rfbm bits.
 */
export function xsaveImage(c: Cpu, img: Uint8Array, rfbm: number): void {
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  if (rfbm & 1) {
    FX.fill(0);
    x87ToFxsave(c, FX);
    img.set(FX.subarray(0, 24), 0);
    img.set(FX.subarray(32, 160), 32);
  }
  if (rfbm & 6) {
    dv.setUint32(24, c.mxcsr, true);
    dv.setUint32(28, MXCSR_MASK, true);
  }
  if (rfbm & 2) img.set(c.X8.subarray(0, 256), 160);
  if (rfbm & 4) img.set(c.X8.subarray(256, 512), 576);
  const bv = dv.getUint32(512, true);
  dv.setUint32(512, (bv & ~rfbm) | (xinuse(c) & rfbm), true);
}

/** Loads the components in rfbm from img (XSTATE_BV selects load or init); checks done by the caller. */
export function xrstorImage(c: Cpu, img: Uint8Array, rfbm: number): void {
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  const bv = dv.getUint32(512, true) & rfbm;
  if (rfbm & 1) {
    if (bv & 1) {
      FX.set(img.subarray(0, 512));
      x87FromFxsave(c, FX);
    } else c.x87.reset();
  }
  if (rfbm & 6) c.mxcsr = bv & 6 ? dv.getUint32(24, true) : 0x1f80;
  if (rfbm & 2) {
    if (bv & 2) c.X8.set(img.subarray(160, 416), 0);
    else c.X8.fill(0, 0, 256);
  }
  if (rfbm & 4) {
    if (bv & 4) c.X8.set(img.subarray(576, 832), 256);
    else c.X8.fill(0, 256, 512);
  }
}

/** The requested-feature bitmap: XCR0 & EDX:EAX. */
const rfbmOf = (c: Cpu): number => c.R[0] & XCR0;

function checkArea(c: Cpu, i: Insn, write: boolean): number {
  const a = ea(c, i);
  if (a % 64 !== 0) throw gpFault('xsave area misaligned');
  const prot = write ? PROT_WRITE : 1;
  c.mem.pt.translate(a, prot);
  c.mem.pt.translate(a + XSAVE_SIZE - 1 - ((a + XSAVE_SIZE - 1) % PAGE_SIZE), prot);
  return a;
}

/** xsave / xsaveopt m (0F AE /4, /6): only the saved components and XSTATE_BV are written. */
function xsave(c: Cpu, i: Insn): void {
  const a = checkArea(c, i, true);
  c.mem.readInto(a, IMG);
  xsaveImage(c, IMG, rfbmOf(c));
  c.mem.writeBytes(a, IMG);
}

/** xrstor m (0F AE /5): #GP on a compacted or reserved header, or reserved MXCSR bits. */
function xrstor(c: Cpu, i: Insn): void {
  const a = checkArea(c, i, false);
  c.mem.readInto(a, IMG);
  const rfbm = rfbmOf(c);
  const bvLo = DV.getUint32(512, true), bvHi = DV.getUint32(516, true);
  if ((bvLo & ~XCR0) !== 0 || bvHi !== 0) throw gpFault('xrstor: XSTATE_BV');
  for (let k = 520; k < 576; k += 4) if (DV.getUint32(k, true) !== 0) throw gpFault('xrstor: header');
  if (rfbm & 6 && bvLo & 6 && DV.getUint32(24, true) & ~MXCSR_MASK) throw gpFault('xrstor: MXCSR');
  xrstorImage(c, IMG, rfbm);
}

/** xgetbv: ECX 0 gives XCR0, ECX 1 XINUSE & XCR0; anything else is #GP. */
function xgetbv(c: Cpu): void {
  const n = c.R[2];
  if (n !== 0 && n !== 1) throw gpFault('xgetbv: ECX');
  c.R[0] = n === 0 ? XCR0 : xinuse(c);
  c.R[1] = 0;
  c.R[4] = 0;
  c.R[5] = 0;
}

// ---- hook into the group rows ----

// 0F 01: every member is #GP (priv.ts) except xgetbv, 0F 01 D0. (The row is a block-ending
// "branch" row, so the handler sets RIP itself.)
const g7 = tables[MAP_0F][0x01]!;
const g7fn = g7.fn;
g7.fn = (c: Cpu, i: Insn): void => {
  if (i.rm === 0 && i.reg === 2) {
    xgetbv(c);
    c.rip = i.next;
    return;
  }
  g7fn(c, i);
};

// 0F AE: /4 xsave (memory), /5 xrstor (memory; register: lfence), /6 xsaveopt (memory; mfence).
const g15 = tables[MAP_0F][0xae]!.pfx!.none!.group!;
const fence5 = g15[5]!, fence6 = g15[6]!;
const both = (name: string, mem: (c: Cpu, i: Insn) => void, reg: Partial<OpDef>): Partial<OpDef> => ({
  name, regOnly: false, memOnly: false,
  fn: (c: Cpu, i: Insn): void => (i.rm < 0 ? mem(c, i) : reg.fn!(c, i)),
});
g15[4] = { name: 'xsave', fn: xsave, memOnly: true };
g15[5] = both('xrstor/lfence', xrstor, fence5);
g15[6] = both('xsaveopt/mfence', xsave, fence6);
