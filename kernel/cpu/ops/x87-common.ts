/**
 * Shared x87 machinery: the D8..DF opcode rows and their dispatch (the x87 decodes by ModRM.reg
 * for memory forms but by the whole ModRM byte for register forms, so each family registers
 * handlers here with `xmem`/`xreg`, and the row's handler picks one on first execution and patches
 * the Insn to call it directly from then on), register-stack access, stack faults, and committing
 * an instruction's exception flags and condition codes to the status word.
 *
 * Unmasked exceptions, as measured on the hardware: the flag is set along with ES/B and the next
 * waiting x87 instruction raises SIGFPE. An unmasked IE or ZE leaves the destination (and the
 * stack pointer) alone; an unmasked DE stops the operation before it computes (only DE is
 * reported) except for loads and compares; unmasked OE/UE deliver the exponent-biased result
 * (+-24576) to registers and store nothing to memory (x87-float.ts roundTo).
 */

import type { Cpu } from '../state.js';
import type { Insn, Handler } from '../insn.js';
import { def, MAP_1 } from '../optable.js';
import { GuestFault, SIGFPE, SIGILL, ILL_ILLOPN } from '../fault.js';
import type { X87 } from '../x87-state.js';
import { F80, fx, IE, DE, ZE, OE, UE, PE, SF, ES, C1, C2, INDEFINITE } from './x87-float.js';

export { fx };

const memOps: (Handler | undefined)[] = new Array(64).fill(undefined);
const memNames: string[] = new Array(64).fill('');
const regOps: (Handler | undefined)[] = new Array(512).fill(undefined);
const regNames: string[] = new Array(512).fill('');

/** Registers the memory form opcode /reg. */
export function xmem(op: number, reg: number, name: string, fn: Handler): void {
  const k = (op - 0xd8) * 8 + reg;
  if (memOps[k]) throw new Error(`x87 ${op.toString(16)} /${reg} defined twice`);
  memOps[k] = fn;
  memNames[k] = name;
}

/** Registers register forms: opcode, ModRM.reg, and ModRM.rm (or -1 for all eight ST(i)). */
export function xreg(op: number, reg: number, rm: number, name: string, fn: Handler): void {
  for (let r = 0; r < 8; r++) {
    if (rm >= 0 && r !== rm) continue;
    const k = (op - 0xd8) * 64 + reg * 8 + r;
    if (regOps[k]) throw new Error(`x87 ${op.toString(16)} ${(0xc0 + reg * 8 + r).toString(16)} defined twice`);
    regOps[k] = fn;
    regNames[k] = name;
  }
}

function dispatch(c: Cpu, i: Insn): void {
  // Already resolved (a caller that captured this row handler before the patch, e.g. the JIT).
  if (i.fn !== dispatch) {
    i.fn(c, i);
    return;
  }
  const op = i.op - 0xd8;
  let h: Handler | undefined;
  if (i.rm >= 0) {
    const k = op * 64 + (i.reg & 7) * 8 + (i.rm & 7);
    h = regOps[k];
    i.name = regNames[k];
  } else {
    const k = op * 8 + (i.reg & 7);
    h = memOps[k];
    i.name = memNames[k];
  }
  if (h === undefined) throw new GuestFault(SIGILL, ILL_ILLOPN, i.addr, 'invalid x87 opcode');
  i.fn = h;
  h(c, i);
}

for (let op = 0xd8; op <= 0xdf; op++) def(MAP_1, op, { name: 'x87', fn: dispatch, modrm: true });

// ---- per-instruction bracketing ----

const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

/** Raises the SIGFPE of a pending unmasked exception (as Linux reports it). */
export function checkPending(c: Cpu, i: Insn): void {
  const x = c.x87;
  if ((x.fsw & ES) === 0) return;
  const err = x.fsw & ~x.fcw & 0x3f;
  if (err === 0) return;
  const code = err & IE ? FPE_FLTINV : err & ZE ? FPE_FLTDIV : err & OE ? FPE_FLTOVF : err & (DE | UE) ? FPE_FLTUND : FPE_FLTRES;
  throw new GuestFault(SIGFPE, code, i.addr, 'x87 exception');
}

/**
 * Starts a non-control x87 instruction: delivers a pending exception, records the instruction
 * (and data) pointer, and clears the flag accumulator.
 */
export function begin(c: Cpu, i: Insn, dataAddr = 0): X87 {
  const x = c.x87;
  if (x.fsw & ES) checkPending(c, i);
  x.fip = i.addr;
  x.fdp = dataAddr;
  x.fop = ((i.op & 7) << 8) | (i.rm >= 0 ? 0xc0 | ((i.reg & 7) << 3) | (i.rm & 7) : (i.reg & 7) << 3);
  fx.flags = 0;
  fx.up = 0;
  fx.mask = x.fcw & 0x3f;
  fx.deGoesOn = false;
  return x;
}

/**
 * True unless an unmasked IE/ZE/DE occurred (then the destination must stay unchanged). Loads
 * pass IE|ZE: an unmasked denormal operand does not stop them.
 */
export function ok(x: X87, which = IE | ZE | DE): boolean {
  if (fx.flags & (IE | ZE)) fx.flags &= ~DE;
  return (fx.flags & which & ~x.fcw) === 0;
}

/**
 * Ends an instruction: ORs the accumulated exception flags into FSW (sticky), replaces the
 * condition-code bits in ccMask by cc, and sets ES/B when an exception is unmasked.
 */
export function commit(x: X87, ccMask: number, cc: number): void {
  if (fx.flags & (IE | ZE)) fx.flags &= ~DE;
  // An unmasked denormal operand stops the operation before it computes anything.
  if (fx.flags & DE & ~x.fcw && !fx.deGoesOn) {
    fx.flags &= DE | SF;
    ccMask &= C1 | C2;
    cc = 0;
  }
  let s = (x.fsw & ~ccMask) | (cc & ccMask) | (fx.flags & 0x7f);
  if (s & ~x.fcw & 0x3f) s |= ES | 0x8000;
  x.fsw = s;
}

/** Commit for arithmetic: C1 is the round-up bit, or the stack-fault direction. IE/ZE suppress DE. */
export function commitArith(x: X87): void {
  if (fx.flags & (IE | ZE)) fx.flags &= ~DE;
  commit(x, C1, fx.flags & SF ? fx.up << 9 : fx.flags & PE && fx.up ? C1 : 0);
}

// ---- the register stack ----

export function phys(x: X87, i: number): number {
  return (x.top + i) & 7;
}

export function isEmpty(x: X87, i: number): boolean {
  return ((x.empty >> ((x.top + i) & 7)) & 1) === 1;
}

export function getST(x: X87, i: number): F80 {
  const r = (x.top + i) & 7;
  return { se: x.se[r], m: (BigInt(x.mant[2 * r + 1]) << 32n) | BigInt(x.mant[2 * r]) };
}

export function setST(x: X87, i: number, v: F80): void {
  const r = (x.top + i) & 7;
  x.se[r] = v.se;
  x.mant[2 * r] = Number(v.m & 0xffffffffn);
  x.mant[2 * r + 1] = Number(v.m >> 32n);
  x.empty &= ~(1 << r);
}

export function pop(x: X87): void {
  x.empty |= 1 << x.top;
  x.top = (x.top + 1) & 7;
}

/** Stack underflow (an empty register read): IE|SF with C1 = 0. */
export function underflow(): void {
  fx.flags |= IE | SF;
  fx.up = 0;
}

/** Stack overflow (push onto a full register): IE|SF with C1 = 1. */
export function overflow(): void {
  fx.flags |= IE | SF;
  fx.up = 1;
}

/**
 * Pushes v. On overflow the masked response pushes the QNaN indefinite; unmasked leaves the stack
 * alone. Returns false when nothing was pushed.
 */
export function push(x: X87, v: F80): boolean {
  const r = (x.top - 1) & 7;
  if (((x.empty >> r) & 1) === 0) {
    overflow();
    if ((x.fcw & IE) === 0) return false;
    v = INDEFINITE;
  }
  x.top = r;
  setST(x, 0, v);
  return true;
}

/** Would a push overflow? */
export function full(x: X87): boolean {
  return ((x.empty >> ((x.top - 1) & 7)) & 1) === 0;
}

/** Rounding control of FCW. */
export function rcOf(x: X87): number {
  return (x.fcw >> 10) & 3;
}

