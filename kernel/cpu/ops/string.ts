/**
 * String instructions: movs, stos, lods, cmps, scas (A4-A7, AA-AF) with rep/repe/repne, and xlat
 * (D7). rSI/rDI/rCX are used at the address size (64, or 32 with 0x67), stepping by the operand
 * size forward or, with DF set, backward. A segment override applies to the rSI operand only.
 *
 * A rep instruction that faults part-way leaves rCX/rSI/rDI describing the elements done, as the
 * CPU does, so the kernel can deliver the signal and the guest can resume. Progress is counted in a
 * plain integer and applied to the register pairs exactly at the end (or on the fault).
 *
 * rep movs and rep stos going forward (memcpy, memset) run page-sized chunks straight on physical
 * memory; a chunk never crosses a page of either operand, so a fault stops at a page boundary with
 * the registers pointing at the first element not done.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, S_B } from '../optable.js';
import { alu, alu64, CMP } from './alu.js';
import { PROT_READ, PROT_WRITE } from '../../mm/pagetable.js';
import { PAGE_SIZE } from '../../mm/phys.js';

const RCX = 1, RSI = 6, RDI = 7;
const TWO32 = 4294967296;

/** Elements completed by the running rep instruction (read by the final register update). */
let done = 0;

/** Register n as an address (or count) at the address size. */
function reg(c: Cpu, n: number, asize: number): number {
  return asize === 8 ? c.R[2 * n + 1] * TWO32 + (c.R[2 * n] >>> 0) : c.R[2 * n] >>> 0;
}

/** Adds delta to register n at the address size, exactly (no rounding for values above 2^53). */
function advance(c: Cpu, n: number, asize: number, delta: number): void {
  const R = c.R;
  if (asize === 4) {
    R[2 * n] = (R[2 * n] + delta) | 0;
    R[2 * n + 1] = 0;
    return;
  }
  const s = (R[2 * n] >>> 0) + delta;
  const carry = Math.floor(s / TWO32);
  R[2 * n] = (s - carry * TWO32) | 0;
  R[2 * n + 1] = (R[2 * n + 1] + carry) | 0;
}

/** The address of element k of the operand starting at base. */
function at(asize: number, base: number, k: number): number {
  return asize === 8 ? base + k : (base + k) >>> 0;
}

function segBase(c: Cpu, i: Insn): number {
  return i.seg === 0 ? 0 : i.seg === 1 ? c.fsBase : c.gsBase;
}

/** Loads an element (size 8 into T[k], T[k+1]; returns the low half). */
function load(c: Cpu, size: number, a: number, k: number): number {
  switch (size) {
    case 1: return c.mem.read8(a);
    case 2: return c.mem.read16(a);
    case 4: return c.mem.read32(a);
    default:
      c.mem.read64(a, c.T, k);
      return c.T[k];
  }
}

function store(c: Cpu, size: number, a: number, lo: number, hi: number): void {
  switch (size) {
    case 1: c.mem.write8(a, lo); break;
    case 2: c.mem.write16(a, lo); break;
    case 4: c.mem.write32(a, lo); break;
    default: c.mem.write64(a, lo, hi);
  }
}

/** Applies `done` elements of progress to rCX (if repeating) and the index registers. */
function finish(c: Cpu, i: Insn, si: boolean, di: boolean): void {
  if (done === 0) return;
  const step = (c.df ? -i.size : i.size) * done;
  if (i.rep !== 0) advance(c, RCX, i.asize, -done);
  if (si) advance(c, RSI, i.asize, step);
  if (di) advance(c, RDI, i.asize, step);
}

/** Bytes from a to the end of its page. */
function toPageEnd(a: number): number {
  return PAGE_SIZE - (a - Math.floor(a / PAGE_SIZE) * PAGE_SIZE);
}

/** movs (A4, A5): [rDI] = [seg:rSI]. */
function movs(c: Cpu, i: Insn): void {
  const size = i.size, as = i.asize;
  const step = c.df ? -size : size;
  const seg = segBase(c, i);
  const si = reg(c, RSI, as), di = reg(c, RDI, as);
  const n = i.rep === 0 ? 1 : reg(c, RCX, as);
  done = 0;
  try {
    if (step > 0 && as === 8 && n > 1) {
      // Forward with 64-bit addresses: page-sized chunks on physical memory.
      const pt = c.mem.pt, u8 = c.mem.u8;
      while (done < n) {
        const s = seg + si + done * size, d = di + done * size;
        let k = Math.min(n - done, Math.floor(toPageEnd(s) / size), Math.floor(toPageEnd(d) / size));
        if (k > 0) {
          // The source faults first, as the CPU reads before it writes; but the destination's
          // translation may copy a copy-on-write page that holds the source too, so the source
          // is translated again afterwards.
          pt.translate(s, PROT_READ);
          const pd = pt.translate(d, PROT_WRITE), ps = pt.translate(s, PROT_READ);
          // A destination just above the source replicates bytes: copy no further than the gap.
          if (pd > ps && pd - ps < k * size) k = Math.floor((pd - ps) / size);
          if (k > 0) {
            u8.copyWithin(pd, ps, ps + k * size);
            done += k;
            continue;
          }
        }
        const lo = load(c, size, s, 0);
        store(c, size, d, lo, c.T[1]);
        done++;
      }
      return;
    }
    while (done < n) {
      const off = done * step;
      const lo = load(c, size, seg + at(as, si, off), 0);
      store(c, size, at(as, di, off), lo, c.T[1]);
      done++;
    }
  } finally {
    finish(c, i, true, true);
  }
}

/** stos (AA, AB): [rDI] = rAX. */
function stos(c: Cpu, i: Insn): void {
  const size = i.size, as = i.asize;
  const step = c.df ? -size : size;
  const di = reg(c, RDI, as);
  const n = i.rep === 0 ? 1 : reg(c, RCX, as);
  const R = c.R;
  const lo = size === 1 ? c.R8[0] : size === 2 ? c.R16[0] : R[0], hi = R[1];
  done = 0;
  try {
    if (step > 0 && as === 8 && n > 1) {
      const pt = c.mem.pt, u8 = c.mem.u8;
      while (done < n) {
        const d = di + done * size;
        const k = Math.min(n - done, Math.floor(toPageEnd(d) / size));
        if (k > 0) {
          const pd = pt.translate(d, PROT_WRITE);
          if (size === 1) u8.fill(lo, pd, pd + k);
          else {
            // Write one element, then double the filled run.
            store(c, size, d, lo, hi);
            let filled = size;
            const total = k * size;
            while (filled < total) {
              const m = Math.min(filled, total - filled);
              u8.copyWithin(pd + filled, pd, pd + m);
              filled += m;
            }
          }
          done += k;
          continue;
        }
        store(c, size, d, lo, hi);
        done++;
      }
      return;
    }
    while (done < n) {
      store(c, size, at(as, di, done * step), lo, hi);
      done++;
    }
  } finally {
    finish(c, i, false, true);
  }
}

/** lods (AC, AD): rAX = [seg:rSI]. */
function lods(c: Cpu, i: Insn): void {
  const size = i.size, as = i.asize;
  const step = c.df ? -size : size;
  const seg = segBase(c, i);
  const si = reg(c, RSI, as);
  const n = i.rep === 0 ? 1 : reg(c, RCX, as);
  done = 0;
  try {
    while (done < n) {
      const a = seg + at(as, si, done * step);
      const v = load(c, size, a, 0);
      if (size === 1) c.R8[0] = v;
      else if (size === 2) c.R16[0] = v;
      else {
        c.R[0] = v;
        c.R[1] = size === 8 ? c.T[1] : 0;
      }
      done++;
    }
  } finally {
    finish(c, i, true, false);
  }
}

/**
 * cmps (A6, A7: [seg:rSI] - [rDI]) and scas (AE, AF: rAX - [rDI]); repe (F3) continues while
 * equal, repne (F2) while different. Flags come from the last comparison made.
 */
function cmpsScas(c: Cpu, i: Insn): void {
  const size = i.size, as = i.asize;
  const step = c.df ? -size : size;
  const scas = i.sub === 1;
  const seg = segBase(c, i);
  const si = reg(c, RSI, as), di = reg(c, RDI, as);
  const n = i.rep === 0 ? 1 : reg(c, RCX, as);
  const whileEq = i.rep === 0xf3;
  const R = c.R, T = c.T;
  // The last completed comparison (its flags stand even when a later element faults).
  let aLo = 0, aHi = 0, bLo = 0, bHi = 0;
  const accLo = size === 1 ? c.R8[0] : size === 2 ? c.R16[0] : R[0], accHi = R[1];
  done = 0;
  try {
    while (done < n) {
      const off = done * step;
      let xLo = accLo, xHi = accHi;
      if (!scas) {
        xLo = load(c, size, seg + at(as, si, off), 0);
        xHi = T[1];
      }
      bLo = load(c, size, at(as, di, off), 2);
      bHi = T[3];
      aLo = xLo;
      aHi = xHi;
      done++;
      const eq = aLo === bLo && (size !== 8 || aHi === bHi);
      if (eq !== whileEq) break;
    }
  } finally {
    finish(c, i, !scas, true);
    if (done !== 0) {
      if (size === 8) alu64(c, CMP, aLo, aHi, bLo, bHi);
      else alu(c, CMP, size, aLo, bLo);
    }
  }
}

/** xlat (D7): AL = [seg:rBX + AL]. */
function xlat(c: Cpu, i: Insn): void {
  const base = i.asize === 8 ? c.R[7] * TWO32 + (c.R[6] >>> 0) + c.R8[0] : (c.R[6] + c.R8[0]) >>> 0;
  c.R8[0] = c.mem.read8(base + segBase(c, i));
}

def(MAP_1, 0xa4, { name: 'movs', fn: movs, size: S_B });
def(MAP_1, 0xa5, { name: 'movs', fn: movs });
def(MAP_1, 0xaa, { name: 'stos', fn: stos, size: S_B });
def(MAP_1, 0xab, { name: 'stos', fn: stos });
def(MAP_1, 0xac, { name: 'lods', fn: lods, size: S_B });
def(MAP_1, 0xad, { name: 'lods', fn: lods });
def(MAP_1, 0xa6, { name: 'cmps', fn: cmpsScas, size: S_B, sub: 0 });
def(MAP_1, 0xa7, { name: 'cmps', fn: cmpsScas, sub: 0 });
def(MAP_1, 0xae, { name: 'scas', fn: cmpsScas, size: S_B, sub: 1 });
def(MAP_1, 0xaf, { name: 'scas', fn: cmpsScas, sub: 1 });
def(MAP_1, 0xd7, { name: 'xlat', fn: xlat, size: S_B });
