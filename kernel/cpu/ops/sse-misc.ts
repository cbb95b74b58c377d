/**
 * SSE state and ordering instructions: group 0F AE (fxsave/fxrstor, ldmxcsr/stmxcsr, the fences
 * lfence/mfence/sfence, clflush) and the 0F 0D prefetch/prefetchw hints.
 *
 * FXSAVE writes the 512-byte legacy layout: the x87 part (filled by x87-state.ts, which owns that
 * state), MXCSR and MXCSR_MASK, and XMM0-15 at byte 160. Bytes 416..511 are left as they were,
 * as the hardware does. One core executes in order, so the
 * fences have nothing to wait for; clflush only checks its address is mapped.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, defPfx, MAP_0F } from '../optable.js';
import { ea } from '../operands.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { gpFault, MXCSR_MASK } from './sse-common.js';
import { x87ToFxsave, x87FromFxsave } from '../x87-state.js';
import { PAGE_SIZE } from '../../mm/phys.js';

/** The 512-byte image being saved or restored (module scratch: fxsave is not allocation-free otherwise). */
const IMG = new Uint8Array(512);
const IMG_DV = new DataView(IMG.buffer);

/**
 * fxsave m512 (0F AE /0; fxsave64 with REX.W): the x87 part from x87-state.ts (64-bit pointer
 * format for both forms), MXCSR, MXCSR_MASK, XMM0-15. Bytes 416..511 are not written.
 */
function fxsave(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (a % 16 !== 0) throw gpFault('fxsave: misaligned');
  c.mem.pt.translate(a, PROT_WRITE); // the whole image must be writable before anything is stored
  c.mem.pt.translate(a + 511 - ((a + 511) % PAGE_SIZE), PROT_WRITE);
  IMG.fill(0, 0, 416);
  x87ToFxsave(c, IMG);
  IMG_DV.setUint32(24, c.mxcsr, true);
  IMG_DV.setUint32(28, MXCSR_MASK, true);
  IMG.set(c.X8.subarray(0, 256), 160);
  c.mem.writeBytes(a, IMG.subarray(0, 416));
}

/** fxrstor m512 (0F AE /1): reserved MXCSR bits set are #GP before anything changes. */
function fxrstor(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (a % 16 !== 0) throw gpFault('fxrstor: misaligned');
  c.mem.readInto(a, IMG);
  const mx = IMG_DV.getUint32(24, true);
  if (mx & ~MXCSR_MASK) throw gpFault('fxrstor: reserved MXCSR bits');
  x87FromFxsave(c, IMG);
  c.X8.set(IMG.subarray(160, 416), 0);
  c.mxcsr = mx;
}

/** ldmxcsr m32 (0F AE /2). */
function ldmxcsr(c: Cpu, i: Insn): void {
  const v = c.mem.read32(ea(c, i));
  if (v & ~MXCSR_MASK) throw gpFault('ldmxcsr: reserved bits');
  c.mxcsr = v;
}

/** stmxcsr m32 (0F AE /3). */
function stmxcsr(c: Cpu, i: Insn): void {
  c.mem.write32(ea(c, i), c.mxcsr);
}

/** /5 lfence, /6 mfence (register forms only), /7 sfence (register) or clflush m8 (memory). */
function fence(c: Cpu, i: Insn): void {
  if (i.rm < 0) c.mem.read8(ea(c, i)); // clflush: faults like a load on an unmapped address
}

function nop(): void {}

defPfx(MAP_0F, 0xae, 'none', {
  name: 'grp15', fn: nop, modrm: true,
  group: [
    { name: 'fxsave', fn: fxsave, memOnly: true },
    { name: 'fxrstor', fn: fxrstor, memOnly: true },
    { name: 'ldmxcsr', fn: ldmxcsr, memOnly: true },
    { name: 'stmxcsr', fn: stmxcsr, memOnly: true },
    undefined,
    { name: 'lfence', fn: nop, regOnly: true },
    { name: 'mfence', fn: nop, regOnly: true },
    { name: 'clflush', fn: fence },
  ],
});
// 0F 0D /r: AMD's prefetch (/0) and prefetchw (/1); hints, and the rest of the row is reserved-nop.
def(MAP_0F, 0x0d, { name: 'prefetchw', fn: nop, modrm: true });
