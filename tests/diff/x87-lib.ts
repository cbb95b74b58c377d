// x87 differential testing: records (see x87-native.c for the layout), the native runner (gcc
// build cached in os.tmpdir() by source hash), the emulator runner, random x87 states with special
// values, and the comparison of results (FIP/FOP/FDP and selector fields are not compared).
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
import { getFlags, setFlags } from '../../kernel/cpu/flags.js';
import { SIGTRAP } from '../../kernel/cpu/fault.js';
import { x87ToFxsave } from '../../kernel/cpu/x87-state.js';

export const REC = 256;
export const SCRATCH = 0x10000000;
export const CODE = 0x20000000;
const here = dirname(fileURLToPath(import.meta.url));

let binary: string | null = null;
export function nativeBinary(): string {
  if (binary) return binary;
  const src = join(here, 'x87-native.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `rustos-x87-native-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}`;
    execFileSync('gcc', ['-O1', '-mno-red-zone', '-o', tmp, src], { stdio: 'inherit' });
    renameSync(tmp, out);
  }
  binary = out;
  return out;
}

export function runNative(input: Buffer): Buffer {
  const r = spawnSync(nativeBinary(), [], { input, maxBuffer: input.length + (1 << 20) });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`x87 harness exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

// ---- emulator ----

export class Emu {
  readonly phys = new PhysMem(64);
  readonly mem = new AddressSpace(this.phys);
  readonly cpu = new Cpu(this.phys, this.mem, 0);
  readonly code = new CodeCache(this.mem);
  private last = Buffer.alloc(0);

  constructor() {
    this.mem.mapFixed(SCRATCH, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
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
    this.mem.writeBytes(SCRATCH, inp.subarray(at + 144, at + 256));
    setFlags(c, inp.readUInt32LE(at + 20));
    c.R[0] = inp.readInt32LE(at + 24);
    c.R[1] = inp.readInt32LE(at + 28);
    const img = inp.subarray(at + 32, at + 140);
    const x = c.x87;
    x.fcw = (img.readUInt16LE(0) & 0x1f3f) | 0x40;
    x.setStatus(img.readUInt16LE(4));
    x.setTagWord(img.readUInt16LE(8));
    for (let k = 0; k < 8; k++) x.setRegBytes(k, img, 28 + 10 * k);
    x.fip = x.fdp = x.fop = 0;
    c.rip = CODE;
    const f = run(c, this.code, 100);
    out.fill(0, at, at + REC);
    let sig = 0;
    if (f === null) throw new Error('emulator did not stop at the int3');
    if (!(f.signo === SIGTRAP && (c.rip === CODE + len || c.rip === CODE + len + 1))) sig = f.signo;
    // The fnsave image (pointer fields left 0; they are not compared).
    const o = out.subarray(at, at + 108);
    o.writeUInt32LE((0xffff0000 | x.fcw) >>> 0, 0);
    o.writeUInt32LE((0xffff0000 | x.status()) >>> 0, 4);
    o.writeUInt32LE((0xffff0000 | x.tagWord()) >>> 0, 8);
    for (let k = 0; k < 8; k++) x.regBytes(k, o, 28 + 10 * k);
    out.writeUInt32LE(getFlags(c) >>> 0, at + 112);
    out.writeInt32LE(c.R[0], at + 120);
    out.writeInt32LE(c.R[1], at + 124);
    this.mem.readInto(SCRATCH, out.subarray(at + 128, at + 240));
    if (bytes[0] === 0x0f && bytes[1] === 0xae && ((bytes[2] >> 3) & 7) === 0) {
      // fxsave belongs to the SSE family; its x87 part is what x87ToFxsave gives (checked here).
      const img = new Uint8Array(512);
      x87ToFxsave(c, img);
      out.set(img.subarray(0, 112), at + 128);
    }
    out.writeInt32LE(sig, at + 240);
    x.reset();
  }

  runAll(input: Buffer): Buffer {
    const out = Buffer.alloc(input.length);
    for (let at = 0; at < input.length; at += REC) this.runRecord(input, at, out);
    return out;
  }
}

// ---- random values ----

export class Rng {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  }
  u64(): bigint {
    // xorshift64*
    let x = this.s & 0xffffffffffffffffn;
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  }
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }
  pick<T>(a: T[]): T {
    return a[this.int(a.length)];
  }
  bits(n: number): bigint {
    return this.u64() & ((1n << BigInt(n)) - 1n);
  }
}

export interface V80 {
  se: number;
  m: bigint;
}
const J = 1n << 63n;
const v = (s: number, e: number, m: bigint): V80 => ({ se: (s << 15) | e, m });

/** Per mille of values that are unsupported encodings (RUSTOS_X87_UNSUPPORTED; default 15). */
const unsupportedRate = Number(process.env.RUSTOS_X87_UNSUPPORTED ?? '15');

/** A random 80-bit value, biased towards the cases that break implementations. */
export function rand80(r: Rng, near?: V80): V80 {
  const s = r.int(2);
  const k = r.int(100);
  if (near && k < 25) {
    // Related to another operand: equal, negated, nearby exponent, or a few ulps away.
    const w = r.int(4);
    if (w === 0) return { ...near };
    if (w === 1) return { se: near.se ^ 0x8000, m: near.m };
    const e = near.se & 0x7fff;
    if (w === 2 && e > 70 && e < 0x7ff0) return v(s, e - 70 + r.int(140), J | r.bits(63));
    return { se: near.se ^ (r.int(2) << 15), m: (near.m + BigInt(r.int(5)) - 2n) & 0xffffffffffffffffn | (e ? J : 0n) };
  }
  if (unsupportedRate && r.int(1000) < unsupportedRate) {
    // Encodings the 387 and later reject: unnormals, pseudo-NaN/infinity; and pseudo-denormals.
    return r.pick([
      v(s, 1 + r.int(0x7ffe), r.bits(63)), v(s, 0x7fff, r.bits(63)), v(s, 0x7fff, 0n), v(s, 0, J | r.bits(63)),
    ]);
  }
  if (k < 12) {
    return r.pick([
      v(s, 0, 0n), v(s, 0x7fff, J), v(s, 0x7fff, J | (1n << 62n) | r.bits(62)), v(s, 0x7fff, J | (r.bits(62) || 1n)),
      v(1, 0x7fff, 0xc000000000000000n), v(s, 16383, J), v(s, 16384, J), v(s, 0x7ffe, (1n << 64n) - 1n),
      v(s, 1, J), v(s, 0, 1n), v(s, 16383, J | 1n), v(s, 16382, (1n << 64n) - 1n),
    ]);
  }
  if (k < 20) return v(s, 0, r.bits(r.int(64) + 1) || 1n);
  if (k < 32) {
    // A double.
    const e = r.int(10) === 0 ? r.int(2048) : 1023 - 60 + r.int(120);
    const frac = r.bits(52);
    if (e === 0) return frac === 0n ? v(s, 0, 0n) : v(s, 16383 - 1022 - (52 - bitlen(frac) + 1), frac << BigInt(64 - bitlen(frac)));
    if (e === 2047) return v(s, 0x7fff, J | (frac << 11n) | (frac ? 0n : 0n));
    return v(s, e - 1023 + 16383, J | (frac << 11n));
  }
  if (k < 40) {
    const e = 127 - 30 + r.int(60);
    return v(s, e - 127 + 16383, J | (r.bits(23) << 40n));
  }
  if (k < 55) {
    // Near a rounding boundary for 24, 53 or 64 bits.
    const p = r.pick([24, 53, 64]);
    const top = J | (r.bits(63) & ~((1n << BigInt(64 - p + 2)) - 1n));
    const pat = r.pick([0n, 1n, (1n << BigInt(64 - p)) - 1n, 1n << BigInt(63 - p), (1n << BigInt(63 - p)) - 1n, (1n << BigInt(63 - p)) + 1n]);
    return v(s, 16383 - 20 + r.int(40), (top | (pat & ((1n << BigInt(64 - p + 2)) - 1n))) | J);
  }
  if (k < 62) return v(s, 16383 + r.int(64), J | r.bits(63) & ~((1n << BigInt(63 - r.int(64))) - 1n));
  if (k < 70) return v(s, r.pick([1 + r.int(100), 0x7ffe - r.int(100), 16383 - 16382 + r.int(200), 1 + r.int(0x7ffe)]), J | r.bits(63));
  return v(s, 16383 - 80 + r.int(160), J | r.bits(63));
}

export function bitlen(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Random double bits (BigInt) with specials. */
export function randF64(r: Rng): bigint {
  const s = BigInt(r.int(2)) << 63n;
  const k = r.int(10);
  if (k === 0) return s | r.pick([0n, 0x7ff0000000000000n, 0x7ff8000000000000n | r.bits(51), 0x7ff0000000000000n | (r.bits(51) || 1n), r.bits(52) || 1n, 0x3ff0000000000000n, 0x7fefffffffffffffn]);
  if (k === 1) return s | (BigInt(r.int(2047)) << 52n) | r.bits(52);
  return s | (BigInt(1023 - 40 + r.int(80)) << 52n) | r.bits(52);
}

export function randF32(r: Rng): bigint {
  const s = BigInt(r.int(2)) << 31n;
  const k = r.int(10);
  if (k === 0) return s | r.pick([0n, 0x7f800000n, 0x7fc00000n | r.bits(22), 0x7f800000n | (r.bits(22) || 1n), r.bits(23) || 1n, 0x3f800000n]);
  if (k === 1) return s | (BigInt(r.int(255)) << 23n) | r.bits(23);
  return s | (BigInt(127 - 30 + r.int(60)) << 23n) | r.bits(23);
}

export function randInt(r: Rng, bits: number): bigint {
  const k = r.int(6);
  const lim = 1n << BigInt(bits - 1);
  if (k === 0) return r.pick([0n, 1n, -1n, lim - 1n, -lim, 2n, -2n]);
  if (k === 1) return BigInt.asIntN(bits, r.bits(r.int(bits) + 1));
  return BigInt.asIntN(bits, r.u64());
}

// ---- states and records ----

export interface X87In {
  fcw: number;
  /** Condition codes (C0..C3 bits of FSW) and TOP. */
  cc: number;
  top: number;
  /** ST(0)..ST(7); null = empty. */
  st: (V80 | null)[];
}

/** A random FCW: all exceptions masked, random PC (24/53/64) and RC. */
export function randFcw(r: Rng): number {
  return 0x3f | 0x40 | (r.pick([0, 1, 2, 3, 3]) << 8) | (r.int(4) << 10);
}

/** A random state with `depth` valid registers at the top (ST(0)..), the rest empty. */
export function randState(r: Rng, depth: number, first?: V80[]): X87In {
  const st: (V80 | null)[] = [];
  for (let k = 0; k < 8; k++) {
    if (k < depth) st.push(first && k < first.length ? first[k] : rand80(r, k > 0 ? (st[0] ?? undefined) : undefined));
    else st.push(null);
  }
  return { fcw: randFcw(r), cc: r.pick([0, 0x4700, 0x0100, 0x4000, 0x0200]), top: r.int(8), st };
}

export function writeImage(b: Buffer, at: number, s: X87In): void {
  b.writeUInt32LE((0xffff0000 | s.fcw) >>> 0, at);
  b.writeUInt32LE((0xffff0000 | s.cc | (s.top << 11)) >>> 0, at + 4);
  let tw = 0;
  for (let k = 0; k < 8; k++) if (s.st[k] === null) tw |= 3 << (2 * ((s.top + k) & 7));
  b.writeUInt32LE((0xffff0000 | tw) >>> 0, at + 8);
  for (let k = 0; k < 8; k++) {
    const x = s.st[k] ?? { se: 0, m: 0n };
    b.writeBigUInt64LE(x.m, at + 28 + 10 * k);
    b.writeUInt16LE(x.se, at + 36 + 10 * k);
  }
}

export interface Case {
  code: number[];
  state: X87In;
  flags?: number;
  rax?: bigint;
  mem?: Uint8Array;
}

export function encode(cases: Case[]): Buffer {
  const b = Buffer.alloc(cases.length * REC);
  cases.forEach((c, n) => {
    const at = n * REC;
    Buffer.from(c.code).copy(b, at);
    b.writeUInt32LE(c.code.length, at + 16);
    b.writeUInt32LE(c.flags ?? 0x202, at + 20);
    b.writeBigUInt64LE(c.rax ?? 0x1234567890abcdefn, at + 24);
    writeImage(b, at + 32, c.state);
    if (c.mem) Buffer.from(c.mem).copy(b, at + 144);
  });
  return b;
}

/** A memory-operand ModRM encoding: [disp32] absolute (SIB, no base, no index). */
export function memForm(op: number, reg: number): number[] {
  return [op, (reg << 3) | 4, 0x25, 0x00, 0x00, 0x00, 0x10];
}

export function regForm(op: number, reg: number, i: number): number[] {
  return [op, 0xc0 | (reg << 3) | i];
}

/** Masks the fields not compared: FIP, FCS/FOP, FDP, FDS (bytes 12..27 of the image). */
export function masked(out: Buffer, at: number, fxsaveForm = false, env16Form = false): Buffer {
  const b = Buffer.from(out.subarray(at, at + REC));
  b.fill(0, 12, 28);
  // An fxsave image in scratch: FOP, FIP, FDP, MXCSR and its mask are not compared either.
  if (fxsaveForm) b.fill(0, 128 + 6, 128 + 32);
  // A 16-bit environment stored to scratch: the pointer and selector words.
  if (env16Form) b.fill(0, 128 + 6, 128 + 14);
  // Only the arithmetic flags of RFLAGS.
  b.writeUInt32LE(b.readUInt32LE(112) & 0x8d5, 112);
  b.writeUInt32LE(0, 116);
  return b;
}

function hex80(b: Buffer, k: number): string {
  return `${b.readUInt16LE(k + 8).toString(16).padStart(4, '0')}:${b.readBigUInt64LE(k).toString(16).padStart(16, '0')}`;
}

/** A readable diff of two result records. */
export function describeDiff(inp: Buffer, at: number, nat: Buffer, emu: Buffer): string {
  const lines: string[] = [];
  const code = [...inp.subarray(at, at + inp.readUInt32LE(at + 16))].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  const img = inp.subarray(at + 32, at + 140);
  lines.push(`code ${code}  fcw ${img.readUInt16LE(0).toString(16)} fsw ${img.readUInt16LE(4).toString(16)} ftw ${img.readUInt16LE(8).toString(16)} flags ${inp.readUInt32LE(at + 20).toString(16)}`);
  lines.push(`  in  ST: ${[0, 1, 2].map((k) => hex80(img, 28 + 10 * k)).join(' ')}  mem ${inp.subarray(at + 144, at + 160).toString('hex')}`);
  for (const [name, o] of [['nat', nat], ['emu', emu]] as [string, Buffer][]) {
    lines.push(`  ${name} fcw ${o.readUInt16LE(0).toString(16)} fsw ${o.readUInt16LE(4).toString(16)} ftw ${o.readUInt16LE(8).toString(16)} ` +
      `ST: ${[0, 1, 2].map((k) => hex80(o, 28 + 10 * k)).join(' ')} fl ${o.readUInt32LE(112).toString(16)} rax ${o.readBigUInt64LE(120).toString(16)} ` +
      `mem ${o.subarray(128, 144).toString('hex')} sig ${o.readInt32LE(240)}`);
  }
  return lines.join('\n');
}
