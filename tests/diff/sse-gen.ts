// Case generation for the SSE differential tests (sse.test.ts): random machine states whose xmm
// lanes, operand memory and general registers are seeded with the values that break SSE
// implementations (signed zeros, infinities, quiet and signalling NaNs with payloads, denormals,
// integer-range edges, rounding ties, exponents at the over/underflow boundaries), random MXCSR
// (sticky flags, rounding modes, DAZ, FZ, unmasked exceptions), and the instruction encoded for a register or memory
// operand (aligned, misaligned, or crossing into the unmapped page after scratch memory).
import { State, SCRATCH, SCRATCH_SIZE } from './record.js';
import type { Form as SseForm, Lanes } from './sse-forms.js';

/** The random source (tests/diff/gen.ts's Rng satisfies it). */
export interface R {
  u32(): number;
  int(n: number): number;
  bool(p?: number): boolean;
  pick<T>(xs: readonly T[]): T;
}

/** The 64 bytes memory operands point into: the end of scratch, an unmapped page after it. */
export const WIN = SCRATCH + SCRATCH_SIZE - 64;
const WIN_OFF = SCRATCH_SIZE - 64;

const F64 = new Float64Array(1), U64 = new Uint32Array(F64.buffer);
const F32 = new Float32Array(1), U32 = new Uint32Array(F32.buffer);
const NICE = [0.5, 1.5, 2.5, -2.5, 3, -3, 0.1, 1 / 3, -1 / 3, 2 ** 31, -(2 ** 31), 2 ** 31 - 0.5, 2 ** 31 - 1,
  2147483647.5, -2147483648.5, -2147483648.9, 2 ** 63, -(2 ** 63), 2 ** 63 - 1024, 2 ** 64, 1e308, -1e308,
  1e-308, 2 ** -1022, 3 * 2 ** -1074, 2 ** 52 + 1, 2 ** 53 + 2, 1e10, 123456789.125, 16777217, 3.4e38, 3.5e38,
  1.1754943508222875e-38, 1.4e-45, 1e-40, 65504, 0.75, -0.5, 7, 100, 1e-5, Math.PI, Math.E, 2 ** -126, 2 ** -149];

/** A double lane as [lo, hi] words. */
function genF64(r: R): [number, number] {
  switch (r.int(12)) {
    case 0: return [0, r.pick([0, 0x80000000])];
    case 1: return [0, r.pick([0x7ff00000, 0xfff00000])];
    case 2: return [r.bool(0.5) ? 0 : r.u32(), (r.pick([0x7ff80000, 0xfff80000]) | r.int(0x80000)) >>> 0]; // QNaN
    case 3: { const lo = r.u32() | 1; return [lo >>> 0, (r.pick([0x7ff00000, 0xfff00000]) | r.int(0x80000)) >>> 0]; } // SNaN
    case 4: return [r.u32(), (r.int(0x100000) | (r.bool(0.5) ? 0x80000000 : 0)) >>> 0]; // denormal
    case 5: case 6: F64[0] = r.pick(NICE) * (r.bool(0.2) ? -1 : 1); return [U64[0], U64[1]];
    case 7: F64[0] = (r.int(1 << 20) + 1) * 2 ** (r.int(80) - 40) * (r.bool(0.3) ? -1 : 1); return [U64[0], U64[1]];
    case 8: F64[0] = 1 + r.int(16) * 2 ** -52; return [U64[0], U64[1]];
    case 9: { const e = r.pick([1, 2, 0x7fe, 0x7fd, 0x3ff, 0x400, 0x43e, 0x41e, 0x3fe, 0x1fe, 0x1ff, 0x200, 0x5fe, 0x5ff, 0x3e0, 0x3c9]); return [r.u32(), ((e << 20) | r.int(0x100000) | (r.bool(0.5) ? 0x80000000 : 0)) >>> 0]; }
    default: return [r.u32(), r.u32()];
  }
}

function genF32(r: R): number {
  switch (r.int(12)) {
    case 0: return r.pick([0, 0x80000000]);
    case 1: return r.pick([0x7f800000, 0xff800000]);
    case 2: return (r.pick([0x7fc00000, 0xffc00000]) | r.int(0x400000)) >>> 0;
    case 3: return (r.pick([0x7f800000, 0xff800000]) | (r.int(0x3fffff) + 1)) >>> 0;
    case 4: return (r.int(0x800000) | (r.bool(0.5) ? 0x80000000 : 0)) >>> 0;
    case 5: case 6: F32[0] = r.pick(NICE) * (r.bool(0.2) ? -1 : 1); return U32[0];
    case 7: F32[0] = (r.int(1 << 12) + 1) * 2 ** (r.int(40) - 20) * (r.bool(0.3) ? -1 : 1); return U32[0];
    case 8: F32[0] = 1 + r.int(16) * 2 ** -23; return U32[0];
    case 9: { const e = r.pick([1, 2, 0xfe, 0xfd, 0x7f, 0x80, 0x9e, 0xbe, 0x7e, 0x3f, 0x40, 0xbf, 0x3e, 0x68]); return ((e << 23) | r.int(0x800000) | (r.bool(0.5) ? 0x80000000 : 0)) >>> 0; }
    default: return r.u32();
  }
}

function genInt32(r: R): number {
  switch (r.int(6)) {
    case 0: return r.pick([0, 0xffffffff, 0x80000000, 0x7fffffff, 0x80808080, 0x7f7f7f7f, 0x00ff00ff, 0x80007fff, 0x8000, 0xffff8000]);
    case 1: return r.int(256) * 0x01010101;
    case 2: return r.int(0x10000);
    default: return r.u32();
  }
}

/** Fills 16 bytes at dst[o..] with lane values of the given kind. */
function fill16(r: R, lanes: Lanes, dst: Uint8Array, o: number): void {
  const dv = new DataView(dst.buffer, dst.byteOffset + o, 16);
  if (lanes === 'f64') for (let q = 0; q < 2; q++) { const [lo, hi] = genF64(r); dv.setUint32(8 * q, lo, true); dv.setUint32(8 * q + 4, hi, true); }
  else if (lanes === 'f32') for (let j = 0; j < 4; j++) dv.setUint32(4 * j, genF32(r), true);
  else if (lanes === 'count') {
    for (let j = 0; j < 4; j++) dv.setUint32(4 * j, genInt32(r), true);
    if (r.bool(0.8)) { dv.setUint32(0, r.int(72), true); dv.setUint32(4, 0, true); }
  } else if (lanes === 'mxcsr') {
    for (let j = 0; j < 4; j++) dv.setUint32(4 * j, r.bool(0.85) ? r.int(0x10000) : genInt32(r), true);
  } else for (let j = 0; j < 4; j++) dv.setUint32(4 * j, genInt32(r), true);
}

function genGpr(r: R): bigint {
  const hi = r.pick([0, 0xffffffff, 0x80000000, 0x7fffffff, 0x001fffff, 0x00200000, r.u32(), r.u32()]);
  const lo = r.bool(0.5) ? genInt32(r) : r.u32();
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

const BASES = [3, 6, 7, 9, 14];
const GPRS = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** Randomizes st for form f and returns the instruction bytes (register or memory form, REX.W or not). */
export function makeCase(r: R, f: SseForm, mem: boolean, w: boolean, st: State): number[] {
  for (let n = 0; n < 16; n++) fill16(r, r.bool(0.9) ? f.lanes : 'int', st.xmm, 16 * n);
  for (let q = 0; q < 4; q++) fill16(r, f.lanes, st.mem, WIN_OFF + 16 * q);
  for (let n = 0; n < 16; n++) if (n !== 4) st.gpr[n] = genGpr(r);
  const mx = r.int(20);
  st.mxcsr = 0x1f80 | (mx < 4 ? r.int(64) : 0) | (mx === 5 || mx === 6 ? r.int(4) << 13 : 0) | (mx === 7 ? 0x40 : 0) | (mx === 8 ? 0x8000 : 0) | (mx === 9 ? 0x8040 | r.int(64) : 0);
  // Some exceptions unmasked (#XM: SIGFPE, destination unchanged), with or without stale flags.
  if (mx === 10 || mx === 11) st.mxcsr = (0x1f80 & ~((1 + r.int(63)) << 7)) | (mx === 11 ? r.int(64) & r.int(64) : 0) | (r.int(4) << 13);
  const code: number[] = [];
  if (f.pfx !== null) code.push(f.pfx);
  const reg = f.reg === 'x' ? r.int(16) : f.reg === 'g' ? r.pick(GPRS) : f.reg;
  let rex = 0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0);
  let modrm: number;
  const tail: number[] = [];
  if (mem) {
    const base = r.pick(BASES);
    rex |= base >= 8 ? 1 : 0;
    const disp = 8 * r.int(4);
    modrm = 0x40 | ((reg & 7) << 3) | (base & 7);
    tail.push(disp);
    const size = w && f.wMem ? f.wMem : f.mem;
    let off: number;
    const roll = r.int(100);
    if (roll < 3) off = 64 - 1 - r.int(Math.max(1, size - 1)) + (size === 1 ? 1 + r.int(64) : 0); // into the unmapped page
    else if (f.align && roll < 12) off = r.int(64 - size + 1); // most likely misaligned
    else if (f.align) off = 16 * r.int(4);
    else off = r.int(64 - size + 1);
    st.gpr[base] = BigInt(WIN + off - disp);
    if (f.lanes === 'mxcsr' && off + 4 <= 64) {
      // Bit 17 alone is MXCSR.MM on AMD hosts (accepted there, #GP on Intel and in the emulator,
      // whose MXCSR_MASK is 0xFFFF): keep another reserved bit with it so every host agrees.
      let v = r.bool(0.85) ? r.int(0x10000) : genInt32(r);
      if ((v & 0xffff0000) === 0x20000) v |= 0x10000;
      new DataView(st.mem.buffer, st.mem.byteOffset).setUint32(WIN_OFF + off, v >>> 0, true);
    }
  } else {
    const rm = f.rm === 'x' ? r.int(16) : r.pick(GPRS);
    rex |= rm >= 8 ? 1 : 0;
    modrm = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  }
  if (rex !== 0x40 || r.bool(0.15)) code.push(rex);
  code.push(0x0f, f.op, modrm, ...tail);
  if (f.imm) code.push(r.bool(0.7) ? r.int(Math.min(f.imm, 20)) : r.int(f.imm));
  return code;
}
