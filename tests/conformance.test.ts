// Conformance suite: one test per tests/conformance/*.c case and variant (static, static-pie).
// Each test asserts that the native run meets the case's own expectation (exit status or
// signal, non-empty output — so nothing passes vacuously) and that the emulated run is
// byte-identical to the native one. RUSTOS_CONFORMANCE_EMULATOR (space-separated command
// prefix, e.g. `env`) overrides the emulator; RUSTOS_CONFORMANCE_FILTER narrows the cases.
import { beforeAll, describe, expect, it } from 'vitest';
import { listCases, VARIANTS, type Variant } from '../src/conformance/build.js';
import { checkExpectation, runConformance, type CaseResult } from '../src/conformance/runner.js';
import { formatResult } from '../src/conformance/report.js';

const filter = process.env.RUSTOS_CONFORMANCE_FILTER || undefined;
const emulator = process.env.RUSTOS_CONFORMANCE_EMULATOR?.split(/\s+/).filter(Boolean);
const cases = listCases(undefined, filter);

interface Deferred {
  promise: Promise<CaseResult>;
  resolve: (r: CaseResult) => void;
  reject: (e: unknown) => void;
}
const pending = new Map<string, Deferred>();
const key = (name: string, variant: Variant) => `${name}:${variant}`;
for (const c of cases) {
  for (const v of VARIANTS) {
    let resolve!: (r: CaseResult) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<CaseResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    pending.set(key(c.name, v), { promise, resolve, reject });
  }
}

beforeAll(() => {
  // Started here but not awaited: each test waits only for its own result, which arrives in
  // test order because the runner processes cases in the same (sorted) order.
  // Generous emulated timeout: CI runs this beside the other suites on two cores; a hang still fails.
  runConformance({ filter, emulator, jobs: 2, emulatedTimeoutMs: 240_000, onResult: (r) => pending.get(key(r.name, r.variant))?.resolve(r) }).catch((e) => {
    for (const d of pending.values()) d.reject(e);
  });
});

describe('conformance', () => {
  it('has at least 45 cases', () => {
    if (!filter) expect(cases.length).toBeGreaterThanOrEqual(45);
  });

  for (const c of cases) {
    for (const v of VARIANTS) {
      it(`${c.name} [${v}]`, async () => {
        const r = await pending.get(key(c.name, v))!.promise;
        expect(r.native.timedOut, 'native run timed out').toBe(false);
        expect(checkExpectation(c.expect, r.native), formatResult(r)).toBeUndefined();
        expect(r.diff, formatResult(r)).toBeUndefined();
        expect(r.pass).toBe(true);
      }, 600_000);
    }
  }

  it('native results are identical across static and static-pie', async () => {
    const mismatches: string[] = [];
    for (const c of cases) {
      const [a, b] = await Promise.all(VARIANTS.map((v) => pending.get(key(c.name, v))!.promise));
      const same =
        a.native.stdout.equals(b.native.stdout) &&
        a.native.stderr.equals(b.native.stderr) &&
        a.native.status === b.native.status &&
        a.native.signal === b.native.signal;
      if (!same) mismatches.push(c.name);
    }
    expect(mismatches).toEqual([]);
  });
});
