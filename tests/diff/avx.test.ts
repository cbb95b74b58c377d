// Differential test of the VEX forms (AVX, AVX2, FMA, F16C): every form avx-gen.ts enumerates
// runs on the host CPU (avx-harness.c) and on the emulator (avx-emu.ts) from random states, VEX.128
// and VEX.256, register and memory operands. Compared: GPRs, arithmetic flags and DF, MXCSR,
// XMM0-15 and the YMM upper halves, scratch memory, and the signal of a faulting instruction.
// RUSTOS_DIFF_SCALE scales the case counts; RUSTOS_DIFF_FILTER keeps forms whose name contains it;
// AVX_DIFF_SEED changes the seed; RUSTOS_DIFF_JIT=1 runs every block through the block compiler.
import { describe, expect, it } from 'vitest';
import { vexForms, makeAvxCase } from './avx-gen.js';
import { Rng, randomMemory, randomState } from './gen.js';
import { ARITH, DF, hex64, REG_NAMES } from './record.js';
import { AREC_SIZE, AvxState, encodeAvxInput, decodeAvxOutput, type AvxResult } from './avx-record.js';
import { runAvxNative } from './avx-native.js';
import { AvxEmu } from './avx-emu.js';

const SCALE = Number(process.env.RUSTOS_DIFF_SCALE ?? '1');
const FILTER = process.env.RUSTOS_DIFF_FILTER ?? '';
const SEED = Number(process.env.AVX_DIFF_SEED ?? 0xa5f2);
const N_CASES = 24;

interface Plan { form: string; code: number[]; st: AvxState }

const hex = (a: ArrayLike<number>): string => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(' ');
const ymmHex = (x: Uint8Array, h: Uint8Array, n: number): string => {
  const w = (b: Uint8Array, j: number): string => new DataView(b.buffer, b.byteOffset + 16 * n, 16).getUint32(4 * j, true).toString(16).padStart(8, '0');
  return [3, 2, 1, 0].map((j) => w(h, j)).join('_') + '|' + [3, 2, 1, 0].map((j) => w(x, j)).join('_');
};

function compare(p: Plan, nat: AvxResult, emu: AvxResult): string[] {
  const d: string[] = [];
  if (nat.signo !== emu.signo || nat.rip !== emu.rip || nat.code !== emu.code || nat.addr !== emu.addr) {
    d.push(`signal: native ${nat.signo}/${nat.code} addr ${hex64(nat.addr)}; emu ${emu.signo}/${emu.code} addr ${hex64(emu.addr)}`);
  }
  for (let n = 0; n < 16; n++) {
    if (nat.gpr[n] !== emu.gpr[n]) d.push(`${REG_NAMES[n]}: native ${hex64(nat.gpr[n])} emu ${hex64(emu.gpr[n])} (in ${hex64(BigInt.asUintN(64, p.st.gpr[n]))})`);
  }
  const m = ARITH | DF;
  if ((nat.flags ^ emu.flags) & m) d.push(`flags: native ${(nat.flags & m).toString(16)} emu ${(emu.flags & m).toString(16)} (in ${(p.st.flags & m).toString(16)})`);
  if (nat.mxcsr !== emu.mxcsr) d.push(`mxcsr: native ${nat.mxcsr.toString(16)} emu ${emu.mxcsr.toString(16)} (in ${p.st.mxcsr.toString(16)})`);
  for (let n = 0; n < 16; n++) {
    const a = ymmHex(nat.xmm, nat.ymmh, n), b = ymmHex(emu.xmm, emu.ymmh, n);
    if (a !== b) d.push(`ymm${n}: native ${a} emu ${b} (in ${ymmHex(p.st.xmm, p.st.ymmh, n)})`);
  }
  for (let j = 0; j < nat.mem.length; j++) {
    if (nat.mem[j] !== emu.mem[j]) {
      const o = j & ~15;
      d.push(`mem+${o.toString(16)}: native ${hex(nat.mem.subarray(o, o + 16))} emu ${hex(emu.mem.subarray(o, o + 16))}`);
      break;
    }
  }
  return d;
}

function plan(): Plan[] {
  const r = new Rng(SEED);
  const base = randomMemory(r);
  const out: Plan[] = [];
  for (const f of vexForms()) {
    if (!f.name.includes(FILTER)) continue;
    for (let k = 0; k < Math.max(1, Math.round(N_CASES * SCALE)); k++) {
      const st = Object.assign(new AvxState(), randomState(r, base));
      const code = makeAvxCase(r, f, st);
      out.push({ form: f.name, code, st });
    }
  }
  return out;
}

describe('AVX differential (host CPU vs emulator)', () => {
  const cases = plan();
  const forms = [...new Set(cases.map((c) => c.form))];
  let failures: Map<string, { n: number; bad: string[] }> | null = null;
  const results = (): Map<string, { n: number; bad: string[] }> => {
    if (failures) return failures;
    const input = Buffer.alloc(cases.length * AREC_SIZE);
    cases.forEach((c, k) => encodeAvxInput(input, k * AREC_SIZE, c.code, c.st));
    const native = runAvxNative(input);
    const emulated = new AvxEmu().runAll(input);
    failures = new Map();
    for (const f of forms) failures.set(f, { n: 0, bad: [] });
    let bad = 0, faults = 0;
    cases.forEach((c, k) => {
      const res = failures!.get(c.form)!;
      res.n++;
      const nat = decodeAvxOutput(native, k * AREC_SIZE);
      if (nat.signo !== 0) faults++;
      const d = compare(c, nat, decodeAvxOutput(emulated, k * AREC_SIZE));
      if (d.length) {
        bad++;
        if (res.bad.length < 3) res.bad.push(`[${hex(c.code)}] mxcsr ${c.st.mxcsr.toString(16)}\n  ${d.join('\n  ')}`);
      }
    });
    console.log(`AVX differential: ${forms.length} forms, ${cases.length} cases (${faults} faulting natively), ${bad} mismatching cases`);
    return failures;
  };
  for (const f of forms) {
    it(f, () => {
      const r = results().get(f)!;
      expect(r.n).toBeGreaterThan(0);
      if (r.bad.length) expect.fail(r.bad.join('\n\n'));
    });
  }
});
