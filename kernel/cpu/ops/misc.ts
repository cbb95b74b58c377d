/**
 * Everything else a user-mode program meets in the integer ISA: syscall, cpuid, rdtsc, the nop
 * space, flag instructions (clc/stc/cmc/cld/std/lahf/sahf), fences and pause, and the
 * instructions that fault on purpose in user mode (ud2, hlt, int3, int n).
 */

import { Cpu, STOP_SYSCALL } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, MAP_0F, I_UB } from '../optable.js';
import { getFlags, setSomeFlags, CF, PF, AF, ZF, SF } from '../flags.js';
import { cpuid } from '../cpuid.js';
import { GuestFault, SIGILL, ILL_ILLOPN, SIGSEGV, SI_KERNEL, SIGTRAP } from '../fault.js';

/** syscall: the kernel takes over; like Linux, rcx gets the return RIP and r11 RFLAGS. */
function syscall(c: Cpu, i: Insn): void {
  c.rip = i.next;
  c.setU64(1, i.next);
  c.R[22] = getFlags(c);
  c.R[23] = 0;
  c.stop = STOP_SYSCALL;
}

function doCpuid(c: Cpu): void {
  cpuid(c.R[0] >>> 0, c.R[2] >>> 0, c.T, 8);
  const R = c.R;
  R[0] = c.T[8]; R[1] = 0;
  R[6] = c.T[9]; R[7] = 0;
  R[2] = c.T[10]; R[3] = 0;
  R[4] = c.T[11]; R[5] = 0;
}

let tscBase = 0;
/** rdtsc: a monotonic tick count (1 tick per ns of host time), EDX:EAX. */
function rdtsc(c: Cpu): void {
  const now = globalThis.performance.now() * 1e6 + tscBase++;
  const hi = Math.floor(now / 4294967296);
  c.R[0] = (now - hi * 4294967296) | 0;
  c.R[1] = 0;
  c.R[4] = hi;
  c.R[5] = 0;
}

function nop(): void {}

function ud(c: Cpu, i: Insn): void {
  throw new GuestFault(SIGILL, ILL_ILLOPN, i.addr, 'ud2');
}

/** hlt and int n are privileged: a general-protection fault, which Linux reports as SIGSEGV. */
function gp(c: Cpu, i: Insn): void {
  throw new GuestFault(SIGSEGV, SI_KERNEL, 0, i.name);
}

/** int3: a trap, so RIP points after it when the signal is delivered. */
function int3(c: Cpu, i: Insn): void {
  c.rip = i.next;
  throw new GuestFault(SIGTRAP, SI_KERNEL, 0, 'int3');
}

/** int n: vector 3 is open to user mode (as int3, a trap); the others fault (#GP). */
function intN(c: Cpu, i: Insn): void {
  if (i.imm === 3) int3(c, i);
  else gp(c, i);
}

function clc(c: Cpu): void { setSomeFlags(c, CF, 0); }
function stc(c: Cpu): void { setSomeFlags(c, CF, CF); }
function cmc(c: Cpu): void { setSomeFlags(c, CF, getFlags(c) ^ CF); }
function cld(c: Cpu): void { c.df = 0; }
function std(c: Cpu): void { c.df = 1; }
function lahf(c: Cpu): void { c.R8[1] = getFlags(c) & 0xff; }
function sahf(c: Cpu): void { setSomeFlags(c, CF | PF | AF | ZF | SF, c.R8[1]); }

def(MAP_0F, 0x05, { name: 'syscall', fn: syscall, branch: true });
def(MAP_0F, 0xa2, { name: 'cpuid', fn: doCpuid });
def(MAP_0F, 0x31, { name: 'rdtsc', fn: rdtsc });
def(MAP_0F, 0x0b, { name: 'ud2', fn: ud, branch: true });
def(MAP_1, 0xf4, { name: 'hlt', fn: gp, branch: true });
def(MAP_1, 0xcd, { name: 'int', fn: intN, imm: I_UB, branch: true });
def(MAP_1, 0xcc, { name: 'int3', fn: int3, branch: true });
// 0F 18..1F: prefetch hints and the reserved-nop space (nopw, endbr64 = F3 0F 1E FA).
for (let op = 0x18; op <= 0x1f; op++) def(MAP_0F, op, { name: 'nop', fn: nop, modrm: true });
def(MAP_1, 0xf5, { name: 'cmc', fn: cmc });
def(MAP_1, 0xf8, { name: 'clc', fn: clc });
def(MAP_1, 0xf9, { name: 'stc', fn: stc });
def(MAP_1, 0xfc, { name: 'cld', fn: cld });
def(MAP_1, 0xfd, { name: 'std', fn: std });
def(MAP_1, 0x9f, { name: 'lahf', fn: lahf });
def(MAP_1, 0x9e, { name: 'sahf', fn: sahf });
