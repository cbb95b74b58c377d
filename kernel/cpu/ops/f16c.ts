/**
 * F16C: vcvtph2ps (binary16 -> binary32, exact; a signalling NaN raises IE and is quieted) and
 * vcvtps2ph (binary32 -> binary16 with the rounding mode from imm8[1:0], or MXCSR.RC when imm8
 * bit 2 is set; flags IE, DE, OE, UE, PE; DAZ applies to the inputs, FZ does not apply).
 * VEX.128 converts 4 elements, VEX.256 8. An unmasked exception leaves the destination (register
 * or memory) unchanged.
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defVex, MAP_0F38, MAP_0F3A, I_UB } from '../optable.js';
import { ea } from '../operands.js';
import { HI, M32, readMem, zeroUpper, probeWrite } from './avx-common.js';
import { endFp, isNaN32, isSNaN32, isDen32, MX_IE, MX_DE, MX_OE, MX_UE, MX_PE, MX_DAZ, MX_RC_SHIFT } from './sse-common.js';

const H = new Uint16Array(16);
const HI32 = new Int32Array(H.buffer);
const R = new Int32Array(8);
const F = new Float32Array(1), FB = new Int32Array(F.buffer);

/** vcvtph2ps xmm1/ymm1, xmm2/m64/m128. */
function cvtph2ps(c: Cpu, i: Insn): void {
  const n = i.vl ? 8 : 4;
  if (i.rm >= 0) { const X = c.X32, k = 4 * i.rm; HI32[0] = X[k]; HI32[1] = X[k + 1]; HI32[2] = X[k + 2]; HI32[3] = X[k + 3]; }
  else { readMem(c, ea(c, i), 2 * n); for (let j = 0; j < n / 2; j++) HI32[j] = M32[j]; }
  let fl = 0;
  for (let j = 0; j < n; j++) {
    const h = H[j], s = (h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e === 0x1f) {
      if (m !== 0 && (m & 0x200) === 0) fl |= MX_IE;
      R[j] = s | 0x7f800000 | (m !== 0 ? 0x400000 | (m << 13) : 0);
    } else if (e === 0) {
      if (m === 0) R[j] = s;
      else { F[0] = m * 2 ** -24; R[j] = s | FB[0]; }
    } else R[j] = s | ((e + 112) << 23) | (m << 13);
  }
  if (fl !== 0) endFp(c, i, fl, -1);
  const X = c.X32, k = 4 * i.reg;
  X[k] = R[0]; X[k + 1] = R[1]; X[k + 2] = R[2]; X[k + 3] = R[3];
  if (i.vl) { X[HI + k] = R[4]; X[HI + k + 1] = R[5]; X[HI + k + 2] = R[6]; X[HI + k + 3] = R[7]; }
  else zeroUpper(c, i.reg);
}

/** x / 2^q rounded to an integer in mode rc (x >= 0 exact double, 2^q scaling exact). */
function rnd(m: number, rc: number, neg: boolean): number {
  const f = Math.floor(m), d = m - f;
  if (d === 0) return f;
  if (rc === 0) return d > 0.5 || (d === 0.5 && (f & 1) === 1) ? f + 1 : f;
  if (rc === 1) return neg ? f + 1 : f;
  if (rc === 2) return neg ? f : f + 1;
  return f;
}

let hfl = 0;
/** One float (bits v) to binary16 bits in mode rc; flags in hfl. */
function toHalf(v: number, rc: number, mx: number): number {
  const s = (v >>> 16) & 0x8000;
  if (isNaN32(v)) {
    if (isSNaN32(v)) hfl |= MX_IE;
    return s | 0x7e00 | ((v >> 13) & 0x3ff);
  }
  if ((v & 0x7fffffff) === 0x7f800000) return s | 0x7c00;
  if (isDen32(v)) {
    if (mx & MX_DAZ) return s;
    hfl |= MX_DE;
  }
  FB[0] = v & 0x7fffffff;
  const x = F[0];
  if (x === 0) return s;
  const neg = s !== 0;
  const e = Math.floor(Math.log2(x));
  const ee = x >= 2 ** (e + 1) ? e + 1 : x < 2 ** e ? e - 1 : e;
  const qU = ee - 10, mU = rnd(x / 2 ** qU, rc, neg), inexU = mU !== x / 2 ** qU;
  const tiny = ee < -14 && !(mU === 2048 && ee + 1 === -14);
  const q = Math.max(qU, -24);
  let m = rnd(x / 2 ** q, rc, neg);
  const inexact = m !== x / 2 ** q;
  let qq = q;
  if (m === 2048) { m = 1024; qq += 1; }
  if (m * 2 ** qq >= 65536) {
    hfl |= MX_OE | ((mx & 0x400) === 0 ? (inexU ? MX_PE : 0) : MX_PE);
    const toMax = rc === 3 || (rc === 1 && !neg) || (rc === 2 && neg);
    return s | (toMax ? 0x7bff : 0x7c00);
  }
  if (tiny) {
    if ((mx & 0x800) === 0) hfl |= MX_UE | (inexU ? MX_PE : 0);
    else if (inexact) hfl |= MX_UE | MX_PE;
  } else if (inexact) hfl |= MX_PE;
  if (m >= 1024) return s | ((qq + 25) << 10) | (m - 1024);
  return s | m;
}

/** vcvtps2ph xmm1/m64/m128, xmm2/ymm2, imm8. */
function cvtps2ph(c: Cpu, i: Insn): void {
  const n = i.vl ? 8 : 4, X = c.X32, k = 4 * i.reg;
  const mx = c.mxcsr, rc = i.imm & 4 ? (mx >> MX_RC_SHIFT) & 3 : i.imm & 3;
  hfl = 0;
  for (let j = 0; j < n; j++) H[j] = toHalf(j < 4 ? X[k + j] : X[HI + k + j - 4], rc, mx);
  for (let j = n; j < 8; j++) H[j] = 0;
  const a = i.rm < 0 ? ea(c, i) : 0;
  if (i.rm < 0) probeWrite(c, a, 2 * n);
  if (hfl !== 0) endFp(c, i, hfl, -1);
  if (i.rm >= 0) {
    const d = 4 * i.rm;
    X[d] = HI32[0]; X[d + 1] = HI32[1]; X[d + 2] = HI32[2]; X[d + 3] = HI32[3];
    zeroUpper(c, i.rm);
  } else {
    c.mem.write64(a, HI32[0], HI32[1]);
    if (n === 8) c.mem.write64(a + 8, HI32[2], HI32[3]);
  }
}

defVex(MAP_0F38, 0x13, 'p66', { name: 'vcvtph2ps', fn: cvtph2ps, modrm: true, vexW: 0, noV: true });
defVex(MAP_0F3A, 0x1d, 'p66', { name: 'vcvtps2ph', fn: cvtps2ph, modrm: true, vexW: 0, noV: true, imm: I_UB });
