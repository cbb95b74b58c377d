// The SSE3, SSSE3, SSE4.1, SSE4.2, MOVBE and ADX forms the differential test (sse4.test.ts)
// covers, as the manual lists them: mandatory prefix, opcode map (0F, 0F 38, 0F 3A) and byte,
// what ModRM.reg/rm name, memory operand size and alignment, immediate range, lane kind, and an
// optional `tweak` that reshapes the random state (short strings with zeros for the string
// compares, small lengths in rAX/rDX).
import type { Form as SseForm } from './sse-forms.js';
import type { State } from './record.js';
import type { R } from './sse-gen.js';
import { SCRATCH_SIZE } from './record.js';

export interface Form4 extends SseForm {
  /** 0 for the 0F map, else 0x38 or 0x3a (the byte after 0F). */
  map: 0 | 0x38 | 0x3a;
  /** A second legacy prefix before `pfx` (66 for crc32 r/m16). */
  pfx0?: number;
  /** Adjusts the state after randomization. */
  tweak?: (r: R, st: State) => void;
}

const forms: Form4[] = [];
const f = (x: Form4): void => { forms.push(x); };
const X = 'x', G = 'g';

// ---- SSE3 ----
f({ name: 'addsubps', map: 0, pfx: 0xf2, op: 0xd0, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
f({ name: 'addsubpd', map: 0, pfx: 0x66, op: 0xd0, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
f({ name: 'haddps', map: 0, pfx: 0xf2, op: 0x7c, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
f({ name: 'haddpd', map: 0, pfx: 0x66, op: 0x7c, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
f({ name: 'hsubps', map: 0, pfx: 0xf2, op: 0x7d, reg: X, rm: X, mem: 16, align: true, lanes: 'f32' });
f({ name: 'hsubpd', map: 0, pfx: 0x66, op: 0x7d, reg: X, rm: X, mem: 16, align: true, lanes: 'f64' });
f({ name: 'movsldup', map: 0, pfx: 0xf3, op: 0x12, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movshdup', map: 0, pfx: 0xf3, op: 0x16, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'movddup', map: 0, pfx: 0xf2, op: 0x12, reg: X, rm: X, mem: 8, lanes: 'int' });
f({ name: 'lddqu', map: 0, pfx: 0xf2, op: 0xf0, reg: X, rm: X, mem: 16, memOnly: true, lanes: 'int' });

// ---- SSSE3 (xmm forms) ----
const ssse3: [string, number][] = [
  ['pshufb', 0x00], ['phaddw', 0x01], ['phaddd', 0x02], ['phaddsw', 0x03], ['pmaddubsw', 0x04], ['phsubw', 0x05],
  ['phsubd', 0x06], ['phsubsw', 0x07], ['psignb', 0x08], ['psignw', 0x09], ['psignd', 0x0a], ['pmulhrsw', 0x0b],
  ['pabsb', 0x1c], ['pabsw', 0x1d], ['pabsd', 0x1e],
];
for (const [name, op] of ssse3) f({ name, map: 0x38, pfx: 0x66, op, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
f({ name: 'palignr', map: 0x3a, pfx: 0x66, op: 0x0f, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });

// ---- SSE4.1 ----
const int41: [string, number][] = [
  ['pmuldq', 0x28], ['pcmpeqq', 0x29], ['packusdw', 0x2b], ['pminsb', 0x38], ['pminsd', 0x39], ['pminuw', 0x3a],
  ['pminud', 0x3b], ['pmaxsb', 0x3c], ['pmaxsd', 0x3d], ['pmaxuw', 0x3e], ['pmaxud', 0x3f], ['pmulld', 0x40],
  ['phminposuw', 0x41], ['ptest', 0x17], ['pblendvb', 0x10], ['blendvps', 0x14], ['blendvpd', 0x15], ['pcmpgtq', 0x37],
];
for (const [name, op] of int41) f({ name, map: 0x38, pfx: 0x66, op, reg: X, rm: X, mem: 16, align: true, lanes: 'int' });
const ext: [string, number, number][] = [['bw', 0, 8], ['bd', 1, 4], ['bq', 2, 2], ['wd', 3, 8], ['wq', 4, 4], ['dq', 5, 8]];
for (const [s, k, mem] of ext) {
  f({ name: 'pmovsx' + s, map: 0x38, pfx: 0x66, op: 0x20 + k, reg: X, rm: X, mem, lanes: 'int' });
  f({ name: 'pmovzx' + s, map: 0x38, pfx: 0x66, op: 0x30 + k, reg: X, rm: X, mem, lanes: 'int' });
}
f({ name: 'movntdqa', map: 0x38, pfx: 0x66, op: 0x2a, reg: X, rm: X, mem: 16, memOnly: true, align: true, lanes: 'int' });
f({ name: 'blendps', map: 0x3a, pfx: 0x66, op: 0x0c, reg: X, rm: X, mem: 16, align: true, imm: 16, lanes: 'f32' });
f({ name: 'blendpd', map: 0x3a, pfx: 0x66, op: 0x0d, reg: X, rm: X, mem: 16, align: true, imm: 4, lanes: 'f64' });
f({ name: 'pblendw', map: 0x3a, pfx: 0x66, op: 0x0e, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'int' });
f({ name: 'mpsadbw', map: 0x3a, pfx: 0x66, op: 0x42, reg: X, rm: X, mem: 16, align: true, imm: 8, lanes: 'int' });
f({ name: 'roundps', map: 0x3a, pfx: 0x66, op: 0x08, reg: X, rm: X, mem: 16, align: true, imm: 16, lanes: 'f32' });
f({ name: 'roundpd', map: 0x3a, pfx: 0x66, op: 0x09, reg: X, rm: X, mem: 16, align: true, imm: 16, lanes: 'f64' });
f({ name: 'roundss', map: 0x3a, pfx: 0x66, op: 0x0a, reg: X, rm: X, mem: 4, imm: 16, lanes: 'f32' });
f({ name: 'roundsd', map: 0x3a, pfx: 0x66, op: 0x0b, reg: X, rm: X, mem: 8, imm: 16, lanes: 'f64' });
f({ name: 'dpps', map: 0x3a, pfx: 0x66, op: 0x40, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'f32' });
f({ name: 'dppd', map: 0x3a, pfx: 0x66, op: 0x41, reg: X, rm: X, mem: 16, align: true, imm: 256, lanes: 'f64' });
f({ name: 'insertps', map: 0x3a, pfx: 0x66, op: 0x21, reg: X, rm: X, mem: 4, imm: 256, lanes: 'f32' });
f({ name: 'extractps', map: 0x3a, pfx: 0x66, op: 0x17, reg: X, rm: G, mem: 4, imm: 256, w: true, wMem: 4, lanes: 'f32' });
f({ name: 'pextrb', map: 0x3a, pfx: 0x66, op: 0x14, reg: X, rm: G, mem: 1, imm: 256, w: true, wMem: 1, lanes: 'int' });
f({ name: 'pextrw', map: 0x3a, pfx: 0x66, op: 0x15, reg: X, rm: G, mem: 2, imm: 256, w: true, wMem: 2, lanes: 'int' });
f({ name: 'pextrd/q', map: 0x3a, pfx: 0x66, op: 0x16, reg: X, rm: G, mem: 4, imm: 256, w: true, wMem: 8, lanes: 'int' });
f({ name: 'pinsrb', map: 0x3a, pfx: 0x66, op: 0x20, reg: X, rm: G, mem: 1, imm: 256, w: true, wMem: 1, lanes: 'int' });
f({ name: 'pinsrd/q', map: 0x3a, pfx: 0x66, op: 0x22, reg: X, rm: G, mem: 4, imm: 256, w: true, wMem: 8, lanes: 'int' });

// ---- SSE4.2 string compares: short strings over a small alphabet, zeros, small lengths ----
const WIN_OFF = SCRATCH_SIZE - 64;
function fillStr(r: R, b: Uint8Array, o: number): void {
  const alpha = r.pick([[0x61, 0x62, 0x63], [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a], [0x00, 0x80, 0xff, 0x7f, 0x01], [0x61, 0x62]]);
  const kind = r.int(4);
  if (kind === 0) return; // random bytes
  for (let j = 0; j < 16; j++) b[o + j] = kind === 3 && r.bool(0.3) ? r.int(256) : r.pick(alpha);
  if (r.bool(0.6)) b[o + r.int(16)] = 0;
  if (r.bool(0.2)) b[o + r.int(16) + 0] = 0;
}
function strTweak(r: R, st: State): void {
  for (let n = 0; n < 16; n++) fillStr(r, st.xmm, 16 * n);
  for (let q = 0; q < 4; q++) fillStr(r, st.mem, WIN_OFF + 16 * q);
  const len = (): bigint => {
    const v = r.int(10) < 7 ? r.int(19) : r.int(10) < 5 ? -r.int(19) : r.pick([2 ** 31, -(2 ** 31), 2 ** 32 + 3, -(2 ** 32) + 5, 0x7fffffff]);
    return BigInt(v) | (r.bool(0.2) ? BigInt(r.int(4)) << 32n : 0n);
  };
  st.gpr[0] = len();
  st.gpr[2] = len();
}
for (const [name, op] of [['pcmpestrm', 0x60], ['pcmpestri', 0x61], ['pcmpistrm', 0x62], ['pcmpistri', 0x63]] as [string, number][]) {
  f({ name, map: 0x3a, pfx: 0x66, op, reg: X, rm: X, mem: 16, imm: 128, w: true, wMem: 16, lanes: 'int', tweak: strTweak });
}

// ---- crc32, movbe, adx ----
f({ name: 'crc32 r/m8', map: 0x38, pfx: 0xf2, op: 0xf0, reg: G, rm: G, mem: 1, w: true, wMem: 1, lanes: 'int' });
f({ name: 'crc32 r/m32', map: 0x38, pfx: 0xf2, op: 0xf1, reg: G, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });
f({ name: 'crc32 r/m16', map: 0x38, pfx0: 0x66, pfx: 0xf2, op: 0xf1, reg: G, rm: G, mem: 2, lanes: 'int' });
f({ name: 'movbe load', map: 0x38, pfx: null, op: 0xf0, reg: G, rm: G, mem: 4, memOnly: true, w: true, wMem: 8, lanes: 'int' });
f({ name: 'movbe store', map: 0x38, pfx: null, op: 0xf1, reg: G, rm: G, mem: 4, memOnly: true, w: true, wMem: 8, lanes: 'int' });
f({ name: 'movbe load16', map: 0x38, pfx: 0x66, op: 0xf0, reg: G, rm: G, mem: 2, memOnly: true, lanes: 'int' });
f({ name: 'movbe store16', map: 0x38, pfx: 0x66, op: 0xf1, reg: G, rm: G, mem: 2, memOnly: true, lanes: 'int' });
f({ name: 'adcx', map: 0x38, pfx: 0x66, op: 0xf6, reg: G, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });
f({ name: 'adox', map: 0x38, pfx: 0xf3, op: 0xf6, reg: G, rm: G, mem: 4, w: true, wMem: 8, lanes: 'int' });

export const FORMS4 = forms;
