/**
 * The VEX forms of the SSE..SSE4.2 instructions, derived from their legacy rows: for each legacy
 * (map, opcode, prefix) listed here, the VEX row runs the same handler through avx-common.ts's
 * vexOf (three-operand NDS copy, unaligned memory, VEX.128 upper zeroing, both lanes for VEX.256).
 * A listed legacy row that is not registered (yet) simply gets no VEX form, so this file must be
 * loaded after every SSE family (ops/index.ts). Moves, blends with a register mask, and the forms
 * whose 256-bit version crosses lanes or changes width are written out in avx-mov.ts / avx.ts.
 *
 * Row syntax: [opcode, prefix, kind, msize, l] with l = 0 (VEX.128 only), 1 (VEX.128 and .256,
 * lane by lane), 2 (scalar: VEX.L ignored), plus optional vexOf flags.
 */

import type { OpDef } from '../optable.js';
import { tables, defVex, MAP_0F, MAP_0F38, MAP_0F3A } from '../optable.js';
import {
  vexOf, K_NDS, K_SRC, K_CNT, K_NDD, K_GPR, K_RAW, K_RAW1, V_NOZERO, V_IMMHI4, V_IMMHI2, V_IMMHI3, V_LIG, V_WIDEN, V_NARROW, V_ZERO0,
} from './avx-common.js';

type P = 'none' | 'p66' | 'f3' | 'f2';
type Row = [number, P, number, number, number, number?];

const N: P = 'none', P6: P = 'p66', F3: P = 'f3', F2: P = 'f2';

/** The VEX row for legacy row (map, op, p), or undefined when the legacy row does not exist. */
export function vexRow(map: number, op: number, p: P, kind: number, msize: number, l: number, flags = 0): OpDef | undefined {
  const legacy = tables[map][op]?.pfx?.[p];
  if (!legacy) return undefined;
  const fl = flags | (l === 2 ? V_LIG : 0);
  const noV = kind === K_SRC || kind === K_GPR || kind === K_RAW1;
  const d: OpDef = {
    ...legacy,
    name: 'v' + legacy.name,
    fn: vexOf(legacy.fn, kind, msize, fl),
    vexL: l === 0 ? 0 : undefined,
    noV,
  };
  if (legacy.group) {
    d.group = legacy.group.map((g) => (g && g.fn ? { ...g, name: 'v' + g.name, fn: vexOf(g.fn, kind, msize, fl) } : undefined));
  }
  // VEX forms have no alignment rule, so the legacy memory-only/register-only rules are all that is kept.
  return d;
}

function reg(map: number, rows: Row[]): void {
  for (const [op, p, kind, msize, l, flags] of rows) {
    const d = vexRow(map, op, p, kind, msize, l, flags ?? 0);
    if (d) defVex(map, op, p, d);
  }
}

const NDS = K_NDS, SRC = K_SRC;

// ---- map 0F ----
const r0f: Row[] = [
  [0x14, N, NDS, 16, 1], [0x14, P6, NDS, 16, 1], [0x15, N, NDS, 16, 1], [0x15, P6, NDS, 16, 1],
  [0x2a, F3, K_RAW, 4, 2], [0x2a, F2, K_RAW, 4, 2],
  [0x2c, F3, K_GPR, 4, 2], [0x2c, F2, K_GPR, 8, 2], [0x2d, F3, K_GPR, 4, 2], [0x2d, F2, K_GPR, 8, 2],
  [0x2e, N, K_GPR, 4, 2], [0x2e, P6, K_GPR, 8, 2], [0x2f, N, K_GPR, 4, 2], [0x2f, P6, K_GPR, 8, 2],
  [0x51, N, SRC, 16, 1], [0x51, P6, SRC, 16, 1], [0x51, F3, NDS, 4, 2], [0x51, F2, NDS, 8, 2],
  [0x52, N, SRC, 16, 1], [0x52, F3, NDS, 4, 2], [0x53, N, SRC, 16, 1], [0x53, F3, NDS, 4, 2],
  [0x5a, F3, NDS, 4, 2], [0x5a, F2, NDS, 8, 2],
  [0x5a, N, SRC, 8, 1, V_WIDEN], [0x5a, P6, SRC, 16, 1, V_NARROW],
  [0xe6, F3, SRC, 8, 1, V_WIDEN], [0xe6, P6, SRC, 16, 1, V_NARROW], [0xe6, F2, SRC, 16, 1, V_NARROW],
  [0x5b, N, SRC, 16, 1], [0x5b, P6, SRC, 16, 1], [0x5b, F3, SRC, 16, 1],
  [0xc6, N, NDS, 16, 1], [0xc6, P6, NDS, 16, 1, V_IMMHI2],
  [0xc2, N, NDS, 16, 1], [0xc2, P6, NDS, 16, 1], [0xc2, F3, NDS, 4, 2], [0xc2, F2, NDS, 8, 2],
  [0x70, P6, SRC, 16, 1], [0x70, F3, SRC, 16, 1], [0x70, F2, SRC, 16, 1],
  [0x71, P6, K_NDD, 16, 1], [0x72, P6, K_NDD, 16, 1], [0x73, P6, K_NDD, 16, 1],
  [0x7e, F3, SRC, 8, 0],
  [0xc4, P6, K_RAW, 2, 0], [0xc5, P6, K_GPR, 16, 0],
  [0xf7, P6, K_RAW1, 16, 0, V_NOZERO],
  // SSE3
  [0x7c, P6, NDS, 16, 1], [0x7c, F2, NDS, 16, 1], [0x7d, P6, NDS, 16, 1], [0x7d, F2, NDS, 16, 1],
  [0xd0, P6, NDS, 16, 1], [0xd0, F2, NDS, 16, 1],
];
for (const op of [0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f]) {
  r0f.push([op, N, NDS, 16, 1], [op, P6, NDS, 16, 1]);
}
for (const op of [0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f]) r0f.push([op, F3, NDS, 4, 2], [op, F2, NDS, 8, 2]);
for (let op = 0x60; op <= 0x6d; op++) r0f.push([op, P6, NDS, 16, 1]);
for (const op of [0x74, 0x75, 0x76, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe3, 0xe4, 0xe5,
  0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe]) {
  r0f.push([op, P6, NDS, 16, 1]);
}
for (const op of [0xd1, 0xd2, 0xd3, 0xe1, 0xe2, 0xf1, 0xf2, 0xf3]) r0f.push([op, P6, K_CNT, 16, 1]);
reg(MAP_0F, r0f);

// ---- map 0F38 (SSSE3, SSE4.1, SSE4.2) ----
const r38: Row[] = [
  [0x1c, P6, SRC, 16, 1], [0x1d, P6, SRC, 16, 1], [0x1e, P6, SRC, 16, 1],
  [0x41, P6, SRC, 16, 0],
  [0x20, P6, SRC, 8, 1, V_WIDEN], [0x21, P6, SRC, 4, 1, V_WIDEN], [0x22, P6, SRC, 2, 1, V_WIDEN],
  [0x23, P6, SRC, 8, 1, V_WIDEN], [0x24, P6, SRC, 4, 1, V_WIDEN], [0x25, P6, SRC, 8, 1, V_WIDEN],
  [0x30, P6, SRC, 8, 1, V_WIDEN], [0x31, P6, SRC, 4, 1, V_WIDEN], [0x32, P6, SRC, 2, 1, V_WIDEN],
  [0x33, P6, SRC, 8, 1, V_WIDEN], [0x34, P6, SRC, 4, 1, V_WIDEN], [0x35, P6, SRC, 8, 1, V_WIDEN],
];
for (let op = 0x00; op <= 0x0b; op++) r38.push([op, P6, NDS, 16, 1]);
for (const op of [0x28, 0x29, 0x2b, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40]) r38.push([op, P6, NDS, 16, 1]);
reg(MAP_0F38, r38);

// ---- map 0F3A ----
const r3a: Row[] = [
  [0x08, P6, SRC, 16, 1], [0x09, P6, SRC, 16, 1], [0x0a, P6, NDS, 4, 2], [0x0b, P6, NDS, 8, 2],
  [0x0c, P6, NDS, 16, 1, V_IMMHI4], [0x0d, P6, NDS, 16, 1, V_IMMHI2], [0x0e, P6, NDS, 16, 1], [0x0f, P6, NDS, 16, 1],
  [0x14, P6, K_RAW1, 1, 0, V_NOZERO], [0x15, P6, K_RAW1, 2, 0, V_NOZERO], [0x16, P6, K_RAW1, 4, 0, V_NOZERO],
  [0x17, P6, K_RAW1, 4, 0, V_NOZERO],
  [0x20, P6, K_RAW, 1, 0], [0x22, P6, K_RAW, 4, 0],
  [0x40, P6, NDS, 16, 1], [0x41, P6, NDS, 16, 0], [0x42, P6, NDS, 16, 1, V_IMMHI3],
  [0x60, P6, K_GPR, 16, 0, V_ZERO0], [0x61, P6, K_GPR, 16, 0], [0x62, P6, K_GPR, 16, 0, V_ZERO0], [0x63, P6, K_GPR, 16, 0],
];
reg(MAP_0F3A, r3a);

// vinsertps: the register form reads an xmm (which may be the destination: the NDS adapter copes),
// the memory form a plain m32 that imm8[7:6] does not index (the legacy handler's own memory path).
const insertps = tables[MAP_0F3A][0x21]?.pfx?.p66;
if (insertps) {
  const reg = vexOf(insertps.fn, K_NDS, 16, 0), mem = vexOf(insertps.fn, K_RAW, 4, 0);
  defVex(MAP_0F3A, 0x21, P6, { ...insertps, name: 'vinsertps', fn: (c, i) => (i.rm >= 0 ? reg(c, i) : mem(c, i)), vexL: 0 });
}
