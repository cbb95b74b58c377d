/**
 * Shared machinery of the MMX families (mmx-*.ts): the MMX registers MM0..MM7 are the 64-bit
 * significands of the physical x87 registers R0..R7 (cpu.x87.mant), so every MMX handler goes
 * through here to read and write them with the architectural side effects:
 *   - a pending unmasked x87 exception is delivered first (#MF, SIGFPE), before anything changes;
 *   - every MMX instruction but emms sets TOP to 0 and all tags to valid (`transition`);
 *   - writing MMn sets the sign/exponent word of Rn to 0xFFFF.
 * Operands are staged in small scratch buffers (A: the destination's old value, B: the source)
 * with byte/word/dword views, so lane loops never allocate and a faulting memory read happens
 * before any state changes. ModRM.reg/rm name MM registers modulo 8 (REX.R/REX.B are ignored).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import type { X87 } from '../x87-state.js';
import { ea } from '../operands.js';
import { checkPending } from './x87-common.js';
import { ES } from './x87-float.js';

const BUF = new ArrayBuffer(24);
/** The destination operand's old value (8 bytes). */
export const A8 = new Uint8Array(BUF, 0, 8);
export const A16 = new Uint16Array(BUF, 0, 4);
export const A32 = new Int32Array(BUF, 0, 2);
/** The source operand (8 bytes). */
export const B8 = new Uint8Array(BUF, 8, 8);
export const B16 = new Uint16Array(BUF, 8, 4);
export const B32 = new Int32Array(BUF, 8, 2);
/** A result being assembled (8 bytes). */
export const C8 = new Uint8Array(BUF, 16, 8);
export const C16 = new Uint16Array(BUF, 16, 4);
export const C32 = new Int32Array(BUF, 16, 2);

/** Starts an MMX instruction: delivers a pending unmasked x87 exception. */
export function enter(c: Cpu, i: Insn): X87 {
  const x = c.x87;
  if (x.fsw & ES) checkPending(c, i);
  return x;
}

/** The x87-to-MMX transition every MMX instruction but emms makes: TOP = 0, all tags valid. */
export function transition(x: X87): void {
  x.top = 0;
  x.empty = 0;
}

/** Loads MM register n into A. */
export function loadA(x: X87, n: number): void {
  A32[0] = x.mant[2 * n];
  A32[1] = x.mant[2 * n + 1];
}

/** Loads the source operand (MM register ModRM.rm, or m64) into B. */
export function srcB(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    const m = c.x87.mant, r = 2 * (i.rm & 7);
    B32[0] = m[r];
    B32[1] = m[r + 1];
  } else c.mem.read64(ea(c, i), B32, 0);
}

/** Loads the source operand's low 32 bits (MM register or m32) into B32[0]; B32[1] = 0. */
export function srcB32(c: Cpu, i: Insn): void {
  B32[0] = i.rm >= 0 ? c.x87.mant[2 * (i.rm & 7)] : c.mem.read32(ea(c, i));
  B32[1] = 0;
}

/** Writes MM register n (and its x87 exponent word). */
export function setMm(x: X87, n: number, lo: number, hi: number): void {
  x.mant[2 * n] = lo;
  x.mant[2 * n + 1] = hi;
  x.se[n] = 0xffff;
}

/** Writes A to MM register ModRM.reg and makes the transition (the common ending). */
export function commitA(x: X87, i: Insn): void {
  setMm(x, i.reg & 7, A32[0], A32[1]);
  x.top = 0;
  x.empty = 0;
}

/** Writes C to MM register ModRM.reg and makes the transition. */
export function commitC(x: X87, i: Insn): void {
  setMm(x, i.reg & 7, C32[0], C32[1]);
  x.top = 0;
  x.empty = 0;
}

/** Staged "dst op= src" prologue: pending check, source into B, destination (ModRM.reg) into A. */
export function begin2(c: Cpu, i: Insn): X87 {
  const x = enter(c, i);
  srcB(c, i);
  loadA(x, i.reg & 7);
  return x;
}
