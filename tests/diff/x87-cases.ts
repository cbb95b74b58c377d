// The x87 instruction forms the differential tests run, grouped by family, each with a generator of
// random cases (stack depth, operands, FCW, memory). Depths vary so that stack underflow (too few
// registers) and overflow (a full stack for pushes) come up regularly.
import {
  Case, Rng, V80, X87In, rand80, randF32, randF64, randInt, randState, randFcw, memForm, regForm,
} from './x87-lib.js';

export interface Form {
  name: string;
  gen: (r: Rng) => Case;
  /** Transcendentals: ST values may differ from the hardware by 1 ulp (and C1 accordingly). */
  ulp?: boolean;
  n?: number;
}
export interface Group {
  name: string;
  forms: Form[];
}

/** Stack depth: usually `need` or more, sometimes short (underflow) or full (overflow). */
function depth(r: Rng, need: number, push: boolean): number {
  const k = r.int(20);
  if (k === 0 && need > 0) return r.int(need);
  if (push && k === 1) return 8;
  return Math.min(push ? 7 : 8, need + r.int(3));
}

function memBytes(r: Rng, kind: string): Uint8Array {
  const b = new Uint8Array(112);
  for (let k = 0; k < 112; k++) b[k] = r.int(256);
  const put = (v: bigint, n: number) => { for (let k = 0; k < n; k++) b[k] = Number((v >> BigInt(8 * k)) & 0xffn); };
  switch (kind) {
    case 'f32': put(randF32(r), 4); break;
    case 'f64': put(randF64(r), 8); break;
    case 'f80': { const x = rand80(r); put(x.m, 8); b[8] = x.se & 0xff; b[9] = x.se >> 8; break; }
    case 'i16': put(BigInt.asUintN(16, randInt(r, 16)), 2); break;
    case 'i32': put(BigInt.asUintN(32, randInt(r, 32)), 4); break;
    case 'i64': put(BigInt.asUintN(64, randInt(r, 64)), 8); break;
    case 'bcd': {
      for (let k = 0; k < 9; k++) b[k] = (r.int(10) << 4) | r.int(10);
      b[9] = r.int(2) << 7;
      break;
    }
    case 'cw': put(BigInt(0x3f | (r.int(4) << 8) | (r.int(4) << 10) | (r.int(2) << 12) | (r.int(4) << 6) | (r.int(8) << 13)), 2); break;
  }
  return b;
}

function regCase(code: number[], need: number, push: boolean, vals?: (r: Rng) => V80[]) {
  return (r: Rng): Case => ({ code, state: randState(r, depth(r, need, push), vals?.(r)), flags: 0x202 | (r.int(256) & 0xd5) | (r.int(2) << 11) });
}

function memCase(code: number[], need: number, push: boolean, kind: string) {
  return (r: Rng): Case => ({ code, state: randState(r, depth(r, need, push)), mem: memBytes(r, kind) });
}

/** One form per ST(i) register of a register opcode range, sharing a generator shape. */
function regRange(name: string, op: number, reg: number, need: (i: number) => number, push = false, vals?: (r: Rng) => V80[]): Form[] {
  const out: Form[] = [];
  for (let i = 0; i < 8; i++) out.push({ name: `${name} st(${i})`, gen: regCase(regForm(op, reg, i), need(i), push, vals), n: 0.25 });
  return out;
}

const ldst: Form[] = [
  { name: 'fld m32', gen: memCase(memForm(0xd9, 0), 0, true, 'f32') },
  { name: 'fld m64', gen: memCase(memForm(0xdd, 0), 0, true, 'f64') },
  { name: 'fld m80', gen: memCase(memForm(0xdb, 5), 0, true, 'f80') },
  ...regRange('fld', 0xd9, 0, (i) => i + 1, true),
  { name: 'fst m32', gen: memCase(memForm(0xd9, 2), 1, false, '') },
  { name: 'fstp m32', gen: memCase(memForm(0xd9, 3), 1, false, '') },
  { name: 'fst m64', gen: memCase(memForm(0xdd, 2), 1, false, '') },
  { name: 'fstp m64', gen: memCase(memForm(0xdd, 3), 1, false, '') },
  { name: 'fstp m80', gen: memCase(memForm(0xdb, 7), 1, false, '') },
  ...regRange('fst', 0xdd, 2, (i) => i + 1),
  ...regRange('fstp', 0xdd, 3, (i) => i + 1),
  { name: 'fild m16', gen: memCase(memForm(0xdf, 0), 0, true, 'i16') },
  { name: 'fild m32', gen: memCase(memForm(0xdb, 0), 0, true, 'i32') },
  { name: 'fild m64', gen: memCase(memForm(0xdf, 5), 0, true, 'i64') },
  { name: 'fist m16', gen: memCase(memForm(0xdf, 2), 1, false, '') },
  { name: 'fistp m16', gen: memCase(memForm(0xdf, 3), 1, false, '') },
  { name: 'fist m32', gen: memCase(memForm(0xdb, 2), 1, false, '') },
  { name: 'fistp m32', gen: memCase(memForm(0xdb, 3), 1, false, '') },
  { name: 'fistp m64', gen: memCase(memForm(0xdf, 7), 1, false, '') },
  { name: 'fisttp m16', gen: memCase(memForm(0xdf, 1), 1, false, '') },
  { name: 'fisttp m32', gen: memCase(memForm(0xdb, 1), 1, false, '') },
  { name: 'fisttp m64', gen: memCase(memForm(0xdd, 1), 1, false, '') },
  { name: 'fbld', gen: memCase(memForm(0xdf, 4), 0, true, 'bcd') },
  { name: 'fbstp', gen: memCase(memForm(0xdf, 6), 1, false, '') },
  ...regRange('fxch', 0xd9, 1, (i) => i + 1),
  ...['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu'].flatMap((n, k) => regRange(n, 0xda, k, (i) => i + 1)),
  ...['fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'].flatMap((n, k) => regRange(n, 0xdb, k, (i) => i + 1)),
  ...['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'].map((n, k) => ({ name: n, gen: regCase([0xd9, 0xe8 + k], 0, true) })),
  ...regRange('ffree', 0xdd, 0, () => 3),
  ...regRange('ffreep', 0xdf, 0, () => 3),
  { name: 'fincstp', gen: regCase([0xd9, 0xf7], 2, false) },
  { name: 'fdecstp', gen: regCase([0xd9, 0xf6], 2, false) },
  { name: 'fnop', gen: regCase([0xd9, 0xd0], 2, false) },
];

const ARITH = [['fadd', 0], ['fmul', 1], ['fsub', 4], ['fsubr', 5], ['fdiv', 6], ['fdivr', 7]] as [string, number][];
const arith: Form[] = ARITH.flatMap(([n, reg]) => [
  { name: `${n} m32`, gen: memCase(memForm(0xd8, reg), 1, false, 'f32'), n: 2 },
  { name: `${n} m64`, gen: memCase(memForm(0xdc, reg), 1, false, 'f64'), n: 2 },
  { name: `fi${n.slice(1)} m32int`, gen: memCase(memForm(0xda, reg), 1, false, 'i32') },
  { name: `fi${n.slice(1)} m16int`, gen: memCase(memForm(0xde, reg), 1, false, 'i16') },
  ...regRange(`${n} st,st(i)`, 0xd8, reg, (i) => Math.max(2, i + 1)).map((f) => ({ ...f, n: 1 })),
  ...regRange(`dc/${reg} st(i),st`, 0xdc, reg, (i) => Math.max(2, i + 1)),
  ...regRange(`de/${reg} p st(i),st`, 0xde, reg, (i) => Math.max(2, i + 1)),
]);

const unary: Form[] = [
  { name: 'fchs', gen: regCase([0xd9, 0xe0], 1, false) },
  { name: 'fabs', gen: regCase([0xd9, 0xe1], 1, false) },
  { name: 'fsqrt', gen: regCase([0xd9, 0xfa], 1, false), n: 4 },
  { name: 'frndint', gen: regCase([0xd9, 0xfc], 1, false), n: 2 },
  { name: 'fscale', gen: regCase([0xd9, 0xfd], 2, false, (r) => [rand80(r), smallInt(r)]), n: 2 },
  { name: 'fxtract', gen: regCase([0xd9, 0xf4], 1, true), n: 1 },
  { name: 'fprem', gen: regCase([0xd9, 0xf8], 2, false), n: 3 },
  { name: 'fprem1', gen: regCase([0xd9, 0xf5], 2, false), n: 3 },
];

function smallInt(r: Rng): V80 {
  if (r.int(4) === 0) return rand80(r);
  const n = BigInt(r.int(2) ? r.int(70) : r.int(40000)) * (r.int(2) ? 1n : -1n);
  const frac = r.int(2) ? 0n : 1n;
  if (n === 0n) return { se: 16382 + Number(frac), m: 1n << 63n };
  const m = n < 0n ? -n : n;
  const L = m.toString(2).length;
  return { se: (n < 0n ? 0x8000 : 0) | (16383 + L - 1), m: (m << BigInt(64 - L)) | (frac ? 1n << BigInt(63 - L - 1 < 0 ? 0 : 63 - L) : 0n) };
}

const cmp: Form[] = [
  { name: 'fcom m32', gen: memCase(memForm(0xd8, 2), 1, false, 'f32') },
  { name: 'fcomp m32', gen: memCase(memForm(0xd8, 3), 1, false, 'f32') },
  { name: 'fcom m64', gen: memCase(memForm(0xdc, 2), 1, false, 'f64') },
  { name: 'fcomp m64', gen: memCase(memForm(0xdc, 3), 1, false, 'f64') },
  { name: 'ficom m32', gen: memCase(memForm(0xda, 2), 1, false, 'i32') },
  { name: 'ficomp m32', gen: memCase(memForm(0xda, 3), 1, false, 'i32') },
  { name: 'ficom m16', gen: memCase(memForm(0xde, 2), 1, false, 'i16') },
  { name: 'ficomp m16', gen: memCase(memForm(0xde, 3), 1, false, 'i16') },
  ...regRange('fcom', 0xd8, 2, (i) => Math.max(2, i + 1)),
  ...regRange('fcomp', 0xd8, 3, (i) => Math.max(2, i + 1)),
  { name: 'fcompp', gen: regCase([0xde, 0xd9], 2, false) },
  ...regRange('fucom', 0xdd, 4, (i) => Math.max(2, i + 1)),
  ...regRange('fucomp', 0xdd, 5, (i) => Math.max(2, i + 1)),
  { name: 'fucompp', gen: regCase([0xda, 0xe9], 2, false) },
  ...regRange('fcomi', 0xdb, 6, (i) => Math.max(2, i + 1)),
  ...regRange('fcomip', 0xdf, 6, (i) => Math.max(2, i + 1)),
  ...regRange('fucomi', 0xdb, 5, (i) => Math.max(2, i + 1)),
  ...regRange('fucomip', 0xdf, 5, (i) => Math.max(2, i + 1)),
  { name: 'ftst', gen: regCase([0xd9, 0xe4], 1, false) },
  { name: 'fxam', gen: regCase([0xd9, 0xe5], 1, false) },
];

/** A value with its unbiased exponent in [lo, hi] (random sign unless pos). */
function ranged(r: Rng, lo: number, hi: number, pos = false, inRange = false): V80 {
  if (r.int(12) === 0) {
    // A special value; for functions with a restricted domain only in-domain ones.
    const x = rand80(r);
    const e = x.se & 0x7fff;
    if (!inRange || e === 0 || e === 0x7fff || e - 16383 <= hi) return x;
  }
  const e = lo + r.int(hi - lo + 1);
  return { se: (pos ? 0 : r.int(2) << 15) | (16383 + e), m: (1n << 63n) | r.bits(63) };
}

const trans: Form[] = [
  { name: 'fsin', gen: regCase([0xd9, 0xfe], 1, false, (r) => [ranged(r, -70, 64)]), ulp: true, n: 2 },
  { name: 'fcos', gen: regCase([0xd9, 0xff], 1, false, (r) => [ranged(r, -70, 64)]), ulp: true, n: 2 },
  { name: 'fsincos', gen: regCase([0xd9, 0xfb], 1, true, (r) => [ranged(r, -70, 64)]), ulp: true, n: 2 },
  { name: 'fptan', gen: regCase([0xd9, 0xf2], 1, true, (r) => [ranged(r, -70, 64)]), ulp: true, n: 2 },
  { name: 'fpatan', gen: regCase([0xd9, 0xf3], 2, false, (r) => [ranged(r, -80, 80), ranged(r, -80, 80)]), ulp: true, n: 2 },
  { name: 'f2xm1', gen: regCase([0xd9, 0xf0], 1, false, (r) => [ranged(r, -80, -1, false, true)]), ulp: true, n: 2 },
  { name: 'fyl2x', gen: regCase([0xd9, 0xf1], 2, false, (r) => [ranged(r, -100, 100, r.int(8) > 0), ranged(r, -20, 20)]), ulp: true, n: 2 },
  { name: 'fyl2xp1', gen: regCase([0xd9, 0xf9], 2, false, (r) => [ranged(r, -80, -3, false, true), ranged(r, -20, 20)]), ulp: true, n: 2 },
];

function withFlags(r: Rng, s: X87In): X87In {
  return { ...s, cc: s.cc | (r.int(128) & 0x7f & ~0x80) };
}

const control: Form[] = [
  { name: 'fnstcw', gen: (r) => ({ code: memForm(0xd9, 7), state: randState(r, r.int(4)) }) },
  { name: 'fldcw', gen: (r) => ({ code: memForm(0xd9, 5), state: randState(r, r.int(4)), mem: memBytes(r, 'cw') }) },
  { name: 'fnstsw m16', gen: (r) => ({ code: memForm(0xdd, 7), state: withFlags(r, randState(r, r.int(4))) }) },
  { name: 'fnstsw ax', gen: (r) => ({ code: [0xdf, 0xe0], state: withFlags(r, randState(r, r.int(4))) }) },
  { name: 'fnclex', gen: (r) => ({ code: [0xdb, 0xe2], state: withFlags(r, randState(r, r.int(4))) }) },
  { name: 'fninit', gen: (r) => ({ code: [0xdb, 0xe3], state: withFlags(r, randState(r, r.int(4))) }) },
  { name: 'fnstenv', gen: (r) => ({ code: memForm(0xd9, 6), state: withFlags(r, randState(r, r.int(9))) }) },
  { name: 'fnsave', gen: (r) => ({ code: memForm(0xdd, 6), state: withFlags(r, randState(r, r.int(9))) }) },
  { name: 'fldenv', gen: (r) => ({ code: memForm(0xd9, 4), state: randState(r, r.int(9)), mem: envBytes(r, false) }) },
  { name: 'frstor', gen: (r) => ({ code: memForm(0xdd, 4), state: randState(r, r.int(9)), mem: envBytes(r, true) }) },
  { name: 'fnstenv16', gen: (r) => ({ code: [0x66, ...memForm(0xd9, 6)], state: withFlags(r, randState(r, r.int(9))) }) },
  { name: 'fnsave16', gen: (r) => ({ code: [0x66, ...memForm(0xdd, 6)], state: withFlags(r, randState(r, r.int(9))) }) },
  { name: 'fldenv16', gen: (r) => ({ code: [0x66, ...memForm(0xd9, 4)], state: randState(r, r.int(9)), mem: env16(envBytes(r, false)) }) },
  { name: 'frstor16', gen: (r) => ({ code: [0x66, ...memForm(0xdd, 4)], state: randState(r, r.int(9)), mem: env16(envBytes(r, true)) }) },
  { name: 'fxsave x87 part', gen: (r) => ({ code: [0x0f, 0xae, 0x04, 0x25, 0x00, 0x00, 0x00, 0x10], state: withFlags(r, randState(r, r.int(9))) }) },
  { name: 'fwait', gen: (r) => ({ code: [0x9b], state: withFlags(r, randState(r, r.int(4))) }) },
];

/** A random (masked, so nothing pending) environment or full save image. */
function envBytes(r: Rng, full: boolean): Uint8Array {
  const b = new Uint8Array(112);
  for (let k = 0; k < 112; k++) b[k] = r.int(256);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, randFcw(r), true);
  dv.setUint16(4, (r.int(0x10000) & 0x477f & ~0x80) | (r.int(8) << 11), true);
  dv.setUint16(8, r.int(0x10000), true);
  if (full) for (let k = 0; k < 8; k++) {
    const x = rand80(r);
    dv.setBigUint64(28 + 10 * k, x.m, true);
    dv.setUint16(36 + 10 * k, x.se, true);
  }
  return b;
}

/** The same forms with random exception masks (no pending exception at the start). */
function unmaskedForms(forms: Form[], every: number): Form[] {
  return forms.filter((_, k) => k % every === 0).map((f) => ({
    ...f,
    name: `unmasked ${f.name}`,
    gen: (r: Rng) => {
      const c = f.gen(r);
      return { ...c, state: { ...c.state, fcw: (c.state.fcw & ~0x3f) | r.int(64) } };
    },
  }));
}

/** Random masks and a trailing fwait: an unmasked exception must raise SIGFPE there. */
function pendingForms(forms: Form[], every: number): Form[] {
  return unmaskedForms(forms, every).map((f) => ({
    ...f,
    name: f.name.replace('unmasked', 'pending'),
    gen: (r: Rng) => {
      const c = f.gen(r);
      return { ...c, code: [...c.code, 0x9b] };
    },
  }));
}

/** A 32-bit layout image turned into the 16-bit one (14-byte environment, then the registers). */
function env16(b: Uint8Array): Uint8Array {
  const o = new Uint8Array(112);
  o.set(b.subarray(0, 2), 0);
  o.set(b.subarray(4, 6), 2);
  o.set(b.subarray(8, 10), 4);
  o.set(b.subarray(12, 20), 6);
  o.set(b.subarray(28, 108), 14);
  return o;
}

/** Control and data instructions started with an unmasked exception already pending (ES set). */
const alreadyPending: Form[] = [
  ['fldcw', memForm(0xd9, 5)], ['fnstcw', memForm(0xd9, 7)], ['fnstsw m16', memForm(0xdd, 7)], ['fnstsw ax', [0xdf, 0xe0]],
  ['fnclex', [0xdb, 0xe2]], ['fninit', [0xdb, 0xe3]], ['fldenv', memForm(0xd9, 4)], ['frstor', memForm(0xdd, 4)],
  ['fnstenv', memForm(0xd9, 6)], ['fnsave', memForm(0xdd, 6)], ['fld1', [0xd9, 0xe8]], ['fadd', [0xd8, 0xc1]], ['fxch', [0xd9, 0xc9]],
  ['ffree', [0xdd, 0xc1]], ['fnop', [0xd9, 0xd0]], ['fwait', [0x9b]], ['fincstp', [0xd9, 0xf7]], ['fst m64', memForm(0xdd, 2)],
].map(([name, code]) => ({
  name: `already pending ${name}`,
  gen: (r: Rng): Case => {
    const st = randState(r, 2 + r.int(5));
    const flag = 1 << r.int(6);
    const mem = name === 'fldcw' ? memBytes(r, 'cw') : name === 'fldenv' ? envBytes(r, false) : name === 'frstor' ? envBytes(r, true) : undefined;
    return { code: code as number[], state: { ...st, fcw: (st.fcw | 0x3f) & ~flag, cc: st.cc | flag | 0x80 | 0x8000 }, mem };
  },
}));

export const groups: Group[] = [
  { name: 'x87 loads/stores', forms: ldst },
  { name: 'x87 arithmetic', forms: arith },
  { name: 'x87 unary', forms: unary },
  { name: 'x87 compare', forms: cmp },
  { name: 'x87 transcendental', forms: trans },
  { name: 'x87 control', forms: control },
  { name: 'x87 unmasked exceptions', forms: [...unmaskedForms(ldst, 1), ...unmaskedForms(arith, 1), ...unmaskedForms(unary, 1), ...unmaskedForms(cmp, 1), ...unmaskedForms(trans, 1)] },
  { name: 'x87 pending exceptions', forms: [...alreadyPending, ...pendingForms(ldst, 4), ...pendingForms(arith, 4), ...pendingForms(unary, 1), ...pendingForms(cmp, 4), ...pendingForms(trans, 2)] },
];
