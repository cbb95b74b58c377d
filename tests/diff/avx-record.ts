// The record format of the AVX differential tests (avx-harness.c, avx-emu.ts): record.ts's layout
// with the upper halves of YMM0-15 (256 bytes) inserted after XMM0-15, so the state is
// GPRs, RFLAGS, MXCSR, XMM0-15, YMM0-15[255:128], scratch memory. record.ts's users are unchanged.
import { HDR, OFF_GPR, OFF_FLAGS, OFF_MXCSR, OFF_XMM, ARITH, DF, SCRATCH_SIZE, State } from './record.js';

export const OFF_YMMH = HDR + 400;
export const AOFF_MEM = HDR + 656;
export const AREC_SIZE = AOFF_MEM + SCRATCH_SIZE; // 8880

/** A test-side state with YMM upper halves (16 bytes per register at 16 * n). */
export class AvxState extends State {
  ymmh = new Uint8Array(256);
}

export function encodeAvxInput(buf: Buffer, at: number, code: number[], st: AvxState): void {
  buf.fill(0, at, at + HDR);
  for (let k = 0; k < code.length; k++) buf[at + k] = code[k];
  buf.writeUInt32LE(code.length, at + 16);
  for (let r = 0; r < 16; r++) buf.writeBigUInt64LE(BigInt.asUintN(64, st.gpr[r]), at + OFF_GPR + 8 * r);
  buf.writeBigUInt64LE(BigInt((st.flags & (ARITH | DF)) | 0x202), at + OFF_FLAGS);
  buf.writeUInt32LE(st.mxcsr, at + OFF_MXCSR);
  buf.writeUInt32LE(0, at + OFF_MXCSR + 4);
  buf.set(st.xmm, at + OFF_XMM);
  buf.set(st.ymmh, at + OFF_YMMH);
  buf.set(st.mem, at + AOFF_MEM);
}

export interface AvxResult {
  signo: number;
  code: number;
  addr: bigint;
  rip: bigint;
  gpr: bigint[];
  flags: number;
  mxcsr: number;
  xmm: Uint8Array;
  ymmh: Uint8Array;
  mem: Uint8Array;
}

export function decodeAvxOutput(buf: Buffer, at: number): AvxResult {
  const gpr: bigint[] = [];
  for (let r = 0; r < 16; r++) gpr.push(buf.readBigUInt64LE(at + OFF_GPR + 8 * r));
  return {
    signo: buf.readInt32LE(at),
    code: buf.readInt32LE(at + 4),
    addr: buf.readBigUInt64LE(at + 8),
    rip: buf.readBigUInt64LE(at + 16),
    gpr,
    flags: Number(buf.readBigUInt64LE(at + OFF_FLAGS) & 0xffffffffn),
    mxcsr: buf.readUInt32LE(at + OFF_MXCSR),
    xmm: buf.subarray(at + OFF_XMM, at + OFF_XMM + 256),
    ymmh: buf.subarray(at + OFF_YMMH, at + OFF_YMMH + 256),
    mem: buf.subarray(at + AOFF_MEM, at + AOFF_MEM + SCRATCH_SIZE),
  };
}
