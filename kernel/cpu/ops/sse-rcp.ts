/**
 * rcpps/rcpss/rsqrtps/rsqrtss (0F 53, F3 0F 53, 0F 52, F3 0F 52): the approximate reciprocal and
 * reciprocal square root. The architecture only bounds their error (|relative error| <=
 * 1.5 * 2^-12) and each CPU family has its own estimate table, so no value is "the" answer: we
 * return the correctly rounded float, which is within that bound, and follow the manual's special
 * cases exactly (zero and denormal inputs give infinities, tiny reciprocals flush to zero,
 * negative square-root inputs give the default NaN, no MXCSR flags are ever raised).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F } from '../optable.js';
import { src128, src32, S32, BF32, BJ32 } from './sse-common.js';

const QNAN_INDEFINITE = 0xffc00000 | 0;

/** The reciprocal estimate of the float32 with bits b. */
export function rcpBits(b: number): number {
  const exp = (b >>> 23) & 0xff, man = b & 0x7fffff, sign = b & 0x80000000;
  if (exp === 0xff) return man ? b | 0x400000 : sign; // NaN is quieted; 1/inf = 0
  if (exp === 0) return sign | 0x7f800000; // zero and denormals (treated as zero): infinity
  BJ32[0] = b;
  BF32[0] = 1 / BF32[0];
  const r = BJ32[0];
  return ((r >>> 23) & 0xff) === 0 ? sign : r; // tiny results are flushed to zero
}

/** The reciprocal square-root estimate of the float32 with bits b. */
export function rsqrtBits(b: number): number {
  const exp = (b >>> 23) & 0xff, man = b & 0x7fffff, sign = b & 0x80000000;
  if (exp === 0xff) {
    if (man) return b | 0x400000;
    return sign ? QNAN_INDEFINITE : 0;
  }
  if (exp === 0) return sign | 0x7f800000; // +-0 and denormals: +-infinity
  if (sign) return QNAN_INDEFINITE;
  BJ32[0] = b;
  BF32[0] = 1 / Math.sqrt(BF32[0]);
  return BJ32[0];
}

function packed(f: (b: number) => number) {
  return (c: Cpu, i: Insn): void => {
    src128(c, i, true);
    const X = c.X32, k = 4 * i.reg;
    for (let j = 0; j < 4; j++) X[k + j] = f(S32[j]);
  };
}

function scalar(f: (b: number) => number) {
  return (c: Cpu, i: Insn): void => {
    src32(c, i);
    c.X32[4 * i.reg] = f(S32[0]);
  };
}

defPfx(MAP_0F, 0x53, 'none', { name: 'rcpps', fn: packed(rcpBits), modrm: true });
defPfx(MAP_0F, 0x53, 'f3', { name: 'rcpss', fn: scalar(rcpBits), modrm: true });
defPfx(MAP_0F, 0x52, 'none', { name: 'rsqrtps', fn: packed(rsqrtBits), modrm: true });
defPfx(MAP_0F, 0x52, 'f3', { name: 'rsqrtss', fn: scalar(rsqrtBits), modrm: true });
