/**
 * The SSE/SSE2 conversions with an MMX operand: cvtpi2ps (0F 2A), cvtps2pi / cvttps2pi (0F 2D /
 * 2C), cvtpi2pd (66 0F 2A), cvtpd2pi / cvttpd2pi (66 0F 2D / 2C). The scalar F2/F3 rows of the
 * same opcodes are in sse-cvt.ts.
 *
 * As the manual says: the forms that write an MM register always make the x87-to-MMX transition
 * (and deliver a pending x87 exception first); cvtpi2ps/cvtpi2pd make it only with an MM source,
 * not with m64. Float-to-integer honours MXCSR.RC (the t forms truncate) and gives 0x80000000
 * with IE for NaN or out-of-range lanes; cvtpi2ps rounds by MXCSR.RC and may set PE. An unmasked
 * exception faults (#XM, SIGFPE) before the destination is written, but (as the host CPU shows)
 * after the x87-to-MMX transition.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F } from '../optable.js';
import { ea } from '../operands.js';
import { S32, SF32, SF64, src128, isDen32, isDen64, roundDir32, beginFp, endFp, MX_IE, MX_PE, MX_DAZ, MX_RC_SHIFT } from './sse-common.js';
import { B32, enter, setMm, transition } from './mmx-common.js';

/** Loads the integer source (MM register, with the transition checks, or m64) into B. */
function intSrc(c: Cpu, i: Insn): boolean {
  if (i.rm >= 0) {
    const x = enter(c, i), r = 2 * (i.rm & 7);
    B32[0] = x.mant[r];
    B32[1] = x.mant[r + 1];
    return true;
  }
  c.mem.read64(ea(c, i), B32, 0);
  return false;
}

/** cvtpi2ps xmm, mm/m64 (0F 2A): the low two floats; the upper half is unchanged. */
function cvtpi2ps(c: Cpu, i: Insn): void {
  const mm = intSrc(c, i);
  beginFp(c, i.reg);
  const k = 4 * i.reg, rc = (c.mxcsr >> MX_RC_SHIFT) & 3;
  let f = 0;
  for (let j = 0; j < 2; j++) {
    const v = B32[j];
    let r = Math.fround(v);
    if (r !== v) {
      f = MX_PE;
      r = roundDir32(r, v - r, rc);
    }
    c.XF32[k + j] = r;
  }
  if (mm) transition(c.x87); // before a #XM too, as the host does
  endFp(c, i, f, i.reg);
}

/** cvtpi2pd xmm, mm/m64 (66 0F 2A): exact. */
function cvtpi2pd(c: Cpu, i: Insn): void {
  const mm = intSrc(c, i);
  c.XF64[2 * i.reg] = B32[0];
  c.XF64[2 * i.reg + 1] = B32[1];
  if (mm) transition(c.x87);
}

/** Rounds finite x to an integer by rounding control rc (0 nearest-even, 1 down, 2 up, 3 zero). */
function rint(x: number, rc: number): number {
  switch (rc) {
    case 0: {
      const f = Math.floor(x), d = x - f;
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    }
    case 1: return Math.floor(x);
    case 2: return Math.ceil(x);
    default: return Math.trunc(x);
  }
}

/** Lane results of the float-to-int32 conversions. */
const OUT = new Int32Array(2);

/** Converts x (den: it was a denormal) to int32 into OUT[j]; returns the MXCSR flags. */
function toInt32(c: Cpu, x: number, den: boolean, rc: number, j: number): number {
  if (den && c.mxcsr & MX_DAZ) x = 0;
  const r = x === x ? rint(x, rc) : NaN;
  if (r >= -2147483648 && r <= 2147483647) {
    OUT[j] = r | 0;
    return r !== x ? MX_PE : 0;
  }
  OUT[j] = 0x80000000 | 0;
  return MX_IE;
}

const rcOf = (c: Cpu, i: Insn): number => (i.sub ? 3 : (c.mxcsr >> MX_RC_SHIFT) & 3);

/** cvtps2pi / cvttps2pi mm, xmm/m64 (0F 2D / 2C). */
function cvtps2pi(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (i.rm >= 0) { S32[0] = c.X32[4 * i.rm]; S32[1] = c.X32[4 * i.rm + 1]; }
  else c.mem.read64(ea(c, i), S32, 0);
  const rc = rcOf(c, i);
  const f = toInt32(c, SF32[0], isDen32(S32[0]), rc, 0) | toInt32(c, SF32[1], isDen32(S32[1]), rc, 1);
  transition(x); // before a #XM too, as the host does
  endFp(c, i, f, -1);
  setMm(x, i.reg & 7, OUT[0], OUT[1]);
}

/** cvtpd2pi / cvttpd2pi mm, xmm/m128 (66 0F 2D / 2C; m128 must be aligned). */
function cvtpd2pi(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  src128(c, i, true);
  const rc = rcOf(c, i);
  const f = toInt32(c, SF64[0], isDen64(S32[1], S32[0]), rc, 0) | toInt32(c, SF64[1], isDen64(S32[3], S32[2]), rc, 1);
  transition(x); // before a #XM too, as the host does
  endFp(c, i, f, -1);
  setMm(x, i.reg & 7, OUT[0], OUT[1]);
}

const M = { modrm: true };
defPfx(MAP_0F, 0x2a, 'none', { name: 'cvtpi2ps', fn: cvtpi2ps, ...M });
defPfx(MAP_0F, 0x2a, 'p66', { name: 'cvtpi2pd', fn: cvtpi2pd, ...M });
defPfx(MAP_0F, 0x2d, 'none', { name: 'cvtps2pi', fn: cvtps2pi, ...M, sub: 0 });
defPfx(MAP_0F, 0x2c, 'none', { name: 'cvttps2pi', fn: cvtps2pi, ...M, sub: 1 });
defPfx(MAP_0F, 0x2d, 'p66', { name: 'cvtpd2pi', fn: cvtpd2pi, ...M, sub: 0 });
defPfx(MAP_0F, 0x2c, 'p66', { name: 'cvttpd2pi', fn: cvtpd2pi, ...M, sub: 1 });
