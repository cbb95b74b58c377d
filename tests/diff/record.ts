// The binary record format shared by harness.c (native) and emu.ts (emulated); see README.md.
// Input: 32-byte header (code[16], u32 length, 12 reserved) + state. Output: 32-byte header
// (i32 signo, i32 si_code, u64 si_addr, u64 rip, 8 reserved) + state. State: 16 GPRs (u64, in
// rax rcx rdx rbx rsp rbp rsi rdi r8..r15 order), u64 rflags, u32 mxcsr, u32 pad, XMM0-15
// (16 bytes each), then the 8 KiB of scratch memory. Everything is little-endian.

export const SCRATCH = 0x10000000;
export const SCRATCH_SIZE = 8192;
export const CODE = 0x20000000;

export const HDR = 32;
export const OFF_GPR = HDR;
export const OFF_FLAGS = HDR + 128;
export const OFF_MXCSR = HDR + 136;
export const OFF_XMM = HDR + 144;
export const OFF_MEM = HDR + 400;
export const REC_SIZE = OFF_MEM + SCRATCH_SIZE; // 8624

export const REG_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;

/** A machine state on the test side (BigInt is fine here: this is not the emulator's hot path). */
export class State {
  gpr: bigint[] = new Array<bigint>(16).fill(0n);
  /** Arithmetic flags and DF (other bits are ignored). */
  flags = 0;
  mxcsr = 0x1f80;
  xmm = new Uint8Array(256);
  mem = new Uint8Array(SCRATCH_SIZE);

  setMem(addr: number, size: number, v: bigint): void {
    const off = addr - SCRATCH;
    for (let k = 0; k < size; k++) this.mem[off + k] = Number((v >> BigInt(8 * k)) & 0xffn);
  }
}

/** Writes an input record for (code, state) at buf[at..]. */
export function encodeInput(buf: Buffer, at: number, code: number[], st: State): void {
  buf.fill(0, at, at + HDR);
  for (let k = 0; k < code.length; k++) buf[at + k] = code[k];
  buf.writeUInt32LE(code.length, at + 16);
  for (let r = 0; r < 16; r++) buf.writeBigUInt64LE(BigInt.asUintN(64, st.gpr[r]), at + OFF_GPR + 8 * r);
  buf.writeBigUInt64LE(BigInt((st.flags & (ARITH | DF)) | 0x202), at + OFF_FLAGS);
  buf.writeUInt32LE(st.mxcsr, at + OFF_MXCSR);
  buf.writeUInt32LE(0, at + OFF_MXCSR + 4);
  buf.set(st.xmm, at + OFF_XMM);
  buf.set(st.mem, at + OFF_MEM);
}

export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** A decoded result record (views into the output buffer). */
export interface Result {
  signo: number;
  code: number;
  addr: bigint;
  rip: bigint;
  gpr: bigint[];
  flags: number;
  mxcsr: number;
  xmm: Uint8Array;
  mem: Uint8Array;
}

export function decodeOutput(buf: Buffer, at: number): Result {
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
    mem: buf.subarray(at + OFF_MEM, at + OFF_MEM + SCRATCH_SIZE),
  };
}
