// AVX variant of emu.ts: the same runner over avx-record.ts's records (YMM upper halves included).
// Emulated side of the differential tests: runs an input record (see record.ts) on the RustOS CPU
// with the same memory layout as harness.c and writes a result record in the same format. The
// instruction is followed by int3; stopping there (SIGTRAP at the int3) is normal completion, any
// other fault is the instruction's own and is reported like the harness reports a signal.
import { PhysMem } from '../../kernel/mm/phys.js';
import { AddressSpace, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS } from '../../kernel/mm/aspace.js';
import { Cpu } from '../../kernel/cpu/state.js';
import { CodeCache, run } from '../../kernel/cpu/interp.js';
import { getFlags, setFlags } from '../../kernel/cpu/flags.js';
import { SIGTRAP } from '../../kernel/cpu/fault.js';
import { CODE, HDR, OFF_FLAGS, OFF_GPR, OFF_MXCSR, OFF_XMM, SCRATCH, SCRATCH_SIZE } from './record.js';
import { AOFF_MEM as OFF_MEM, AREC_SIZE as REC_SIZE, OFF_YMMH } from './avx-record.js';

export class AvxEmu {
  readonly phys = new PhysMem(64);
  readonly mem = new AddressSpace(this.phys);
  readonly cpu = new Cpu(this.phys, this.mem, 0);
  readonly code = new CodeCache(this.mem);
  private lastCode = Buffer.alloc(0);

  constructor() {
    // RUSTOS_DIFF_JIT=1 runs every record through the block compiler instead of the interpreter.
    if (process.env.RUSTOS_DIFF_JIT === '1') this.code.jitThreshold = 0;
    // RUSTOS_DIFF_JIT=hot: compiled at once in the hot form (memory fast paths inline).
    if (process.env.RUSTOS_DIFF_JIT === 'hot') this.code.jitThreshold = this.code.hotThreshold = 0;
    this.mem.mapFixed(SCRATCH, SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    this.mem.mapFixed(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
  }

  /** Runs the record at inp[at..] and writes its result record to out[at..]. */
  runRecord(inp: Buffer, at: number, out: Buffer): void {
    const c = this.cpu;
    const len = Math.min(16, inp.readUInt32LE(at + 16));
    const bytes = inp.subarray(at, at + len);
    if (!bytes.equals(this.lastCode)) {
      const page = new Uint8Array(64).fill(0xcc); // int3 after the instruction and at end+7
      page.set(bytes);
      this.mem.writeBytes(CODE, page); // invalidates translated blocks of the page
      this.lastCode = Buffer.from(bytes);
    }
    this.mem.writeBytes(SCRATCH, inp.subarray(at + OFF_MEM, at + OFF_MEM + SCRATCH_SIZE));
    const R = c.R;
    for (let k = 0; k < 32; k++) R[k] = inp.readInt32LE(at + OFF_GPR + 4 * k);
    setFlags(c, inp.readUInt32LE(at + OFF_FLAGS));
    c.mxcsr = inp.readUInt32LE(at + OFF_MXCSR);
    c.X8.set(inp.subarray(at + OFF_XMM, at + OFF_XMM + 256));
    c.X8.set(inp.subarray(at + OFF_YMMH, at + OFF_YMMH + 256), 256);
    c.rip = CODE;

    out.fill(0, at, at + HDR);
    const retired = c.retired;
    const f = run(c, this.code, 1000);
    if (f === null) {
      throw new Error(`emulator did not stop at the int3 after the instruction (rip ${c.rip.toString(16)})`);
    }
    const end = CODE + len;
    if (f.signo === SIGTRAP && (c.rip === end + 7 || c.rip === end + 8)) {
      out.writeBigUInt64LE(BigInt(end + 7), at + 16); // the branch was taken (see harness.c)
    } else if (!(f.signo === SIGTRAP && (c.rip === end || c.rip === end + 1) && c.retired > retired)) {
      // (An int3 under test traps with RIP = end too, but nothing has retired before it.)
      out.writeInt32LE(f.signo, at);
      out.writeInt32LE(f.code, at + 4);
      out.writeBigUInt64LE(BigInt.asUintN(64, BigInt(f.addr)), at + 8);
      out.writeBigUInt64LE(BigInt(c.rip), at + 16);
    }
    for (let k = 0; k < 32; k++) out.writeInt32LE(R[k], at + OFF_GPR + 4 * k);
    out.writeBigUInt64LE(BigInt(getFlags(c) >>> 0), at + OFF_FLAGS);
    out.writeUInt32LE(c.mxcsr >>> 0, at + OFF_MXCSR);
    out.writeUInt32LE(0, at + OFF_MXCSR + 4);
    out.set(c.X8.subarray(0, 256), at + OFF_XMM);
    out.set(c.X8.subarray(256, 512), at + OFF_YMMH);
    this.mem.readInto(SCRATCH, out.subarray(at + OFF_MEM, at + OFF_MEM + SCRATCH_SIZE));
  }

  /** Runs every record of `input`; returns the results (same layout as runNative's). */
  runAll(input: Buffer): Buffer {
    const out = Buffer.alloc(input.length);
    for (let at = 0; at < input.length; at += REC_SIZE) this.runRecord(input, at, out);
    return out;
  }
}
