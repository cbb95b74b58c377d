// udiv128 (the 128-by-64 division behind div/idiv r/m64) against BigInt on random and edge
// operands, most of them on the Knuth algorithm D path (divisor >= 2^32, dividend >= 2^53).
import { it, expect } from 'vitest';
import { udiv128, DIV } from '../../kernel/cpu/ops/wide.js';
it('udiv128 vs BigInt', () => {
  let seed = 12345;
  const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) | 0; return seed >>> 0; };
  const edge = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000, 0xffff, 0x8000];
  const w = () => (rnd() % 3 === 0 ? edge[rnd() % edge.length] : rnd() % 4 === 0 ? rnd() >>> (rnd() % 32) : rnd());
  let checked = 0, knuth = 0;
  for (let k = 0; k < 300_000; k++) {
    const d1 = w(), d0 = w(), nh1 = w(), nh0 = w(), nl1 = w(), nl0 = w();
    const n = (BigInt(nh1) << 96n) | (BigInt(nh0) << 64n) | (BigInt(nl1) << 32n) | BigInt(nl0);
    const d = (BigInt(d1) << 32n) | BigInt(d0);
    // Make nh < d half the time.
    let N = n;
    if (d !== 0n && k % 2 === 0) N = n % (d << 64n);
    const a = Number((N >> 96n) & 0xffffffffn), b = Number((N >> 64n) & 0xffffffffn), c = Number((N >> 32n) & 0xffffffffn), e = Number(N & 0xffffffffn);
    const ok = udiv128(a, b, c, e, d1, d0);
    const expectOk = d !== 0n && (N >> 64n) < d;
    if (ok !== expectOk) throw new Error(`ok mismatch ${N} / ${d}`);
    if (!ok) continue;
    checked++;
    if (d1 !== 0 && N >= 1n << 53n) knuth++;
    const q = N / d, r = N % d;
    const gq = (BigInt(DIV[1] >>> 0) << 32n) | BigInt(DIV[0] >>> 0);
    const gr = (BigInt(DIV[3] >>> 0) << 32n) | BigInt(DIV[2] >>> 0);
    if (gq !== q || gr !== r) throw new Error(`${N} / ${d}: got ${gq} r ${gr}, want ${q} r ${r}`);
  }
  expect(checked).toBeGreaterThan(200000);
  expect(knuth).toBeGreaterThan(150000);
});
