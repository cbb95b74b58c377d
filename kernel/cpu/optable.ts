/**
 * The opcode tables the decoder reads: one row per opcode of each map (one-byte, 0F, 0F38, 0F3A),
 * describing how to decode the instruction (ModRM? which immediate? which operand size rule?) and
 * which handler executes it. Instruction families (ops/*.ts) register their rows here with `def`,
 * so each family file reads like its part of the manual and the decoder stays generic.
 */

import type { Handler } from './insn.js';

/** Immediate kinds. */
export const I_NONE = 0;
/** imm8 sign-extended to the operand size. */
export const I_B = 1;
/** imm8 zero-extended (port numbers, shift counts, shuffle selectors). */
export const I_UB = 2;
/** imm16. */
export const I_W = 3;
/** imm16 or imm32 by operand size, sign-extended to 64 bits for 64-bit operands. */
export const I_Z = 4;
/** imm16/32/64 by operand size (mov r64, imm64). */
export const I_V = 5;
/** imm16 then imm8 (enter). */
export const I_WB = 6;
/** rel8 / rel32 branch displacements: stored as the absolute target. */
export const I_REL8 = 7;
export const I_REL32 = 8;
/** moffs: an address-size absolute address (mov al, [moffs]). */
export const I_MOFFS = 9;

/** Operand-size rules. */
/** Byte operation. */
export const S_B = 1;
/** 16/32/64 by 66 and REX.W, default 32. */
export const S_V = 2;
/** 16/64 by 66, default 64 (push, pop, near branches). */
export const S_D64 = 3;
/** Always 64 (syscall-like, or ops where size is irrelevant). */
export const S_Q = 4;
/** 32, or 64 with REX.W, ignoring 66 (SSE movd/movq, crc32). */
export const S_DQ = 5;
/** Always 16. */
export const S_W = 6;

export interface OpDef {
  name: string;
  fn: Handler;
  modrm?: boolean;
  imm?: number;
  size?: number;
  /** Byte-sized ModRM.rm even though the operand size is not (movzx/movsx r, r/m8). */
  rmByte?: boolean;
  /** The register comes from the low 3 opcode bits (push r, mov r, imm; bswap). */
  opReg?: boolean;
  /** Ends a block: changes RIP or needs the kernel (syscall). */
  branch?: boolean;
  /** Only valid with a memory operand (lea) or only with a register operand. */
  memOnly?: boolean;
  regOnly?: boolean;
  /** Members selected by ModRM.reg; a member's fields override the row's. */
  group?: (Partial<OpDef> | undefined)[];
  /** SSE-style rows selected by the mandatory prefix: none, 66, F3, F2. */
  pfx?: { none?: OpDef; p66?: OpDef; f3?: OpDef; f2?: OpDef };
  /** Value copied to Insn.sub (ALU op, condition code...). */
  sub?: number;
}

export const MAP_1 = 0;
export const MAP_0F = 1;
export const MAP_0F38 = 2;
export const MAP_0F3A = 3;

export const tables: (OpDef | undefined)[][] = [
  new Array(256).fill(undefined),
  new Array(256).fill(undefined),
  new Array(256).fill(undefined),
  new Array(256).fill(undefined),
];

/** Registers a row. Registering an opcode twice is a bug in the family files. */
export function def(map: number, opcode: number, d: OpDef): void {
  const t = tables[map];
  if (t[opcode]) throw new Error(`opcode ${map}:${opcode.toString(16)} defined twice (${t[opcode]!.name}, ${d.name})`);
  t[opcode] = d;
}

/** Registers one mandatory-prefix variant of an SSE row ('none', 'p66', 'f3', 'f2'). */
export function defPfx(map: number, opcode: number, which: 'none' | 'p66' | 'f3' | 'f2', d: OpDef): void {
  const t = tables[map];
  let row = t[opcode];
  if (!row) {
    row = { name: 'sse', fn: () => {}, pfx: {} };
    t[opcode] = row;
  }
  if (!row.pfx) throw new Error(`opcode ${map}:${opcode.toString(16)} is not a prefix-selected row`);
  if (row.pfx[which]) throw new Error(`opcode ${map}:${opcode.toString(16)}/${which} defined twice`);
  row.pfx[which] = d;
}

/** Registers a row for each of 8 consecutive opcodes carrying a register (50+r, B8+r...). */
export function defRegs(map: number, first: number, d: OpDef): void {
  for (let r = 0; r < 8; r++) def(map, first + r, { ...d, opReg: true });
}
