/**
 * SSE/SSE2 data movement: movd/movq between xmm and general registers or memory, the whole-register
 * moves (movdqa/movdqu, movaps/movups, movapd/movupd, and the non-temporal stores, which are plain
 * stores here), the scalar moves movss/movsd (register form merges, load form zeroes the rest),
 * the half moves movlps/movhps/movlpd/movhpd/movhlps/movlhps, movnti, and the sign-mask
 * extractions movmskps/movmskpd.
 *
 * The aligned forms (movdqa, movaps, movapd, movnt*) raise #GP on a misaligned m128 before any
 * state changes; the unaligned forms accept any address.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F, S_DQ } from '../optable.js';
import { ea, setReg } from '../operands.js';
import { S32, src128, src64, store128, addr128 } from './sse-common.js';
import { PAGE_SIZE } from '../../mm/phys.js';

// ---- whole-register loads and stores ----

/** movdqa/movdqu/movaps/movups/movapd/movupd xmm, xmm/m128; sub = 1 for the aligned forms. */
function load128(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  if (i.rm < 0) {
    // memcpy's hot path: within one page the second half cannot fault once the first has not,
    // so load straight into the register.
    const a = addr128(c, i, i.sub === 1);
    if (a % PAGE_SIZE <= PAGE_SIZE - 16) {
      c.mem.read64(a, X, k);
      c.mem.read64(a + 8, X, k + 2);
      return;
    }
  }
  src128(c, i, i.sub === 1);
  X[k] = S32[0]; X[k + 1] = S32[1]; X[k + 2] = S32[2]; X[k + 3] = S32[3];
}

/** The store direction: xmm/m128, xmm. */
function store128Op(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.reg;
  if (i.rm >= 0) {
    const d = 4 * i.rm;
    X[d] = X[s]; X[d + 1] = X[s + 1]; X[d + 2] = X[s + 2]; X[d + 3] = X[s + 3];
    return;
  }
  store128(c, addr128(c, i, i.sub === 1), X, s);
}

// ---- scalar moves ----

/** movss xmm, xmm/m32 (F3 0F 10): a register source merges, a memory source zeroes bits 32..127. */
function movssLoad(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  if (i.rm >= 0) X[k] = X[4 * i.rm];
  else {
    const v = c.mem.read32(ea(c, i));
    X[k] = v; X[k + 1] = 0; X[k + 2] = 0; X[k + 3] = 0;
  }
}

/** movss xmm/m32, xmm (F3 0F 11). */
function movssStore(c: Cpu, i: Insn): void {
  const X = c.X32;
  if (i.rm >= 0) X[4 * i.rm] = X[4 * i.reg];
  else c.mem.write32(ea(c, i), X[4 * i.reg]);
}

/** movsd xmm, xmm/m64 (F2 0F 10): a register source merges, a memory source zeroes bits 64..127. */
function movsdLoad(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  if (i.rm >= 0) {
    X[k] = X[4 * i.rm];
    X[k + 1] = X[4 * i.rm + 1];
  } else {
    c.mem.read64(ea(c, i), S32, 0);
    X[k] = S32[0]; X[k + 1] = S32[1]; X[k + 2] = 0; X[k + 3] = 0;
  }
}

/** movsd xmm/m64, xmm (F2 0F 11), and movlps/movlpd m64, xmm (0F 13, 66 0F 13; memory only). */
function storeLow64(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.reg;
  if (i.rm >= 0) {
    X[4 * i.rm] = X[s];
    X[4 * i.rm + 1] = X[s + 1];
  } else c.mem.write64(ea(c, i), X[s], X[s + 1]);
}

/** movq xmm, xmm/m64 (F3 0F 7E): the low quadword, upper zeroed. */
function movqLoad(c: Cpu, i: Insn): void {
  src64(c, i);
  const X = c.X32, k = 4 * i.reg;
  X[k] = S32[0]; X[k + 1] = S32[1]; X[k + 2] = 0; X[k + 3] = 0;
}

/** movq xmm/m64, xmm (66 0F D6): a register destination gets its upper quadword zeroed. */
function movqStore(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.reg;
  if (i.rm >= 0) {
    const d = 4 * i.rm;
    X[d] = X[s]; X[d + 1] = X[s + 1]; X[d + 2] = 0; X[d + 3] = 0;
  } else c.mem.write64(ea(c, i), X[s], X[s + 1]);
}

// ---- movd / movq with general registers ----

/** movd xmm, r/m32 and movq xmm, r/m64 (66 0F 6E): zero-extends into the whole register. */
function movdToX(c: Cpu, i: Insn): void {
  const X = c.X32, k = 4 * i.reg;
  if (i.size === 8) {
    if (i.rm >= 0) { S32[0] = c.R[2 * i.rm]; S32[1] = c.R[2 * i.rm + 1]; }
    else c.mem.read64(ea(c, i), S32, 0);
    X[k] = S32[0]; X[k + 1] = S32[1];
  } else {
    X[k] = i.rm >= 0 ? c.R[2 * i.rm] : c.mem.read32(ea(c, i));
    X[k + 1] = 0;
  }
  X[k + 2] = 0; X[k + 3] = 0;
}

/** movd r/m32, xmm and movq r/m64, xmm (66 0F 7E). */
function movdFromX(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.reg;
  if (i.size === 8) {
    if (i.rm >= 0) { c.R[2 * i.rm] = X[s]; c.R[2 * i.rm + 1] = X[s + 1]; }
    else c.mem.write64(ea(c, i), X[s], X[s + 1]);
  } else if (i.rm >= 0) setReg(c, 4, i.rm, X[s]);
  else c.mem.write32(ea(c, i), X[s]);
}

/** movnti m32/m64, r (0F C3). */
function movnti(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  if (i.size === 8) c.mem.write64(a, c.R[2 * i.reg], c.R[2 * i.reg + 1]);
  else c.mem.write32(a, c.R[2 * i.reg]);
}

// ---- half moves ----

/** movlps/movlpd xmm, m64 (0F 12 / 66 0F 12 memory): the low quadword only. */
function movlLoad(c: Cpu, i: Insn): void {
  c.mem.read64(ea(c, i), S32, 0);
  c.X32[4 * i.reg] = S32[0];
  c.X32[4 * i.reg + 1] = S32[1];
}

/** movhps/movhpd xmm, m64 (0F 16 / 66 0F 16 memory): the high quadword only. */
function movhLoad(c: Cpu, i: Insn): void {
  c.mem.read64(ea(c, i), S32, 0);
  c.X32[4 * i.reg + 2] = S32[0];
  c.X32[4 * i.reg + 3] = S32[1];
}

/** movhps/movhpd m64, xmm (0F 17 / 66 0F 17). */
function movhStore(c: Cpu, i: Insn): void {
  c.mem.write64(ea(c, i), c.X32[4 * i.reg + 2], c.X32[4 * i.reg + 3]);
}

/** 0F 12: movhlps xmm1, xmm2 (register form: xmm1.low = xmm2.high) or movlps xmm, m64. */
function movhlpsOrLps(c: Cpu, i: Insn): void {
  if (i.rm < 0) return movlLoad(c, i);
  const X = c.X32;
  const lo = X[4 * i.rm + 2], hi = X[4 * i.rm + 3];
  X[4 * i.reg] = lo;
  X[4 * i.reg + 1] = hi;
}

/** 0F 16: movlhps xmm1, xmm2 (register form: xmm1.high = xmm2.low) or movhps xmm, m64. */
function movlhpsOrHps(c: Cpu, i: Insn): void {
  if (i.rm < 0) return movhLoad(c, i);
  const X = c.X32;
  const lo = X[4 * i.rm], hi = X[4 * i.rm + 1];
  X[4 * i.reg + 2] = lo;
  X[4 * i.reg + 3] = hi;
}

// ---- sign masks ----

/** movmskps r32, xmm (0F 50): the four float sign bits. */
function movmskps(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.rm;
  setReg(c, 4, i.reg, (X[s] >>> 31) | ((X[s + 1] >>> 31) << 1) | ((X[s + 2] >>> 31) << 2) | ((X[s + 3] >>> 31) << 3));
}

/** movmskpd r32, xmm (66 0F 50): the two double sign bits. */
function movmskpd(c: Cpu, i: Insn): void {
  const X = c.X32, s = 4 * i.rm;
  setReg(c, 4, i.reg, (X[s + 1] >>> 31) | ((X[s + 3] >>> 31) << 1));
}

const M = { modrm: true };
const A = { modrm: true, sub: 1 };
const AM = { modrm: true, sub: 1, memOnly: true };
defPfx(MAP_0F, 0x10, 'none', { name: 'movups', fn: load128, ...M });
defPfx(MAP_0F, 0x10, 'p66', { name: 'movupd', fn: load128, ...M });
defPfx(MAP_0F, 0x10, 'f3', { name: 'movss', fn: movssLoad, ...M });
defPfx(MAP_0F, 0x10, 'f2', { name: 'movsd', fn: movsdLoad, ...M });
defPfx(MAP_0F, 0x11, 'none', { name: 'movups', fn: store128Op, ...M });
defPfx(MAP_0F, 0x11, 'p66', { name: 'movupd', fn: store128Op, ...M });
defPfx(MAP_0F, 0x11, 'f3', { name: 'movss', fn: movssStore, ...M });
defPfx(MAP_0F, 0x11, 'f2', { name: 'movsd', fn: storeLow64, ...M });
defPfx(MAP_0F, 0x12, 'none', { name: 'movlps', fn: movhlpsOrLps, ...M });
defPfx(MAP_0F, 0x12, 'p66', { name: 'movlpd', fn: movlLoad, ...M, memOnly: true });
defPfx(MAP_0F, 0x13, 'none', { name: 'movlps', fn: storeLow64, ...M, memOnly: true });
defPfx(MAP_0F, 0x13, 'p66', { name: 'movlpd', fn: storeLow64, ...M, memOnly: true });
defPfx(MAP_0F, 0x16, 'none', { name: 'movhps', fn: movlhpsOrHps, ...M });
defPfx(MAP_0F, 0x16, 'p66', { name: 'movhpd', fn: movhLoad, ...M, memOnly: true });
defPfx(MAP_0F, 0x17, 'none', { name: 'movhps', fn: movhStore, ...M, memOnly: true });
defPfx(MAP_0F, 0x17, 'p66', { name: 'movhpd', fn: movhStore, ...M, memOnly: true });
defPfx(MAP_0F, 0x28, 'none', { name: 'movaps', fn: load128, ...A });
defPfx(MAP_0F, 0x28, 'p66', { name: 'movapd', fn: load128, ...A });
defPfx(MAP_0F, 0x29, 'none', { name: 'movaps', fn: store128Op, ...A });
defPfx(MAP_0F, 0x29, 'p66', { name: 'movapd', fn: store128Op, ...A });
defPfx(MAP_0F, 0x2b, 'none', { name: 'movntps', fn: store128Op, ...AM });
defPfx(MAP_0F, 0x2b, 'p66', { name: 'movntpd', fn: store128Op, ...AM });
defPfx(MAP_0F, 0x50, 'none', { name: 'movmskps', fn: movmskps, ...M, regOnly: true });
defPfx(MAP_0F, 0x50, 'p66', { name: 'movmskpd', fn: movmskpd, ...M, regOnly: true });
defPfx(MAP_0F, 0x6e, 'p66', { name: 'movd', fn: movdToX, ...M, size: S_DQ });
defPfx(MAP_0F, 0x7e, 'p66', { name: 'movd', fn: movdFromX, ...M, size: S_DQ });
defPfx(MAP_0F, 0x7e, 'f3', { name: 'movq', fn: movqLoad, ...M });
defPfx(MAP_0F, 0xd6, 'p66', { name: 'movq', fn: movqStore, ...M });
defPfx(MAP_0F, 0x6f, 'p66', { name: 'movdqa', fn: load128, ...A });
defPfx(MAP_0F, 0x6f, 'f3', { name: 'movdqu', fn: load128, ...M });
defPfx(MAP_0F, 0x7f, 'p66', { name: 'movdqa', fn: store128Op, ...A });
defPfx(MAP_0F, 0x7f, 'f3', { name: 'movdqu', fn: store128Op, ...M });
defPfx(MAP_0F, 0xe7, 'p66', { name: 'movntdq', fn: store128Op, ...AM });
defPfx(MAP_0F, 0xc3, 'none', { name: 'movnti', fn: movnti, ...M, memOnly: true, size: S_DQ });
