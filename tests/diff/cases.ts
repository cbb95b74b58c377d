// The integer instruction table of the differential tests: for each family a list of forms
// (encodings with register and memory operands at every operand size) with case generators that
// mix edge values into random states, and the flags each instruction defines (only those are
// compared; flags an instruction leaves alone count as defined). String instructions are in
// cases-string.ts.
import { ARITH, CF, OF, ZF, SF, PF, AF } from './record.js';
import { RAX, RCX, RDX, RBX, Rng, le, scratchAddr } from './gen.js';
import { build, Ctx, Form, Spec, ALL_SIZES, V_SIZES, V8, V8X, V16, V32, V64, imm8, immZ, setOp, getOp } from './forms.js';
import { stringForms } from './cases-string.js';
import { flowForms } from './cases-flow.js';

export interface Group {
  name: string;
  forms: Form[];
}

const ops = (...specs: Spec[]): Form[] => specs.flatMap(build);

// ---- F6/F7 group and imul ----

/** Sets rDX:rAX so that dividing by E mostly does not overflow (and sometimes does). */
function divSetup(signed: boolean) {
  return (c: Ctx): void => {
    const { r, st, v } = c;
    const bits = BigInt(v.size * 8);
    const d = c.getE();
    const k = r.int(10);
    const acc = { ...v, rex: true }; // rAX/rDX themselves, never AH..BH
    const ax = { ...V16, rex: true };
    if (k < 4 && d !== 0n) {
      // High half below the divisor: the quotient fits.
      const hi = BigInt(r.u32()) % d;
      if (v.size === 1) setOp(st, ax, RAX, (hi << 8n) | BigInt(r.int(256)));
      else setOp(st, acc, RDX, hi);
    } else if (k < 7) {
      // A sign- or zero-extended dividend (cqo / xor edx, edx).
      const lo = getOp(st, acc, RAX);
      const neg = signed && ((lo >> (bits - 1n)) & 1n) === 1n;
      const hi = neg ? (1n << bits) - 1n : 0n;
      if (v.size === 1) setOp(st, ax, RAX, (hi << 8n) | lo);
      else setOp(st, acc, RDX, hi);
    } else if (k === 7 && signed) {
      // INT_MIN / -1.
      c.setE((1n << bits) - 1n);
      if (v.size === 1) setOp(st, ax, RAX, 0xff80n);
      else {
        setOp(st, acc, RAX, 1n << (bits - 1n));
        setOp(st, acc, RDX, (1n << bits) - 1n);
      }
    } else if (k === 8) c.setE(0n);
  };
}

const group3: Form[] = ops(
  { name: 'test E,imm (F6/F7 /0)', op8: [0xf6], opV: [0xf7], digit: 0, imm: immZ, flags: ARITH & ~AF },
  { name: 'test E,imm (F6/F7 /1)', op8: [0xf6], opV: [0xf7], digit: 1, imm: immZ, flags: ARITH & ~AF, cases: 200 },
  { name: 'not', op8: [0xf6], opV: [0xf7], digit: 2, flags: ARITH },
  { name: 'neg', op8: [0xf6], opV: [0xf7], digit: 3, flags: ARITH },
  { name: 'mul', op8: [0xf6], opV: [0xf7], digit: 4, implicit: [RAX, RDX], flags: CF | OF },
  { name: 'imul E', op8: [0xf6], opV: [0xf7], digit: 5, implicit: [RAX, RDX], flags: CF | OF },
  { name: 'div', op8: [0xf6], opV: [0xf7], digit: 6, implicit: [RAX, RDX], setup: divSetup(false), flags: 0, cases: 400 },
  { name: 'idiv', op8: [0xf6], opV: [0xf7], digit: 7, implicit: [RAX, RDX], setup: divSetup(true), flags: 0, cases: 400 },
  { name: 'imul G,E', opV: [0x0f, 0xaf], variants: V_SIZES, flags: CF | OF },
  { name: 'imul G,E,Iz', opV: [0x69], variants: V_SIZES, imm: immZ, flags: CF | OF },
  { name: 'imul G,E,Ib', opV: [0x6b], variants: V_SIZES, imm: imm8, flags: CF | OF },
);

// ---- shifts and rotates ----

const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];

/** Flags a shift defines for count n (already read from the case). */
function shiftFlags(op: number, size: number, raw: number): number {
  const bits = size * 8;
  const n = raw & (size === 8 ? 63 : 31);
  if (n === 0) return ARITH;
  const of = n === 1 ? OF : 0;
  if (op <= 1) return SF | ZF | AF | PF | CF | of;
  if (op <= 3) {
    const m = size <= 2 ? n % (bits + 1) : n;
    // A count that is a whole turn through CF (8/16-bit) moves nothing; OF is still recomputed.
    return m === 0 ? ARITH & ~OF : SF | ZF | AF | PF | CF | of;
  }
  // shl/shr/sar: CF is undefined once the count reaches past the operand (8/16-bit).
  return SF | ZF | PF | of | (n <= bits ? CF : 0);
}

const shifts: Form[] = [];
for (let op = 0; op < 8; op++) {
  const name = SHIFTS[op];
  shifts.push(
    ...ops(
      {
        name: `${name} E,Ib`, op8: [0xc0], opV: [0xc1], digit: op, imm: (r) => [r.count()],
        flags: (c) => shiftFlags(op, c.v.size, c.imm[0]), cases: 250,
      },
      { name: `${name} E,1`, op8: [0xd0], opV: [0xd1], digit: op, flags: (c) => shiftFlags(op, c.v.size, 1), cases: 200 },
      {
        name: `${name} E,CL`, op8: [0xd2], opV: [0xd3], digit: op, implicit: [RCX],
        setup: (c) => { c.st.gpr[RCX] = (c.st.gpr[RCX] & ~0xffn) | BigInt(c.r.count()); },
        flags: (c) => shiftFlags(op, c.v.size, Number(c.st.gpr[RCX] & 0xffn)), cases: 250,
      },
    ),
  );
}

/** shld/shrd: 16-bit counts above 16 are undefined, so cases keep them in range. */
function shxdCount(r: Rng, size: number): number {
  const n = r.count();
  return size === 2 && (n & 31) > 16 ? n & 15 : n;
}
function shxdFlags(size: number, raw: number): number {
  const n = raw & (size === 8 ? 63 : 31);
  return n === 0 ? ARITH : CF | SF | ZF | PF | (n === 1 ? OF : 0);
}
for (const [name, o] of [['shld', 0xa4], ['shrd', 0xac]] as const) {
  shifts.push(
    ...ops(
      {
        name: `${name} E,G,Ib`, opV: [0x0f, o], variants: V_SIZES, imm: (r, size) => [shxdCount(r, size)],
        flags: (c) => shxdFlags(c.v.size, c.imm[0]),
      },
      {
        name: `${name} E,G,CL`, opV: [0x0f, o + 1], variants: V_SIZES, implicit: [RCX],
        setup: (c) => { c.st.gpr[RCX] = (c.st.gpr[RCX] & ~0xffn) | BigInt(shxdCount(c.r, c.v.size)); },
        flags: (c) => shxdFlags(c.v.size, Number(c.st.gpr[RCX] & 0xffn)),
      },
    ),
  );
}

// ---- bit instructions ----

const BT = ['bt', 'bts', 'btr', 'btc'];
/** Memory forms: a signed bit offset reaching up to ~1 KiB either side of the operand. */
function btSetup(c: Ctx): void {
  if (c.addr !== 0) c.setG(BigInt.asUintN(c.v.size * 8, BigInt(c.r.int(16 * 1024) - 8 * 1024)));
}
const bits: Form[] = [];
for (let k = 0; k < 4; k++) {
  bits.push(
    ...ops(
      {
        name: `${BT[k]} E,G`, opV: [0x0f, 0xa3 + 8 * k], variants: V_SIZES, flags: CF | ZF,
        setup: btSetup,
        memSize: 8,
      },
      { name: `${BT[k]} E,Ib`, opV: [0x0f, 0xba], digit: 4 + k, variants: V_SIZES, imm: imm8, flags: CF | ZF },
    ),
  );
}
bits.push(
  ...ops(
    { name: 'bsf', opV: [0x0f, 0xbc], variants: V_SIZES, flags: ZF, setup: zeroSometimes },
    { name: 'bsr', opV: [0x0f, 0xbd], variants: V_SIZES, flags: ZF, setup: zeroSometimes },
    { name: 'tzcnt', pfx: [0xf3], opV: [0x0f, 0xbc], variants: V_SIZES, flags: CF | ZF, setup: zeroSometimes },
    { name: 'lzcnt', pfx: [0xf3], opV: [0x0f, 0xbd], variants: V_SIZES, flags: CF | ZF, setup: zeroSometimes },
    { name: 'popcnt', pfx: [0xf3], opV: [0x0f, 0xb8], variants: V_SIZES, flags: ARITH, setup: zeroSometimes },
  ),
);
function zeroSometimes(c: Ctx): void {
  if (c.r.bool(0.15)) c.setE(0n);
}

// ---- cmpxchg, xadd, cmpxchg8b/16b, bswap ----

const atomic: Form[] = ops(
  {
    name: 'cmpxchg', op8: [0x0f, 0xb0], opV: [0x0f, 0xb1], implicit: [RAX], flags: ARITH,
    setup: (c) => {
      if (c.r.bool(0.5)) setOp(c.st, { ...c.v, rex: true }, RAX, c.getE());
    },
  },
  { name: 'xadd', op8: [0x0f, 0xc0], opV: [0x0f, 0xc1], flags: ARITH },
  {
    name: 'cmpxchg8b', opV: [0x0f, 0xc7], digit: 1, variants: [V32], kinds: ['mem', 'mem32'], memSize: 8,
    implicit: [RAX, RCX, RDX, RBX], flags: ARITH,
    setup: (c) => {
      if (c.r.bool(0.5)) {
        const m = c.getE();
        c.st.gpr[RAX] = (c.st.gpr[RAX] & ~0xffffffffn) | (m & 0xffffffffn);
        c.st.gpr[RDX] = (c.st.gpr[RDX] & ~0xffffffffn) | (m >> 32n);
      }
    },
  },
  {
    name: 'cmpxchg16b', opV: [0x0f, 0xc7], digit: 1, variants: [V64], kinds: ['mem'], memSize: 16,
    implicit: [RAX, RCX, RDX, RBX], flags: ARITH,
    setup: (c) => {
      if (c.r.bool(0.5)) {
        const m = c.getE();
        c.st.gpr[RAX] = m & 0xffffffffffffffffn;
        c.st.gpr[RDX] = m >> 64n;
      }
    },
  },
);
for (const v of [V32, V64, V16]) {
  atomic.push({
    name: `bswap ${v.name}`,
    cases: 300,
    make: (r) => {
      const reg = r.int(16);
      return { code: [...v.pfx, ...(v.w || reg >= 8 ? [0x40 | (v.w ? 8 : 0) | (reg >> 3)] : []), 0x0f, 0xc8 | (reg & 7)], flags: ARITH };
    },
  });
}
// (16-bit bswap is undefined by the manual; AMD and Intel CPUs clear the word, as we do.)

// ---- existing families, checked against the hardware too ----

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const existing: Form[] = [];
for (let k = 0; k < 8; k++) {
  const logic = k === 1 || k === 4 || k === 6;
  const f = logic ? ARITH & ~AF : ARITH;
  existing.push(
    ...ops(
      { name: `${ALU[k]} E,G`, op8: [8 * k], opV: [8 * k + 1], flags: f, cases: 150 },
      { name: `${ALU[k]} G,E`, op8: [8 * k + 2], opV: [8 * k + 3], flags: f, cases: 150 },
      { name: `${ALU[k]} E,Iz`, op8: [0x80], opV: [0x81], digit: k, imm: immZ, flags: f, cases: 150 },
      { name: `${ALU[k]} E,Ib`, opV: [0x83], digit: k, variants: V_SIZES, imm: imm8, flags: f, cases: 150 },
    ),
  );
}
existing.push(
  ...ops(
    { name: 'test E,G', op8: [0x84], opV: [0x85], flags: ARITH & ~AF, cases: 150 },
    { name: 'inc', op8: [0xfe], opV: [0xff], digit: 0, flags: ARITH, cases: 150 },
    { name: 'dec', op8: [0xfe], opV: [0xff], digit: 1, flags: ARITH, cases: 150 },
    { name: 'xchg E,G', op8: [0x86], opV: [0x87], flags: ARITH, cases: 150 },
    { name: 'mov E,G', op8: [0x88], opV: [0x89], flags: ARITH, cases: 100 },
    { name: 'mov G,E', op8: [0x8a], opV: [0x8b], flags: ARITH, cases: 100 },
    { name: 'movzx G,Eb', opV: [0x0f, 0xb6], variants: V_SIZES, flags: ARITH, memSize: 1, cases: 100 },
    { name: 'movsx G,Eb', opV: [0x0f, 0xbe], variants: V_SIZES, flags: ARITH, memSize: 1, cases: 100 },
    { name: 'movzx G,Ew', opV: [0x0f, 0xb7], variants: [V32, V64], flags: ARITH, memSize: 2, cases: 100 },
    { name: 'movsx G,Ew', opV: [0x0f, 0xbf], variants: [V32, V64], flags: ARITH, memSize: 2, cases: 100 },
    { name: 'movsxd G,Ed', opV: [0x63], variants: [V64, V32], flags: ARITH, memSize: 4, cases: 100 },
    { name: 'lea', opV: [0x8d], variants: V_SIZES, kinds: ['mem', 'mem32'], flags: ARITH, cases: 150 },
  ),
);
for (let cc = 0; cc < 16; cc++) {
  existing.push(...ops(
    { name: `cmov${cc.toString(16)}`, opV: [0x0f, 0x40 + cc], variants: V_SIZES, flags: ARITH, cases: 60 },
    { name: `set${cc.toString(16)}`, op8: [0x0f, 0x90 + cc], variants: [V8, V8X], digit: 0, flags: ARITH, cases: 60 },
  ));
}
for (const [name, op] of [['cbw', 0x98], ['cwd', 0x99], ['lahf', 0x9f], ['sahf', 0x9e], ['cmc', 0xf5], ['clc', 0xf8], ['stc', 0xf9], ['nop', 0x90]] as const) {
  for (const v of [V16, V32, V64]) {
    existing.push({ name: `${name} ${v.name}`, cases: 60, make: () => ({ code: [...v.pfx, ...(v.w ? [0x48] : []), op], flags: ARITH }) });
  }
}
for (const v of [V16, V32, V64]) {
  existing.push({
    name: `xchg rAX,r ${v.name}`, cases: 100,
    make: (r) => {
      const reg = 1 + r.int(15);
      return { code: [...v.pfx, ...(v.w || reg >= 8 ? [0x40 | (v.w ? 8 : 0) | (reg >> 3)] : []), 0x90 | (reg & 7)], flags: ARITH };
    },
  });
}
// Accumulator-immediate forms, mov with immediates and absolute addresses.
const ACC = [
  { name: 'al', size: 1, pfx: [] as number[], rex: [] as number[], odd: 0, n: 1 },
  { name: 'ax', size: 2, pfx: [0x66], rex: [], odd: 1, n: 2 },
  { name: 'eax', size: 4, pfx: [], rex: [], odd: 1, n: 4 },
  { name: 'rax', size: 8, pfx: [], rex: [0x48], odd: 1, n: 4 },
];
for (const a of ACC) {
  const immBytes = (r: Rng): number[] => le(r.value(), a.n);
  for (let k = 0; k < 8; k++) {
    const logic = k === 1 || k === 4 || k === 6;
    existing.push({
      name: `${ALU[k]} ${a.name},imm`, cases: 60,
      make: (r) => ({ code: [...a.pfx, ...a.rex, 8 * k + 4 + a.odd, ...immBytes(r)], flags: logic ? ARITH & ~AF : ARITH }),
    });
  }
  existing.push(
    { name: `test ${a.name},imm`, cases: 60, make: (r) => ({ code: [...a.pfx, ...a.rex, 0xa8 + a.odd, ...immBytes(r)], flags: ARITH & ~AF }) },
    {
      name: `mov r${a.size * 8},imm (B0/B8+r)`, cases: 60,
      make: (r) => {
        const reg = r.int(16);
        const rex = (a.size === 8 ? 8 : 0) | (reg >> 3) | (a.size === 1 && r.bool() ? 0x40 : 0);
        return { code: [...a.pfx, ...(rex ? [0x40 | rex] : []), (a.size === 1 ? 0xb0 : 0xb8) | (reg & 7), ...le(r.value(), a.size)], flags: ARITH };
      },
    },
    {
      name: `mov ${a.name},moffs64 / moffs64,${a.name}`, cases: 60,
      make: (r, st) => {
        const addr = scratchAddr(r, a.size);
        void st;
        return { code: [...a.pfx, ...a.rex, (r.bool() ? 0xa0 : 0xa2) + a.odd, ...le(addr, 8)], flags: ARITH };
      },
    },
    {
      name: `mov ${a.name},moffs32 (a32)`, cases: 40,
      make: (r) => ({ code: [0x67, ...a.pfx, ...a.rex, (r.bool() ? 0xa0 : 0xa2) + a.odd, ...le(scratchAddr(r, a.size), 4)], flags: ARITH }),
    },
  );
}
existing.push(...ops({ name: 'mov E,imm (C6/C7)', op8: [0xc6], opV: [0xc7], digit: 0, imm: immZ, flags: ARITH, cases: 100 }));

// lock-prefixed read-modify-write forms (single core: the same results).
for (const [k, name] of ALU.entries()) {
  if (name === 'cmp') continue;
  existing.push(...ops({ name: `lock ${name} E,G`, pfx: [0xf0], op8: [8 * k], opV: [8 * k + 1], kinds: ['mem'], flags: ARITH & ~AF, cases: 60 }));
}
existing.push(
  ...ops(
    { name: 'lock inc', pfx: [0xf0], op8: [0xfe], opV: [0xff], digit: 0, kinds: ['mem'], flags: ARITH, cases: 60 },
    { name: 'lock neg', pfx: [0xf0], op8: [0xf6], opV: [0xf7], digit: 3, kinds: ['mem'], flags: ARITH, cases: 60 },
    { name: 'lock xadd', pfx: [0xf0], op8: [0x0f, 0xc0], opV: [0x0f, 0xc1], kinds: ['mem'], flags: ARITH, cases: 60 },
    { name: 'lock cmpxchg', pfx: [0xf0], op8: [0x0f, 0xb0], opV: [0x0f, 0xb1], kinds: ['mem'], implicit: [RAX], flags: ARITH, cases: 60 },
    { name: 'lock cmpxchg8b', pfx: [0xf0], opV: [0x0f, 0xc7], digit: 1, variants: [V32], kinds: ['mem'], memSize: 8, implicit: [RAX, RCX, RDX, RBX], flags: ARITH, cases: 60 },
    { name: 'lock bts', pfx: [0xf0], opV: [0x0f, 0xab], variants: V_SIZES, kinds: ['mem'], flags: CF | ZF, setup: btSetup, memSize: 8, cases: 60 },
    { name: 'lock xchg', pfx: [0xf0], op8: [0x86], opV: [0x87], kinds: ['mem'], flags: ARITH, cases: 60 },
    // The nop space: multi-byte nops and hints never touch memory or flags.
    { name: 'nop E (0F 1F /0)', opV: [0x0f, 0x1f], digit: 0, variants: V_SIZES, flags: ARITH, cases: 40 },
    { name: 'prefetch (0F 18 /1)', opV: [0x0f, 0x18], digit: 1, variants: [V32], kinds: ['mem'], flags: ARITH, cases: 40 },
  ),
);
for (const [name, code] of [
  ['cs nopw', [0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0]], ['endbr64', [0xf3, 0x0f, 0x1e, 0xfa]],
  ['pause', [0xf3, 0x90]], ['ud2', [0x0f, 0x0b]], ['hlt', [0xf4]], ['int3', [0xcc]], ['int 0x41', [0xcd, 0x41]], ['int 3 (CD 03)', [0xcd, 0x03]],
  ['cld', [0xfc]], ['std', [0xfd]],
  // Invalid in 64-bit mode (#UD): push/pop es, daa, aaa, pusha, aam, salc, into, grp1 alias 82.
  ['push es (#UD)', [0x06]], ['daa (#UD)', [0x27]], ['aaa (#UD)', [0x37]], ['pusha (#UD)', [0x60]],
  ['aam (#UD)', [0xd4, 0x0a]], ['salc (#UD)', [0xd6]], ['into (#UD)', [0xce]], ['82 /0 (#UD)', [0x82, 0xc0, 0x01]], ['lock on a register (#UD)', [0xf0, 0x01, 0xc0]], ['xchg ax,ax', [0x66, 0x90]], ['rep ret-style nop', [0xf3, 0x48, 0x90]],
] as const) {
  existing.push({ name, cases: 20, make: () => ({ code: [...code], flags: ARITH }) });
}
void V16; void V64; void V8; void V8X; void ALL_SIZES; void RBX;

export const groups: Group[] = [
  { name: 'muldiv', forms: group3 },
  { name: 'shift', forms: shifts },
  { name: 'bits', forms: bits },
  { name: 'atomic', forms: atomic },
  { name: 'string', forms: stringForms },
  { name: 'existing', forms: existing },
  { name: 'flow', forms: flowForms },
];
