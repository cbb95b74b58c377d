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
  /** VEX rows only: the row exists only with this VEX.L (0: 128-bit, 1: 256-bit), else #UD. */
  vexL?: number;
  /** VEX rows only: the row exists only with this VEX.W, else #UD. */
  vexW?: number;
  /** VEX rows only: VEX.vvvv is unused and must be 1111b (Insn.vreg 0), else #UD. */
  noV?: boolean;
  /** VEX rows only: VSIB addressing (gathers): a SIB byte is required and its index names a vector register. */
  vsib?: boolean;
  /** VEX rows only: the variant taken when VEX.W = 1 (vpsllvd/vpsllvq, vpmaskmovd/q, gathers). */
  w1?: OpDef;
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

/**
 * VEX-encoded rows (C4/C5 prefixes), one table per VEX map: vexTables[MAP_0F], [MAP_0F38],
 * [MAP_0F3A] (index MAP_1 stays empty: there is no VEX one-byte map). A VEX row is always
 * prefix-selected: VEX.pp gives the mandatory prefix (none, 66, F3, F2) exactly as a legacy
 * prefix would, so register one variant per pp with `defVex`:
 *
 *   defVex(MAP_0F38, 0xf2, 'none', { name: 'andn', fn: andn, modrm: true, size: S_DQ, vexL: 0 });
 *
 * What the decoder does for a VEX instruction (decoder.ts):
 *  - Insn.vreg = the register VEX.vvvv names (already un-inverted, 0..15), Insn.vl = VEX.L;
 *  - REX.R/X/B/W come from the VEX bits, so ModRM decoding and the size rules work unchanged
 *    (S_DQ: 4, or 8 with VEX.W; S_V: 4 or 8 with VEX.W; a 66 never means 16-bit here);
 *  - Insn.pfx = 0, 0x66, 0xF3 or 0xF2 from VEX.pp; Insn.op = VEX_OP | the legacy-style code
 *    (0x0fnn, 0x0f38nn, 0x0f3ann), so templates keyed on legacy op values never match VEX forms;
 *  - the row's vexL / vexW restrict VEX.L / VEX.W (else #UD), `noV` requires vvvv = 1111b, and a
 *    row's `w1` variant replaces it when VEX.W = 1. A 66/F2/F3/REX/lock prefix before C4/C5 is #UD.
 * Registering the same (map, opcode, pp) twice throws, as for legacy rows.
 */
export const VEX_OP = 0x10000000;
export const vexTables: (OpDef | undefined)[][] = [
  [],
  new Array(256).fill(undefined),
  new Array(256).fill(undefined),
  new Array(256).fill(undefined),
];

/** Registers one VEX.pp variant ('none', 'p66', 'f3', 'f2') of a VEX row of map 0F, 0F38 or 0F3A. */
export function defVex(map: number, opcode: number, which: 'none' | 'p66' | 'f3' | 'f2', d: OpDef): void {
  if (map === MAP_1) throw new Error('VEX has no one-byte map');
  const t = vexTables[map];
  let row = t[opcode];
  if (!row) {
    row = { name: 'vex', fn: () => {}, pfx: {} };
    t[opcode] = row;
  }
  if (row.pfx![which]) throw new Error(`VEX opcode ${map}:${opcode.toString(16)}/${which} defined twice (${row.pfx![which]!.name}, ${d.name})`);
  row.pfx![which] = d;
}

/** Registers a row for each of 8 consecutive opcodes carrying a register (50+r, B8+r...). */
export function defRegs(map: number, first: number, d: OpDef): void {
  for (let r = 0; r < 8; r++) def(map, first + r, { ...d, opReg: true });
}
