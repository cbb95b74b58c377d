// Building blocks for differential test cases: a seeded RNG with edge-value mixing, an x86-64
// encoder for ModRM forms (register, [base], [base+disp8], [base+index*scale+disp32], [rip+disp32],
// and 32-bit address size), and helpers that point memory operands into the scratch region.
import { CODE, SCRATCH, SCRATCH_SIZE, State, ARITH, DF } from './record.js';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;

const EDGES: bigint[] = [
  0n, 1n, 2n, 3n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x1fffffffffffffn, 0x20000000000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen,
  0xffffffff80000000n, 0xffffffff7fffffffn, 0xffffffffffff8000n, 0xffffffffffffff80n,
];

/** xorshift128+ style generator on two uint32 states: deterministic per seed. */
export class Rng {
  private a: number;
  private b: number;
  constructor(seed: number) {
    this.a = seed ^ 0x9e3779b9 || 1;
    this.b = Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35 || 2;
    for (let k = 0; k < 8; k++) this.u32();
  }
  u32(): number {
    let x = this.a;
    const y = this.b;
    this.a = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.b = x;
    return (x + y) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  bool(p = 0.5): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  /** An interesting 64-bit value: edges, small numbers, random widths, negations. */
  value(): bigint {
    const k = this.int(100);
    if (k < 25) return this.pick(EDGES);
    if (k < 35) return BigInt.asUintN(64, this.pick(EDGES) + BigInt(this.int(5)) - 2n);
    if (k < 50) return BigInt(this.int(300));
    const width = 1 + this.int(64);
    let v = this.u64() & ((1n << BigInt(width)) - 1n);
    if (this.bool(0.3)) v = BigInt.asUintN(64, -v);
    return v;
  }
  /** A shift/rotate count with the boundaries mixed in. */
  count(): number {
    return this.bool(0.6) ? this.pick([0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255]) : this.int(256);
  }
}

/** A fresh random state: every GPR, the arithmetic flags, DF, XMM and memory from `base`. */
export function randomState(r: Rng, base: Uint8Array): State {
  const st = new State();
  for (let k = 0; k < 16; k++) st.gpr[k] = r.value();
  st.flags = (r.u32() & ARITH) | (r.bool(0.2) ? DF : 0);
  for (let k = 0; k < 256; k++) st.xmm[k] = r.int(256);
  st.mem.set(base);
  return st;
}

export function randomMemory(r: Rng): Uint8Array {
  const m = new Uint8Array(SCRATCH_SIZE);
  for (let k = 0; k < m.length; k += 4) {
    const v = r.u32();
    m[k] = v;
    m[k + 1] = v >>> 8;
    m[k + 2] = v >>> 16;
    m[k + 3] = v >>> 24;
  }
  return m;
}

/** A memory operand: base/index registers (-1 none, 'rip'), scale, displacement. */
export interface Mem {
  base: number | 'rip';
  index: number;
  scale: number;
  disp: number;
  /** 0, 1 or 4 bytes of displacement. */
  dispSize: number;
  /** Target address (for rip-relative operands). */
  target: number;
}
export type Rm = { reg: number } | { mem: Mem };

export interface Enc {
  /** Legacy prefixes, in order (66, 67, F2, F3, F0, 64, 65). */
  pfx?: number[];
  w?: boolean;
  /** Emit a REX prefix even when no bit is needed (selects SPL..DIL). */
  rex?: boolean;
  op: number[];
  /** ModRM.reg: a register (0-15) or a /digit. */
  reg?: number;
  rm?: Rm;
  /** Register encoded in the low 3 opcode bits (0-15). */
  opReg?: number;
  imm?: number[];
}

/** Assembles one instruction at CODE. */
export function encode(e: Enc): number[] {
  const out: number[] = [...(e.pfx ?? [])];
  let rex = e.w ? 8 : 0;
  const reg = e.reg ?? 0;
  if (reg & 8) rex |= 4;
  const body: number[] = [];
  let ripFix = -1;
  if (e.rm) {
    if ('reg' in e.rm) {
      if (e.rm.reg & 8) rex |= 1;
      body.push(0xc0 | ((reg & 7) << 3) | (e.rm.reg & 7));
    } else {
      const m = e.rm.mem;
      if (m.base === 'rip') {
        body.push(((reg & 7) << 3) | 5);
        ripFix = body.length;
        body.push(0, 0, 0, 0);
      } else {
        const mod = m.dispSize === 0 ? 0 : m.dispSize === 1 ? 1 : 2;
        const needSib = m.index >= 0 || m.base < 0 || (m.base & 7) === 4;
        if (m.base >= 0 && m.base & 8) rex |= 1;
        if (m.index >= 0 && m.index & 8) rex |= 2;
        if (needSib) {
          const ss = m.scale === 8 ? 3 : m.scale === 4 ? 2 : m.scale === 2 ? 1 : 0;
          if (m.base < 0) {
            body.push(((reg & 7) << 3) | 4, (ss << 6) | ((m.index >= 0 ? m.index & 7 : 4) << 3) | 5);
          } else {
            body.push((mod << 6) | ((reg & 7) << 3) | 4, (ss << 6) | ((m.index >= 0 ? m.index & 7 : 4) << 3) | (m.base & 7));
          }
        } else body.push((mod << 6) | ((reg & 7) << 3) | (m.base & 7));
        const d = m.disp;
        if (m.base < 0 || m.dispSize === 4) body.push(d & 255, (d >> 8) & 255, (d >> 16) & 255, (d >>> 24) & 255);
        else if (m.dispSize === 1) body.push(d & 255);
      }
    }
  }
  let op = e.op;
  if (e.opReg !== undefined) {
    if (e.opReg & 8) rex |= 1;
    op = [...op.slice(0, -1), op[op.length - 1] | (e.opReg & 7)];
  }
  if (rex || e.rex) out.push(0x40 | rex);
  out.push(...op);
  const modrmAt = out.length;
  out.push(...body, ...(e.imm ?? []));
  if (ripFix >= 0) {
    const d = (e.rm as { mem: Mem }).mem.target - (CODE + out.length);
    const p = modrmAt + ripFix;
    out[p] = d & 255;
    out[p + 1] = (d >> 8) & 255;
    out[p + 2] = (d >> 16) & 255;
    out[p + 3] = (d >>> 24) & 255;
  }
  return out;
}

export function le(v: number | bigint, n: number): number[] {
  const b = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Number((b >> BigInt(8 * k)) & 0xffn));
  return out;
}

/**
 * A memory operand whose effective address is `addr` (in scratch), with registers not in `avoid`.
 * Sets the base/index registers of st. a32: 32-bit address size (the caller adds the 67 prefix).
 */
export function memAt(r: Rng, st: State, addr: number, avoid: number[], a32 = false): Mem {
  const free = [...Array(16).keys()].filter((k) => !avoid.includes(k));
  const kind = a32 ? r.int(3) : r.int(5);
  const junk = a32 ? BigInt(r.u32()) << 32n : 0n; // upper halves a 32-bit address ignores
  if (kind === 0) {
    const base = r.pick(free.filter((k) => (k & 7) !== 5));
    st.gpr[base] = BigInt(addr) | junk;
    return { base, index: -1, scale: 1, disp: 0, dispSize: 0, target: addr };
  }
  if (kind === 1) {
    const base = r.pick(free);
    const disp = r.int(256) - 128;
    st.gpr[base] = BigInt(addr - disp) | junk;
    return { base, index: -1, scale: 1, disp, dispSize: 1, target: addr };
  }
  if (kind === 2) {
    const base = r.pick(free);
    const index = r.pick(free.filter((k) => k !== RSP && k !== base));
    const scale = r.pick([1, 2, 4, 8]);
    const iv = r.int(64) - 16;
    const disp = r.int(0x2000) - 0x1000;
    st.gpr[index] = BigInt.asUintN(64, BigInt(iv)) | (a32 ? junk : 0n);
    st.gpr[base] = BigInt.asUintN(64, BigInt(addr - disp - iv * scale)) | junk;
    if (a32) st.gpr[index] = BigInt(iv >>> 0) | junk;
    return { base, index, scale, disp, dispSize: 4, target: addr };
  }
  if (kind === 3) return { base: 'rip', index: -1, scale: 1, disp: 0, dispSize: 4, target: addr };
  const index = r.pick(free.filter((k) => k !== RSP));
  st.gpr[index] = BigInt(addr - 0x100);
  return { base: -1, index, scale: 1, disp: 0x100, dispSize: 4, target: addr };
}

/** A random scratch address for an operand of `size` bytes (sometimes unaligned). */
export function scratchAddr(r: Rng, size: number, lo = 0x100, hi = SCRATCH_SIZE - 0x100): number {
  let off = lo + r.int(hi - lo - size);
  if (r.bool(0.7)) off &= ~(size - 1);
  return SCRATCH + off;
}
