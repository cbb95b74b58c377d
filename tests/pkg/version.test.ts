import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { compareVersions, parseVersion } from '../../pkg/version.js';

const known: [string, string, number][] = [
  ['1.0', '1.0', 0], ['1.0', '1.0-0', 0], ['1:1.0', '2.0', 1], ['1.0~rc1', '1.0', -1],
  ['1.0~~', '1.0~', -1], ['1.0', '1.0+b1', -1], ['1.0a', '1.0', 1], ['1.0-1', '1.0-1~bpo', 1],
  ['0:1.2', '1.2', 0], ['1.2.3', '1.2.10', -1], ['2.36-9+deb12u4', '2.36', 1], ['1.001', '1.1', 0],
];

describe('version comparison', () => {
  it('handles the classic cases', () => {
    for (const [a, b, r] of known) expect(Math.sign(compareVersions(a, b)), `${a} vs ${b}`).toBe(r);
  });

  it('rejects malformed versions', () => {
    for (const v of ['', 'a:1', '1.0-', '-1', '1 0', 'x1.0', '1.0_1']) expect(() => parseVersion(v), v).toThrow();
  });

  it('agrees with dpkg --compare-versions on thousands of generated pairs', () => {
    // Deterministic PRNG so failures are reproducible.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = (s: string) => s[rnd(s.length)];
    const part = () => {
      let out = '';
      const len = 1 + rnd(4);
      for (let i = 0; i < len; i++) out += rnd(3) ? pick('0123456789') : pick('abzAZ.+~');
      return out;
    };
    const gen = (): string => {
      const epoch = rnd(5) === 0 ? `${rnd(3)}:` : '';
      let up = pick('0123456789') + part() + (rnd(2) ? part() : '');
      if (epoch && rnd(4) === 0) up += ':' + part();
      const rev = rnd(2) ? '-' + part().replace(/:/g, '') + (rnd(4) === 0 ? '-' + part() : '') : '';
      if (rev && rnd(5) === 0) up += '-' + part();
      return epoch + up + rev;
    };
    const pairs: [string, string][] = [];
    while (pairs.length < 3000) {
      const a = gen();
      // Similar pairs exercise the interesting paths (tilde, zeros, revisions).
      const b = rnd(3) === 0 ? a : rnd(2) ? gen() : a.replace(/[0-9]$/, pick('0123456789~a'));
      try {
        parseVersion(a);
        parseVersion(b);
      } catch {
        continue;
      }
      pairs.push([a, b]);
    }
    const script = 'while read a b; do if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1; elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi; done';
    const r = spawnSync('sh', ['-c', script], { input: pairs.map((p) => p.join(' ')).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(r.status).toBe(0);
    const results = r.stdout.trim().split('\n').map(Number);
    expect(results.length).toBe(pairs.length);
    const mismatches = pairs.filter((p, i) => Math.sign(compareVersions(p[0], p[1])) !== results[i]);
    expect(mismatches.slice(0, 5)).toEqual([]);
  }, 180_000);
});
