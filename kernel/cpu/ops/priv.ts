/**
 * Instructions a user-mode program may decode but not execute: port I/O, interrupt-flag and
 * far-return instructions, system-register access, descriptor-table instructions. On Linux they
 * raise a general-protection fault, which the kernel reports as SIGSEGV with si_code SI_KERNEL
 * and si_addr 0 — so that is what they do here, rather than SIGILL (an undefined opcode).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { def, MAP_1, MAP_0F, I_UB, S_B } from '../optable.js';
import { GuestFault, SIGSEGV, SI_KERNEL, SIGTRAP, SIGILL, ILL_ILLOPN } from '../fault.js';

function gp(c: Cpu, i: Insn): void {
  throw new GuestFault(SIGSEGV, SI_KERNEL, 0, 'privileged instruction ' + i.name);
}

/** int1 (icebp): a debug trap; Linux sends SIGTRAP with RIP after the instruction. */
function int1(c: Cpu, i: Insn): void {
  c.rip = i.next;
  throw new GuestFault(SIGTRAP, SI_KERNEL, 0, 'int1');
}

function ud(c: Cpu, i: Insn): void {
  throw new GuestFault(SIGILL, ILL_ILLOPN, i.addr, 'invalid in 64-bit mode: ' + i.name);
}

const row = (name: string, imm = 0, size = 0) => ({ name, fn: gp, branch: true, ...(imm ? { imm } : {}), ...(size ? { size } : {}) });

def(MAP_1, 0xe4, row('in', I_UB, S_B));
def(MAP_1, 0xe5, row('in', I_UB));
def(MAP_1, 0xe6, row('out', I_UB, S_B));
def(MAP_1, 0xe7, row('out', I_UB));
def(MAP_1, 0xec, row('in', 0, S_B));
def(MAP_1, 0xed, row('in'));
def(MAP_1, 0xee, row('out', 0, S_B));
def(MAP_1, 0xef, row('out'));
def(MAP_1, 0x6c, row('ins', 0, S_B));
def(MAP_1, 0x6d, row('ins'));
def(MAP_1, 0x6e, row('outs', 0, S_B));
def(MAP_1, 0x6f, row('outs'));
def(MAP_1, 0xfa, row('cli'));
def(MAP_1, 0xfb, row('sti'));
def(MAP_1, 0xcf, row('iret'));
def(MAP_1, 0xca, row('retf', 3 /* I_W */));
def(MAP_1, 0xcb, row('retf'));
def(MAP_1, 0xf1, { name: 'int1', fn: int1, branch: true });
def(MAP_1, 0xce, { name: 'into', fn: ud, branch: true });
def(MAP_0F, 0x06, row('clts'));
def(MAP_0F, 0x08, row('invd'));
def(MAP_0F, 0x09, row('wbinvd'));
def(MAP_0F, 0x30, row('wrmsr'));
def(MAP_0F, 0x32, row('rdmsr'));
def(MAP_0F, 0x33, row('rdpmc'));
for (let op = 0x20; op <= 0x23; op++) def(MAP_0F, op, { ...row('mov cr/dr'), modrm: true });
// Groups 6 and 7 (sldt, str, lgdt, sgdt, lidt, smsw, invlpg...): UMIP or privilege makes them #GP.
def(MAP_0F, 0x00, { ...row('grp6'), modrm: true });
/**
 * Group 7 (0F 01): descriptor-table and system instructions #GP in user mode, but monitor and
 * mwait (0F 01 C8/C9) are #UD unless CPUID reports MONITOR (we don't): SIGILL, as on Linux.
 */
function grp7(c: Cpu, i: Insn): void {
  if (i.rm >= 0 && (i.reg & 7) === 1 && (i.rm & 7) <= 1) ud(c, i);
  gp(c, i);
}
def(MAP_0F, 0x01, { name: 'grp7', fn: grp7, branch: true, modrm: true });
