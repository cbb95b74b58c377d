/**
 * The exact SSE add/sub/mul lanes of sse-fp.ts (MXCSR rounding, DAZ/FZ, flags, NaN rules,
 * unmasked exceptions) reused for instructions that combine lanes differently: addsub*, hadd*,
 * hsub* (SSE3) and dpps/dppd (SSE4.1).
 *
 * sse-fp.ts exposes its lane arithmetic only through the addps/addpd handlers in the opcode
 * table, so this runs those handlers on a private scratch register file: operands go into its
 * xmm0 (first operand) and xmm1 (second), the handler computes xmm0 = xmm0 op xmm1 with the
 * caller's MXCSR, and the result and MXCSR come back. An unmasked exception throws the same
 * GuestFault the handler would (with the caller's instruction address) after the caller's MXCSR
 * took the flags the handler committed; the caller's destination is never touched before that.
 * The scratch Cpu has the real Cpu's class, so the handlers stay monomorphic.
 */

import { Cpu } from '../state.js';
import { Insn, Handler } from '../insn.js';
import { tables, MAP_0F, OpDef } from '../optable.js';
import type { PhysMem } from '../../mm/phys.js';
import type { AddressSpace } from '../../mm/aspace.js';
import { ADD, MUL, SUB } from './sse-fp.js';

export { ADD, MUL, SUB };

const scratch = new Cpu({ buffer: new ArrayBuffer(1024) } as unknown as PhysMem, undefined as unknown as AddressSpace, 0);
const fake = new Insn();
fake.reg = 0;
fake.rm = 1;
const SX = scratch.X32;

let psFn: Handler | null = null, pdFn: Handler | null = null;
function rows(): void {
  const r = tables[MAP_0F][0x58] as OpDef;
  psFn = r.pfx!.none!.fn;
  pdFn = r.pfx!.p66!.fn;
}

/**
 * out[0..3] = a[j] op b[j] for four float lanes (op ADD, SUB or MUL), as addps/subps/mulps.
 * c.mxcsr gets the flags; on an unmasked exception the fault is thrown (out unchanged).
 */
export function ps(c: Cpu, addr: number, op: number, a: Int32Array, b: Int32Array, out: Int32Array): void {
  if (psFn === null) rows();
  run(c, addr, op, a, b, out, psFn!);
}

/** The same for two double lanes (int32 pairs), as addpd/subpd/mulpd. */
export function pd(c: Cpu, addr: number, op: number, a: Int32Array, b: Int32Array, out: Int32Array): void {
  if (pdFn === null) rows();
  run(c, addr, op, a, b, out, pdFn!);
}

function run(c: Cpu, addr: number, op: number, a: Int32Array, b: Int32Array, out: Int32Array, fn: Handler): void {
  SX[0] = a[0]; SX[1] = a[1]; SX[2] = a[2]; SX[3] = a[3];
  SX[4] = b[0]; SX[5] = b[1]; SX[6] = b[2]; SX[7] = b[3];
  scratch.mxcsr = c.mxcsr;
  fake.sub = op;
  fake.addr = addr;
  try {
    fn(scratch, fake);
  } finally {
    c.mxcsr = scratch.mxcsr;
  }
  out[0] = SX[0]; out[1] = SX[1]; out[2] = SX[2]; out[3] = SX[3];
}
