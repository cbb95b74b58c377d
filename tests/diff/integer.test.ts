// Differential tests of the integer instruction families: every form of cases.ts runs on the real
// CPU (harness.c) and on the emulator with the same random states, and must end in the same
// registers, defined flags, scratch memory and signal. One harness process per family group.
// RUSTOS_DIFF_SCALE scales the case counts (e.g. 0.1 for a quick run, 10 for a soak);
// RUSTOS_DIFF_FILTER keeps only forms whose name contains the string.
import { describe, expect, it } from 'vitest';
import { groups } from './cases.js';
import { runForms, FormResult } from './compare.js';

const scale = Number(process.env.RUSTOS_DIFF_SCALE ?? '1');
const filter = process.env.RUSTOS_DIFF_FILTER ?? '';

let totalForms = 0, totalCases = 0;
for (const [gi, g] of groups.entries()) {
  const forms = g.forms.filter((f) => f.name.includes(filter));
  if (forms.length === 0) continue;
  describe(g.name, () => {
    let results: Map<string, FormResult> | null = null;
    const get = (name: string): FormResult => {
      if (!results) {
        results = new Map();
        for (const r of runForms(forms, 0x5eed + gi, scale)) results.set(r.form.name, r);
        for (const r of results.values()) {
          totalForms++;
          totalCases += r.cases;
        }
        console.log(`diff ${g.name}: ${results.size} forms, ${[...results.values()].reduce((a, r) => a + r.cases, 0)} cases; ` +
          `total so far ${totalForms} forms, ${totalCases} cases`);
      }
      return results.get(name)!;
    };
    for (const f of forms) {
      it(f.name, () => {
        const r = get(f.name);
        expect(r.cases).toBeGreaterThan(0);
        if (r.failures.length) expect.fail(r.failures.join('\n\n'));
      });
    }
  });
}
