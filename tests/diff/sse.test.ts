// Differential test of the SSE/SSE2 families: every form in sse-forms.ts runs on the host CPU
// (tests/diff/harness.c) and on the emulator (emu.ts) from random states made by sse-gen.ts, in
// register and memory forms (with REX.W variants where the form has them). Compared: every GPR,
// the arithmetic flags and DF, MXCSR (every bit), XMM0-15, scratch memory, and the signal
// (number, si_code, si_addr, RIP) of a faulting instruction. Mismatches are reported per form
// with the differing registers in hex.
// RUSTOS_DIFF_SCALE scales the case counts; RUSTOS_DIFF_FILTER keeps forms whose name contains it;
// SSE_DIFF_SEED changes the seed.
import { describe, expect, it } from 'vitest';
import { FORMS, FENCES, type Form as SseForm } from './sse-forms.js';
import { makeCase, WIN } from './sse-gen.js';
import { Rng, randomMemory, randomState } from './gen.js';
import { REC_SIZE, SCRATCH, ARITH, DF, State, Result, encodeInput, decodeOutput, hex64, REG_NAMES } from './record.js';
import { runNative } from './native.js';
import { Emu } from './emu.js';

const SCALE = Number(process.env.RUSTOS_DIFF_SCALE ?? '1');
const FILTER = process.env.RUSTOS_DIFF_FILTER ?? '';
const SEED = Number(process.env.SSE_DIFF_SEED ?? 0x55e2);
const N_REG = 80, N_MEM = 50;

/** hostMaskByte: scratch offset of MXCSR_MASK bits 16..23 in an fxsave image (see compare). */
interface Plan { form: string; code: number[]; st: State; hostMaskByte?: number }

const hex = (a: ArrayLike<number>): string => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(' ');
const xmmHex = (x: Uint8Array, n: number): string => {
  const dv = new DataView(x.buffer, x.byteOffset + 16 * n, 16);
  return [3, 2, 1, 0].map((j) => dv.getUint32(4 * j, true).toString(16).padStart(8, '0')).join('_');
};

/** The input operands of a case for reports: xmm reg and rm, or the memory bytes. */
function operands(p: Plan): string {
  const k = p.code;
  let n = 0;
  while (n < k.length && k[n] !== 0x0f) n++;
  const rex = n > 0 && (k[n - 1] & 0xf0) === 0x40 ? k[n - 1] : 0;
  const modrm = k[n + 2];
  if (modrm === undefined) return '';
  const reg = ((modrm >> 3) & 7) | ((rex & 4) << 1), rm = (modrm & 7) | ((rex & 1) << 3);
  const r = `xmm${reg}=${xmmHex(p.st.xmm, reg)}`;
  if (modrm >> 6 === 3) return `${r} xmm${rm}=${xmmHex(p.st.xmm, rm)}`;
  const off = Number(p.st.gpr[rm]) + k[n + 3] - SCRATCH;
  return `${r} mem@${(off + SCRATCH - WIN).toString()}=${hex(p.st.mem.subarray(off, off + 16))}`;
}

/** Differences between the native and emulated results, as readable lines. */
function compare(p: Plan, nat: Result, emu: Result): string[] {
  const d: string[] = [];
  // AMD hosts report MXCSR_MASK 0x2FFFF (bit 17: MXCSR.MM); the emulator reports 0xFFFF (no MM).
  if (p.hostMaskByte !== undefined && nat.signo === 0) nat.mem[p.hostMaskByte] &= ~0x02;
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
    const a = xmmHex(nat.xmm, n), b = xmmHex(emu.xmm, n);
    if (a !== b) d.push(`xmm${n}: native ${a} emu ${b} (in ${xmmHex(p.st.xmm, n)})`);
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
  const add = (form: string, f: SseForm, mem: boolean, n: number): void => {
    for (let k = 0; k < Math.max(1, Math.round(n * SCALE)); k++) {
      const st = randomState(r, base);
      const code = makeCase(r, f, mem, !!f.w && k % 2 === 1, st);
      out.push({ form, code, st });
    }
  };
  for (const f of FORMS) {
    if (!f.name.includes(FILTER)) continue;
    if (!f.memOnly) add(`${f.name} (reg)`, f, false, N_REG);
    if (f.mem) add(`${f.name} (mem)`, f, true, N_MEM);
  }
  if ('maskmovdqu'.includes(FILTER)) {
    const f: SseForm = { name: 'maskmovdqu', pfx: 0x66, op: 0xf7, reg: 'x', rm: 'x', mem: 0, lanes: 'int' };
    for (let k = 0; k < Math.max(1, Math.round(40 * SCALE)); k++) {
      const st = randomState(r, base);
      const code = makeCase(r, f, false, false, st);
      st.gpr[7] = BigInt(WIN + r.int(49)); // stores the selected bytes at [rdi]
      out.push({ form: 'maskmovdqu (reg)', code, st });
    }
  }
  // fxsave / fxrstor [rbx + disp8] with a 512-byte image inside scratch (aligned, or not: #GP).
  for (const [name, digit] of [['fxsave', 0], ['fxrstor', 1], ['fxsave64', 0], ['fxrstor64', 1]] as [string, number][]) {
    if (!name.includes(FILTER)) continue;
    for (let k = 0; k < Math.max(1, Math.round(30 * SCALE)); k++) {
      const st = randomState(r, base);
      const f: SseForm = { name, pfx: null, op: 0xae, reg: digit, rm: 'x', mem: 4, lanes: 'f64' };
      makeCase(r, f, false, false, st); // random xmm and mxcsr
      const off = 0x400 + 16 * r.int(64) + (r.bool(0.1) ? 1 + r.int(15) : 0);
      st.gpr[3] = BigInt(SCRATCH + off);
      if (digit === 1) {
        // A sane image: x87 in its reset state, MXCSR with masked exceptions (or reserved bits: #GP).
        const dv = new DataView(st.mem.buffer, st.mem.byteOffset);
        st.mem.fill(0, off, off + 160);
        dv.setUint16(off, 0x37f, true);
        dv.setUint32(off + 24, r.bool(0.9) ? 0x1f80 | r.int(64) | (r.int(4) << 13) : (0x1f80 | (1 << r.pick([16, 18, 20, 24, 31]))) >>> 0, true); // not 17: MM on AMD
      }
      const code = [...(name.endsWith('64') ? [0x48] : []), 0x0f, 0xae, 0x43 | (digit << 3), 0];
      out.push({ form: name, code, st, hostMaskByte: digit === 0 ? off + 30 : undefined });
    }
  }
  for (const [name, code] of FENCES) {
    if (name.includes(FILTER)) for (let k = 0; k < 3; k++) out.push({ form: name, code, st: randomState(r, base) });
  }
  return out;
}

describe('SSE differential (host CPU vs emulator)', () => {
  const cases = plan();
  const forms = [...new Set(cases.map((c) => c.form))];
  let failures: Map<string, { n: number; bad: string[] }> | null = null;
  const results = (): Map<string, { n: number; bad: string[] }> => {
    if (failures) return failures;
    const input = Buffer.alloc(cases.length * REC_SIZE);
    cases.forEach((c, k) => encodeInput(input, k * REC_SIZE, c.code, c.st));
    const native = runNative(input);
    const emulated = new Emu().runAll(input);
    failures = new Map();
    for (const f of forms) failures.set(f, { n: 0, bad: [] });
    let bad = 0;
    cases.forEach((c, k) => {
      const res = failures!.get(c.form)!;
      res.n++;
      const d = compare(c, decodeOutput(native, k * REC_SIZE), decodeOutput(emulated, k * REC_SIZE));
      if (d.length) {
        bad++;
        if (res.bad.length < 4) res.bad.push(`[${hex(c.code)}] mxcsr ${c.st.mxcsr.toString(16)} ${operands(c)}\n  ${d.join('\n  ')}`);
      }
    });
    console.log(`SSE differential: ${forms.length} forms, ${cases.length} cases, ${bad} mismatching cases`);
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
