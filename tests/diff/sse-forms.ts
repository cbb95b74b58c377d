// The SSE instruction forms the differential test covers, as the manual lists them: prefix,
// opcode (after 0F), what ModRM.reg and ModRM.rm name (xmm, general register, a /digit), the
// memory operand size, alignment rule, immediate, and which kind of lane values exercise it.
export type Lanes = 'f64' | 'f32' | 'int' | 'count' | 'mxcsr';

export interface Form {
  name: string;
  pfx: number | null;
  op: number;
  /** ModRM.reg: an xmm, a general register, or a group /digit. */
  reg: 'x' | 'g' | number;
  /** ModRM.rm register kind; memory forms use a base register instead. */
  rm: 'x' | 'g';
  /** Memory operand size (0: register form only). */
  mem: number;
  /** No register form. */
  memOnly?: boolean;
  /** m128 must be 16-byte aligned (#GP otherwise). */
  align?: boolean;
  /** Has an imm8: its range (exclusive upper bound). */
  imm?: number;
  /** Also test with REX.W (and the memory size becomes 8 where `wMem`). */
  w?: boolean;
  wMem?: number;
  lanes: Lanes;
}

const forms: Form[] = [];
const f = (x: Form): void => { forms.push(x); };
const X = 'x', G = 'g';

// ---- moves ----
f({ name: 'movups', pfx: null, op: 0x10, reg: X, rm: X, mem: 16, lanes: 'int' });
f({ name: 'movupd', pfx: 0x66, op: 0x10, reg: X, rm: X, mem: 16, lanes: 'int' });
f({ name: 'movss', pfx: 0xf3, op: 0x10, reg: X, rm: X, mem: 4, lanes: 'f32' });
f({ name: 'movsd', pfx: 0xf2, op: 0x10, reg: X, rm: X, mem: 8, lanes: 'f64' });
f({ name: 'movups st', pfx: null, op: 0x11, reg: X, rm: X, mem: 16, lanes: 'int' });
f({ name: 'movupd st', pfx: 0x66, op: 0x11, reg: X, rm: X, mem: 16, lanes: 'int' });
f({ name: 'movss st', pfx: 0xf3, op: 0x11, reg: X, rm: X, mem: 4, lanes: 'f32' });
f({ name: 'movsd st', pfx: 0xf2, op: 0x11, reg: X, rm: X, mem: 8, lanes: 'f64' });
f({ name: 'movlps/movhlps', pfx: null, op: 0x12, reg: X, rm: X, mem: 8, lanes: 'int' });
f({ name: 'movlpd', pfx: 0x66, op: 0x12, reg: X, rm: X, mem: 8, memOnly: true, lanes: 'int' });
f({ name: 'movlps st', pfx: null, op: 0x13, reg: X, rm: X, mem: 8, memOnly: true, lanes: 'int' });
f({ name: 'movlpd st', pfx: 0x66, op: 0x13, reg: X, rm: X, mem: 8, memOnly: true, lanes: 'int' });
f({ name: 'movhps/movlhps', pfx: null, op: 0x16, reg: X, rm: X, mem: 8, lanes: 'int' });
f({ name: 'movhpd', pfx: 0x66, op: 0x16, reg: X, rm: X, mem: 8, memOnly: true, lanes: 'int' });
f({ name: 'movhps st', pfx: null, op: 0x17, reg: X, rm: X, mem: 8, memOnly: true, lanes: 'int' });
f({ name: 'movhpd st', pfx: 0x66, op: 0x17, reg: X, rm: X, mem: 8, memOnly: true, lanes: 'int' });
f({ name: 'movaps', pfx: null, op: 0x28, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movapd', pfx: 0x66, op: 0x28, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movaps st', pfx: null, op: 0x29, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movapd st', pfx: 0x66, op: 0x29, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movntps', pfx: null, op: 0x2b, reg: X, rm: X, mem: 16, memOnly: true, align: true, lanes: 'int' });
f({ name: 'movntpd', pfx: 0x66, op: 0x2b, reg: X, rm: X, mem: 16, memOnly: true, align: true, lanes: 'int' });
f({ name: 'movmskps', pfx: null, op: 0x50, reg: G, rm: X, mem: 0, lanes: 'f32' });
f({ name: 'movmskpd', pfx: 0x66, op: 0x50, reg: G, rm: X, mem: 0, lanes: 'f64' });
f({ name: 'movd/movq x,r/m', pfx: 0x66, op: 0x6e, reg: X, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });
f({ name: 'movd/movq r/m,x', pfx: 0x66, op: 0x7e, reg: X, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });
f({ name: 'movq x,x/m64', pfx: 0xf3, op: 0x7e, reg: X, rm: X, mem: 8, lanes: 'int' });
f({ name: 'movq x/m64,x', pfx: 0x66, op: 0xd6, reg: X, rm: X, mem: 8, lanes: 'int' });
f({ name: 'movdqa', pfx: 0x66, op: 0x6f, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movdqu', pfx: 0xf3, op: 0x6f, reg: X, rm: X, mem: 16, lanes: 'int' });
f({ name: 'movdqa st', pfx: 0x66, op: 0x7f, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movdqu st', pfx: 0xf3, op: 0x7f, reg: X, rm: X, mem: 16, lanes: 'int' });
f({ name: 'movntdq', pfx: 0x66, op: 0xe7, reg: X, rm: X, mem: 16, memOnly: true, align: true, lanes: 'int' });
f({ name: 'movnti', pfx: null, op: 0xc3, reg: G, rm: G, mem: 4, memOnly: true, w: true, wMem: 8, lanes: 'int' });

// ---- integer SIMD (66 0F xx, m128 aligned) ----
const intOps: [string, number][] = [
  ['pand', 0xdb], ['pandn', 0xdf], ['por', 0xeb], ['pxor', 0xef], ['pcmpeqb', 0x74], ['pcmpeqw', 0x75],
  ['pcmpeqd', 0x76], ['pcmpgtb', 0x64], ['pcmpgtw', 0x65], ['pcmpgtd', 0x66], ['pminub', 0xda],
  ['pmaxub', 0xde], ['pminsw', 0xea], ['pmaxsw', 0xee], ['paddb', 0xfc], ['paddw', 0xfd], ['paddd', 0xfe],
  ['paddq', 0xd4], ['psubb', 0xf8], ['psubw', 0xf9], ['psubd', 0xfa], ['psubq', 0xfb], ['paddusb', 0xdc],
  ['paddusw', 0xdd], ['psubusb', 0xd8], ['psubusw', 0xd9], ['paddsb', 0xec], ['paddsw', 0xed],
  ['psubsb', 0xe8], ['psubsw', 0xe9], ['pmullw', 0xd5], ['pmulhw', 0xe5], ['pmulhuw', 0xe4],
  ['pmuludq', 0xf4], ['pmaddwd', 0xf5], ['psadbw', 0xf6], ['pavgb', 0xe0], ['pavgw', 0xe3],
  ['punpcklbw', 0x60], ['punpcklwd', 0x61], ['punpckldq', 0x62], ['punpcklqdq', 0x6c], ['punpckhbw', 0x68],
  ['punpckhwd', 0x69], ['punpckhdq', 0x6a], ['punpckhqdq', 0x6d], ['packsswb', 0x63], ['packuswb', 0x67],
  ['packssdw', 0x6b],
];
for (const [name, op] of intOps) f({ name, pfx: 0x66, op, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'pmovmskb', pfx: 0x66, op: 0xd7, reg: G, rm: X, mem: 0, lanes: 'int' });
for (const [name, op] of [['psllw', 0xf1], ['pslld', 0xf2], ['psllq', 0xf3], ['psrlw', 0xd1], ['psrld', 0xd2], ['psrlq', 0xd3], ['psraw', 0xe1], ['psrad', 0xe2]] as [string, number][]) {
  f({ name, pfx: 0x66, op, reg: X, rm: X, mem: 16, align: true, lanes: 'count' });
}
const grp: [string, number, number][] = [
  ['psrlw i', 0x71, 2], ['psraw i', 0x71, 4], ['psllw i', 0x71, 6], ['psrld i', 0x72, 2], ['psrad i', 0x72, 4],
  ['pslld i', 0x72, 6], ['psrlq i', 0x73, 2], ['psrldq', 0x73, 3], ['psllq i', 0x73, 6], ['pslldq', 0x73, 7],
];
for (const [name, op, d] of grp) f({ name, pfx: 0x66, op, reg: d, rm: X, mem: 0, imm: 72, lanes: 'int' });
f({ name: 'pshufd', pfx: 0x66, op: 0x70, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });
f({ name: 'pshuflw', pfx: 0xf2, op: 0x70, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });
f({ name: 'pshufhw', pfx: 0xf3, op: 0x70, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });
f({ name: 'shufps', pfx: null, op: 0xc6, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });
f({ name: 'shufpd', pfx: 0x66, op: 0xc6, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });
f({ name: 'unpcklps', pfx: null, op: 0x14, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'unpckhps', pfx: null, op: 0x15, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'unpcklpd', pfx: 0x66, op: 0x14, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'unpckhpd', pfx: 0x66, op: 0x15, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'pinsrw', pfx: 0x66, op: 0xc4, reg: X, rm: G, mem: 2, imm: 256, lanes: 'int' });
f({ name: 'pextrw', pfx: 0x66, op: 0xc5, reg: G, rm: X, mem: 0, imm: 256, w: true, lanes: 'int' });

// ---- float ----
const fp: [string, number][] = [['sqrt', 0x51], ['add', 0x58], ['mul', 0x59], ['sub', 0x5c], ['min', 0x5d], ['div', 0x5e], ['max', 0x5f]];
for (const [n, op] of fp) {
  f({ name: n + 'ps', pfx: null, op, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
  f({ name: n + 'pd', pfx: 0x66, op, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
  f({ name: n + 'ss', pfx: 0xf3, op, reg: X, rm: X, mem: 4, lanes: 'f32' });
  f({ name: n + 'sd', pfx: 0xf2, op, reg: X, rm: X, mem: 8, lanes: 'f64' });
}
for (const [n, op] of [['and', 0x54], ['andn', 0x55], ['or', 0x56], ['xor', 0x57]] as [string, number][]) {
  f({ name: n + 'ps', pfx: null, op, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
  f({ name: n + 'pd', pfx: 0x66, op, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
}
f({ name: 'cmpps', pfx: null, op: 0xc2, reg: X, rm: X, mem: 16, align: true, imm: 8, lanes: 'f32' });
f({ name: 'cmppd', pfx: 0x66, op: 0xc2, reg: X, rm: X, mem: 16, align: true, imm: 8, lanes: 'f64' });
f({ name: 'cmpss', pfx: 0xf3, op: 0xc2, reg: X, rm: X, mem: 4, imm: 8, lanes: 'f32' });
f({ name: 'cmpsd', pfx: 0xf2, op: 0xc2, reg: X, rm: X, mem: 8, imm: 8, lanes: 'f64' });
f({ name: 'ucomiss', pfx: null, op: 0x2e, reg: X, rm: X, mem: 4, lanes: 'f32' });
f({ name: 'ucomisd', pfx: 0x66, op: 0x2e, reg: X, rm: X, mem: 8, lanes: 'f64' });
f({ name: 'comiss', pfx: null, op: 0x2f, reg: X, rm: X, mem: 4, lanes: 'f32' });
f({ name: 'comisd', pfx: 0x66, op: 0x2f, reg: X, rm: X, mem: 8, lanes: 'f64' });

// ---- conversions ----
f({ name: 'cvtsi2sd', pfx: 0xf2, op: 0x2a, reg: X, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });
f({ name: 'cvtsi2ss', pfx: 0xf3, op: 0x2a, reg: X, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });
f({ name: 'cvttsd2si', pfx: 0xf2, op: 0x2c, reg: G, rm: X, mem: 8, w: true, wMem: 8, lanes: 'f64' });
f({ name: 'cvttss2si', pfx: 0xf3, op: 0x2c, reg: G, rm: X, mem: 4, w: true, wMem: 4, lanes: 'f32' });
f({ name: 'cvtsd2si', pfx: 0xf2, op: 0x2d, reg: G, rm: X, mem: 8, w: true, wMem: 8, lanes: 'f64' });
f({ name: 'cvtss2si', pfx: 0xf3, op: 0x2d, reg: G, rm: X, mem: 4, w: true, wMem: 4, lanes: 'f32' });
f({ name: 'cvtps2pd', pfx: null, op: 0x5a, reg: X, rm: X, mem: 8, lanes: 'f32' });
f({ name: 'cvtpd2ps', pfx: 0x66, op: 0x5a, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
f({ name: 'cvtss2sd', pfx: 0xf3, op: 0x5a, reg: X, rm: X, mem: 4, lanes: 'f32' });
f({ name: 'cvtsd2ss', pfx: 0xf2, op: 0x5a, reg: X, rm: X, mem: 8, lanes: 'f64' });
f({ name: 'cvtdq2ps', pfx: null, op: 0x5b, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'cvtps2dq', pfx: 0x66, op: 0x5b, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
f({ name: 'cvttps2dq', pfx: 0xf3, op: 0x5b, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
f({ name: 'cvttpd2dq', pfx: 0x66, op: 0xe6, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
f({ name: 'cvtpd2dq', pfx: 0xf2, op: 0xe6, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
f({ name: 'cvtdq2pd', pfx: 0xf3, op: 0xe6, reg: X, rm: X, mem: 8, lanes: 'int' });

// ---- state and ordering ----
f({ name: 'ldmxcsr', pfx: null, op: 0xae, reg: 2, rm: X, mem: 4, memOnly: true, lanes: 'mxcsr' });
f({ name: 'stmxcsr', pfx: null, op: 0xae, reg: 3, rm: X, mem: 4, memOnly: true, lanes: 'int' });
f({ name: 'clflush', pfx: null, op: 0xae, reg: 7, rm: X, mem: 1, memOnly: true, lanes: 'int' });
f({ name: 'prefetchw', pfx: null, op: 0x0d, reg: 1, rm: X, mem: 1, memOnly: true, lanes: 'int' });
f({ name: 'prefetcht0', pfx: null, op: 0x18, reg: 1, rm: X, mem: 1, memOnly: true, lanes: 'int' });

export const FORMS = forms;

/** Register-only fences: full encodings. */
export const FENCES: [string, number[]][] = [
  ['lfence', [0x0f, 0xae, 0xe8]], ['mfence', [0x0f, 0xae, 0xf0]], ['sfence', [0x0f, 0xae, 0xf8]], ['pause', [0xf3, 0x90]],
];
