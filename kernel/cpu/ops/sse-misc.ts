/**
 * SSE state and ordering instructions: group 0F AE (fxsave/fxrstor, ldmxcsr/stmxcsr, the fences
 * lfence/mfence/sfence, clflush) and the 0F 0D prefetch/prefetchw hints.
 *
 * FXSAVE writes the 512-byte legacy layout: an x87 part in its reset state (FCW 0x037F, empty tag
 * word; this CPU keeps no x87 state of its own), MXCSR and MXCSR_MASK, and XMM0-15 at byte 160.
 * Bytes 416..511 are left as they were, as the hardware does. One core executes in order, so the
 * fences have nothing to wait for; clflush only checks its address is mapped.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, defPfx, MAP_0F } from '../optable.js';
import { ea } from '../operands.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { gpFault, MXCSR_MASK } from './sse-common.js';

const FCW_DEFAULT = 0x037f;
const FXBUF = new Int32Array(64);

/** fxsave m512 (0F AE /0; fxsave64 with REX.W has the same image here: the x87 pointers are 0). */
function fxsave(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (a % 16 !== 0) throw gpFault('fxsave: misaligned');
  c.mem.pt.translate(a, PROT_WRITE);
  c.mem.pt.translate(a + 511, PROT_WRITE);
  const m = c.mem;
  m.write32(a, FCW_DEFAULT); // FCW, FSW = 0
  m.write32(a + 4, 0); // abridged FTW (all empty), FOP
  m.write64(a + 8, 0, 0); // FIP
  m.write64(a + 16, 0, 0); // FDP
  m.write32(a + 24, c.mxcsr);
  m.write32(a + 28, MXCSR_MASK);
  for (let r = 0; r < 8; r++) m.write64(a + 32 + 16 * r, 0, 0), m.write64(a + 40 + 16 * r, 0, 0);
  const X = c.X32;
  for (let r = 0; r < 16; r++) {
    m.write64(a + 160 + 16 * r, X[4 * r], X[4 * r + 1]);
    m.write64(a + 168 + 16 * r, X[4 * r + 2], X[4 * r + 3]);
  }
}

/** fxrstor m512 (0F AE /1): MXCSR (reserved bits set: #GP) and XMM0-15; the x87 part is ignored. */
function fxrstor(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (a % 16 !== 0) throw gpFault('fxrstor: misaligned');
  c.mem.read8(a + 511); // the whole image must be readable before anything changes
  const mx = c.mem.read32(a + 24);
  if (mx & ~MXCSR_MASK) throw gpFault('fxrstor: reserved MXCSR bits');
  for (let r = 0; r < 32; r++) c.mem.read64(a + 160 + 8 * r, FXBUF, 2 * r);
  c.X32.set(FXBUF, 0);
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
