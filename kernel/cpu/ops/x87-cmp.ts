/**
 * x87 comparisons: fcom/fcomp/fcompp (any NaN is invalid), fucom/fucomp/fucompp (only SNaNs
 * are), ficom/ficomp, fcomi/fcomip/fucomi/fucomip (result in ZF/PF/CF, OF/SF/AF cleared), ftst
 * and fxam. Condition codes: > 000, < 001, = 100, unordered 111 (C3 C2 C0), and C1 = 0.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { ea } from '../operands.js';
import { setSomeFlags, CF, PF, ZF, SF as EF_SF, OF, AF } from '../flags.js';
import { xmem, xreg, begin, commit, ok, getST, pop, isEmpty, underflow, fx } from './x87-common.js';
import {
  F80, IE, DE, C0, C1, C2, C3, kind, sign, zero, cmpNum, CMP_UN,
  K_ZERO, K_NORMAL, K_DENORMAL, K_INF, K_QNAN, K_SNAN, K_UNSUPPORTED,
} from './x87-float.js';
import { fromBin, fromInt, SINGLE, DOUBLE } from './x87-conv.js';
import { rd64 } from './x87-ldst.js';

/** Compares a with b; `unordered` selects the fucom rule (only SNaNs signal). */
export function compare(a: F80, b: F80, unordered: boolean): number {
  const ka = kind(a), kb = kind(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) {
    fx.flags |= IE;
    return CMP_UN;
  }
  const na = ka === K_QNAN || ka === K_SNAN, nb = kb === K_QNAN || kb === K_SNAN;
  if (na || nb) {
    if (!unordered || ka === K_SNAN || kb === K_SNAN) fx.flags |= IE;
    return CMP_UN;
  }
  if (ka === K_DENORMAL || kb === K_DENORMAL) fx.flags |= DE;
  return cmpNum(a, b);
}

const CC = [C0, C3, 0, C3 | C2 | C0];
const EFL = [CF, ZF, 0, ZF | PF | CF];

/** FSW compare: sets C3 C2 C0 (C1 = 0), pops `pops` times. */
function fsw(c: Cpu, res: number, pops: number): void {
  const x = c.x87;
  // Compares always set the condition codes; an unmasked invalid or denormal only stops the pops.
  fx.deGoesOn = true;
  if (ok(x)) for (let k = 0; k < pops; k++) pop(x);
  commit(x, C0 | C1 | C2 | C3, CC[res]);
}

type Reader = (c: Cpu, a: number) => F80;
const M32: Reader = (c, a) => fromBin(BigInt(c.mem.read32(a) >>> 0), SINGLE, true);
const M64: Reader = (c, a) => fromBin(rd64(c, a), DOUBLE, true);
const I16: Reader = (c, a) => fromInt(BigInt((c.mem.read16(a) << 16) >> 16));
const I32: Reader = (c, a) => fromInt(BigInt(c.mem.read32(a)));

function fcomMem(rd: Reader, pops: number) {
  return (c: Cpu, i: Insn): void => {
    const a = ea(c, i);
    fx.flags = 0;
    const b = rd(c, a);
    const fl = fx.flags;
    const x = begin(c, i, a);
    fx.flags = fl;
    let res: number;
    if (isEmpty(x, 0)) { fx.flags = 0; underflow(); res = CMP_UN; }
    else res = compare(getST(x, 0), b, false);
    fsw(c, res, pops);
  };
}

function fcomReg(unord: boolean, pops: number, fixed = -1) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    const k = fixed >= 0 ? fixed : i.rm & 7;
    let res: number;
    if (isEmpty(x, 0) || isEmpty(x, k)) { underflow(); res = CMP_UN; }
    else res = compare(getST(x, 0), getST(x, k), unord);
    fsw(c, res, pops);
  };
}

function fcomi(unord: boolean, doPop: boolean) {
  return (c: Cpu, i: Insn): void => {
    const x = begin(c, i);
    const k = i.rm & 7;
    let res: number;
    if (isEmpty(x, 0) || isEmpty(x, k)) { underflow(); res = CMP_UN; }
    else res = compare(getST(x, 0), getST(x, k), unord);
    fx.deGoesOn = true;
    setSomeFlags(c, ZF | PF | CF | OF | EF_SF | AF, EFL[res]);
    if (doPop && ok(x)) pop(x);
    // C1 changes only on a stack fault.
    commit(x, fx.flags & 0x40 ? C1 : 0, 0);
  };
}

function ftst(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  let res: number;
  if (isEmpty(x, 0)) { underflow(); res = CMP_UN; }
  else res = compare(getST(x, 0), zero(0), false);
  fsw(c, res, 0);
}

function fxam(c: Cpu, i: Insn): void {
  const x = begin(c, i);
  const v = getST(x, 0);
  let cls: number;
  if (isEmpty(x, 0)) cls = C3 | C0;
  else {
    switch (kind(v)) {
      case K_UNSUPPORTED: cls = 0; break;
      case K_QNAN: case K_SNAN: cls = C0; break;
      case K_NORMAL: cls = C2; break;
      case K_INF: cls = C2 | C0; break;
      case K_ZERO: cls = C3; break;
      default: cls = C3 | C2; break;
    }
  }
  commit(x, C0 | C1 | C2 | C3, cls | (sign(v) ? C1 : 0));
}

for (const [op, rd] of [[0xd8, M32], [0xdc, M64], [0xda, I32], [0xde, I16]] as [number, Reader][]) {
  const n = op === 0xd8 ? 'm32' : op === 0xdc ? 'm64' : op === 0xda ? 'm32int' : 'm16int';
  const f = op === 0xd8 || op === 0xdc ? 'fcom' : 'ficom';
  xmem(op, 2, `${f} ${n}`, fcomMem(rd, 0));
  xmem(op, 3, `${f}p ${n}`, fcomMem(rd, 1));
}
xreg(0xd8, 2, -1, 'fcom st(i)', fcomReg(false, 0));
xreg(0xd8, 3, -1, 'fcomp st(i)', fcomReg(false, 1));
xreg(0xdc, 2, -1, 'fcom2 st(i)', fcomReg(false, 0));
xreg(0xdc, 3, -1, 'fcomp3 st(i)', fcomReg(false, 1));
xreg(0xde, 2, -1, 'fcomp5 st(i)', fcomReg(false, 1));
xreg(0xde, 3, 1, 'fcompp', fcomReg(false, 2, 1));
xreg(0xdd, 4, -1, 'fucom st(i)', fcomReg(true, 0));
xreg(0xdd, 5, -1, 'fucomp st(i)', fcomReg(true, 1));
xreg(0xda, 5, 1, 'fucompp', fcomReg(true, 2, 1));
xreg(0xdb, 6, -1, 'fcomi', fcomi(false, false));
xreg(0xdf, 6, -1, 'fcomip', fcomi(false, true));
xreg(0xdb, 5, -1, 'fucomi', fcomi(true, false));
xreg(0xdf, 5, -1, 'fucomip', fcomi(true, true));
xreg(0xd9, 4, 4, 'ftst', ftst);
xreg(0xd9, 4, 5, 'fxam', fxam);

