/**
 * The x87 FPU's architectural state, kept apart from the integer/SSE register file (state.ts)
 * because nothing on the interpreter's hot path touches it. Registers are indexed physically
 * (ST(i) is register (top + i) & 7) and stored as 80-bit values split into typed arrays: the
 * 64-bit significand as two uint32 halves and the sign+exponent word.
 *
 * Also here: copying the state for context switches (saveX87/loadX87) and the x87 part of the
 * FXSAVE image, which the SSE family's fxsave/fxrstor call.
 */

import type { Cpu } from './state.js';

export class X87 {
  /** Significand of physical register r: mant[2r] low 32 bits, mant[2r+1] high 32 bits. */
  readonly mant = new Uint32Array(16);
  /** Sign (bit 15) and biased exponent (bits 0..14) of physical register r. */
  readonly se = new Uint16Array(8);
  /** Bit r set: physical register r is empty (tag 11). The full tag is derived from contents. */
  empty = 0xff;
  /** Control word (bit 6 always reads as 1). */
  fcw = 0x037f;
  /** Status word without the TOP field (bits 11..13 are kept in `top`). */
  fsw = 0;
  top = 0;
  /** Last x87 opcode (11 bits), instruction and data pointers. */
  fop = 0;
  fip = 0;
  fdp = 0;

  reset(): void {
    this.fcw = 0x037f;
    this.fsw = 0;
    this.top = 0;
    this.empty = 0xff;
    this.fop = 0;
    this.fip = 0;
    this.fdp = 0;
  }

  copyFrom(o: X87): void {
    this.mant.set(o.mant);
    this.se.set(o.se);
    this.empty = o.empty;
    this.fcw = o.fcw;
    this.fsw = o.fsw;
    this.top = o.top;
    this.fop = o.fop;
    this.fip = o.fip;
    this.fdp = o.fdp;
  }

  /** The status word as fnstsw reports it. */
  status(): number {
    return (this.fsw & ~0x3800) | (this.top << 11);
  }

  setStatus(v: number): void {
    this.fsw = v & ~0x3800 & 0xffff;
    this.top = (v >> 11) & 7;
  }

  /** Tag of physical register r: 0 valid, 1 zero, 2 special (NaN, inf, denormal, unsupported), 3 empty. */
  tag(r: number): number {
    if ((this.empty >> r) & 1) return 3;
    const e = this.se[r] & 0x7fff;
    const hi = this.mant[2 * r + 1], lo = this.mant[2 * r];
    if (e === 0x7fff) return 2;
    if (e === 0) return (hi | lo) === 0 ? 1 : 2;
    return hi >>> 31 ? 0 : 2;
  }

  /** The full 16-bit tag word (physical order), as fnstenv/fnsave store it. */
  tagWord(): number {
    let t = 0;
    for (let r = 0; r < 8; r++) t |= this.tag(r) << (2 * r);
    return t;
  }

  /** Loads a full tag word: only "empty or not" is state; the rest is derived from contents. */
  setTagWord(t: number): void {
    let e = 0;
    for (let r = 0; r < 8; r++) if (((t >> (2 * r)) & 3) === 3) e |= 1 << r;
    this.empty = e;
  }

  /** Writes ST(i)'s 10 bytes (little-endian significand, then sign/exponent) at out[k]. */
  regBytes(i: number, out: Uint8Array, k: number): void {
    const r = (this.top + i) & 7;
    const lo = this.mant[2 * r], hi = this.mant[2 * r + 1], se = this.se[r];
    for (let b = 0; b < 4; b++) out[k + b] = lo >>> (8 * b);
    for (let b = 0; b < 4; b++) out[k + 4 + b] = hi >>> (8 * b);
    out[k + 8] = se;
    out[k + 9] = se >> 8;
  }

  /** Reads ST(i) from 10 bytes at src[k] (does not change the tags). */
  setRegBytes(i: number, src: Uint8Array, k: number): void {
    const r = (this.top + i) & 7;
    this.mant[2 * r] = src[k] | (src[k + 1] << 8) | (src[k + 2] << 16) | (src[k + 3] << 24);
    this.mant[2 * r + 1] = src[k + 4] | (src[k + 5] << 8) | (src[k + 6] << 16) | (src[k + 7] << 24);
    this.se[r] = src[k + 8] | (src[k + 9] << 8);
  }
}

/** Context switch: copies the core's x87 state into a task's saved copy. */
export function saveX87(cpu: Cpu, into: X87): void {
  into.copyFrom(cpu.x87);
}

/** Context switch: loads a task's saved x87 state onto the core. */
export function loadX87(cpu: Cpu, from: X87): void {
  cpu.x87.copyFrom(from);
}

function put16(b: Uint8Array, k: number, v: number): void {
  b[k] = v;
  b[k + 1] = v >> 8;
}

function put32(b: Uint8Array, k: number, v: number): void {
  for (let j = 0; j < 4; j++) b[k + j] = v >>> (8 * j);
}

/**
 * Fills the x87 part of a 512-byte FXSAVE image (bytes 0..23 and 32..159): FCW, FSW, abridged
 * FTW (bit r = physical register r not empty), FOP, FIP, FDP, and ST0..ST7 in 16-byte slots with
 * the 6 reserved bytes zeroed. MXCSR (24..31) and the XMM area belong to the caller.
 */
export function x87ToFxsave(cpu: Cpu, bytes: Uint8Array): void {
  const x = cpu.x87;
  put16(bytes, 0, x.fcw);
  put16(bytes, 2, x.status());
  bytes[4] = ~x.empty & 0xff;
  bytes[5] = 0;
  put16(bytes, 6, x.fop);
  put32(bytes, 8, x.fip);
  put32(bytes, 12, Math.floor(x.fip / 4294967296));
  put32(bytes, 16, x.fdp);
  put32(bytes, 20, Math.floor(x.fdp / 4294967296));
  for (let i = 0; i < 8; i++) {
    bytes.fill(0, 32 + 16 * i, 48 + 16 * i);
    x.regBytes(i, bytes, 32 + 16 * i);
  }
}

/** Loads the x87 state from the x87 part of an FXSAVE image (fxrstor). */
export function x87FromFxsave(cpu: Cpu, bytes: Uint8Array): void {
  const x = cpu.x87;
  x.fcw = ((bytes[0] | (bytes[1] << 8)) & 0x1f7f) | 0x40;
  x.setStatus(bytes[2] | (bytes[3] << 8));
  x.empty = ~bytes[4] & 0xff;
  x.fop = (bytes[6] | (bytes[7] << 8)) & 0x7ff;
  const g32 = (k: number) => (bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24)) >>> 0;
  x.fip = g32(12) * 4294967296 + g32(8);
  x.fdp = g32(20) * 4294967296 + g32(16);
  for (let i = 0; i < 8; i++) x.setRegBytes(i, bytes, 32 + 16 * i);
}
