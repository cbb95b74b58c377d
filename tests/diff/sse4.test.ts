// Differential test of SSE3, SSSE3, SSE4.1, SSE4.2 (string compares, crc32, pcmpgtq), MOVBE and
// ADX: every form of sse4-forms.ts runs on the host CPU (harness.c) and the emulator (emu.ts)
// from random states (sse-gen.ts's special float values, random MXCSR with unmasked exceptions,
// aligned/misaligned/page-crossing memory operands), register and memory forms, REX.W variants.
// Compared: every GPR, the arithmetic flags and DF, MXCSR, XMM0-15, scratch memory, and the signal.
// RUSTOS_DIFF_SCALE scales the case counts; RUSTOS_DIFF_FILTER keeps forms whose name contains it;
// SSE4_DIFF_SEED changes the seed.
import { describe, expect, it } from 'vitest';
import { FORMS4, type Form4 } from './sse4-forms.js';
import { makeCase, WIN } from './sse-gen.js';
import { Rng, randomMemory, randomState } from './gen.js';
import { REC_SIZE, SCRATCH, ARITH, DF, State, Result, encodeInput, decodeOutput, hex64, REG_NAMES } from './record.js';
import { runNative } from './native.js';
import { Emu } from './emu.js';

const SCALE = Number(process.env.RUSTOS_DIFF_SCALE ?? '1');
const FILTER = process.env.RUSTOS_DIFF_FILTER ?? '';
const SEED = Number(process.env.SSE4_DIFF_SEED ?? 0x5e42);
const N_REG = 150, N_MEM = 80;
/** Forms that raise SIMD floating-point exceptions. */
const FP_ARITH = /^(addsub|hadd|hsub|round|dp)/;

interface Plan { form: string; code: number[]; st: State }

const hex = (a: ArrayLike<number>): string => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(' ');
const xmmHex = (x: Uint8Array, n: number): string => {
  const dv = new DataView(x.buffer, x.byteOffset + 16 * n, 16);
  return [3, 2, 1, 0].map((j) => dv.getUint32(4 * j, true).toString(16).padStart(8, '0')).join('_');
};

/** Encodes form f: makeCase builds `0F <map or op> modrm...`, and the map's opcode byte goes in after. */
function encode(r: Rng, f: Form4, mem: boolean, w: boolean, st: State): number[] {
  const code = makeCase(r, { ...f, op: f.map === 0 ? f.op : f.map }, mem, w, st);
  if (f.map !== 0) code.splice(code.indexOf(0x0f) + 2, 0, f.op);
  if (f.pfx0 !== undefined) code.unshift(f.pfx0);
  return code;
}

/** The input operands of a case for reports. */
function operands(p: Plan): string {
  const k = p.code;
  let n = k.indexOf(0x0f);
  const rex = n > 0 && (k[n - 1] & 0xf0) === 0x40 ? k[n - 1] : 0;
  n += k[n + 1] === 0x38 || k[n + 1] === 0x3a ? 3 : 2;
  const modrm = k[n];
  if (modrm === undefined) return '';
  const reg = ((modrm >> 3) & 7) | ((rex & 4) << 1), rm = (modrm & 7) | ((rex & 1) << 3);
  const r = `xmm${reg}=${xmmHex(p.st.xmm, reg)} xmm0=${xmmHex(p.st.xmm, 0)} rax=${hex64(p.st.gpr[0])} rdx=${hex64(p.st.gpr[2])}`;
  if (modrm >> 6 === 3) return `${r} xmm${rm}=${xmmHex(p.st.xmm, rm)} ${REG_NAMES[rm]}=${hex64(p.st.gpr[rm])}`;
  const off = Number(p.st.gpr[rm]) + k[n + 1] - SCRATCH;
  return `${r} mem@${(off + SCRATCH - WIN).toString()}=${hex(p.st.mem.subarray(off, off + 16))}`;
}

function compare(p: Plan, nat: Result, emu: Result): string[] {
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
  const add = (form: string, f: Form4, mem: boolean, n: number, unmask = false): void => {
    for (let k = 0; k < Math.max(1, Math.round(n * SCALE)); k++) {
      const st = randomState(r, base);
      const code = encode(r, f, mem, !!f.w && k % 2 === 1, st);
      if (f.tweak) f.tweak(r, st);
      // Exceptions unmasked (#XM -> SIGFPE), with DAZ/FZ and rounding modes.
      if (unmask) st.mxcsr = (0x1f80 & ~((1 + r.int(63)) << 7)) | (r.int(4) << 13) | (r.bool(0.2) ? 0x8040 : 0) | (r.bool(0.3) ? r.int(64) : 0);
      out.push({ form, code, st });
    }
  };
  for (const f of FORMS4) {
    if (!f.name.includes(FILTER)) continue;
    const boost = f.tweak ? 4 : 1;
    if (!f.memOnly) add(`${f.name} (reg)`, f, false, N_REG * boost);
    if (f.mem) add(`${f.name} (mem)`, f, true, N_MEM * boost);
    if (FP_ARITH.test(f.name)) add(`${f.name} (unmasked)`, f, r.bool(0.3), N_MEM, true);
  }
  return out;
}

describe('SSE3/SSSE3/SSE4 differential (host CPU vs emulator)', () => {
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
    let bad = 0, fpe = 0, other = 0;
    cases.forEach((c, k) => {
      const res = failures!.get(c.form)!;
      res.n++;
      const nat = decodeOutput(native, k * REC_SIZE);
      if (nat.signo === 8) fpe++;
      else if (nat.signo) other++;
      const d = compare(c, nat, decodeOutput(emulated, k * REC_SIZE));
      if (d.length) {
        bad++;
        if (res.bad.length < 4) res.bad.push(`[${hex(c.code)}] mxcsr ${c.st.mxcsr.toString(16)} ${operands(c)}\n  ${d.join('\n  ')}`);
      }
    });
    console.log(`SSE4 differential: ${forms.length} forms, ${cases.length} cases (natively ${fpe} SIGFPE, ${other} other signals), ${bad} mismatching cases`);
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
