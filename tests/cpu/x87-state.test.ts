// Unit tests of the x87 state helpers other families and the kernel call: the FXSAVE x87 part
// (x87ToFxsave/x87FromFxsave round trip; the image itself is checked against the host CPU by
// tests/diff/x87.test.ts) and the context-switch copies (saveX87/loadX87).
import { describe, expect, it } from 'vitest';
import { PhysMem } from '../../kernel/mm/phys.js';
import { AddressSpace } from '../../kernel/mm/aspace.js';
import { Cpu } from '../../kernel/cpu/state.js';
import { X87, x87ToFxsave, x87FromFxsave, saveX87, loadX87 } from '../../kernel/cpu/x87-state.js';

function cpu(): Cpu {
  const phys = new PhysMem(16);
  return new Cpu(phys, new AddressSpace(phys), 0);
}

function scramble(x: X87, seed: number): void {
  for (let k = 0; k < 16; k++) x.mant[k] = (seed * 2654435761 + k * 40503) >>> 0;
  for (let k = 0; k < 8; k++) x.se[k] = (seed * 31 + k * 977) & 0xffff;
  x.empty = (seed * 37) & 0xff;
  x.fcw = 0x0f40 | (seed & 0x3f);
  x.setStatus(((seed * 13) & 0xc7ff) | (((seed >> 3) & 7) << 11));
  x.fop = seed & 0x7ff;
  x.fip = 0x401000 + seed;
  x.fdp = 0x7ffd0000 + seed;
}

describe('x87 state', () => {
  it('FXSAVE image round-trips', () => {
    for (let seed = 1; seed < 50; seed++) {
      const a = cpu(), b = cpu();
      scramble(a.x87, seed);
      const img = new Uint8Array(512).fill(0xee);
      x87ToFxsave(a, img);
      expect(img[24]).toBe(0xee); // MXCSR is not the x87's
      expect(img[0] | (img[1] << 8)).toBe(a.x87.fcw);
      expect(img[4]).toBe(~a.x87.empty & 0xff);
      x87FromFxsave(b, img);
      const out = new Uint8Array(512).fill(0xee);
      x87ToFxsave(b, out);
      expect(out.subarray(0, 160)).toEqual(img.subarray(0, 160));
      expect(b.x87.status()).toBe(a.x87.status());
      expect(b.x87.tagWord()).toBe(a.x87.tagWord());
    }
  });

  it('saveX87/loadX87 copy everything', () => {
    const a = cpu();
    scramble(a.x87, 7);
    const saved = new X87();
    saveX87(a, saved);
    const b = cpu();
    loadX87(b, saved);
    scramble(a.x87, 8);
    expect(b.x87.mant).toEqual(saved.mant);
    expect(b.x87.status()).toBe(saved.status());
    expect(b.x87.fcw).toBe(saved.fcw);
    expect(b.x87.empty).toBe(saved.empty);
    expect(b.x87.fip).toBe(saved.fip);
    expect(a.x87.fcw).not.toBe(saved.fcw);
  });
});
