// Targeted SSE cases at the underflow/overflow boundaries (tininess after rounding, results that
// round up to the smallest normal or past the largest finite) in every rounding mode, with and
// without FZ/DAZ: register forms of mulsd/divsd/addsd/mulss/divss/cvtsd2ss, host vs emulator.
import { describe, expect, it } from 'vitest';
import { Rng, randomMemory, randomState } from './gen.js';
import { REC_SIZE, State, encodeInput, decodeOutput } from './record.js';
import { runNative } from './native.js';
import { Emu } from './emu.js';

const F64 = new Float64Array(1), U32 = new Uint32Array(F64.buffer);
const F32 = new Float32Array(1), V32 = new Uint32Array(F32.buffer);

function setD(st: State, n: number, v: number): void {
  F64[0] = v;
  new DataView(st.xmm.buffer).setUint32(16 * n, U32[0], true);
  new DataView(st.xmm.buffer).setUint32(16 * n + 4, U32[1], true);
}
function setF(st: State, n: number, v: number): void {
  F32[0] = v;
  new DataView(st.xmm.buffer).setUint32(16 * n, V32[0], true);
}

describe('SSE boundary cases (host CPU vs emulator)', () => {
  it('match at the tininess and overflow boundaries in all rounding modes', () => {
    const r = new Rng(0xb0b);
    const base = randomMemory(r);
    const cases: { code: number[]; st: State; what: string }[] = [];
    const ulp = (k: number) => 1 + k * 2 ** -52;
    const ulp32 = (k: number) => 1 + k * 2 ** -23;
    for (const mx of [0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0, 0xdf80]) {
      for (let k = -4; k <= 4; k++) {
        for (const s of [1, -1]) {
          // Products/quotients around 2^-1022 and DBL_MAX.
          const pairs64: [string, number[], number, number][] = [
            ['mulsd', [0xf2, 0x0f, 0x59, 0xc1], s * ulp(k) * 2 ** -511, (2 - 2 ** -52) * 2 ** -512],
            ['mulsd', [0xf2, 0x0f, 0x59, 0xc1], s * 2 ** -1022 * ulp(k), 1 - 2 ** -53],
            ['mulsd', [0xf2, 0x0f, 0x59, 0xc1], s * 2 ** -1030 * ulp(k), 1.5 * ulp(-k)],
            ['divsd', [0xf2, 0x0f, 0x5e, 0xc1], s * 2 ** -1022 * ulp(k), 1 + 2 ** -52],
            ['divsd', [0xf2, 0x0f, 0x5e, 0xc1], s * Number.MAX_VALUE * ulp(-Math.abs(k)), 1 - 2 ** -53],
            ['mulsd', [0xf2, 0x0f, 0x59, 0xc1], s * Number.MAX_VALUE, ulp(k)],
            ['addsd', [0xf2, 0x0f, 0x58, 0xc1], s * Number.MAX_VALUE, s * 2 ** 970 * ulp(k)],
            ['sqrtsd', [0xf2, 0x0f, 0x51, 0xc1], 0, 2 ** -1074 * (3 + k + 4)],
          ];
          for (const [what, code, a, b] of pairs64) {
            const st = randomState(r, base);
            st.mxcsr = mx;
            setD(st, 0, a);
            setD(st, 1, b);
            cases.push({ code, st, what });
          }
          const pairs32: [string, number[], number, number][] = [
            ['mulss', [0xf3, 0x0f, 0x59, 0xc1], s * ulp32(k) * 2 ** -63, (2 - 2 ** -23) * 2 ** -64],
            ['divss', [0xf3, 0x0f, 0x5e, 0xc1], s * 2 ** -126 * ulp32(k), 1 + 2 ** -23],
            ['mulss', [0xf3, 0x0f, 0x59, 0xc1], s * 3.4028234663852886e38, ulp32(k)],
          ];
          for (const [what, code, a, b] of pairs32) {
            const st = randomState(r, base);
            st.mxcsr = mx;
            setF(st, 0, a);
            setF(st, 1, b);
            cases.push({ code, st, what });
          }
          for (const v of [s * 2 ** -126 * (1 - 2 ** -25 * (k + 5)), s * 3.4028235677973366e38 * ulp(k), s * 2 ** -149 * (0.5 + k / 8)]) {
            const st = randomState(r, base);
            st.mxcsr = mx;
            setD(st, 1, v);
            cases.push({ code: [0xf2, 0x0f, 0x5a, 0xc1], st, what: 'cvtsd2ss' });
          }
        }
      }
    }
    const input = Buffer.alloc(cases.length * REC_SIZE);
    cases.forEach((c, k) => encodeInput(input, k * REC_SIZE, c.code, c.st));
    const nat = runNative(input);
    const emu = new Emu().runAll(input);
    const bad: string[] = [];
    cases.forEach((c, k) => {
      const n = decodeOutput(nat, k * REC_SIZE), e = decodeOutput(emu, k * REC_SIZE);
      if (n.mxcsr !== e.mxcsr || Buffer.compare(n.xmm, e.xmm) !== 0) {
        const x = (b: Uint8Array) => Buffer.from(b.subarray(0, 8)).reverse().toString('hex');
        bad.push(`${c.what} mxcsr ${c.st.mxcsr.toString(16)} in ${x(c.st.xmm)} / ${Buffer.from(c.st.xmm.subarray(16, 24)).reverse().toString('hex')}: native ${x(n.xmm)} ${n.mxcsr.toString(16)} emu ${x(e.xmm)} ${e.mxcsr.toString(16)}`);
      }
    });
    console.log(`SSE boundary: ${cases.length} cases, ${bad.length} mismatches`);
    expect(bad.slice(0, 30).join('\n')).toBe('');
  });
});
