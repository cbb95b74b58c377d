/**
 * x87 control instructions: fninit, fnclex, fldcw/fnstcw, fnstsw (m16 and AX), fnstenv/fldenv
 * (the 28-byte 32-bit protected-mode image 64-bit mode uses; 14 bytes with 66), fnsave/frstor
 * (108 bytes; 94 with 66), fwait, and the 8087/287 leftovers that are no-ops on later CPUs (fneni,
 * fndisi, fnsetpm). The "no-wait" forms do not deliver pending exceptions (fldcw, fldenv and
 * frstor do); the waiting forms (fstcw = fwait; fnstcw) get that from the separate 9B fwait.
 * ES/B track "an unmasked exception flag is set" whenever FCW or FSW is loaded.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { ea } from '../operands.js';
import { def, MAP_1 } from '../optable.js';
import { xmem, xreg, checkPending } from './x87-common.js';
import { checkWrite } from './x87-ldst.js';
import { ES } from './x87-float.js';
import type { X87 } from '../x87-state.js';

function syncES(x: X87): void {
  if (x.fsw & ~x.fcw & 0x3f) x.fsw |= ES | 0x8000;
  else x.fsw &= ~(ES | 0x8000);
}

function fninit(c: Cpu): void {
  c.x87.reset();
}

function fnclex(c: Cpu): void {
  c.x87.fsw &= ~0x80ff;
}

function fldcw(c: Cpu, i: Insn): void {
  checkPending(c, i);
  const v = c.mem.read16(ea(c, i));
  const x = c.x87;
  x.fcw = (v & 0x1f3f) | 0x40;
  syncES(x);
}

function fnstcw(c: Cpu, i: Insn): void {
  c.mem.write16(ea(c, i), c.x87.fcw);
}

function fnstswM(c: Cpu, i: Insn): void {
  c.mem.write16(ea(c, i), c.x87.status());
}

function fnstswAx(c: Cpu): void {
  c.R16[0] = c.x87.status();
}

function fwait(c: Cpu, i: Insn): void {
  checkPending(c, i);
}

function nop(): void {}

/**
 * Environment image size: 28 bytes (32-bit protected-mode layout, also used with REX.W), or 14
 * with a 66 prefix (16-bit protected-mode layout: the pointers as 16-bit offsets, no FOP).
 */
function envSize(i: Insn): number {
  return i.size === 2 ? 14 : 28;
}

/** Writes the environment at a. */
function storeEnv(c: Cpu, a: number, n: number): void {
  const x = c.x87;
  const m = c.mem;
  checkWrite(c, a, n);
  if (n === 14) {
    m.write16(a, x.fcw);
    m.write16(a + 2, x.status());
    m.write16(a + 4, x.tagWord());
    m.write16(a + 6, x.fip);
    m.write16(a + 8, 0);
    m.write16(a + 10, x.fdp);
    m.write16(a + 12, 0);
    return;
  }
  m.write32(a, 0xffff0000 | x.fcw);
  m.write32(a + 4, 0xffff0000 | x.status());
  m.write32(a + 8, 0xffff0000 | x.tagWord());
  m.write32(a + 12, x.fip | 0);
  m.write32(a + 16, (x.fop & 0x7ff) << 16);
  m.write32(a + 20, x.fdp | 0);
  m.write32(a + 24, 0xffff0000);
}

/** Reads the environment at a (returns it applied only after all reads succeeded). */
function loadEnv(c: Cpu, a: number, n: number): () => void {
  const m = c.mem;
  const w = n === 14 ? 2 : 4;
  const cw = m.read16(a), sw = m.read16(a + w), tw = m.read16(a + 2 * w);
  const ip = n === 14 ? m.read16(a + 6) : m.read32(a + 12) >>> 0;
  const op = n === 14 ? 0 : (m.read32(a + 16) >>> 16) & 0x7ff;
  const dp = n === 14 ? m.read16(a + 10) : m.read32(a + 20) >>> 0;
  return () => {
    const x = c.x87;
    x.fcw = (cw & 0x1f3f) | 0x40;
    x.setStatus(sw);
    x.setTagWord(tw);
    x.fip = ip;
    x.fop = op;
    x.fdp = dp;
    syncES(x);
  };
}

function fnstenv(c: Cpu, i: Insn): void {
  storeEnv(c, ea(c, i), envSize(i));
  c.x87.fcw |= 0x3f;
  syncES(c.x87);
}

function fldenv(c: Cpu, i: Insn): void {
  checkPending(c, i);
  loadEnv(c, ea(c, i), envSize(i))();
}

function fnsave(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const n = envSize(i);
  checkWrite(c, a, n + 80);
  const img = new Uint8Array(80);
  for (let k = 0; k < 8; k++) c.x87.regBytes(k, img, 10 * k);
  storeEnv(c, a, n);
  c.mem.writeBytes(a + n, img);
  c.x87.reset();
}

function frstor(c: Cpu, i: Insn): void {
  checkPending(c, i);
  const a = ea(c, i);
  const n = envSize(i);
  const apply = loadEnv(c, a, n);
  const img = new Uint8Array(80);
  for (let k = 0; k < 80; k++) img[k] = c.mem.read8(a + n + k);
  apply();
  for (let k = 0; k < 8; k++) c.x87.setRegBytes(k, img, 10 * k);
}

xreg(0xdb, 4, 3, 'fninit', fninit);
xreg(0xdb, 4, 2, 'fnclex', fnclex);
xreg(0xdb, 4, 0, 'fneni', nop);
xreg(0xdb, 4, 1, 'fndisi', nop);
xreg(0xdb, 4, 4, 'fnsetpm', nop);
xmem(0xd9, 5, 'fldcw', fldcw);
xmem(0xd9, 7, 'fnstcw', fnstcw);
xmem(0xdd, 7, 'fnstsw m16', fnstswM);
xreg(0xdf, 4, 0, 'fnstsw ax', fnstswAx);
xmem(0xd9, 6, 'fnstenv', fnstenv);
xmem(0xd9, 4, 'fldenv', fldenv);
xmem(0xdd, 6, 'fnsave', fnsave);
xmem(0xdd, 4, 'frstor', frstor);
def(MAP_1, 0x9b, { name: 'fwait', fn: fwait });
