// Differential tests of the x87 FPU: every form of x87-cases.ts runs on the real CPU
// (x87-native.c) and on the emulator from the same random states (random FCW precision and
// rounding control, special values, short and full stacks) and must end with the same x87 state
// (fnsave image minus the instruction/data pointers), arithmetic flags, RAX, scratch memory and
// signal. Transcendental forms may differ by 1 ulp in ST registers (and C1); both exact and
// within-1-ulp counts are printed. RUSTOS_X87_SCALE scales case counts, RUSTOS_X87_FILTER keeps
// forms whose name contains the string.
import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groups, Form } from './x87-cases.js';
import { setExactPiReduction } from '../../kernel/cpu/ops/x87-trans.js';
import { Rng, encode, runNative, Emu, masked, describeDiff, REC, Case } from './x87-lib.js';

const scale = Number(process.env.RUSTOS_X87_SCALE ?? '1');
const filter = process.env.RUSTOS_X87_FILTER ?? '';
const BASE = 800;
if (process.env.RUSTOS_X87_EXACTPI) setExactPiReduction(true);

interface Result {
  cases: number;
  exact: number;
  failures: string[];
}

/** Within 1 ulp: the same record except ST registers whose 80-bit values are adjacent, and C1. */
function withinUlp(a: Buffer, b: Buffer): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  x.writeUInt16LE(x.readUInt16LE(4) & ~0x200, 4);
  y.writeUInt16LE(y.readUInt16LE(4) & ~0x200, 4);
  for (let k = 0; k < 8; k++) {
    const o = 28 + 10 * k;
    const va = (BigInt(x.readUInt16LE(o + 8) & 0x7fff) << 64n) | x.readBigUInt64LE(o);
    const vb = (BigInt(y.readUInt16LE(o + 8) & 0x7fff) << 64n) | y.readBigUInt64LE(o);
    const d = va > vb ? va - vb : vb - va;
    // Adjacent significands (a carry into the exponent shows as 2^63 apart in this packing).
    if (x.readUInt16LE(o + 8) >> 15 === y.readUInt16LE(o + 8) >> 15 && (d === 1n || d === (1n << 63n) + 1n || d === (1n << 63n) - 1n)) {
      y.set(x.subarray(o, o + 10), o);
    }
  }
  return x.equals(y);
}

let signals = 0;

function runGroup(forms: Form[], seed: number): Map<string, Result> {
  const r = new Rng(seed);
  const cases: Case[] = [];
  const owner: Form[] = [];
  for (const f of forms) {
    const n = Math.max(1, Math.round(BASE * (f.n ?? 1) * scale));
    for (let k = 0; k < n; k++) {
      cases.push(f.gen(r));
      owner.push(f);
    }
  }
  const input = encode(cases);
  const nat = runNative(input);
  const emu = new Emu().runAll(input);
  const res = new Map<string, Result>();
  for (const f of forms) res.set(f.name, { cases: 0, exact: 0, failures: [] });
  for (let k = 0; k < cases.length; k++) {
    const f = owner[k];
    const rr = res.get(f.name)!;
    rr.cases++;
    const fxs = f.name.includes('fxsave');
    const e16 = f.name === 'fnstenv16' || f.name === 'fnsave16';
    let a = masked(nat, k * REC, fxs, e16), b = masked(emu, k * REC, fxs, e16);
    // After a signal only the signal is compared (the native FPU state is the handler's).
    if (a.readInt32LE(240)) signals++;
    const fullA = a, fullB = b;
    if (a.readInt32LE(240) || b.readInt32LE(240)) { a = a.subarray(240, 244); b = b.subarray(240, 244); }
    if (a.equals(b)) { rr.exact++; continue; }
    if (f.ulp && withinUlp(a, b)) {
      if (process.env.RUSTOS_X87_DUMP && rr.cases - rr.exact <= (Number(process.env.RUSTOS_X87_ULPDIFFS) || 3)) appendFileSync(process.env.RUSTOS_X87_DUMP, `ulp-diff ${f.name}\n${describeDiff(input, k * REC, fullA, fullB)}\n`);
      continue;
    }
    if (rr.failures.length < 4) rr.failures.push(describeDiff(input, k * REC, fullA, fullB));
    else rr.failures.push('');
  }
  return res;
}

let total = 0, totalExact = 0;
for (const [gi, g] of groups.entries()) {
  const forms = g.forms.filter((f) => f.name.includes(filter));
  if (forms.length === 0) continue;
  describe(g.name, () => {
    let results: Map<string, Result> | null = null;
    const get = (name: string): Result => {
      if (!results) {
        results = runGroup(forms, 0x87 + gi);
        let n = 0, ex = 0, bad = 0;
        for (const v of results.values()) { n += v.cases; ex += v.exact; bad += v.failures.length; }
        total += n;
        totalExact += ex;
        const dump = process.env.RUSTOS_X87_DUMP;
        if (dump) {
          for (const [name, v] of results) {
            if (forms.find((f) => f.name === name)?.ulp) appendFileSync(dump, `ulp ${name}: ${v.exact}/${v.cases} bit-exact\n`);
            if (v.failures.length) appendFileSync(dump, `== ${name}: ${v.failures.length}/${v.cases}\n${v.failures.filter((s) => s).slice(0, 3).join('\n')}\n`);
          }
        }
        console.log(`x87 diff ${g.name}: ${forms.length} forms, ${n} cases, ${ex} bit-exact, ${bad} mismatches; total so far ${total} cases, ${totalExact} exact, ${signals} ended in a signal`);
      }
      return results.get(name)!;
    };
    for (const f of forms) {
      it(f.name, { timeout: 120_000 * Math.max(1, scale) }, () => {
        const r = get(f.name);
        expect(r.cases).toBeGreaterThan(0);
        if (r.failures.length) expect.fail(`${r.failures.length}/${r.cases} mismatches\n` + r.failures.filter((s) => s).join('\n\n'));
      });
    }
  });
}
