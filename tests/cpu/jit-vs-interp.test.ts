// The block compiler against the interpreter on random straight-line sequences: the same bytes
// and state run once interpreted and once compiled must leave identical registers, flags and
// memory. Single-instruction differential tests (tests/diff) cannot see what only happens across
// instructions in a compiled block: dead lazy-flag records being skipped, fused compare+branch,
// shifts/rotates/inc/dec emitted without flags, and self-looping blocks.
import { describe, expect, it } from 'vitest';
import { PhysMem } from '../../kernel/mm/phys.js';
import { AddressSpace, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS } from '../../kernel/mm/aspace.js';
import { Cpu } from '../../kernel/cpu/state.js';
import { CodeCache, run } from '../../kernel/cpu/interp.js';
import { getFlags, setFlags } from '../../kernel/cpu/flags.js';

const CODE = 0x400000, DATA = 0x600000;

/** Instruction encodings to combine (register forms and memory forms through rbx = DATA). */
const POOL: number[][] = [
  [0x01, 0xc8], [0x48, 0x01, 0xd1], [0x29, 0xd0], [0x48, 0x29, 0xc2], [0x31, 0xc9], [0x48, 0x21, 0xd0],
  [0x09, 0xc2], [0x39, 0xd0], [0x48, 0x39, 0xc8], [0x85, 0xc0], [0x48, 0x85, 0xd2], [0x83, 0xc0, 0x05],
  [0x48, 0x83, 0xe9, 0x7f], [0x81, 0xf2, 0x78, 0x56, 0x34, 0x12], [0xff, 0xc0], [0x48, 0xff, 0xc9], [0xff, 0xca],
  [0xfe, 0xc0], [0x48, 0xff, 0xc2], [0xc1, 0xe0, 0x03], [0xc1, 0xe8, 0x05], [0xc1, 0xf8, 0x1f], [0xc1, 0xc0, 0x07],
  [0xc1, 0xc8, 0x0d], [0x48, 0xc1, 0xe2, 0x21], [0x48, 0xc1, 0xea, 0x07], [0x48, 0xc1, 0xfa, 0x3f], [0x48, 0xc1, 0xc1, 0x11],
  [0x48, 0xc1, 0xc9, 0x2b], [0x48, 0xc1, 0xc0, 0x20], [0x0f, 0xaf, 0xc2], [0x6b, 0xc1, 0x13], [0x8d, 0x04, 0x50],
  [0x48, 0x8d, 0x44, 0x8a, 0x08], [0x89, 0x03], [0x8b, 0x4b, 0x04], [0x48, 0x89, 0x53, 0x08], [0x48, 0x8b, 0x43, 0x08],
  [0x01, 0x43, 0x10], [0x48, 0x31, 0x43, 0x18], [0x0f, 0xb6, 0x4b, 0x02], [0x48, 0x0f, 0xbe, 0xc1], [0x48, 0x63, 0xd0],
  [0x88, 0x43, 0x20], [0x8a, 0x53, 0x03], [0x80, 0x43, 0x05, 0x11], [0x38, 0xc8], [0x00, 0xd0], [0x0f, 0x94, 0xc1],
  [0x0f, 0x4c, 0xc2], [0x48, 0x0f, 0x47, 0xd1], [0x11, 0xc8], [0x48, 0x19, 0xd1], [0xd1, 0xe0], [0xd3, 0xe2],
  [0x48, 0xf7, 0xd8], [0xf7, 0xd1], [0x66, 0x01, 0xc8], [0x66, 0x89, 0x43, 0x30], [0x50], [0x58], [0x48, 0x87, 0xca],
  [0x66, 0x0f, 0xef, 0xc1], [0x66, 0x0f, 0xfe, 0xca], [0x66, 0x0f, 0x72, 0xf0, 0x03], [0x66, 0x0f, 0x6f, 0xd0],
];
/** Block enders: jcc forward over nothing (both outcomes land on the next block), jmp, ret-less end. */
const JCC = (cc: number): number[] => [0x70 + cc, 0x00];

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

interface Machine {
  cpu: Cpu;
  mem: AddressSpace;
  code: CodeCache;
}

function machine(threshold: number): Machine {
  const phys = new PhysMem(32);
  const mem = new AddressSpace(phys);
  mem.mapFixed(CODE, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
  mem.mapFixed(DATA, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  mem.mapFixed(0x700000, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  const cpu = new Cpu(phys, mem);
  const code = new CodeCache(mem);
  code.jitThreshold = threshold;
  return { cpu, mem, code };
}

function runProgram(m: Machine, prog: Uint8Array, regs: Int32Array, data: Uint8Array, flags: number, times: number) {
  m.mem.writeBytes(CODE, prog);
  for (let t = 0; t < times; t++) {
    m.cpu.R.set(regs);
    m.cpu.setU64(3, DATA); // rbx: the data page
    m.cpu.setU64(4, 0x708000); // rsp
    m.mem.writeBytes(DATA, data);
    setFlags(m.cpu, flags);
    m.cpu.rip = CODE;
    const f = run(m.cpu, m.code, 1e6);
    if (!f || f.signo !== 5) throw new Error(`expected the final int3, got ${f ? 'signal ' + f.signo : 'no fault'}`);
  }
  return { regs: Array.from(m.cpu.R), flags: getFlags(m.cpu) & 0x8d5, data: Array.from(m.mem.readBytes(DATA, 64)) };
}

describe('block compiler vs interpreter', () => {
  it('random straight-line blocks give identical state', () => {
    const r = rng(12345);
    let checked = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes: number[] = [];
      const len = 2 + (r() % 14);
      for (let k = 0; k < len; k++) bytes.push(...POOL[r() % POOL.length]);
      if (r() % 2) bytes.push(...JCC(r() % 16));
      bytes.push(0xcc);
      const prog = Uint8Array.from(bytes);
      const regs = new Int32Array(32);
      for (let k = 0; k < 32; k++) {
        const v = r();
        regs[k] = r() % 5 === 0 ? [0, -1, 0x7fffffff, -0x80000000, 1][r() % 5] : v | 0;
      }
      const data = new Uint8Array(64).map(() => r() & 255);
      const flags = r() & 0x8d5;
      const a = runProgram(machine(Infinity), prog, regs, data, flags, 1);
      const b = runProgram(machine(0), prog, regs, data, flags, 2);
      expect(b, `program ${[...prog].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`).toEqual(a);
      checked++;
    }
    expect(checked).toBe(300);
  });

  it('a self-looping block computes what the interpreter computes', () => {
    // loop: add eax, ecx; rol eax, 5; dec edx; jnz loop; int3
    const prog = Uint8Array.from([0x01, 0xc8, 0xc1, 0xc0, 0x05, 0xff, 0xca, 0x75, 0xf7, 0xcc]);
    const regs = new Int32Array(32);
    regs[0] = 7;
    regs[2] = 0x1234567;
    regs[4] = 10000; // edx: iterations (more than the compiled loop's bound)
    const data = new Uint8Array(64);
    const a = runProgram(machine(Infinity), prog, regs, data, 0, 1);
    const b = runProgram(machine(0), prog, regs, data, 0, 1);
    expect(b).toEqual(a);
  });
});
