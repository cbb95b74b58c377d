// The block compiler against the interpreter on random straight-line sequences: the same bytes
// and state run once interpreted and once compiled must leave identical registers, flags, xmm/ymm
// registers and memory. Single-instruction differential tests (tests/diff) cannot see what only
// happens across instructions in a compiled block: dead lazy-flag records being skipped, fused
// compare+branch, templates emitted without flags, self-looping blocks, and regions (several
// blocks compiled into one function, below).
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
  [0x48, 0xf7, 0xc1, 0xff, 0x00, 0x00, 0x80],  // test   $0xffffffff800000ff,%rcx
  [0xf6, 0xc1, 0x5a],                          // test   $0x5a,%cl
  [0xf7, 0xc2, 0x78, 0x56, 0x34, 0x12],        // test   $0x12345678,%edx
  [0x48, 0xa9, 0xff, 0x00, 0x00, 0x80],        // test   $0xffffffff800000ff,%rax
  [0xf6, 0x43, 0x05, 0x81],                    // testb  $0x81,0x5(%rbx)
  [0x66, 0xf7, 0x43, 0x06, 0x34, 0x12],        // testw  $0x1234,0x6(%rbx)
  [0xf7, 0xd8],                                // neg    %eax
  [0x48, 0xf7, 0xd9],                          // neg    %rcx
  [0x66, 0xf7, 0xda],                          // neg    %dx
  [0xf6, 0xdb],                                // neg    %bl
  [0xf7, 0x5b, 0x08],                          // negl   0x8(%rbx)
  [0x48, 0xf7, 0x5b, 0x10],                    // negq   0x10(%rbx)
  [0xf7, 0xd0],                                // not    %eax
  [0x48, 0xf7, 0xd1],                          // not    %rcx
  [0xf6, 0xd2],                                // not    %dl
  [0xf7, 0x53, 0x0c],                          // notl   0xc(%rbx)
  [0x66, 0x98],                                // cbtw
  [0x98],                                      // cwtl
  [0x48, 0x98],                                // cltq
  [0x66, 0x99],                                // cwtd
  [0x99],                                      // cltd
  [0x48, 0x99],                                // cqto
  [0x18, 0xc0],                                // sbb    %al,%al
  [0x12, 0x43, 0x03],                          // adc    0x3(%rbx),%al
  [0x48, 0x83, 0xd0, 0x05],                    // adc    $0x5,%rax
  [0x83, 0xd9, 0x01],                          // sbb    $0x1,%ecx
  [0x66, 0x19, 0xc8],                          // sbb    %cx,%ax
  [0x48, 0x13, 0x4b, 0x08],                    // adc    0x8(%rbx),%rcx
  [0x14, 0x7f],                                // adc    $0x7f,%al
  [0x48, 0x1d, 0x78, 0x56, 0x34, 0x12],        // sbb    $0x12345678,%rax
  [0xc0, 0xe0, 0x03],                          // shl    $0x3,%al
  [0x66, 0xc1, 0xe8, 0x05],                    // shr    $0x5,%ax
  [0x66, 0xc1, 0xc0, 0x08],                    // rol    $0x8,%ax
  [0xc0, 0xf9, 0x07],                          // sar    $0x7,%cl
  [0xd0, 0xe9],                                // shr    %cl
  [0x66, 0xd1, 0xf8],                          // sar    %ax
  [0x48, 0xd1, 0xe2],                          // shl    %rdx
  [0x48, 0xd1, 0xea],                          // shr    %rdx
  [0x48, 0xd1, 0xfa],                          // sar    %rdx
  [0x48, 0xd1, 0xc0],                          // rol    %rax
  [0x48, 0xd1, 0xc8],                          // ror    %rax
  [0xc1, 0x63, 0x04, 0x05],                    // shll   $0x5,0x4(%rbx)
  [0x48, 0xc1, 0x6b, 0x08, 0x21],              // shrq   $0x21,0x8(%rbx)
  [0x66, 0xc1, 0xc8, 0x0c],                    // ror    $0xc,%ax
  [0xc0, 0xc0, 0x09],                          // rol    $0x9,%al
  [0x66, 0xc1, 0xe0, 0x11],                    // shl    $0x11,%ax
  [0xc0, 0xe8, 0x08],                          // shr    $0x8,%al
  [0xc1, 0xc1, 0x0d],                          // rol    $0xd,%ecx
  [0xc1, 0xca, 0x07],                          // ror    $0x7,%edx
  [0x48, 0xc1, 0xc1, 0x28],                    // rol    $0x28,%rcx
  [0x48, 0xc1, 0xca, 0x20],                    // ror    $0x20,%rdx
  [0x48, 0xc1, 0xf8, 0x3f],                    // sar    $0x3f,%rax
  [0x48, 0xc1, 0xe1, 0x20],                    // shl    $0x20,%rcx
  [0x66, 0xff, 0xc1],                          // inc    %cx
  [0xfe, 0x4b, 0x02],                          // decb   0x2(%rbx)
  [0xff, 0x43, 0x04],                          // incl   0x4(%rbx)
  [0x48, 0xff, 0x4b, 0x08],                    // decq   0x8(%rbx)
  [0x69, 0xd0, 0x78, 0x56, 0x34, 0x12],        // imul   $0x12345678,%eax,%edx
  [0x0f, 0xaf, 0x4b, 0x04],                    // imul   0x4(%rbx),%ecx
  [0x0f, 0x94, 0x43, 0x07],                    // sete   0x7(%rbx)
  [0x0f, 0x9c, 0x43, 0x09],                    // setl   0x9(%rbx)
  [0x0f, 0x4c, 0x43, 0x04],                    // cmovl  0x4(%rbx),%eax
  [0x48, 0x0f, 0x45, 0x4b, 0x08],              // cmovne 0x8(%rbx),%rcx
  [0x66, 0x0f, 0x74, 0xc1],                    // pcmpeqb %xmm1,%xmm0
  [0x66, 0x0f, 0xda, 0xd0],                    // pminub %xmm0,%xmm2
  [0x66, 0x0f, 0xd7, 0xc0],                    // pmovmskb %xmm0,%eax
  [0x66, 0x0f, 0x74, 0x4b, 0x10],              // pcmpeqb 0x10(%rbx),%xmm1
  [0x66, 0x0f, 0xeb, 0xc8],                    // por    %xmm0,%xmm1
  [0x66, 0x0f, 0xef, 0xd2],                    // pxor   %xmm2,%xmm2
  [0x66, 0x0f, 0xf8, 0xc1],                    // psubb  %xmm1,%xmm0
  [0x66, 0x0f, 0xfc, 0xc1],                    // paddb  %xmm1,%xmm0
  [0x66, 0x0f, 0xde, 0xc1],                    // pmaxub %xmm1,%xmm0
  [0x66, 0x0f, 0x75, 0xc1],                    // pcmpeqw %xmm1,%xmm0
  [0x66, 0x0f, 0x66, 0xc1],                    // pcmpgtd %xmm1,%xmm0
  [0x0f, 0x57, 0xc1],                          // xorps  %xmm1,%xmm0
  [0x66, 0x0f, 0x70, 0xc1, 0x1b],              // pshufd $0x1b,%xmm1,%xmm0
  [0x66, 0x0f, 0x6c, 0xc1],                    // punpcklqdq %xmm1,%xmm0
  [0x66, 0x48, 0x0f, 0x7e, 0xc0],              // movq   %xmm0,%rax
  [0x66, 0x0f, 0x6e, 0xd9],                    // movd   %ecx,%xmm3
  [0x66, 0x0f, 0x6f, 0x63, 0x10],              // movdqa 0x10(%rbx),%xmm4
  [0xf3, 0x0f, 0x7f, 0x6b, 0x14],              // movdqu %xmm5,0x14(%rbx)
  [0xc5, 0xf5, 0x74, 0xc2],                    // vpcmpeqb %ymm2,%ymm1,%ymm0
  [0xc5, 0xfd, 0xd7, 0xc0],                    // vpmovmskb %ymm0,%eax
  [0xc5, 0xf9, 0xd7, 0xc8],                    // vpmovmskb %xmm0,%ecx
  [0xc5, 0xfe, 0x6f, 0x4b, 0x20],              // vmovdqu 0x20(%rbx),%ymm1
  [0xc5, 0xfe, 0x7f, 0x53, 0x20],              // vmovdqu %ymm2,0x20(%rbx)
  [0xc5, 0xf8, 0x77],                          // vzeroupper
  [0xc4, 0xe2, 0x7d, 0x17, 0xc1],              // vptest %ymm1,%ymm0
  [0xc5, 0xf5, 0xda, 0xc2],                    // vpminub %ymm2,%ymm1,%ymm0
  [0xc5, 0xf5, 0xeb, 0xc2],                    // vpor   %ymm2,%ymm1,%ymm0
  [0xc5, 0xf5, 0xdf, 0xc2],                    // vpandn %ymm2,%ymm1,%ymm0
  [0xc4, 0xe2, 0x7d, 0x78, 0xc1],              // vpbroadcastb %xmm1,%ymm0
  [0xc5, 0xf9, 0x6e, 0xc0],                    // vmovd  %eax,%xmm0
  [0xc5, 0xf1, 0x74, 0xc2],                    // vpcmpeqb %xmm2,%xmm1,%xmm0
  [0xc5, 0xe1, 0xef, 0x63, 0x10],              // vpxor  0x10(%rbx),%xmm3,%xmm4
  [0xc5, 0xfd, 0x6f, 0x6b, 0x20],              // vmovdqa 0x20(%rbx),%ymm5
  [0xc5, 0xe5, 0x74, 0x73, 0x20],              // vpcmpeqb 0x20(%rbx),%ymm3,%ymm6
  [0xc4, 0xe2, 0x79, 0x17, 0x53, 0x10],        // vptest 0x10(%rbx),%xmm2
  [0xc4, 0xe2, 0x79, 0x78, 0x7b, 0x05],        // vpbroadcastb 0x5(%rbx),%xmm7
  [0xc5, 0xf1, 0xda, 0x53, 0x03],              // vpminub 0x3(%rbx),%xmm1,%xmm2
  [0xc5, 0xfa, 0x6f, 0xe3],                    // vmovdqu %xmm3,%xmm4
  [0xc5, 0xfe, 0x6f, 0xeb],                    // vmovdqu %ymm3,%ymm5
  [0xf3, 0x0f, 0xbc, 0xc8],                    // tzcnt  %eax,%ecx
  [0xf3, 0x48, 0x0f, 0xbc, 0xc2],              // tzcnt  %rdx,%rax
  [0xf3, 0x0f, 0xbc, 0x53, 0x04],              // tzcnt  0x4(%rbx),%edx
  [0xf3, 0x0f, 0xbd, 0xc1],                    // lzcnt  %ecx,%eax
  [0xf3, 0x48, 0x0f, 0xbd, 0x53, 0x08],        // lzcnt  0x8(%rbx),%rdx
  [0x0f, 0xbc, 0xca],                          // bsf    %edx,%ecx
  [0x48, 0x0f, 0xbc, 0xd0],                    // bsf    %rax,%rdx
  [0x0f, 0xbd, 0xc1],                          // bsr    %ecx,%eax
  [0x48, 0x0f, 0xbd, 0x4b, 0x0c],              // bsr    0xc(%rbx),%rcx
  [0x48, 0x0f, 0xaf, 0xc1],                    // imul   %rcx,%rax
  [0x48, 0x69, 0xca, 0x45, 0x23, 0x01, 0x00],  // imul   $0x12345,%rdx,%rcx
  [0x48, 0x0f, 0xaf, 0x53, 0x08],              // imul   0x8(%rbx),%rdx
  [0x48, 0x6b, 0xc0, 0xf9],                    // imul   $0xfffffffffffffff9,%rax,%rax
  [0xd3, 0xe0],                                // shl    %cl,%eax
  [0xd3, 0xea],                                // shr    %cl,%edx
  [0xd3, 0xf8],                                // sar    %cl,%eax
  [0x48, 0xd3, 0xe2],                          // shl    %cl,%rdx
  [0x48, 0xd3, 0xe8],                          // shr    %cl,%rax
  [0x48, 0xd3, 0xfa],                          // sar    %cl,%rdx
  [0xd3, 0x63, 0x04],                          // shll   %cl,0x4(%rbx)
  [0x48, 0xd3, 0x6b, 0x08],                    // shrq   %cl,0x8(%rbx)
  [0x0f, 0x16, 0x4b, 0x10],                    // movhps 0x10(%rbx),%xmm1
  [0x0f, 0x16, 0xda],                          // movlhps %xmm2,%xmm3
  [0x0f, 0x17, 0x63, 0x18],                    // movhps %xmm4,0x18(%rbx)
  [0x80, 0xe1, 0x0f],                          // and    $0xf,%cl
  [0x0f, 0xc8],                                // bswap  %eax
  [0x48, 0x0f, 0xca],                          // bswap  %rdx
  [0x41, 0x0f, 0xc9],                          // bswap  %r9d
  [0xc4, 0xe2, 0x70, 0xf5, 0xd0],              // bzhi   %ecx,%eax,%edx
  [0xc4, 0xe2, 0x78, 0xf5, 0x4b, 0x04],        // bzhi   %eax,0x4(%rbx),%ecx
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

function machine(threshold: number, hot = Infinity, regions = false): Machine {
  const phys = new PhysMem(32);
  const mem = new AddressSpace(phys);
  mem.mapFixed(CODE, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
  mem.mapFixed(DATA, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  mem.mapFixed(0x700000, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  const cpu = new Cpu(phys, mem);
  const code = new CodeCache(mem);
  code.jitThreshold = threshold;
  code.hotThreshold = hot;
  code.regions = regions;
  return { cpu, mem, code };
}

function runProgram(m: Machine, prog: Uint8Array, regs: Int32Array, data: Uint8Array, flags: number, times: number, xmm?: Int32Array) {
  m.mem.writeBytes(CODE, prog);
  for (let t = 0; t < times; t++) {
    m.cpu.R.set(regs);
    if (xmm) m.cpu.X32.set(xmm);
    m.cpu.setU64(3, DATA); // rbx: the data page
    m.cpu.setU64(4, 0x708000); // rsp
    m.mem.writeBytes(DATA, data);
    m.mem.writeBytes(0x707f00, new Uint8Array(0x200)); // the stack around rsp: pops see the same memory each run
    setFlags(m.cpu, flags);
    m.cpu.rip = CODE;
    const f = run(m.cpu, m.code, 1e6);
    if (!f || f.signo !== 5) throw new Error(`expected the final int3, got ${f ? 'signal ' + f.signo : 'no fault'}`);
  }
  return {
    regs: Array.from(m.cpu.R), flags: getFlags(m.cpu) & 0x8d5, data: Array.from(m.mem.readBytes(DATA, 64)),
    xmm: Array.from(m.cpu.X32),
  };
}

/** Random xmm/ymm contents, with equal and zero bytes often enough for the byte compares. */
function randomXmm(r: () => number): Int32Array {
  const x = new Int32Array(128);
  for (let k = 0; k < 128; k++) {
    const v = r();
    x[k] = r() % 4 === 0 ? [0, -1, 0x41414141, 0x00ff00ff][r() % 4] : v | 0;
  }
  return x;
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
      const xmm = randomXmm(r);
      const a = runProgram(machine(Infinity), prog, regs, data, flags, 1, xmm);
      const b = runProgram(machine(0), prog, regs, data, flags, 2, xmm);
      // The hot compile (memory fast paths inline) from the second run on.
      const h = runProgram(machine(0, 1), prog, regs, data, flags, 3, xmm);
      expect(h, `hot: program ${[...prog].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`).toEqual(a);
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

// ---- regions: several blocks compiled into one function ----

/** A tiny assembler for the region tests: bytes, labels, and rel32 jumps/calls fixed up at the end. */
class Asm {
  readonly b: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fix: [number, string][] = [];
  bytes(...x: number[]): this { this.b.push(...x); return this; }
  label(n: string): this { this.labels.set(n, this.b.length); return this; }
  rel32(op: number[], n: string): this {
    this.b.push(...op, 0, 0, 0, 0);
    this.fix.push([this.b.length, n]);
    return this;
  }
  at(n: string): number { return CODE + this.labels.get(n)!; }
  done(): Uint8Array {
    for (const [end, n] of this.fix) {
      const d = this.labels.get(n)! - end;
      for (let k = 0; k < 4; k++) this.b[end - 4 + k] = (d >> (8 * k)) & 255;
    }
    return Uint8Array.from(this.b);
  }
}

/** Instructions for region bodies: the pool without push/pop (calls and rets must stay balanced). */
const BODY = POOL.filter((x) => x[0] !== 0x50 && x[0] !== 0x58);

function chunk(r: () => number, a: Asm, max: number): void {
  const n = r() % (max + 1);
  for (let k = 0; k < n; k++) a.bytes(...BODY[r() % BODY.length]);
}

/** mov r64, imm64 for r8..r15. */
function movImm64(reg: number, v: number): number[] {
  const lo = v >>> 0, hi = Math.floor(v / 2 ** 32);
  return [0x49, 0xb8 + (reg - 8), ...[0, 1, 2, 3].map((k) => (lo >>> (8 * k)) & 255), ...[0, 1, 2, 3].map((k) => (hi >>> (8 * k)) & 255)];
}

interface RunResult {
  regs: number[]; flags: number; data: number[]; xmm: number[]; retired: number; rip: number; signo: number;
}

function runRegion(m: Machine, prog: Uint8Array, regs: Int32Array, data: Uint8Array, flags: number, xmm: Int32Array): RunResult {
  m.mem.writeBytes(CODE, prog);
  m.cpu.R.set(regs);
  m.cpu.X32.set(xmm);
  m.cpu.setU64(3, DATA);
  m.cpu.setU64(4, 0x708000);
  m.mem.writeBytes(DATA, data);
  setFlags(m.cpu, flags);
  m.cpu.rip = CODE;
  m.cpu.retired = 0;
  let f = null;
  // Budgets small enough that the run loop's slices end inside loops now and then.
  for (let n = 0; n < 1000 && !f; n++) f = run(m.cpu, m.code, 777);
  return {
    regs: Array.from(m.cpu.R), flags: getFlags(m.cpu) & 0x8d5, data: Array.from(m.mem.readBytes(DATA, 64)),
    xmm: Array.from(m.cpu.X32), retired: m.cpu.retired, rip: m.cpu.rip, signo: f ? f.signo : 0,
  };
}

/**
 * A loop with a forward branch, a direct or indirect call to a function with its own branch, and
 * random bodies: run interpreted, and compiled with regions forming after a few iterations.
 */
function loopProgram(r: () => number, iterations: number, faulting: boolean): Uint8Array {
  const a = new Asm();
  a.bytes(0x41, 0xbf, iterations & 255, iterations >> 8, 0, 0); // mov r15d, iterations
  a.bytes(...movImm64(14, 0)); // mov r14, f (patched below)
  const fAddrAt = a.b.length - 8;
  a.label('loop');
  chunk(r, a, 5);
  a.rel32([0x0f, 0x80 + (r() % 16)], 'skip');
  chunk(r, a, 5);
  a.label('skip');
  // mov r8, [rbx + r15*8 - 0x28]: faults (below DATA) once r15 < 5, when `faulting`.
  if (faulting) a.bytes(0x4e, 0x8b, 0x44, 0xfb, 0xd8);
  chunk(r, a, 4);
  if (r() % 2) a.rel32([0xe8], 'f');
  else a.bytes(0x41, 0xff, 0xd6); // call r14
  chunk(r, a, 4);
  a.bytes(0x41, 0xff, 0xcf); // dec r15d
  a.rel32([0x0f, 0x85], 'loop');
  a.bytes(0xcc);
  a.label('f');
  chunk(r, a, 4);
  a.rel32([0x0f, 0x80 + (r() % 16)], 'f2');
  chunk(r, a, 4);
  a.label('f2');
  a.bytes(0xc3);
  const prog = a.done();
  const f = a.at('f');
  for (let k = 0; k < 4; k++) prog[fAddrAt + k] = (f >>> (8 * k)) & 255;
  return prog;
}

describe('block compiler regions vs interpreter', () => {
  it('random loops with branches and calls give identical state and retired counts', () => {
    const r = rng(777);
    for (let trial = 0; trial < 150; trial++) {
      const faulting = trial % 3 === 0;
      const prog = loopProgram(r, 40, faulting);
      const regs = new Int32Array(32);
      for (let k = 0; k < 32; k++) regs[k] = r() % 5 === 0 ? [0, -1, 0x7fffffff, -0x80000000, 1][r() % 5] : r() | 0;
      const data = new Uint8Array(64).map(() => r() & 255);
      const flags = r() & 0x8d5;
      const xmm = randomXmm(r);
      const want = runRegion(machine(Infinity), prog, regs, data, flags, xmm);
      for (const [jit, hot, regions] of [[2, 5, true], [0, 1, true], [3, 20, true], [1, Infinity, false], [1, 3, false]] as const) {
        const m = machine(jit, hot, regions);
        const got = runRegion(m, prog, regs, data, flags, xmm);
        // At a fault the flags may differ: compiled code does not write lazy-flag records that no
        // later instruction of the block reads, and a fault in between exposes the older ones.
        // Everything else (registers, memory, RIP, retired count) is exact.
        if (faulting) got.flags = want.flags;
        expect(got, `trial ${trial} jit ${jit}/${hot}/${regions}: ${[...prog].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`).toEqual(want);
        if (hot !== Infinity) expect(m.code.recompiled).toBeGreaterThan(0);
      }
      expect(want.signo).toBe(faulting ? 11 : 5);
    }
  });

  it('a store into a later block of the running region takes effect', () => {
    // loop: mov [r14], r15d (the immediate of the mov below); jmp next; next: mov eax, imm32;
    // add ecx, eax; dec r15d; jnz loop; int3
    const a = new Asm();
    a.bytes(0x41, 0xbf, 50, 0, 0, 0, 0x31, 0xc9); // mov r15d, 50; xor ecx, ecx
    a.bytes(...movImm64(14, 0));
    const at = a.b.length - 8;
    a.label('loop');
    a.bytes(0x45, 0x89, 0x3e); // mov [r14], r15d
    a.rel32([0xe9], 'next');
    a.label('next');
    a.bytes(0xb8);
    a.label('imm');
    a.bytes(7, 0, 0, 0, 0x01, 0xc1, 0x41, 0xff, 0xcf);
    a.rel32([0x0f, 0x85], 'loop');
    a.bytes(0xcc);
    const prog = a.done();
    const imm = a.at('imm');
    for (let k = 0; k < 4; k++) prog[at + k] = (imm >>> (8 * k)) & 255;
    const regs = new Int32Array(32);
    const xmm = new Int32Array(128);
    const data = new Uint8Array(64);
    const want = runRegion(machine(Infinity), prog, regs, data, 0, xmm);
    expect(want.regs[2]).toBe((50 * 51) / 2);
    expect(runRegion(machine(1, 2, true), prog, regs, data, 0, xmm)).toEqual(want);
  });
});
