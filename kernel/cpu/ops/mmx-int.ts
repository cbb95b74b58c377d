/**
 * MMX integer arithmetic on MM registers (0F-map, no mandatory prefix; the 66-prefixed xmm forms
 * of the same opcodes live in sse-int.ts): logic, compares, wrapping and saturating add/subtract,
 * the multiplies (pmullw, pmulhw, pmaddwd), and the MMX forms SSE/SSE2 added (pavgb/pavgw,
 * pmaxsw/pmaxub/pminsw/pminub, pmulhuw, psadbw, pmuludq, paddq/psubq, pmovmskb, maskmovq).
 *
 * Each handler stages the operands through mmx-common.ts (destination in A, source in B), so a
 * faulting m64 read changes nothing, then writes the destination with the x87 side effects.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F } from '../optable.js';
import { setReg } from '../operands.js';
import { PROT_WRITE } from '../../mm/pagetable.js';
import { A8, A16, A32, B8, B16, B32, enter, begin2, commitA, transition } from './mmx-common.js';

type Lane = (a: number, b: number) => number;
type H = (c: Cpu, i: Insn) => void;

/** A byte-lane op: A[j] = f(A[j], B[j]) for the 8 unsigned bytes. */
function bytes(f: Lane): H {
  return (c, i) => {
    const x = begin2(c, i);
    for (let j = 0; j < 8; j++) A8[j] = f(A8[j], B8[j]);
    commitA(x, i);
  };
}

/** A word-lane op on the 4 unsigned words. */
function words(f: Lane): H {
  return (c, i) => {
    const x = begin2(c, i);
    for (let j = 0; j < 4; j++) A16[j] = f(A16[j], B16[j]);
    commitA(x, i);
  };
}

/** A dword-lane op on the 2 int32 dwords. */
function dwords(f: Lane): H {
  return (c, i) => {
    const x = begin2(c, i);
    A32[0] = f(A32[0], B32[0]);
    A32[1] = f(A32[1], B32[1]);
    commitA(x, i);
  };
}

const sb = (v: number): number => (v << 24) >> 24;
const sw = (v: number): number => (v << 16) >> 16;
const satSB = (v: number): number => (v > 127 ? 127 : v < -128 ? -128 : v) & 0xff;
const satSW = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v) & 0xffff;

function paddq(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  const s = (A32[0] >>> 0) + (B32[0] >>> 0);
  A32[0] = s | 0;
  A32[1] = (A32[1] + B32[1] + (s > 0xffffffff ? 1 : 0)) | 0;
  commitA(x, i);
}

function psubq(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  const a = A32[0] >>> 0, b = B32[0] >>> 0;
  A32[0] = (a - b) | 0;
  A32[1] = (A32[1] - B32[1] - (a < b ? 1 : 0)) | 0;
  commitA(x, i);
}

/** pmuludq mm, mm/m64 (0F F4): the low dwords, unsigned, to a 64-bit product. */
function pmuludq(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  const a = A32[0] >>> 0, b = B32[0] >>> 0;
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const mid = al * bh + ah * bl; // < 2^33
  const midLo = mid % 65536;
  const lo = al * bl + midLo * 65536; // < 2^33
  A32[0] = lo | 0;
  A32[1] = (ah * bh + (mid - midLo) / 65536 + (lo >= 4294967296 ? 1 : 0)) | 0;
  commitA(x, i);
}

/** pmaddwd mm, mm/m64 (0F F5): signed word products summed pairwise into dwords (wrapping). */
function pmaddwd(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  const r0 = sw(A16[0]) * sw(B16[0]) + sw(A16[1]) * sw(B16[1]);
  const r1 = sw(A16[2]) * sw(B16[2]) + sw(A16[3]) * sw(B16[3]);
  A32[0] = r0 | 0;
  A32[1] = r1 | 0;
  commitA(x, i);
}

/** psadbw mm, mm/m64 (0F F6): the sum of absolute byte differences in the low word. */
function psadbw(c: Cpu, i: Insn): void {
  const x = begin2(c, i);
  let s = 0;
  for (let j = 0; j < 8; j++) s += Math.abs(A8[j] - B8[j]);
  A32[0] = s;
  A32[1] = 0;
  commitA(x, i);
}

/** pmovmskb r32, mm (0F D7): the 8 byte sign bits, zero-extended into the general register. */
function pmovmskb(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const lo = x.mant[2 * (i.rm & 7)], hi = x.mant[2 * (i.rm & 7) + 1];
  let m = 0;
  for (let j = 0; j < 4; j++) m |= ((lo >>> (8 * j + 7)) & 1) << j;
  for (let j = 0; j < 4; j++) m |= ((hi >>> (8 * j + 7)) & 1) << (j + 4);
  setReg(c, 4, i.reg, m);
  transition(x);
}

/** maskmovq mm1, mm2 (0F F7): stores the bytes of mm1 whose mm2 byte is negative to [rdi] (DS:rdi/edi). */
function maskmovq(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const d = 2 * (i.reg & 7), s = 2 * (i.rm & 7);
  A32[0] = x.mant[d]; A32[1] = x.mant[d + 1];
  B32[0] = x.mant[s]; B32[1] = x.mant[s + 1];
  let a = i.asize === 8 ? c.getU64(7) : c.R[14] >>> 0;
  if (i.seg !== 0) a += i.seg === 1 ? c.fsBase : c.gsBase;
  // As the host (AMD) does: the transition happens even if the store faults, and all 8 bytes
  // are probed whatever the mask, so a fault reports the first inaccessible byte and leaves
  // memory untouched.
  transition(x);
  c.mem.pt.translate(a, PROT_WRITE);
  if ((a + 7) % 4096 < 7) c.mem.pt.translate(a + 7 - ((a + 7) % 4096), PROT_WRITE);
  for (let j = 0; j < 8; j++) if (B8[j] & 0x80) c.mem.write8(a + j, A8[j]);
}

const M = { modrm: true };
const rows: [number, string, H][] = [
  [0xdb, 'pand', dwords((a, b) => a & b)],
  [0xdf, 'pandn', dwords((a, b) => ~a & b)],
  [0xeb, 'por', dwords((a, b) => a | b)],
  [0xef, 'pxor', dwords((a, b) => a ^ b)],
  [0x74, 'pcmpeqb', bytes((a, b) => (a === b ? 0xff : 0))],
  [0x75, 'pcmpeqw', words((a, b) => (a === b ? 0xffff : 0))],
  [0x76, 'pcmpeqd', dwords((a, b) => (a === b ? -1 : 0))],
  [0x64, 'pcmpgtb', bytes((a, b) => (sb(a) > sb(b) ? 0xff : 0))],
  [0x65, 'pcmpgtw', words((a, b) => (sw(a) > sw(b) ? 0xffff : 0))],
  [0x66, 'pcmpgtd', dwords((a, b) => (a > b ? -1 : 0))],
  [0xda, 'pminub', bytes((a, b) => (a < b ? a : b))],
  [0xde, 'pmaxub', bytes((a, b) => (a > b ? a : b))],
  [0xea, 'pminsw', words((a, b) => (sw(a) < sw(b) ? a : b))],
  [0xee, 'pmaxsw', words((a, b) => (sw(a) > sw(b) ? a : b))],
  [0xfc, 'paddb', bytes((a, b) => a + b)],
  [0xfd, 'paddw', words((a, b) => a + b)],
  [0xfe, 'paddd', dwords((a, b) => (a + b) | 0)],
  [0xd4, 'paddq', paddq],
  [0xf8, 'psubb', bytes((a, b) => a - b)],
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
// Row names carry " mm" so name-keyed consumers (the block compiler's SSE templates) never take
// an MMX form for its xmm namesake.
for (const [op, name, fn] of rows) defPfx(MAP_0F, op, 'none', { name: name + ' mm', fn, ...M });
defPfx(MAP_0F, 0xd7, 'none', { name: 'pmovmskb mm', fn: pmovmskb, ...M, regOnly: true });
defPfx(MAP_0F, 0xf7, 'none', { name: 'maskmovq mm', fn: maskmovq, ...M, regOnly: true });
