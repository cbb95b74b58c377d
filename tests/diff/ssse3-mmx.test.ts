// Differential test of the SSSE3 MMX forms (0F 38 00-0B, 1C-1E and 0F 3A 0F without a prefix, in
// kernel/cpu/ops/ssse3.ts) through the MMX harness (mmx-lib.ts, mmx-native.c): random x87/MMX
// state (TOP, tags, exponent words, sometimes a pending unmasked x87 exception: #MF first),
// MM registers with random ignored REX.R/REX.B, absolute and base+disp8 m64 operands, some
// crossing into the unmapped page. Compared: the whole FXSAVE image, GPRs, scratch, signal.
// RUSTOS_MMX_SCALE scales the case counts; RUSTOS_DIFF_JIT=1 compiles every block.
import { describe, expect, it } from 'vitest';
import { Rng, Emu, runNative, masked, describeDiff, rand64, REC, OFF_GPR, OFF_FX, OFF_MEM, SCRATCH } from './mmx-lib.js';

const scale = Number(process.env.RUSTOS_MMX_SCALE ?? '1');
const N = 400;

const FORMS: [string, number, number][] = [
  ['pshufb', 0x38, 0x00], ['phaddw', 0x38, 0x01], ['phaddd', 0x38, 0x02], ['phaddsw', 0x38, 0x03],
  ['pmaddubsw', 0x38, 0x04], ['phsubw', 0x38, 0x05], ['phsubd', 0x38, 0x06], ['phsubsw', 0x38, 0x07],
  ['psignb', 0x38, 0x08], ['psignw', 0x38, 0x09], ['psignd', 0x38, 0x0a], ['pmulhrsw', 0x38, 0x0b],
  ['pabsb', 0x38, 0x1c], ['pabsw', 0x38, 0x1d], ['pabsd', 0x38, 0x1e], ['palignr', 0x3a, 0x0f],
];

/** One random record for (map, op) at rec[0..REC). */
function makeCase(r: Rng, map: number, op: number, rec: Buffer): void {
  for (let k = 0; k < 16; k++) rand64(r, rec, OFF_GPR + 8 * k);
  for (let k = 0; k < 256; k += 8) rand64(r, rec, OFF_MEM + k);
  const fx = OFF_FX;
  let fcw = 0x037f | (r.int(4) << 10);
  let fsw = (r.pick([0, 0x4700, 0x0100, 0x4000]) | (r.int(8) << 11)) & 0xffff;
  if (r.int(25) === 0) { fcw &= ~1; fsw |= 0x8081; }
  rec.writeUInt16LE(fcw, fx);
  rec.writeUInt16LE(fsw, fx + 2);
  rec[fx + 4] = r.int(3) === 0 ? 0 : r.int(3) === 0 ? 0xff : r.int(256);
  for (let k = 0; k < 8; k++) {
    rand64(r, rec, fx + 32 + 16 * k);
    rec.writeUInt16LE(r.int(3) === 0 ? 0xffff : r.int(0x10000), fx + 40 + 16 * k);
    // Edge lanes now and then: 0x80 bytes, 0x8000 words, zeros.
    if (r.int(4) === 0) rec.writeBigUInt64LE(r.pick([0x8080808080808080n, 0x8000800080008000n, 0n, 0x7fff7fff80008000n, 0xffffffffffffffffn]), fx + 32 + 16 * k);
  }
  rec.writeUInt32LE(0x1f80, fx + 24);
  const code: number[] = [];
  let rex = 0;
  const regN = r.int(8);
  if (r.int(4) === 0) rex |= 4;
  const tail: number[] = [];
  let modrm: number;
  if (r.int(2) === 0) {
    const rmN = r.int(8);
    if (r.int(4) === 0) rex |= 1;
    modrm = 0xc0 | (regN << 3) | rmN;
  } else {
    const off = r.int(25) === 0 ? 256 - 8 + 1 + r.int(7) : r.int(249);
    const addr = SCRATCH + off;
    if (r.int(2) === 0) {
      modrm = (regN << 3) | 4;
      tail.push(0x25, addr & 0xff, (addr >> 8) & 0xff, (addr >> 16) & 0xff, addr >>> 24);
    } else {
      let base = r.int(16);
      while ((base & 7) === 4) base = r.int(16);
      const disp = (r.int(256) << 24) >> 24;
      rec.writeBigUInt64LE(BigInt(addr - disp), OFF_GPR + 8 * base);
      if (base >= 8) rex |= 1;
      modrm = 0x40 | (regN << 3) | (base & 7);
      tail.push(disp & 0xff);
    }
  }
  if (rex) code.push(0x40 | rex);
  code.push(0x0f, map, op, modrm, ...tail);
  if (map === 0x3a) code.push(r.int(3) === 0 ? r.int(256) : r.int(17));
  rec.fill(0, 0, 32);
  Buffer.from(code).copy(rec, 0);
  rec.writeUInt32LE(code.length, 16);
}

describe('SSSE3 MMX-form differential', () => {
  it(`${FORMS.length} forms`, () => {
    const r = new Rng(0x55e3);
    const n = Math.max(1, Math.round(N * scale));
    const input = Buffer.alloc(FORMS.length * n * REC);
    FORMS.forEach(([, map, op], f) => {
      for (let k = 0; k < n; k++) makeCase(r, map, op, input.subarray((f * n + k) * REC, (f * n + k + 1) * REC));
    });
    const nat = runNative(input);
    const emu = new Emu().runAll(input);
    const report: string[] = [];
    let bad = 0;
    for (let j = 0; j < FORMS.length * n; j++) {
      const a = masked(nat, j * REC), b = masked(emu, j * REC);
      if (a.equals(b)) continue;
      bad++;
      if (report.length < 6) report.push(`${FORMS[Math.floor(j / n)][0]}: ${describeDiff(input, j * REC, a, b)}`);
    }
    console.log(`SSSE3 mmx: ${FORMS.length} forms, ${FORMS.length * n} cases, ${bad} mismatches`);
    expect(report.join('\n\n')).toBe('');
  }, 120_000);
});
