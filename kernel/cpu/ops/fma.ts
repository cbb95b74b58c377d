/**
 * FMA3: vfmadd/vfmsub/vfnmadd/vfnmsub (and vfmaddsub/vfmsubadd) 132/213/231 in ps/pd/ss/sd
 * forms, VEX.128 and VEX.256 (0F38 96..9F, A6..AF, B6..BF; VEX.W selects single or double).
 * Operands: op1 = destination (ModRM.reg), op2 = VEX.vvvv, op3 = ModRM.rm; 132 computes
 * op1*op3 + op2, 213 op2*op1 + op3, 231 op2*op3 + op1.
 *
 * Each lane is rounded once (fma-round.ts: exact product and sum). Special operands follow the
 * hardware: a NaN operand propagates (the first NaN in formula order a, b, c of a*b + c, quieted;
 * inf*0 + QNaN is that QNaN without IE),
 * inf*0 and inf-inf are invalid (IE, default NaN), denormal operands raise DE or read as zero
 * under DAZ, and an unmasked exception leaves the destination unchanged (#XM).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defVex, MAP_0F38 } from '../optable.js';
import { ea } from '../operands.js';
import { HI, M32, readMem, zeroUpper } from './avx-common.js';
import { endFp, isNaN64, isSNaN64, isNaN32, isSNaN32, isDen64, isDen32, MX_IE, MX_DE, MX_DAZ, MX_RC_SHIFT } from './sse-common.js';
import { fma64Fast, fma32Fast, fmaSlow, resHi, resLo } from './fma-round.js';

// Operand lanes (int32 words) of op1, op2, op3, and the result.
const O1 = new Int32Array(8), O2 = new Int32Array(8), O3 = new Int32Array(8), RES = new Int32Array(8);
const F1 = new Float64Array(O1.buffer), F2 = new Float64Array(O2.buffer), F3 = new Float64Array(O3.buffer);
const G1 = new Float32Array(O1.buffer), G2 = new Float32Array(O2.buffer), G3 = new Float32Array(O3.buffer);
const OPS = [O1, O2, O3];
const FD = [F1, F2, F3], FS = [G1, G2, G3];

function loadY(c: Cpu, n: number, t: Int32Array): void {
  const X = c.X32, k = 4 * n;
  t[0] = X[k]; t[1] = X[k + 1]; t[2] = X[k + 2]; t[3] = X[k + 3];
  t[4] = X[HI + k]; t[5] = X[HI + k + 1]; t[6] = X[HI + k + 2]; t[7] = X[HI + k + 3];
}

/** Which operands (0-based: op1, op2, op3) are a, b, c for 132 / 213 / 231. */
const ORDER = [[0, 2, 1], [1, 0, 2], [1, 2, 0]];

let ia = 0, ib = 0, ic = 0;

/** One double lane j (words 2j, 2j+1) into RES; returns the flags. */
function lane64(j: number, negP: boolean, negC: boolean, rc: number, mx: number): number {
  const lo = 2 * j, hi = lo + 1;
  // NaNs: the first in operand order, quieted; IE if any is signalling.
  let sn = false, first = -1;
  for (let q = 0; q < 3; q++) {
    const k = q === 0 ? ia : q === 1 ? ib : ic, o = OPS[k];
    if (isNaN64(o[hi], o[lo])) { if (first < 0) first = k; if (isSNaN64(o[hi], o[lo])) sn = true; }
  }
  if (first >= 0) {
    RES[lo] = OPS[first][lo]; RES[hi] = OPS[first][hi] | 0x80000;
    return sn ? MX_IE : 0;
  }
  const A = OPS[ia], B = OPS[ib], C = OPS[ic];
  let aH = A[hi], aL = A[lo], bH = B[hi], bL = B[lo], cH = C[hi], cL = C[lo];
  let fl = 0;
  const den = isDen64(aH, aL) || isDen64(bH, bL) || isDen64(cH, cL);
  if (den) {
    if (mx & MX_DAZ) {
      if (isDen64(aH, aL)) { aH &= 0x80000000; aL = 0; }
      if (isDen64(bH, bL)) { bH &= 0x80000000; bL = 0; }
      if (isDen64(cH, cL)) { cH &= 0x80000000; cL = 0; }
    } else fl = MX_DE;
  }
  const aInf = (aH & 0x7fffffff) === 0x7ff00000 && aL === 0, bInf = (bH & 0x7fffffff) === 0x7ff00000 && bL === 0;
  const cInf = (cH & 0x7fffffff) === 0x7ff00000 && cL === 0;
  const aZero = (aH & 0x7fffffff) === 0 && aL === 0, bZero = (bH & 0x7fffffff) === 0 && bL === 0;
  if (aInf || bInf || cInf) {
    const pNeg = (aH < 0) !== (bH < 0) !== negP, cNeg = (cH < 0) !== negC;
    if ((aInf && bZero) || (bInf && aZero) || ((aInf || bInf) && cInf && pNeg !== cNeg)) {
      RES[lo] = 0; RES[hi] = 0xfff80000 | 0;
      return MX_IE;
    }
    const neg = aInf || bInf ? pNeg : cNeg;
    RES[lo] = 0; RES[hi] = neg ? 0xfff00000 | 0 : 0x7ff00000;
    return fl;
  }
  let f = -1;
  if (!den) {
    const a = FD[ia][j], b = FD[ib][j], cv = FD[ic][j];
    f = fma64Fast(negP ? -a : a, b, negC ? -cv : cv, rc);
  }
  if (f < 0) f = fmaSlow(true, aH, aL, bH, bL, cH, cL, negP, negC, rc, mx);
  RES[lo] = resLo; RES[hi] = resHi;
  return fl | f;
}

/** One float lane j into RES; returns the flags. */
function lane32(j: number, negP: boolean, negC: boolean, rc: number, mx: number): number {
  let sn = false, first = -1;
  for (let q = 0; q < 3; q++) {
    const k = q === 0 ? ia : q === 1 ? ib : ic, v = OPS[k][j];
    if (isNaN32(v)) { if (first < 0) first = k; if (isSNaN32(v)) sn = true; }
  }
  if (first >= 0) {
    RES[j] = OPS[first][j] | 0x400000;
    return sn ? MX_IE : 0;
  }
  let a = OPS[ia][j], b = OPS[ib][j], cb = OPS[ic][j];
  let fl = 0;
  const den = isDen32(a) || isDen32(b) || isDen32(cb);
  if (den) {
    if (mx & MX_DAZ) {
      if (isDen32(a)) a &= 0x80000000;
      if (isDen32(b)) b &= 0x80000000;
      if (isDen32(cb)) cb &= 0x80000000;
    } else fl = MX_DE;
  }
  const aInf = (a & 0x7fffffff) === 0x7f800000, bInf = (b & 0x7fffffff) === 0x7f800000, cInf = (cb & 0x7fffffff) === 0x7f800000;
  const aZero = (a & 0x7fffffff) === 0, bZero = (b & 0x7fffffff) === 0;
  if (aInf || bInf || cInf) {
    const pNeg = (a < 0) !== (b < 0) !== negP, cNeg = (cb < 0) !== negC;
    if ((aInf && bZero) || (bInf && aZero) || ((aInf || bInf) && cInf && pNeg !== cNeg)) {
      RES[j] = 0xffc00000 | 0;
      return MX_IE;
    }
    RES[j] = (aInf || bInf ? pNeg : cNeg) ? 0xff800000 | 0 : 0x7f800000;
    return fl;
  }
  let f = -1;
  if (!(den && (mx & MX_DAZ))) {
    const av = FS[ia][j], bv = FS[ib][j], cv = FS[ic][j];
    f = fma32Fast(negP ? -av : av, bv, negC ? -cv : cv, rc);
  }
  if (f < 0) f = fmaSlow(false, 0, a, 0, b, 0, cb, negP, negC, rc, mx);
  RES[j] = resLo;
  return fl | f;
}

/**
 * sub: bits 0-1 the form (0: 132, 1: 213, 2: 231); bits 2-4 the kind (0 madd, 1 msub, 2 nmadd,
 * 3 nmsub, 4 maddsub, 5 msubadd); bit 5 scalar.
 */
function fma(c: Cpu, i: Insn): void {
  const form = i.sub & 3, kind = (i.sub >> 2) & 7, scalar = (i.sub & 32) !== 0;
  const dbl = i.size === 8;
  loadY(c, i.reg, O1);
  loadY(c, i.vreg, O2);
  if (i.rm >= 0) loadY(c, i.rm, O3);
  else {
    readMem(c, ea(c, i), scalar ? (dbl ? 8 : 4) : i.vl ? 32 : 16);
    for (let j = 0; j < 8; j++) O3[j] = M32[j];
  }
  const ord = ORDER[form];
  ia = ord[0]; ib = ord[1]; ic = ord[2];
  const mx = c.mxcsr, rc = (mx >> MX_RC_SHIFT) & 3;
  const n = scalar ? 1 : (i.vl ? 8 : 4) >> (dbl ? 1 : 0);
  let fl = 0;
  for (let j = 0; j < n; j++) {
    let negP = kind === 2 || kind === 3, negC = kind === 1 || kind === 3;
    if (kind === 4) negC = (j & 1) === 0; // maddsub: even lanes subtract
    else if (kind === 5) negC = (j & 1) === 1; // msubadd: odd lanes subtract
    fl |= dbl ? lane64(j, negP, negC, rc, mx) : lane32(j, negP, negC, rc, mx);
    negP = false;
  }
  if (fl !== 0) endFp(c, i, fl, -1);
  const X = c.X32, k = 4 * i.reg;
  const words = scalar ? (dbl ? 2 : 1) : i.vl ? 8 : 4;
  for (let w = 0; w < words; w++) X[w < 4 ? k + w : HI + k + w - 4] = RES[w];
  if (!i.vl || scalar) zeroUpper(c, i.reg);
}

const NAMES = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub', 'fmaddsub', 'fmsubadd'];
for (let form = 0; form < 3; form++) {
  const base = 0x96 + 16 * form, tag = ['132', '213', '231'][form];
  // (op & 15): 6 maddsub, 7 msubadd, 8/9 madd, A/B msub, C/D nmadd, E/F nmsub; odd = scalar.
  for (let lo = 0; lo < 10; lo++) {
    const op = base + lo;
    const low = op & 15;
    const kind = low === 6 ? 4 : low === 7 ? 5 : (low - 8) >> 1;
    const scalar = low >= 8 && (low & 1) === 1;
    if ((low === 6 || low === 7) && scalar) continue;
    const nm = `v${NAMES[kind]}${tag}`;
    const sub = form | (kind << 2) | (scalar ? 32 : 0);
    const sfx = scalar ? ['ss', 'sd'] : ['ps', 'pd'];
    defVex(MAP_0F38, op, 'p66', {
      name: nm + sfx[0], fn: fma, modrm: true, sub, size: 5,
      w1: { name: nm + sfx[1], fn: fma, modrm: true, sub, size: 5 },
    });
  }
}
