/**
 * SSE2 integer SIMD arithmetic on xmm registers (all 66-prefixed, m128 operands must be aligned):
 * logic (pand/pandn/por/pxor), compares (pcmpeq*, pcmpgt*), min/max (pminub/pmaxub,
 * pminsw/pmaxsw), wrapping and saturating add/subtract, the multiplies (pmullw, pmulhw, pmulhuw,
 * pmuludq, pmaddwd), psadbw, pavgb/pavgw, pmovmskb and maskmovdqu.
 *
 * Lanes are read from the scratch source S (see sse-common.ts) and the destination register;
 * bytes and words through unsigned views, sign-extended with shifts where the op is signed. The
 * string-routine hot set (pcmpeqb, pminub, pxor/por/pand, psubb, pmovmskb) has dedicated loops.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F } from '../optable.js';
import { setReg } from '../operands.js';
import { S8, S16, S32, src128 } from './sse-common.js';
import { PROT_WRITE } from '../../mm/pagetable.js';

type Lane = (a: number, b: number) => number;

/** A byte-lane op: dst[j] = f(dst[j], src[j]) for the 16 bytes. */
function bytes(f: Lane): (c: Cpu, i: Insn) => void {
  return (c, i) => {
    src128(c, i, true);
    const X = c.X8, k = 16 * i.reg;
    for (let j = 0; j < 16; j++) X[k + j] = f(X[k + j], S8[j]);
  };
}

/** A word-lane op on the 8 unsigned words. */
function words(f: Lane): (c: Cpu, i: Insn) => void {
  return (c, i) => {
    src128(c, i, true);
    const X = c.X16, k = 8 * i.reg;
    for (let j = 0; j < 8; j++) X[k + j] = f(X[k + j], S16[j]);
  };
}

/** A dword-lane op on the 4 int32 dwords. */
function dwords(f: Lane): (c: Cpu, i: Insn) => void {
  return (c, i) => {
    src128(c, i, true);
    const X = c.X32, k = 4 * i.reg;
    for (let j = 0; j < 4; j++) X[k + j] = f(X[k + j], S32[j]);
  };
}

const sb = (v: number): number => (v << 24) >> 24;
const sw = (v: number): number => (v << 16) >> 16;
const satSB = (v: number): number => (v > 127 ? 127 : v < -128 ? -128 : v) & 0xff;
const satSW = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v) & 0xffff;

// ---- the string-routine hot set ----

function pxor(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  X[k] ^= S32[0]; X[k + 1] ^= S32[1]; X[k + 2] ^= S32[2]; X[k + 3] ^= S32[3];
}
function por(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  X[k] |= S32[0]; X[k + 1] |= S32[1]; X[k + 2] |= S32[2]; X[k + 3] |= S32[3];
}
function pand(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  X[k] &= S32[0]; X[k + 1] &= S32[1]; X[k + 2] &= S32[2]; X[k + 3] &= S32[3];
}
function pandn(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  X[k] = ~X[k] & S32[0]; X[k + 1] = ~X[k + 1] & S32[1]; X[k + 2] = ~X[k + 2] & S32[2]; X[k + 3] = ~X[k + 3] & S32[3];
}
function pcmpeqb(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X8, k = 16 * i.reg;
  for (let j = 0; j < 16; j++) X[k + j] = X[k + j] === S8[j] ? 0xff : 0;
}
function pminub(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X8, k = 16 * i.reg;
  for (let j = 0; j < 16; j++) if (S8[j] < X[k + j]) X[k + j] = S8[j];
}
function psubb(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X8, k = 16 * i.reg;
  for (let j = 0; j < 16; j++) X[k + j] = X[k + j] - S8[j];
}

/** pmovmskb r32, xmm (66 0F D7): the 16 byte sign bits. */
function pmovmskb(c: Cpu, i: Insn): void {
  const X = c.X8, s = 16 * i.rm;
  let m = 0;
  for (let j = 15; j >= 0; j--) m = (m << 1) | (X[s + j] >> 7);
  setReg(c, 4, i.reg, m);
}

// ---- quadword add/subtract (int32 pairs with carry) ----

function paddq(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  for (let q = 0; q < 4; q += 2) {
    const s = (X[k + q] >>> 0) + (S32[q] >>> 0);
    X[k + q] = s | 0;
    X[k + q + 1] = (X[k + q + 1] + S32[q + 1] + (s > 0xffffffff ? 1 : 0)) | 0;
  }
}
function psubq(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  for (let q = 0; q < 4; q += 2) {
    const a = X[k + q] >>> 0, b = S32[q] >>> 0;
    X[k + q] = (a - b) | 0;
    X[k + q + 1] = (X[k + q + 1] - S32[q + 1] - (a < b ? 1 : 0)) | 0;
  }
}

// ---- multiplies ----

/** pmuludq (66 0F F4): dwords 0 and 2, unsigned, to full 64-bit products. */
function pmuludq(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X32, k = 4 * i.reg;
  for (let q = 0; q < 4; q += 2) {
    const a = X[k + q] >>> 0, b = S32[q] >>> 0;
    const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
    const mid = al * bh + ah * bl; // < 2^33
    const midLo = mid % 65536;
    const lo = al * bl + midLo * 65536; // < 2^33
    const carry = lo >= 4294967296 ? 1 : 0;
    X[k + q] = lo | 0; // ToInt32 takes lo mod 2^32
    X[k + q + 1] = (ah * bh + (mid - midLo) / 65536 + carry) | 0;
  }
}

/** pmaddwd (66 0F F5): signed word products summed pairwise into dwords (wrapping). */
function pmaddwd(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X16, k = 8 * i.reg;
  const X32 = c.X32, k32 = 4 * i.reg;
  for (let j = 0; j < 4; j++) {
    const v = sw(X[k + 2 * j]) * sw(S16[2 * j]) + sw(X[k + 2 * j + 1]) * sw(S16[2 * j + 1]);
    X32[k32 + j] = v | 0;
  }
}

/** psadbw (66 0F F6): per quadword, the sum of absolute byte differences in its low word. */
function psadbw(c: Cpu, i: Insn): void {
  src128(c, i, true);
  const X = c.X8, k = 16 * i.reg;
  let s0 = 0, s1 = 0;
  for (let j = 0; j < 8; j++) {
    s0 += Math.abs(X[k + j] - S8[j]);
    s1 += Math.abs(X[k + 8 + j] - S8[8 + j]);
  }
  const X32 = c.X32, q = 4 * i.reg;
  X32[q] = s0; X32[q + 1] = 0; X32[q + 2] = s1; X32[q + 3] = 0;
}

/** maskmovdqu xmm1, xmm2 (66 0F F7): stores the bytes of xmm1 whose xmm2 mask byte is negative to [rdi]. */
function maskmovdqu(c: Cpu, i: Insn): void {
  const X = c.X8, d = 16 * i.reg, m = 16 * i.rm;
  let a = i.asize === 8 ? c.getU64(7) : c.R[14] >>> 0;
  if (i.seg !== 0) a += i.seg === 1 ? c.fsBase : c.gsBase;
  // Probe every selected byte first so a fault leaves memory untouched.
  for (let j = 0; j < 16; j++) if (X[m + j] & 0x80) c.mem.pt.translate(a + j, PROT_WRITE);
  for (let j = 0; j < 16; j++) if (X[m + j] & 0x80) c.mem.write8(a + j, X[d + j]);
}

const P = 'p66';
const M = { modrm: true };
const rows: [number, string, (c: Cpu, i: Insn) => void][] = [
  [0xdb, 'pand', pand],
  [0xdf, 'pandn', pandn],
  [0xeb, 'por', por],
  [0xef, 'pxor', pxor],
  [0x74, 'pcmpeqb', pcmpeqb],
  [0x75, 'pcmpeqw', words((a, b) => (a === b ? 0xffff : 0))],
  [0x76, 'pcmpeqd', dwords((a, b) => (a === b ? -1 : 0))],
  [0x64, 'pcmpgtb', bytes((a, b) => (sb(a) > sb(b) ? 0xff : 0))],
  [0x65, 'pcmpgtw', words((a, b) => (sw(a) > sw(b) ? 0xffff : 0))],
  [0x66, 'pcmpgtd', dwords((a, b) => (a > b ? -1 : 0))],
  [0xda, 'pminub', pminub],
  [0xde, 'pmaxub', bytes((a, b) => (a > b ? a : b))],
  [0xea, 'pminsw', words((a, b) => (sw(a) < sw(b) ? a : b))],
  [0xee, 'pmaxsw', words((a, b) => (sw(a) > sw(b) ? a : b))],
  [0xfc, 'paddb', bytes((a, b) => a + b)],
  [0xfd, 'paddw', words((a, b) => a + b)],
  [0xfe, 'paddd', dwords((a, b) => (a + b) | 0)],
  [0xd4, 'paddq', paddq],
  [0xf8, 'psubb', psubb],
  [0xf9, 'psubw', words((a, b) => a - b)],
  [0xfa, 'psubd', dwords((a, b) => (a - b) | 0)],
  [0xfb, 'psubq', psubq],
  [0xdc, 'paddusb', bytes((a, b) => (a + b > 255 ? 255 : a + b))],
  [0xdd, 'paddusw', words((a, b) => (a + b > 65535 ? 65535 : a + b))],
  [0xd8, 'psubusb', bytes((a, b) => (a > b ? a - b : 0))],
  [0xd9, 'psubusw', words((a, b) => (a > b ? a - b : 0))],
  [0xec, 'paddsb', bytes((a, b) => satSB(sb(a) + sb(b)))],
  [0xed, 'paddsw', words((a, b) => satSW(sw(a) + sw(b)))],
  [0xe8, 'psubsb', bytes((a, b) => satSB(sb(a) - sb(b)))],
  [0xe9, 'psubsw', words((a, b) => satSW(sw(a) - sw(b)))],
  [0xd5, 'pmullw', words((a, b) => Math.imul(a, b))],
  [0xe5, 'pmulhw', words((a, b) => Math.imul(sw(a), sw(b)) >> 16)],
  [0xe4, 'pmulhuw', words((a, b) => Math.imul(a, b) >>> 16)],
  [0xf4, 'pmuludq', pmuludq],
  [0xf5, 'pmaddwd', pmaddwd],
  [0xf6, 'psadbw', psadbw],
  [0xe0, 'pavgb', bytes((a, b) => (a + b + 1) >> 1)],
  [0xe3, 'pavgw', words((a, b) => (a + b + 1) >> 1)],
];
for (const [op, name, fn] of rows) defPfx(MAP_0F, op, P, { name, fn, ...M });
defPfx(MAP_0F, 0xd7, P, { name: 'pmovmskb', fn: pmovmskb, ...M, regOnly: true });
defPfx(MAP_0F, 0xf7, P, { name: 'maskmovdqu', fn: maskmovdqu, ...M, regOnly: true });
