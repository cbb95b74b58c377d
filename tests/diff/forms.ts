// Generic form builders for ModRM instructions: one Form per operand size variant (8-bit legacy
// AH..BH, 8-bit with REX SPL..DIL, 16, 32, 64) and per operand kind (register, memory, memory with
// 32-bit address size). A form builds random cases; see cases.ts for the instruction table.
import { State, ARITH } from './record.js';
import { Rng, Rm, encode, memAt, scratchAddr } from './gen.js';

/** One case: the instruction bytes and the flags it defines (compared). */
export interface Case {
  code: number[];
  flags: number;
}

export interface Form {
  name: string;
  cases: number;
  make(r: Rng, st: State): Case;
}

export interface Variant {
  name: string;
  size: number;
  pfx: number[];
  w: boolean;
  rex: boolean;
}

export const V8: Variant = { name: 'r/m8', size: 1, pfx: [], w: false, rex: false };
export const V8X: Variant = { name: 'r/m8 rex', size: 1, pfx: [], w: false, rex: true };
export const V16: Variant = { name: 'r/m16', size: 2, pfx: [0x66], w: false, rex: false };
export const V32: Variant = { name: 'r/m32', size: 4, pfx: [], w: false, rex: false };
export const V64: Variant = { name: 'r/m64', size: 8, pfx: [], w: true, rex: false };
export const ALL_SIZES = [V8, V8X, V16, V32, V64];
export const V_SIZES = [V16, V32, V64];

/** Reads operand register n at the variant's size (AH..BH for legacy byte registers 4..7). */
export function getOp(st: State, v: Variant, n: number): bigint {
  if (v.size === 1 && !v.rex && n >= 4 && n < 8) return (st.gpr[n - 4] >> 8n) & 0xffn;
  return BigInt.asUintN(v.size * 8, st.gpr[n]);
}

export function setOp(st: State, v: Variant, n: number, val: bigint): void {
  const bits = BigInt(v.size * 8);
  val = BigInt.asUintN(v.size * 8, val);
  if (v.size === 1 && !v.rex && n >= 4 && n < 8) {
    st.gpr[n - 4] = (st.gpr[n - 4] & ~0xff00n) | (val << 8n);
    return;
  }
  st.gpr[n] = (st.gpr[n] & ~((1n << bits) - 1n)) | val;
}

/** What a case builder gets: the chosen operands, and accessors for the E and G values. */
export interface Ctx {
  r: Rng;
  st: State;
  v: Variant;
  /** ModRM.reg register (or -1 for /digit forms). */
  g: number;
  /** Register operand of r/m, or -1 for memory. */
  e: number;
  /** Address of the memory operand (0 for registers). */
  addr: number;
  imm: number[];
  getE(): bigint;
  setE(val: bigint): void;
  getG(): bigint;
  setG(val: bigint): void;
}

export interface Spec {
  name: string;
  /** Opcode bytes for the byte form and for the 16/32/64-bit forms. */
  op8?: number[];
  opV?: number[];
  /** ModRM.reg as an opcode extension; absent: ModRM.reg is the G register. */
  digit?: number;
  variants?: Variant[];
  /** Operand kinds: 'reg', 'mem', 'mem32' (memory with the 67 prefix). */
  kinds?: ('reg' | 'mem' | 'mem32')[];
  /** Mandatory prefix bytes after 66 (F3 for tzcnt...). */
  pfx?: number[];
  imm?: (r: Rng, size: number) => number[];
  /** Registers used implicitly: never chosen as address registers or operands. */
  implicit?: number[];
  /** Adjusts operand values after the random fill. */
  setup?: (c: Ctx) => void;
  flags: number | ((c: Ctx) => number);
  cases?: number;
  /** Size of the memory operand when it differs from the operand size. */
  memSize?: number;
}

export function build(spec: Spec): Form[] {
  const forms: Form[] = [];
  for (const v of spec.variants ?? ALL_SIZES) {
    const op = v.size === 1 ? spec.op8 : spec.opV;
    if (!op) continue;
    for (const kind of spec.kinds ?? ['reg', 'mem']) {
      forms.push({
        name: `${spec.name} ${v.name} ${kind}`,
        cases: spec.cases ?? 300,
        make: (r, st) => makeCase(spec, v, op, kind, r, st),
      });
    }
  }
  return forms;
}

function makeCase(spec: Spec, v: Variant, op: number[], kind: string, r: Rng, st: State): Case {
  const implicit = spec.implicit ?? [];
  const nregs = v.size === 1 && !v.rex ? 8 : 16;
  const free = [...Array(nregs).keys()].filter((k) => !implicit.includes(k) && !(v.size === 1 && !v.rex && implicit.includes(k - 4)));
  const g = spec.digit === undefined ? r.pick(free) : -1;
  let e = -1, addr = 0;
  let rm: Rm;
  const pfx = [...v.pfx, ...(spec.pfx ?? [])];
  if (kind === 'reg') {
    e = r.pick(free);
    rm = { reg: e };
  } else {
    addr = scratchAddr(r, spec.memSize ?? v.size);
    const a32 = kind === 'mem32';
    if (a32) pfx.unshift(0x67);
    // Address registers must not be G or implicit; for legacy byte forms also not AH..BH's owners.
    const avoid = [...implicit, ...(g >= 0 ? [g, nregs === 8 && g >= 4 ? g - 4 : g] : [])];
    rm = { mem: memAt(r, st, addr, avoid, a32) };
  }
  const imm = spec.imm ? spec.imm(r, v.size) : [];
  const c: Ctx = {
    r, st, v, g, e, addr, imm,
    getE: () => (e >= 0 ? getOp(st, v, e) : memGet(st, addr, spec.memSize ?? v.size)),
    setE: (val) => (e >= 0 ? setOp(st, v, e, val) : st.setMem(addr, spec.memSize ?? v.size, val)),
    getG: () => getOp(st, v, g),
    setG: (val) => setOp(st, v, g, val),
  };
  if (kind !== 'reg' && r.bool(0.3)) c.setE(r.value());
  spec.setup?.(c);
  const code = encode({ pfx, w: v.w, rex: v.rex, op, reg: spec.digit ?? g, rm, imm: c.imm });
  const flags = typeof spec.flags === 'number' ? spec.flags : spec.flags(c);
  return { code, flags };
}

export function memGet(st: State, addr: number, size: number): bigint {
  let v = 0n;
  const off = addr - 0x10000000;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(st.mem[off + k]);
  return v;
}

/** Immediate generators. */
export const imm8 = (r: Rng): number[] => [r.bool(0.3) ? r.pick([0, 1, 0x7f, 0x80, 0xff]) : r.int(256)];
export const immZ = (r: Rng, size: number): number[] => {
  const n = size === 2 ? 2 : size === 1 ? 1 : 4;
  const v = r.value();
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Number((v >> BigInt(8 * k)) & 0xffn));
  return out;
};

export { ARITH };
