// Differential tests of the MMX instructions (kernel/cpu/ops/mmx-*.ts): every form runs on the
// real CPU (mmx-native.c) and on the emulator from the same random state (x87 registers = MMX
// registers with random TOP, tags and exponents, XMM, MXCSR, GPRs, scratch at the end of a page
// followed by an unmapped one) and must end with the same FXSAVE image (MM registers, x87 TOP,
// tags, FSW, MXCSR, XMM), GPRs, scratch memory and signal. Operands: MM registers with random
// (ignored) REX.R/REX.B, absolute and base+disp8 memory operands, some crossing into the unmapped
// page; some cases start with an unmasked x87 exception pending (#MF). RUSTOS_MMX_SCALE scales the
// case counts, RUSTOS_MMX_FILTER keeps forms whose name contains the string; RUSTOS_DIFF_JIT=1
// runs every block through the block compiler.
import { describe, expect, it } from 'vitest';
import { Rng, Emu, runNative, masked, describeDiff, rand64, randF32, randF64, randI32, REC, OFF_GPR, OFF_FX, OFF_MEM, OFF_SIG, SCRATCH } from './mmx-lib.js';

const scale = Number(process.env.RUSTOS_MMX_SCALE ?? '1');
const filter = process.env.RUSTOS_MMX_FILTER ?? '';
const BASE = 1000;

/** Operand kinds: reg/rm as mm (M), gpr (G), xmm (X), memory allowed (m: size in bytes). */
interface Form {
  name: string;
  pfx?: number[];
  op: number;
  /** ModRM.reg kind, or a fixed digit. */
  reg: 'M' | 'G' | 'X' | number;
  /** ModRM.rm register kind, and the memory operand size (0: register only). */
  rm: 'M' | 'G' | 'X';
  mem: number;
  memOnly?: boolean;
  /** Align memory operands to 16 (mostly). */
  align16?: boolean;
  imm?: 'count' | 'any';
  w?: boolean;
  /** How to fill the source operand (rm): default random lanes. */
  src?: 'count' | 'f32' | 'f64' | 'i32';
  /** Random MXCSR including unmasked exceptions and DAZ/FZ. */
  mxcsr?: boolean;
  /** maskmovq: rdi points into scratch. */
  rdi?: boolean;
  none?: boolean;
  n?: number;
}

const forms: Form[] = [];
const PQ = (name: string, op: number, extra: Partial<Form> = {}) => forms.push({ name, op, reg: 'M', rm: 'M', mem: 8, ...extra });
const intRows: [number, string][] = [
  [0xdb, 'pand'], [0xdf, 'pandn'], [0xeb, 'por'], [0xef, 'pxor'], [0x74, 'pcmpeqb'], [0x75, 'pcmpeqw'], [0x76, 'pcmpeqd'],
  [0x64, 'pcmpgtb'], [0x65, 'pcmpgtw'], [0x66, 'pcmpgtd'], [0xda, 'pminub'], [0xde, 'pmaxub'], [0xea, 'pminsw'], [0xee, 'pmaxsw'],
  [0xfc, 'paddb'], [0xfd, 'paddw'], [0xfe, 'paddd'], [0xd4, 'paddq'], [0xf8, 'psubb'], [0xf9, 'psubw'], [0xfa, 'psubd'], [0xfb, 'psubq'],
  [0xdc, 'paddusb'], [0xdd, 'paddusw'], [0xd8, 'psubusb'], [0xd9, 'psubusw'], [0xec, 'paddsb'], [0xed, 'paddsw'], [0xe8, 'psubsb'], [0xe9, 'psubsw'],
  [0xd5, 'pmullw'], [0xe5, 'pmulhw'], [0xe4, 'pmulhuw'], [0xf4, 'pmuludq'], [0xf5, 'pmaddwd'], [0xf6, 'psadbw'], [0xe0, 'pavgb'], [0xe3, 'pavgw'],
  [0x63, 'packsswb'], [0x67, 'packuswb'], [0x6b, 'packssdw'], [0x68, 'punpckhbw'], [0x69, 'punpckhwd'], [0x6a, 'punpckhdq'],
];
for (const [op, name] of intRows) PQ(name, op);
for (const [op, name] of [[0x60, 'punpcklbw'], [0x61, 'punpcklwd'], [0x62, 'punpckldq']] as [number, string][]) PQ(name, op, { mem: 4 });
for (const [op, name] of [[0xf1, 'psllw'], [0xf2, 'pslld'], [0xf3, 'psllq'], [0xd1, 'psrlw'], [0xd2, 'psrld'], [0xd3, 'psrlq'], [0xe1, 'psraw'], [0xe2, 'psrad']] as [number, string][]) {
  PQ(name + ' mm', op, { src: 'count' });
}
for (const [op, d, name] of [[0x71, 2, 'psrlw'], [0x71, 4, 'psraw'], [0x71, 6, 'psllw'], [0x72, 2, 'psrld'], [0x72, 4, 'psrad'], [0x72, 6, 'pslld'], [0x73, 2, 'psrlq'], [0x73, 6, 'psllq']] as [number, number, string][]) {
  forms.push({ name: name + ' imm', op, reg: d, rm: 'M', mem: 0, imm: 'count' });
}
PQ('movq load', 0x6f);
PQ('movq store', 0x7f);
PQ('movntq', 0xe7, { memOnly: true });
PQ('pshufw', 0x70, { imm: 'any' });
forms.push({ name: 'movd mm,r/m32', op: 0x6e, reg: 'M', rm: 'G', mem: 4 });
forms.push({ name: 'movq mm,r/m64', op: 0x6e, reg: 'M', rm: 'G', mem: 8, w: true });
forms.push({ name: 'movd r/m32,mm', op: 0x7e, reg: 'M', rm: 'G', mem: 4 });
forms.push({ name: 'movq r/m64,mm', op: 0x7e, reg: 'M', rm: 'G', mem: 8, w: true });
forms.push({ name: 'pinsrw', op: 0xc4, reg: 'M', rm: 'G', mem: 2, imm: 'any' });
forms.push({ name: 'pextrw', op: 0xc5, reg: 'G', rm: 'M', mem: 0, imm: 'any' });
forms.push({ name: 'pmovmskb', op: 0xd7, reg: 'G', rm: 'M', mem: 0 });
forms.push({ name: 'maskmovq', op: 0xf7, reg: 'M', rm: 'M', mem: 0, rdi: true });
forms.push({ name: 'movq2dq', pfx: [0xf3], op: 0xd6, reg: 'X', rm: 'M', mem: 0 });
forms.push({ name: 'movdq2q', pfx: [0xf2], op: 0xd6, reg: 'M', rm: 'X', mem: 0 });
forms.push({ name: 'emms', op: 0x77, reg: 0, rm: 'M', mem: 0, none: true, n: 0.3 });
forms.push({ name: 'cvtpi2ps', op: 0x2a, reg: 'X', rm: 'M', mem: 8, src: 'i32', mxcsr: true });
forms.push({ name: 'cvtpi2pd', pfx: [0x66], op: 0x2a, reg: 'X', rm: 'M', mem: 8, src: 'i32', mxcsr: true });
forms.push({ name: 'cvtps2pi', op: 0x2d, reg: 'M', rm: 'X', mem: 8, src: 'f32', mxcsr: true, n: 2 });
forms.push({ name: 'cvttps2pi', op: 0x2c, reg: 'M', rm: 'X', mem: 8, src: 'f32', mxcsr: true, n: 2 });
forms.push({ name: 'cvtpd2pi', pfx: [0x66], op: 0x2d, reg: 'M', rm: 'X', mem: 16, align16: true, src: 'f64', mxcsr: true, n: 2 });
forms.push({ name: 'cvttpd2pi', pfx: [0x66], op: 0x2c, reg: 'M', rm: 'X', mem: 16, align16: true, src: 'f64', mxcsr: true, n: 2 });

/** Fills 8 bytes of a source operand of the form's kind at b[at]. */
function srcValue(r: Rng, f: Form, b: Buffer, at: number): void {
  switch (f.src) {
    case 'count':
      if (r.int(4) === 0) { rand64(r, b, at); return; }
      b.writeUInt32LE(r.int(4) === 0 ? r.int(80) : r.int(20), at);
      b.writeUInt32LE(r.int(8) === 0 ? 2 ** r.int(32) : 0, at + 4);
      return;
    case 'f32': b.writeUInt32LE(randF32(r), at); b.writeUInt32LE(randF32(r), at + 4); return;
    case 'f64': randF64(r, b, at); return;
    case 'i32': b.writeInt32LE(randI32(r), at); b.writeInt32LE(randI32(r), at + 4); return;
    default: rand64(r, b, at);
  }
}

/** Builds one random record for form f at rec[0..REC). */
function makeCase(r: Rng, f: Form, rec: Buffer): void {
  for (let k = 0; k < 16; k++) rand64(r, rec, OFF_GPR + 8 * k);
  for (let k = 0; k < 256; k += 8) rand64(r, rec, OFF_MEM + k);
  const fx = OFF_FX;
  let fcw = 0x037f | (r.int(4) << 10);
  let fsw = (r.pick([0, 0x4700, 0x0100, 0x4000]) | (r.int(8) << 11)) & 0xffff;
  if (r.int(25) === 0) { fcw &= ~1; fsw |= 0x8081; } // a pending unmasked invalid-operation exception
  rec.writeUInt16LE(fcw, fx);
  rec.writeUInt16LE(fsw, fx + 2);
  rec[fx + 4] = r.int(3) === 0 ? 0 : r.int(3) === 0 ? 0xff : r.int(256);
  for (let k = 0; k < 8; k++) {
    rand64(r, rec, fx + 32 + 16 * k);
    rec.writeUInt16LE(r.int(3) === 0 ? 0xffff : r.int(0x10000), fx + 40 + 16 * k);
  }
  let mx = 0x1f80 | (r.int(4) << 13);
  if (f.mxcsr) {
    if (r.int(10) === 0) mx |= 0x40; // DAZ
    if (r.int(10) === 0) mx |= 0x8000; // FZ
    if (r.int(12) === 0) mx &= ~(r.pick([0x80, 0x1000, 0x1080]));
    if (r.int(4) === 0) mx |= r.int(64);
  }
  rec.writeUInt32LE(mx, fx + 24);
  for (let k = 0; k < 32; k++) {
    if (f.src === 'f32') rec.writeUInt32LE(randF32(r), fx + 160 + 4 * k);
    else if (f.src === 'f64' && k % 2 === 0) randF64(r, rec, fx + 160 + 4 * k);
    else if (f.src !== 'f64') rand64(r, rec, fx + 160 + 4 * k - (k % 2) * 4);
  }

  // Encode.
  const code: number[] = [...(f.pfx ?? [])];
  // REX.W only matters for movd/movq (0F 6E/7E); elsewhere it is ignored: set it at random.
  let rex = f.w || (f.op !== 0x6e && f.op !== 0x7e && r.int(8) === 0) ? 8 : 0;
  let regN = typeof f.reg === 'number' ? f.reg : r.int(f.reg === 'M' ? 8 : 16);
  while (f.reg === 'G' && regN === 4) regN = r.int(16); // never write rsp
  if (f.reg === 'M') rex |= r.int(4) === 0 ? 4 : 0; // REX.R is ignored for MM registers
  else if (regN >= 8) rex |= 4;
  const useMem = f.memOnly || (f.mem > 0 && r.int(2) === 0);
  const tail: number[] = [];
  let modrm: number;
  if (f.none) {
    modrm = -1;
  } else if (!useMem) {
    let rmN = r.int(f.rm === 'M' ? 8 : 16);
    if (f.rm === 'G') while (rmN === 4) rmN = r.int(16);
    if (f.rm === 'M') rex |= r.int(4) === 0 ? 1 : 0;
    else if (rmN >= 8) rex |= 1;
    modrm = 0xc0 | ((regN & 7) << 3) | (rmN & 7);
    // Source values of the right kind in the source register.
    const srcAt = f.rm === 'M' ? fx + 32 + 16 * ((rmN - ((rec.readUInt16LE(fx + 2) >> 11) & 7)) & 7)
      : f.rm === 'X' ? fx + 160 + 16 * rmN : OFF_GPR + 8 * rmN;
    if (f.src && f.rm !== 'G') srcValue(r, f, rec, srcAt);
    if (f.src === 'f64') randF64(r, rec, srcAt + 8);
  } else {
    const size = f.mem;
    let off: number;
    if (r.int(25) === 0) off = 256 - size + 1 + r.int(size - 1 || 1); // crosses into the unmapped page
    else if (f.align16 && r.int(10) !== 0) off = 16 * r.int(16);
    else off = r.int(256 - size + 1);
    if (off + 8 <= 256) srcValue(r, f, rec, OFF_MEM + off);
    if (f.src === 'f64' && off + 16 <= 256) randF64(r, rec, OFF_MEM + off + 8);
    const addr = SCRATCH + off;
    if (r.int(2) === 0) {
      modrm = ((regN & 7) << 3) | 4;
      tail.push(0x25, addr & 0xff, (addr >> 8) & 0xff, (addr >> 16) & 0xff, addr >>> 24);
      if (r.int(2)) rex |= 1; // no base: REX.B does not matter
    } else {
      let base = r.int(16);
      while ((base & 7) === 4 || (f.reg === 'G' && base === regN)) base = r.int(16);
      const disp = (r.int(256) << 24) >> 24;
      if (r.int(5) === 0) {
        // 0x67: a 32-bit address from the base register's low half (the high half is random).
        code.unshift(0x67);
        rec.writeUInt32LE(addr - disp, OFF_GPR + 8 * base);
      } else rec.writeBigUInt64LE(BigInt(addr - disp), OFF_GPR + 8 * base);
      if (base >= 8) rex |= 1;
      modrm = 0x40 | ((regN & 7) << 3) | (base & 7);
      tail.push(disp & 0xff);
    }
  }
  if (f.rdi) {
    // maskmovq stores to [rdi]: mostly inside scratch, sometimes across its end.
    const off = r.int(20) === 0 ? 250 + r.int(6) : r.int(249);
    if (r.int(4) === 0) {
      code.unshift(0x67); // [edi]: the high half of rdi is ignored
      rec.writeUInt32LE(SCRATCH + off, OFF_GPR + 8 * 7);
    } else rec.writeBigUInt64LE(BigInt(SCRATCH + off), OFF_GPR + 8 * 7);
    if (r.int(4) === 0) { // random mask patterns
      const s = r.int(8);
      rec.writeBigUInt64LE(r.int(2) ? 0n : 0x8080808080808080n, OFF_FX + 32 + 16 * s);
    }
  }
  if (rex) code.push(0x40 | rex);
  code.push(0x0f, f.op);
  if (modrm >= 0) code.push(modrm);
  code.push(...tail);
  if (f.imm) code.push(f.imm === 'any' ? r.int(256) : r.int(4) === 0 ? r.int(256) : r.int(70));
  if (code.length > 16) throw new Error('instruction too long');
  rec.fill(0, 0, 32);
  Buffer.from(code).copy(rec, 0);
  rec.writeUInt32LE(code.length, 16);
}

interface Result { cases: number; failures: string[]; signals: number }

function runForms(list: Form[], seed: number): Map<string, Result> {
  const r = new Rng(seed);
  const counts = list.map((f) => Math.max(1, Math.round(BASE * (f.n ?? 1) * scale)));
  const total = counts.reduce((a, b) => a + b, 0);
  const input = Buffer.alloc(total * REC);
  const owner: Form[] = [];
  let k = 0;
  list.forEach((f, j) => {
    for (let n = 0; n < counts[j]; n++, k++) {
      makeCase(r, f, input.subarray(k * REC, (k + 1) * REC));
      owner.push(f);
    }
  });
  const nat = runNative(input);
  const emu = new Emu().runAll(input);
  const res = new Map<string, Result>();
  for (const f of list) res.set(f.name, { cases: 0, failures: [], signals: 0 });
  for (let j = 0; j < total; j++) {
    const rr = res.get(owner[j].name)!;
    rr.cases++;
    const a = masked(nat, j * REC), b = masked(emu, j * REC);
    if (a.readInt32LE(OFF_SIG)) rr.signals++;
    if (a.equals(b)) continue;
    rr.failures.push(rr.failures.length < 3 ? describeDiff(input, j * REC, a, b) : '');
  }
  return res;
}

describe('mmx differential', () => {
  const list = forms.filter((f) => f.name.includes(filter));
  it(`${list.length} forms`, () => {
    const res = runForms(list, 20261128);
    let cases = 0, bad = 0, signals = 0;
    const report: string[] = [];
    for (const [name, rr] of res) {
      cases += rr.cases;
      signals += rr.signals;
      if (rr.failures.length) {
        bad += rr.failures.length;
        report.push(`${name}: ${rr.failures.length}/${rr.cases} mismatches\n${rr.failures.filter((s) => s).join('\n')}`);
      }
    }
    console.log(`mmx: ${list.length} forms, ${cases} cases (${signals} signalled natively), ${bad} mismatches`);
    expect(report.join('\n\n')).toBe('');
  }, 120_000);
});
