// MMX differential testing: records (layout in mmx-native.c), the native runner (gcc build cached
// in os.tmpdir() by source hash), the emulator runner, random states (x87/MMX registers, XMM,
// MXCSR, GPRs, scratch), an instruction encoder for MMX operand kinds, and result comparison
// (FOP/FIP/FDP, MXCSR_MASK, reserved FXSAVE bytes and RSP are not compared).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhysMem } from '../../kernel/mm/phys.js';
import { AddressSpace, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS } from '../../kernel/mm/aspace.js';
import { Cpu } from '../../kernel/cpu/state.js';
import { CodeCache, run } from '../../kernel/cpu/interp.js';
import { SIGTRAP } from '../../kernel/cpu/fault.js';
import { x87ToFxsave, x87FromFxsave } from '../../kernel/cpu/x87-state.js';

export const REC = 1024;
export const OFF_GPR = 32, OFF_FX = 160, OFF_MEM = 672, OFF_SIG = 928;
export const SCRATCH_PAGE = 0x10000000;
export const SCRATCH = SCRATCH_PAGE + 4096 - 256;
export const CODE = 0x20000000;
const here = dirname(fileURLToPath(import.meta.url));

let binary: string | null = null;
function nativeBinary(): string {
  if (binary) return binary;
  const src = join(here, 'mmx-native.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `rustos-mmx-native-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}`;
    execFileSync('gcc', ['-O1', '-o', tmp, src], { stdio: 'inherit' });
    renameSync(tmp, out);
  }
  binary = out;
  return out;
}

export function runNative(input: Buffer): Buffer {
  const r = spawnSync(nativeBinary(), [], { input, maxBuffer: input.length + (1 << 20) });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`mmx harness exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

// ---- emulator ----

export class Emu {
  readonly phys = new PhysMem(64);
  readonly mem = new AddressSpace(this.phys);
  readonly cpu = new Cpu(this.phys, this.mem, 0);
  readonly code = new CodeCache(this.mem);
  private last = Buffer.alloc(0);
  private readonly img = new Uint8Array(512);

  constructor() {
    if (process.env.RUSTOS_DIFF_JIT === '1') this.code.jitThreshold = 0;
    // RUSTOS_DIFF_JIT=hot: compiled at once in the hot form (memory fast paths inline).
    if (process.env.RUSTOS_DIFF_JIT === 'hot') this.code.jitThreshold = this.code.hotThreshold = 0;
    this.mem.mapFixed(SCRATCH_PAGE, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    this.mem.mapFixed(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
  }

  runRecord(inp: Buffer, at: number, out: Buffer): void {
    const c = this.cpu;
    const len = inp.readUInt32LE(at + 16);
    const bytes = inp.subarray(at, at + len);
    if (!bytes.equals(this.last)) {
      const page = new Uint8Array(64).fill(0xcc);
      page.set(bytes);
      this.mem.writeBytes(CODE, page);
      this.last = Buffer.from(bytes);
    }
    this.mem.writeBytes(SCRATCH, inp.subarray(at + OFF_MEM, at + OFF_MEM + 256));
    for (let k = 0; k < 32; k++) c.R[k] = inp.readInt32LE(at + OFF_GPR + 4 * k);
    const fx = inp.subarray(at + OFF_FX, at + OFF_FX + 512);
    x87FromFxsave(c, fx);
    c.mxcsr = fx.readUInt32LE(24);
    c.X8.set(fx.subarray(160, 416));
    c.rip = CODE;
    const retired = c.retired;
    const f = run(c, this.code, 100);
    if (f === null) throw new Error('emulator did not stop at the int3');
    out.fill(0, at, at + REC);
    inp.copy(out, at, at, at + 32);
    if (!(f.signo === SIGTRAP && (c.rip === CODE + len || c.rip === CODE + len + 1) && c.retired > retired)) {
      out.writeInt32LE(f.signo, at + OFF_SIG);
      out.writeInt32LE(f.code, at + OFF_SIG + 4);
      out.writeBigUInt64LE(BigInt.asUintN(64, BigInt(f.addr)), at + OFF_SIG + 8);
      out.writeBigUInt64LE(BigInt(c.rip), at + OFF_SIG + 16);
    }
    for (let k = 0; k < 32; k++) out.writeInt32LE(c.R[k], at + OFF_GPR + 4 * k);
    const img = this.img;
    img.fill(0);
    x87ToFxsave(c, img);
    out.set(img.subarray(0, 160), at + OFF_FX);
    out.writeUInt32LE(c.mxcsr >>> 0, at + OFF_FX + 24);
    out.set(c.X8.subarray(0, 256), at + OFF_FX + 160);
    this.mem.readInto(SCRATCH, out.subarray(at + OFF_MEM, at + OFF_MEM + 256));
  }

  runAll(input: Buffer): Buffer {
    const out = Buffer.alloc(input.length);
    for (let at = 0; at < input.length; at += REC) this.runRecord(input, at, out);
    return out;
  }
}

// ---- random values ----

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 2654435761) >>> 0 || 1;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(a: T[]): T {
    return a[this.int(a.length)];
  }
}

const W_EDGES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x00ff, 0xff00, 0x8080, 0x7f7f, 0xfffe, 0x0101];

/** 8 random bytes, biased to lane edge values (per word) and all-equal patterns. */
export function rand64(r: Rng, out: Buffer, at: number): void {
  const k = r.int(8);
  for (let j = 0; j < 4; j++) {
    const w = k === 0 ? 0 : k === 1 ? 0xffff : r.int(3) === 0 ? r.pick(W_EDGES) : r.int(0x10000);
    out.writeUInt16LE(w, at + 2 * j);
  }
}

/** A random float's bits with specials (NaNs, infinities, denormals, large and tiny). */
export function randF32(r: Rng): number {
  const s = r.int(2) << 31;
  const k = r.int(10);
  if (k === 0) return (s | r.pick([0, 0x7f800000, 0x7fc00000 | r.int(1 << 22), 0x7f800000 | (r.int(1 << 22) || 1), r.int(1 << 23) || 1, 0x3f800000, 0x4f000000, 0x4effffff, 0x3f000000, 0x3fc00000])) >>> 0;
  if (k <= 2) return (s | (r.int(255) << 23) | r.int(1 << 23)) >>> 0;
  return (s | ((127 - 4 + r.int(36)) << 23) | r.int(1 << 23)) >>> 0;
}

/** A random double's bits (hi, lo) with specials. */
export function randF64(r: Rng, out: Buffer, at: number): void {
  const s = r.int(2) << 31;
  const k = r.int(10);
  let hi: number, lo = r.u32();
  if (k === 0) {
    hi = r.pick([0, 0x7ff00000, 0x7ff80000 | r.int(1 << 19), 0x7ff00000 | r.int(1 << 19), r.int(1 << 20), 0x3ff00000, 0x41e00000, 0x41dfffff, 0xc1e00000, 0x3fe00000]);
    if (r.int(2)) lo = 0;
  } else if (k <= 2) hi = (r.int(2047) << 20) | r.int(1 << 20);
  else hi = ((1023 - 4 + r.int(36)) << 20) | r.int(1 << 20);
  out.writeUInt32LE(lo >>> 0, at);
  out.writeUInt32LE((s | hi) >>> 0, at + 4);
}

export function randI32(r: Rng): number {
  const k = r.int(4);
  if (k === 0) return r.pick([0, 1, -1, 0x7fffffff, -0x80000000, 0x1000000, 0x1000001, 0xffffff, -0x1000001]);
  if (k === 1) return (r.u32() >>> r.int(32)) | 0;
  return r.u32() | 0;
}

// ---- comparison ----

/** A copy of the result record with the fields that are not compared zeroed. */
export function masked(b: Buffer, at: number): Buffer {
  const x = Buffer.from(b.subarray(at, at + REC));
  x.fill(0, OFF_GPR + 32, OFF_GPR + 40); // rsp
  x.fill(0, OFF_FX + 6, OFF_FX + 24); // FOP, FIP, FDP
  x.fill(0, OFF_FX + 28, OFF_FX + 32); // MXCSR_MASK
  for (let k = 0; k < 8; k++) x.fill(0, OFF_FX + 32 + 16 * k + 10, OFF_FX + 48 + 16 * k);
  x.fill(0, OFF_FX + 416, OFF_FX + 512);
  return x;
}

const hex = (b: Buffer, a: number, n: number): string => b.subarray(a, a + n).toString('hex');

/** A readable description of one mismatching record. */
export function describeDiff(inp: Buffer, at: number, nat: Buffer, emu: Buffer): string {
  const code = hex(inp, at, inp.readUInt32LE(at + 16));
  const lines = [`code ${code}`];
  const show = (name: string, b: Buffer) => {
    const fx = OFF_FX;
    const mm = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `${b.readUInt16LE(fx + 40 + 16 * k).toString(16)}:${b.readBigUInt64LE(fx + 32 + 16 * k).toString(16)}`);
    lines.push(`  ${name} fcw ${b.readUInt16LE(fx).toString(16)} fsw ${b.readUInt16LE(fx + 2).toString(16)} ftw ${b[fx + 4].toString(16)} mxcsr ${b.readUInt32LE(fx + 24).toString(16)} ` +
      `sig ${b.readInt32LE(OFF_SIG)}/${b.readInt32LE(OFF_SIG + 4)} addr ${b.readBigUInt64LE(OFF_SIG + 8).toString(16)} rip ${b.readBigUInt64LE(OFF_SIG + 16).toString(16)}`);
    lines.push(`     ST(slot): ${mm.join(' ')}`);
    lines.push(`     xmm0-3 ${hex(b, fx + 160, 64)} gpr ${hex(b, OFF_GPR, 64)}`);
    lines.push(`     mem ${hex(b, OFF_MEM + 224, 32)}`);
  };
  show('in ', inp.subarray(at, at + REC));
  show('nat', nat);
  show('emu', emu);
  // Point at the first differing offset.
  for (let k = 0; k < REC; k++) if (nat[k] !== emu[k]) { lines.push(`  first difference at record offset ${k}`); break; }
  return lines.join('\n');
}
