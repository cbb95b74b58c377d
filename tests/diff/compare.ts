// Runs forms through both the native harness and the emulator and describes every difference:
// the instruction bytes, the input state and the differing registers/flags/memory in hex.
import { ARITH, DF, REC_SIZE, REG_NAMES, State, decodeOutput, encodeInput, hex64, OFF_GPR, OFF_FLAGS } from './record.js';
import { Rng, randomMemory, randomState } from './gen.js';
import type { Form } from './forms.js';
import { runNative } from './native.js';
import { Emu } from './emu.js';

export interface FormResult {
  form: Form;
  cases: number;
  failures: string[];
}

const FLAG_NAMES: [number, string][] = [[0x1, 'CF'], [0x4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x400, 'DF'], [0x800, 'OF']];

function flagStr(f: number): string {
  return FLAG_NAMES.filter(([b]) => f & b).map(([, n]) => n).join(' ') || '-';
}

function hexBytes(b: ArrayLike<number>): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

let emu: Emu | null = null;

/** RUSTOS_DIFF_STRICT=1: compare the flags an instruction leaves undefined too (host-specific). */
const STRICT = process.env.RUSTOS_DIFF_STRICT === '1';

/** Records per harness run: bounds memory (each record is ~8.6 KB in and out). */
const CHUNK = 16384;

/**
 * Generates, runs and compares every case of `forms`: one harness process per chunk of about
 * CHUNK records (a whole group at the default scale).
 */
export function runForms(forms: Form[], seed: number, scale = 1): FormResult[] {
  const r = new Rng(seed);
  const memBase = randomMemory(r);
  const results: FormResult[] = [];
  let k = 0;
  while (k < forms.length) {
    const chunk: Form[] = [];
    let total = 0;
    while (k < forms.length && (total === 0 || total + count(forms[k], scale) <= CHUNK)) {
      total += count(forms[k], scale);
      chunk.push(forms[k++]);
    }
    results.push(...runChunk(chunk, r, memBase, scale, total));
  }
  return results;
}

function count(f: Form, scale: number): number {
  return Math.max(1, Math.round(f.cases * scale));
}

function runChunk(forms: Form[], r: Rng, memBase: Uint8Array, scale: number, total: number): FormResult[] {
  const plan: { form: Form; code: number[]; flags: number }[] = [];
  const input = Buffer.alloc(total * REC_SIZE);
  let at = 0;
  for (const f of forms) {
    const n = count(f, scale);
    for (let k = 0; k < n; k++) {
      const st: State = randomState(r, memBase);
      const c = f.make(r, st);
      encodeInput(input, at, c.code, st);
      plan.push({ form: f, code: c.code, flags: c.flags });
      at += REC_SIZE;
    }
  }
  const native = runNative(input);
  emu ??= new Emu();
  const emulated = emu.runAll(input);
  const results = new Map<Form, FormResult>();
  for (const f of forms) results.set(f, { form: f, cases: 0, failures: [] });
  for (let k = 0; k < plan.length; k++) {
    const p = plan[k];
    const res = results.get(p.form)!;
    res.cases++;
    if (res.failures.length >= 3) continue;
    const msg = compareOne(input, native, emulated, k * REC_SIZE, p.flags);
    if (msg) res.failures.push(`${p.form.name}: ${hexBytes(p.code)}\n${msg}`);
  }
  return [...results.values()];
}

function compareOne(input: Buffer, nat: Buffer, emu: Buffer, at: number, defined: number): string | null {
  const n = decodeOutput(nat, at), e = decodeOutput(emu, at);
  const diffs: string[] = [];
  if (n.signo !== e.signo || n.rip !== e.rip || (n.signo !== 0 && (n.code !== e.code || n.addr !== e.addr))) {
    diffs.push(`  signal: native ${n.signo}/${n.code} addr ${hex64(n.addr)} rip ${hex64(n.rip)}; ` +
      `emu ${e.signo}/${e.code} addr ${hex64(e.addr)} rip ${hex64(e.rip)}`);
  }
  for (let k = 0; k < 16; k++) {
    if (n.gpr[k] !== e.gpr[k]) diffs.push(`  ${REG_NAMES[k]}: native ${hex64(n.gpr[k])} emu ${hex64(e.gpr[k])}`);
  }
  const mask = (n.signo !== 0 || STRICT ? ARITH : defined) | DF;
  if ((n.flags ^ e.flags) & mask) {
    diffs.push(`  flags (compared ${flagStr(mask)}): native ${flagStr(n.flags & mask)} emu ${flagStr(e.flags & mask)}`);
  }
  if (n.mxcsr !== e.mxcsr) diffs.push(`  mxcsr: native ${n.mxcsr.toString(16)} emu ${e.mxcsr.toString(16)}`);
  if (Buffer.compare(n.xmm, e.xmm) !== 0) diffs.push('  xmm registers differ');
  if (Buffer.compare(n.mem, e.mem) !== 0) {
    const offs: string[] = [];
    for (let k = 0; k < n.mem.length && offs.length < 8; k++) {
      if (n.mem[k] !== e.mem[k]) offs.push(`+${k.toString(16)}: ${n.mem[k].toString(16)}/${e.mem[k].toString(16)}`);
    }
    diffs.push(`  memory (native/emu): ${offs.join(', ')}`);
  }
  if (diffs.length === 0) return null;
  const inRegs: string[] = [];
  for (let k = 0; k < 16; k++) inRegs.push(`${REG_NAMES[k]}=${hex64(input.readBigUInt64LE(at + OFF_GPR + 8 * k))}`);
  const inFlags = input.readUInt32LE(at + OFF_FLAGS);
  return `  input: ${inRegs.join(' ')} flags: ${flagStr(inFlags)}\n${diffs.join('\n')}`;
}
