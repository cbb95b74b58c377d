// Differential test of BMI1 (andn, bextr, blsi, blsmsk, blsr) and BMI2 (bzhi, mulx, pdep, pext,
// rorx, sarx, shlx, shrx), VEX-encoded (kernel/cpu/ops/bmi.ts): 32- and 64-bit (VEX.W), register
// and memory operands (some crossing into the unmapped page), random registers with edge values
// and shaped control operands (bextr start/length, bzhi index, shift counts, sparse masks), and
// VEX.L = 1 encodings, which must be #UD. Compared: every GPR, the flags the manual defines for
// the instruction (AF and PF are undefined for all of them; SF too for bextr), memory, signal.
// RUSTOS_DIFF_SCALE scales the case counts; RUSTOS_DIFF_FILTER keeps forms whose name contains it.
import { describe, expect, it } from 'vitest';
import { Rng, randomMemory, randomState } from './gen.js';
import { REC_SIZE, SCRATCH, SCRATCH_SIZE, CF, ZF, SF, OF, DF, State, Result, encodeInput, decodeOutput, hex64, REG_NAMES } from './record.js';
import { runNative } from './native.js';
import { Emu } from './emu.js';

const SCALE = Number(process.env.RUSTOS_DIFF_SCALE ?? '1');
const FILTER = process.env.RUSTOS_DIFF_FILTER ?? '';
const N = 400;

interface Bmi {
  name: string;
  map: 2 | 3;
  /** VEX.pp: 0 none, 1 66, 2 F3, 3 F2. */
  pp: number;
  op: number;
  /** ModRM.reg is an opcode extension (bls*). */
  digit?: number;
  imm?: boolean;
  /** What VEX.vvvv holds: a register operand (random) or unused (1111b). */
  noV?: boolean;
  /** Defined flags; the rest are left out of the comparison. */
  flags: number;
  /** Shapes the operands: 'ctl' bextr control in vvvv, 'idx' bzhi index, 'cnt' shift count, 'mask' sparse r/m. */
  shape?: 'ctl' | 'idx' | 'cnt' | 'mask';
}

const FORMS: Bmi[] = [
  { name: 'andn', map: 2, pp: 0, op: 0xf2, flags: SF | ZF | CF | OF },
  { name: 'bextr', map: 2, pp: 0, op: 0xf7, flags: ZF | CF | OF, shape: 'ctl' },
  { name: 'blsr', map: 2, pp: 0, op: 0xf3, digit: 1, flags: SF | ZF | CF | OF },
  { name: 'blsmsk', map: 2, pp: 0, op: 0xf3, digit: 2, flags: SF | ZF | CF | OF },
  { name: 'blsi', map: 2, pp: 0, op: 0xf3, digit: 3, flags: SF | ZF | CF | OF },
  { name: 'bzhi', map: 2, pp: 0, op: 0xf5, flags: SF | ZF | CF | OF, shape: 'idx' },
  { name: 'pdep', map: 2, pp: 3, op: 0xf5, flags: 0xfff, shape: 'mask' },
  { name: 'pext', map: 2, pp: 2, op: 0xf5, flags: 0xfff, shape: 'mask' },
  { name: 'mulx', map: 2, pp: 3, op: 0xf6, flags: 0xfff },
  { name: 'shlx', map: 2, pp: 1, op: 0xf7, flags: 0xfff, shape: 'cnt' },
  { name: 'shrx', map: 2, pp: 3, op: 0xf7, flags: 0xfff, shape: 'cnt' },
  { name: 'sarx', map: 2, pp: 2, op: 0xf7, flags: 0xfff, shape: 'cnt' },
  { name: 'rorx', map: 3, pp: 3, op: 0xf0, imm: true, noV: true, flags: 0xfff },
];

const WIN = SCRATCH + SCRATCH_SIZE - 64;
const GPRS = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

function small(r: Rng): bigint {
  return BigInt(r.int(3) === 0 ? r.int(256) : r.int(72)) | (r.bool(0.1) ? BigInt(r.int(1 << 16)) << 8n : 0n);
}

interface Plan { form: string; code: number[]; st: State; mask: number }

function makeCase(r: Rng, f: Bmi, mem: boolean, w: boolean, st: State): number[] {
  const reg = r.pick(GPRS);
  const v = f.noV ? 0 : r.pick(GPRS);
  const L = r.int(40) === 0 ? 1 : 0; // VEX.L = 1: #UD
  let rmByte: number;
  const tail: number[] = [];
  let B = 0;
  let rmReg = -1;
  if (mem) {
    const base = r.pick([3, 6, 7, 9, 14]);
    B = base >> 3;
    const disp = 8 * r.int(4);
    const size = w ? 8 : 4;
    const off = r.int(30) === 0 ? 64 - 1 - r.int(size - 1) : r.int(64 - size + 1);
    st.gpr[base] = BigInt(WIN + off - disp);
    rmByte = 0x40 | (((f.digit ?? reg) & 7) << 3) | (base & 7);
    tail.push(disp);
    if (f.shape === 'mask') {
      const m = BigInt(r.u32()) & BigInt(r.u32()) | (BigInt(r.u32() & r.u32()) << 32n);
      st.setMem(WIN + off, size, m);
    }
  } else {
    rmReg = r.pick(GPRS);
    B = rmReg >> 3;
    rmByte = 0xc0 | (((f.digit ?? reg) & 7) << 3) | (rmReg & 7);
    if (f.shape === 'mask' && rmReg !== v) st.gpr[rmReg] = BigInt(r.u32() & r.u32()) | (BigInt(r.u32() & r.u32()) << 32n);
  }
  if (!f.noV && f.digit === undefined || f.digit !== undefined) {
    // vvvv: shaped control for bextr/bzhi/shifts.
    if (f.shape === 'ctl') st.gpr[v] = (st.gpr[v] & ~0xffffn) | small(r) | (small(r) << 8n);
    else if (f.shape === 'idx' || f.shape === 'cnt') st.gpr[v] = (st.gpr[v] & ~0xffn) | BigInt(r.int(3) === 0 ? r.int(256) : r.int(72));
  }
  const R = f.digit !== undefined ? 0 : reg >> 3;
  const b1 = ((R ^ 1) << 7) | (1 << 6) | ((B ^ 1) << 5) | f.map;
  const b2 = ((w ? 1 : 0) << 7) | ((~(f.digit !== undefined ? reg : v) & 15) << 3) | (L << 2) | f.pp;
  const code = [0xc4, b1, b2, f.op, rmByte, ...tail];
  if (f.imm) code.push(r.bool(0.5) ? r.int(256) : r.int(70));
  void rmReg;
  return code;
}

function plan(): Plan[] {
  const r = new Rng(0xb312);
  const base = randomMemory(r);
  const out: Plan[] = [];
  for (const f of FORMS) {
    if (!f.name.includes(FILTER)) continue;
    for (const mem of [false, true]) {
      const n = Math.max(1, Math.round((mem ? N / 2 : N) * SCALE));
      for (let k = 0; k < n; k++) {
        const st = randomState(r, base);
        st.gpr[4] = 0x7ffff000n;
        const code = makeCase(r, f, mem, k % 2 === 1, st);
        out.push({ form: `${f.name} (${mem ? 'mem' : 'reg'})`, code, st, mask: f.flags });
      }
    }
  }
  return out;
}

const hex = (a: ArrayLike<number>): string => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(' ');

function compare(p: Plan, nat: Result, emu: Result): string[] {
  const d: string[] = [];
  if (nat.signo !== emu.signo || nat.rip !== emu.rip || nat.code !== emu.code || nat.addr !== emu.addr) {
    d.push(`signal: native ${nat.signo}/${nat.code} addr ${hex64(nat.addr)}; emu ${emu.signo}/${emu.code} addr ${hex64(emu.addr)}`);
  }
  for (let n = 0; n < 16; n++) {
    if (nat.gpr[n] !== emu.gpr[n]) d.push(`${REG_NAMES[n]}: native ${hex64(nat.gpr[n])} emu ${hex64(emu.gpr[n])} (in ${hex64(BigInt.asUintN(64, p.st.gpr[n]))})`);
  }
  const m = (p.mask & (CF | ZF | SF | OF | 0x14)) | DF;
  if ((nat.flags ^ emu.flags) & m) d.push(`flags: native ${(nat.flags & m).toString(16)} emu ${(emu.flags & m).toString(16)} (in ${(p.st.flags & m).toString(16)})`);
  for (let j = 0; j < nat.mem.length; j++) {
    if (nat.mem[j] !== emu.mem[j]) { d.push(`mem+${j.toString(16)} differs`); break; }
  }
  return d;
}

describe('BMI1/BMI2 differential (host CPU vs emulator)', () => {
  const cases = plan();
  const forms = [...new Set(cases.map((c) => c.form))];
  let res: Map<string, { n: number; bad: string[] }> | null = null;
  const results = (): Map<string, { n: number; bad: string[] }> => {
    if (res) return res;
    const input = Buffer.alloc(cases.length * REC_SIZE);
    cases.forEach((c, k) => encodeInput(input, k * REC_SIZE, c.code, c.st));
    const native = runNative(input);
    const emulated = new Emu().runAll(input);
    res = new Map(forms.map((f) => [f, { n: 0, bad: [] }]));
    let bad = 0, signalled = 0, changed = 0;
    cases.forEach((c, k) => {
      const e = res!.get(c.form)!;
      e.n++;
      const nat = decodeOutput(native, k * REC_SIZE);
      if (nat.signo) signalled++;
      else if (nat.gpr.some((v, n) => v !== BigInt.asUintN(64, c.st.gpr[n]))) changed++;
      const d = compare(c, nat, decodeOutput(emulated, k * REC_SIZE));
      if (d.length) {
        bad++;
        if (e.bad.length < 4) e.bad.push(`[${hex(c.code)}]\n  ${d.join('\n  ')}`);
      }
    });
    console.log(`BMI differential: ${forms.length} forms, ${cases.length} cases (${signalled} signalled natively, ${changed} changed a register), ${bad} mismatching cases`);
    return res;
  };
  for (const f of forms) {
    it(f, () => {
      const r = results().get(f)!;
      expect(r.n).toBeGreaterThan(0);
      if (r.bad.length) expect.fail(r.bad.join('\n\n'));
    });
  }
});
