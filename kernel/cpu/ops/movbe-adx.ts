/**
 * MOVBE (0F 38 F0 load r, m / F1 store m, r; 16, 32 or 64 bits, memory operands only) and ADX:
 * adcx (66 0F 38 F6) and adox (F3 0F 38 F6), add-with-carry through CF alone or OF alone, leaving
 * every other flag as it was (two carry chains can then interleave).
 */

import type { Cpu } from '../state.js';
import type { Insn } from '../insn.js';
import { defPfx, MAP_0F38, S_DQ } from '../optable.js';
import { ea } from '../operands.js';
import { getCF, getOF, setSomeFlags, CF, OF } from '../flags.js';

const T = new Int32Array(2);

const bswap32 = (v: number): number => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);

/** movbe r, m (0F 38 F0). A 16-bit load leaves bits 16..63 of the register alone. */
function movbeLoad(c: Cpu, i: Insn): void {
  const a = ea(c, i), R = c.R, r = 2 * i.reg;
  if (i.size === 2) {
    const v = c.mem.read16(a);
    c.R16[4 * i.reg] = (v >> 8) | (v << 8);
  } else if (i.size === 4) {
    R[r] = bswap32(c.mem.read32(a));
    R[r + 1] = 0;
  } else {
    c.mem.read64(a, T, 0);
    R[r] = bswap32(T[1]);
    R[r + 1] = bswap32(T[0]);
  }
}

/** movbe m, r (0F 38 F1). */
function movbeStore(c: Cpu, i: Insn): void {
  const a = ea(c, i), R = c.R, r = 2 * i.reg;
  if (i.size === 2) {
    const v = c.R16[4 * i.reg];
    c.mem.write16(a, ((v >> 8) | (v << 8)) & 0xffff);
  } else if (i.size === 4) c.mem.write32(a, bswap32(R[r]));
  else c.mem.write64(a, bswap32(R[r + 1]), bswap32(R[r]));
}

/** adcx (i.sub 0, carry in/out through CF) and adox (i.sub 1, through OF). */
function adx(c: Cpu, i: Insn): void {
  const R = c.R, r = 2 * i.reg;
  let lo: number, hi = 0;
  if (i.size === 8) {
    if (i.rm >= 0) { T[0] = R[2 * i.rm]; T[1] = R[2 * i.rm + 1]; } else c.mem.read64(ea(c, i), T, 0);
    lo = T[0];
    hi = T[1];
  } else lo = i.rm >= 0 ? R[2 * i.rm] : c.mem.read32(ea(c, i));
  const cin = i.sub === 0 ? getCF(c) : getOF(c);
  const s = (R[r] >>> 0) + (lo >>> 0) + cin;
  let carry = s > 0xffffffff ? 1 : 0;
  R[r] = s | 0;
  if (i.size === 8) {
    const t = (R[r + 1] >>> 0) + (hi >>> 0) + carry;
    carry = t > 0xffffffff ? 1 : 0;
    R[r + 1] = t | 0;
  } else R[r + 1] = 0;
  if (i.sub === 0) setSomeFlags(c, CF, carry);
  else setSomeFlags(c, OF, carry ? OF : 0);
}

const M = { modrm: true, memOnly: true };
defPfx(MAP_0F38, 0xf0, 'none', { name: 'movbe r, m', fn: movbeLoad, ...M });
defPfx(MAP_0F38, 0xf1, 'none', { name: 'movbe m, r', fn: movbeStore, ...M });
defPfx(MAP_0F38, 0xf6, 'p66', { name: 'adcx', fn: adx, modrm: true, size: S_DQ });
defPfx(MAP_0F38, 0xf6, 'f3', { name: 'adox', fn: adx, modrm: true, size: S_DQ, sub: 1 });
