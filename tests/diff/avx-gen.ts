// Forms and cases of the AVX differential tests (avx.test.ts). The forms are enumerated from the
// emulator's VEX tables (every registered VEX row, each VEX.L and VEX.W it accepts, register and
// memory operands), with the operand kinds the encoding needs looked up by mnemonic; the truth comes
// from the host CPU, so enumerating from the tables only decides which encodings get tested.
// States come from sse-gen.ts's makeCase (edge-value float/int lanes, random MXCSR), with the YMM
// upper halves filled from the same distributions.
import '../../kernel/cpu/ops/index.js';
import { vexTables, type OpDef } from '../../kernel/cpu/optable.js';
import { I_UB, I_B } from '../../kernel/cpu/optable.js';
import { makeCase, WIN, type R } from './sse-gen.js';
import type { Form as SseForm, Lanes } from './sse-forms.js';
import { AvxState } from './avx-record.js';
import { SCRATCH } from './record.js';

export interface AvxForm {
  name: string;
  map: number;
  pp: number;
  op: number;
  /** ModRM.reg: xmm, general register, or a /digit. */
  reg: 'x' | 'g' | number;
  rm: 'x' | 'g';
  /** Uses VEX.vvvv (else it must be 1111b). */
  v: boolean;
  L: number;
  W: number;
  mem: boolean;
  imm: boolean;
  align: number;
  lanes: Lanes;
  /** Implicit operands: 'rdi' (maskmov: [rdi] in scratch). */
  implicit?: string;
  /** VSIB memory operand (gathers): index vector register, data/index element widths. */
  vsib?: { qIdx: boolean };
}

const REG_GPR = /^v(movmskp[sd]|pmovmskb|cvtt?s[sd]2si|pextrw)$/;
const RM_GPR = /^v(cvtsi2s[sd]|pinsr[bwdq]|movd|pextr[bwdq]|pextrw)$/;
const ALIGNED = /^v(movap[sd]|movdqa|movnt.*)$/;

function lanesOf(name: string, op: number, map: number): Lanes {
  if (/ldmxcsr/.test(name)) return 'mxcsr';
  if (map === 1 && [0xd1, 0xd2, 0xd3, 0xe1, 0xe2, 0xf1, 0xf2, 0xf3].includes(op)) return 'count';
  if (/(ps|ss)$|ps2|ss2|2ps|2ss|ph/.test(name)) return 'f32';
  if (/(pd|sd)$|pd2|sd2|2pd|2sd/.test(name)) return 'f64';
  return 'int';
}

/** Every VEX form the emulator registers. */
export function vexForms(): AvxForm[] {
  const out: AvxForm[] = [];
  const pps = ['none', 'p66', 'f3', 'f2'] as const;
  for (let map = 1; map <= 3; map++) {
    for (let op = 0; op < 256; op++) {
      const row = vexTables[map][op];
      if (!row) continue;
      pps.forEach((p, pp) => {
        const d0 = row.pfx![p];
        if (!d0) return;
        for (const W of [0, 1]) {
          const d1: OpDef = W === 1 && d0.w1 ? d0.w1 : d0;
          if (d1.vexW !== undefined && d1.vexW !== W) continue;
          if (W === 1 && !d0.w1 && d1.size !== 5 && d1.vexW === undefined) continue; // W ignored: test W0 only
          const members: [OpDef, number | null][] = d1.group
            ? d1.group.map((g, k) => [g ? { ...d1, ...g } : null, k] as [OpDef | null, number]).filter((x): x is [OpDef, number] => x[0] !== null && !!x[0].fn)
            : [[d1, null]];
          for (const [d, digit] of members) {
            for (const L of [0, 1]) {
              // A VEX.L the row does not accept: one form of invalid encodings (#UD natively too).
              const badL = d.vexL !== undefined && d.vexL !== L;
              if (d.name === 'vzeroupper' || d.name === 'vgrp15') {
                if (d.name === 'vzeroupper') out.push(base(d.name + (L ? '/vzeroall' : ''), map, pp, op, 0, 'x', false, L, W, false, false, 'int'));
                continue;
              }
              const name = d.name;
              if (!name.startsWith('v')) continue; // BMI and other GPR-only VEX rows have their own tests
              // The reciprocal estimates are implementation-specific (only an error bound is
              // architectural): tests/conformance/sse_rcp.c checks them against that bound.
              if (/^vr(cp|sqrt)(ps|ss)$/.test(name)) continue;
              const reg = digit !== null ? digit : REG_GPR.test(name) && !(name === 'vpextrw' && map === 3) ? 'g' : 'x';
              const rm = RM_GPR.test(name) && !(name === 'vpextrw' && map === 1) ? 'g' : 'x';
              const imm = d.imm === I_UB || d.imm === I_B;
              const align = ALIGNED.test(name) ? (L ? 32 : 16) : 0;
              const lanes = lanesOf(name, op, map);
              const tag = `${name} ${['', '66 ', 'F3 ', 'F2 '][pp]}${['', '0F', '0F38', '0F3A'][map]} ${op.toString(16)}${digit !== null ? '/' + digit : ''} L${L}${W ? ' W1' : ''}`;
              const v = !d.noV;
              const f = (mem: boolean): AvxForm => ({ ...base(`${tag} (${mem ? 'mem' : 'reg'})`, map, pp, op, reg, rm, v, L, W, mem, imm, lanes), align, implicit: /maskmovdqu/.test(name) ? 'rdi' : undefined, vsib: d.vsib ? { qIdx: (d.sub ?? 0) === 1 } : undefined });
              if (badL) {
                if (!d.vsib) out.push({ ...f(!!d.memOnly), name: `${tag} (invalid L)` });
                continue;
              }
              if (!d.memOnly) out.push(f(false));
              if (!d.regOnly) out.push(f(true));
            }
          }
        }
      });
    }
  }
  return out;
}

function base(name: string, map: number, pp: number, op: number, reg: AvxForm['reg'], rm: AvxForm['rm'], v: boolean, L: number, W: number, mem: boolean, imm: boolean, lanes: Lanes): AvxForm {
  return { name, map, pp, op, reg, rm, v, L, W, mem, imm, align: 0, lanes };
}

const BASES = [3, 6, 7, 9, 14];
/** Forms whose memory operand is the full 16 or 32 bytes (page-crossing fault cases). */
const FULL = /^v(mov(u|a)p[sd]|movdq[au]|lddqu|(add|sub|mul|div|min|max|and|andn|or|xor|sqrt|unpck[lh])p[sd]|p(add|sub|cmpeq|cmpgt|min|max|and|or|xor|shufb|avg|mul)[a-z]*|permil[a-z]*|blendv[a-z]*|fn?m(add|sub)[0-9]*p[sd]) /;
const GPRS = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** Randomizes st for form f and returns the instruction bytes. */
export function makeAvxCase(r: R, f: AvxForm, st: AvxState): number[] {
  const sf: SseForm = { name: f.name, pfx: null, op: 0x10, reg: 'x', rm: 'x', mem: 0, lanes: f.lanes };
  makeCase(r, sf, false, false, st);
  for (let n = 0; n < 16; n++) st.ymmh.set(st.xmm.subarray(16 * ((n + 5) % 16), 16 * ((n + 5) % 16) + 16), 16 * n);
  for (let n = 0; n < 16; n++) if (r.bool(0.3)) { const s = 16 * r.int(16); st.ymmh.set(st.xmm.slice(s, s + 16), 16 * n); }
  if (f.vsib) return gatherCase(r, f, st);
  const reg = f.reg === 'x' ? r.int(16) : f.reg === 'g' ? r.pick(GPRS) : f.reg;
  // Now and then a non-1111b vvvv where the form has no vvvv operand: #UD on both sides.
  const vreg = f.v ? r.int(16) : r.bool(0.03) ? 1 + r.int(15) : 0;
  let X = 0, B = 0, modrm: number;
  const tail: number[] = [];
  if (f.mem) {
    const b = r.pick(BASES.filter((x) => x !== reg || f.reg === 'x'));
    B = b >> 3;
    const disp = 8 * r.int(4);
    modrm = 0x40 | ((reg & 7) << 3) | (b & 7);
    tail.push(disp);
    const size = f.L ? 32 : 16;
    let off: number;
    if (f.align) off = r.bool(0.1) ? r.int(64 - size + 1) : f.align * r.int(64 / f.align - (size === 32 ? 1 : 0));
    else off = r.int(64 - size + 1);
    if (off + size > 64) off = 64 - size;
    // Full-width operands sometimes cross into the unmapped page after scratch: the fault must come
    // before any state changes, with the hardware's si_addr.
    if (FULL.test(f.name) && r.bool(0.06)) off = 64 - size + 1 + r.int(size - 1);
    st.gpr[b] = BigInt(WIN + off - disp);
    if (f.lanes === 'mxcsr' && off + 4 <= 64) {
      // Bit 17 alone (MXCSR.MM) is accepted by hosts whose MXCSR_MASK has it, #GP in the emulator
      // (MXCSR_MASK 0xFFFF): keep another reserved bit with it so every host agrees (as sse-gen.ts).
      const dv = new DataView(st.mem.buffer, st.mem.byteOffset);
      const at = WIN - SCRATCH + off;
      const v = dv.getUint32(at, true);
      if ((v & 0xffff0000) === 0x20000) dv.setUint32(at, (v | 0x10000) >>> 0, true);
    }
  } else {
    const rm = f.rm === 'x' ? r.int(16) : r.pick(GPRS);
    B = rm >> 3;
    modrm = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  }
  if (f.implicit === 'rdi') st.gpr[7] = BigInt(WIN + r.int(49));
  const R = (reg >> 3) & 1;
  const code: number[] = [];
  if (f.map === 1 && f.W === 0 && X === 0 && B === 0 && r.bool(0.5)) {
    code.push(0xc5, ((R ^ 1) << 7) | ((~vreg & 15) << 3) | (f.L << 2) | f.pp);
  } else {
    code.push(0xc4, ((R ^ 1) << 7) | ((X ^ 1) << 6) | ((B ^ 1) << 5) | f.map, (f.W << 7) | ((~vreg & 15) << 3) | (f.L << 2) | f.pp);
  }
  code.push(f.op);
  if (f.name.startsWith('vzeroupper')) return code;
  code.push(modrm, ...tail);
  if (f.imm) code.push(r.int(256));
  return code;
}

/** A gather: distinct destination, index and mask registers; indices around a base in scratch. */
function gatherCase(r: R, f: AvxForm, st: AvxState): number[] {
  const regs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const take = (): number => regs.splice(r.int(regs.length), 1)[0];
  const d = take(), x = take(), m = r.bool(0.03) ? d : take(); // (rarely not distinct: #UD)
  const b = r.pick(BASES);
  const scale = r.int(4);
  st.gpr[b] = BigInt(SCRATCH + 4096);
  const dv = (buf: Uint8Array): DataView => new DataView(buf.buffer, buf.byteOffset);
  const xl = dv(st.xmm), xh = dv(st.ymmh);
  const set32 = (reg: number, j: number, v: number): void => (j < 4 ? xl : xh).setInt32(16 * reg + 4 * (j & 3), v, true);
  for (let j = 0; j < 8; j++) {
    const fault = r.bool(0.02);
    const v = fault ? 1100 * (r.bool() ? 1 : -1) : r.int(800) - 400;
    const scaled = Math.trunc(v / (1 << scale));
    if (f.vsib!.qIdx) {
      if (j < 4) { set32(x, 2 * j, scaled); set32(x, 2 * j + 1, scaled < 0 ? -1 : 0); }
    } else set32(x, j, scaled);
    // Mask: random sign bits (the sign of each element).
    if (r.bool(0.3)) set32(m, j, r.u32() & 0x7fffffff);
    else if (r.bool(0.5)) set32(m, j, (r.u32() | 0x80000000) | 0);
  }
  const X = (x >> 3) & 1, B = (b >> 3) & 1, R = (d >> 3) & 1;
  const disp = 4 * (r.int(8) - 4);
  const modrm = 0x44 | ((d & 7) << 3), sib = (scale << 6) | ((x & 7) << 3) | (b & 7);
  return [0xc4, ((R ^ 1) << 7) | ((X ^ 1) << 6) | ((B ^ 1) << 5) | f.map, (f.W << 7) | ((~m & 15) << 3) | (f.L << 2) | f.pp, f.op, modrm, sib, disp & 0xff];
}
