// The two sides of the SSE differential tests. Both run one instruction from the same state at
// the same addresses (code at CODE_ADDR, 64 bytes of operand memory ending the read-write page
// at DATA_ADDR with an unmapped page after it): natively through tests/diff/sse-native.c
// (compiled at test time), and on the emulator through a bare core, then hand back the state
// after, or the fault with its siginfo. The layout matches the C structs byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhysMem } from '../../kernel/mm/phys.js';
import { AddressSpace, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS } from '../../kernel/mm/aspace.js';
import { Cpu } from '../../kernel/cpu/state.js';
import { CodeCache, run } from '../../kernel/cpu/interp.js';
import { getFlags, setFlags } from '../../kernel/cpu/flags.js';
import { SIGTRAP } from '../../kernel/cpu/fault.js';

export const CODE_ADDR = 0x20000000;
export const DATA_ADDR = 0x10000000;
export const MEM_ADDR = DATA_ADDR + 0x1000 - 64;
export const STATE_BYTES = 480;
export const CASE_BYTES = 504;

/** One machine state: the C `struct st`. */
export interface State {
  gpr: BigUint64Array; // 16
  rflags: bigint;
  mxcsr: number;
  xmm: Uint8Array; // 256
  mem: Uint8Array; // 64
  signo: number;
  code: number;
  addr: bigint;
}

export interface Case {
  code: number[];
  s: State;
}

export function emptyState(): State {
  return { gpr: new BigUint64Array(16), rflags: 0x202n, mxcsr: 0x1f80, xmm: new Uint8Array(256), mem: new Uint8Array(64), signo: 0, code: 0, addr: 0n };
}

export function cloneState(s: State): State {
  return { ...s, gpr: s.gpr.slice(), xmm: s.xmm.slice(), mem: s.mem.slice() };
}

function putState(dv: DataView, o: number, s: State): void {
  for (let r = 0; r < 16; r++) dv.setBigUint64(o + 8 * r, s.gpr[r], true);
  dv.setBigUint64(o + 128, s.rflags, true);
  dv.setUint32(o + 136, s.mxcsr, true);
  new Uint8Array(dv.buffer, o + 144, 256).set(s.xmm);
  new Uint8Array(dv.buffer, o + 400, 64).set(s.mem);
  dv.setInt32(o + 464, s.signo, true);
  dv.setInt32(o + 468, s.code, true);
  dv.setBigUint64(o + 472, s.addr, true);
}

function getState(dv: DataView, o: number): State {
  const s = emptyState();
  for (let r = 0; r < 16; r++) s.gpr[r] = dv.getBigUint64(o + 8 * r, true);
  s.rflags = dv.getBigUint64(o + 128, true);
  s.mxcsr = dv.getUint32(o + 136, true);
  s.xmm.set(new Uint8Array(dv.buffer, o + 144, 256));
  s.mem.set(new Uint8Array(dv.buffer, o + 400, 64));
  s.signo = dv.getInt32(o + 464, true);
  s.code = dv.getInt32(o + 468, true);
  s.addr = dv.getBigUint64(o + 472, true);
  return s;
}

let nativeBin: string | null = null;

/** Compiles the native harness once per test process. */
export function buildNative(): string {
  if (nativeBin) return nativeBin;
  const dir = mkdtempSync(join(tmpdir(), 'rustos-sse-'));
  const src = join(dirname(fileURLToPath(import.meta.url)), 'sse-native.c');
  nativeBin = join(dir, 'sse-native');
  execFileSync('gcc', ['-O1', '-o', nativeBin, src]);
  return nativeBin;
}

/** Runs the cases natively; returns the state after each. */
export function runNative(cases: Case[]): State[] {
  const bin = buildNative();
  const buf = new ArrayBuffer(cases.length * CASE_BYTES);
  const dv = new DataView(buf);
  cases.forEach((c, n) => {
    const o = n * CASE_BYTES;
    new Uint8Array(buf, o, 16).set(c.code);
    dv.setUint32(o + 16, c.code.length, true);
    putState(dv, o + 24, c.s);
  });
  const file = join(dirname(bin), `cases-${process.pid}-${Date.now()}.bin`);
  writeFileSync(file, new Uint8Array(buf));
  const out = execFileSync(bin, [file], { maxBuffer: 1 << 30 });
  const odv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (out.byteLength !== cases.length * STATE_BYTES) throw new Error(`native harness returned ${out.byteLength} bytes for ${cases.length} cases`);
  return cases.map((_, n) => getState(odv, n * STATE_BYTES));
}

/** A bare emulated core with the harness's memory layout. */
export class EmuCore {
  readonly phys = new PhysMem(64);
  readonly mem = new AddressSpace(this.phys);
  readonly cpu = new Cpu(this.phys, this.mem);
  readonly code = new CodeCache(this.mem);

  constructor() {
    this.mem.mapFixed(CODE_ADDR, 0x1000, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
    this.mem.mapFixed(DATA_ADDR, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  }

  run(k: Case): State {
    const c = this.cpu, s = k.s;
    const off = this.mem.pt.translate(CODE_ADDR, PROT_READ);
    this.phys.u8.set([...k.code, 0xcc], off);
    this.code.invalidateAll();
    for (let r = 0; r < 16; r++) {
      c.R[2 * r] = Number(s.gpr[r] & 0xffffffffn) | 0;
      c.R[2 * r + 1] = Number(s.gpr[r] >> 32n) | 0;
    }
    setFlags(c, Number(s.rflags));
    c.mxcsr = s.mxcsr;
    c.X8.set(s.xmm, 0);
    this.mem.writeBytes(MEM_ADDR, s.mem);
    c.rip = CODE_ADDR;
    const f = run(c, this.code, 10);
    const o = emptyState();
    for (let r = 0; r < 16; r++) o.gpr[r] = (BigInt(c.R[2 * r + 1] >>> 0) << 32n) | BigInt(c.R[2 * r] >>> 0);
    o.rflags = BigInt(getFlags(c));
    o.mxcsr = c.mxcsr;
    o.xmm.set(c.X8.subarray(0, 256));
    o.mem.set(this.mem.readBytes(MEM_ADDR, 64));
    if (f === null) throw new Error('emulator did not stop');
    if (f.signo !== SIGTRAP) {
      o.signo = f.signo;
      o.code = f.code;
      o.addr = BigInt(f.addr);
    } else if (c.rip !== CODE_ADDR + k.code.length + 1) throw new Error(`emulator stopped at ${c.rip.toString(16)}`);
    return o;
  }
}
