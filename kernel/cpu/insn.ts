/**
 * A decoded instruction. The decoder fills one per instruction when it first translates a block,
 * and the interpreter then runs `fn(cpu, insn)` every time the block executes, so decoding cost is
 * paid once. Every field is initialised in the constructor so all Insn objects share one hidden
 * class and field loads in handlers stay monomorphic.
 */

import type { Cpu } from './state.js';

export type Handler = (c: Cpu, i: Insn) => void;

export class Insn {
  fn: Handler = badHandler;
  /** Address of the instruction and of the next one. */
  addr = 0;
  next = 0;
  len = 0;
  /** Opcode with its map: 0x00nn one-byte, 0x0Fnn, 0x0F38nn, 0x0F3Ann; VEX forms add VEX_OP (optable.ts). */
  op = 0;
  /** Operand size in bytes (1, 2, 4, 8). */
  size = 4;
  /** Address size in bytes (8, or 4 with the 0x67 prefix). */
  asize = 8;
  /** ModRM.reg (with REX.R), or the register encoded in the opcode. For byte operands, an index into Cpu.R8. */
  reg = 0;
  /** ModRM.rm register (with REX.B) when mod == 3, else -1 (memory operand). Byte operands: an R8 index. */
  rm = -1;
  /** Memory operand: base and index registers (-1 for none), scale factor, displacement. */
  base = -1;
  index = -1;
  scale = 1;
  /** Displacement; for RIP-relative operands the absolute address (next + disp). */
  disp = 0;
  /** Segment override: 0 none, 1 FS, 2 GS. */
  seg = 0;
  /** Immediate (sign-extended to the operand size where the encoding says so); immHi its high half. */
  imm = 0;
  immHi = 0;
  /** Second immediate (enter's imm8, extrq...). */
  imm2 = 0;
  /** The mandatory prefix that selected an SSE row (0, 0x66, 0xF3, 0xF2); for VEX forms, VEX.pp. */
  pfx = 0;
  /** Repeat prefix: 0, 0xF2 (repne) or 0xF3 (rep/repe). */
  rep = 0;
  lock = false;
  /** Any REX prefix present (selects SPL..DIL over AH..BH for byte registers). */
  rex = 0;
  /** Extra selector set by the table: ALU op, condition code, group member... */
  sub = 0;
  /** VEX.vvvv register (or -1) and VEX.L (0 for 128-bit, 1 for 256-bit). */
  vreg = -1;
  vl = 0;
  /** True when the instruction may change RIP (ends a block). */
  branch = false;
  /** Mnemonic, for diagnostics. */
  name = '';
}

function badHandler(): void {
  throw new Error('instruction handler not set');
}
