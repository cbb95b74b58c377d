// Direct unit tests of the SSE families on a bare core: one instruction each, hand-checked
// results (the exhaustive comparison against the host CPU is tests/diff/sse.test.ts).
import { describe, expect, it } from 'vitest';
import { Core, DATA } from './sse-util.js';
import { SIGTRAP, SIGSEGV, SIGFPE, SI_KERNEL } from '../../kernel/cpu/fault.js';
import { getFlags } from '../../kernel/cpu/flags.js';

const ok = (k: Core, bytes: number[]) => expect(k.exec(bytes)?.signo).toBe(SIGTRAP);

describe('sse moves', () => {
  it('movd/movq between gprs and xmm', () => {
    const k = new Core();
    k.cpu.R[0] = 0x55667788;
    k.cpu.R[1] = 0x11223344;
    k.setX(1, [-1, -1, -1, -1]);
    ok(k, [0x66, 0x0f, 0x6e, 0xc8]); // movd xmm1, eax
    expect(k.x(1)).toEqual([0x55667788, 0, 0, 0]);
    k.setX(1, [-1, -1, -1, -1]);
    ok(k, [0x66, 0x48, 0x0f, 0x6e, 0xc8]); // movq xmm1, rax
    expect(k.x(1)).toEqual([0x55667788, 0x11223344, 0, 0]);
    k.setX(2, [1, 2, 3, 4]);
    k.cpu.setU64(3, -1);
    ok(k, [0x66, 0x0f, 0x7e, 0xd3]); // movd ebx, xmm2
    expect(k.cpu.getU64(3)).toBe(1);
  });

  it('movsd merges from a register and zeroes from memory', () => {
    const k = new Core();
    k.setX(0, [1, 2, 3, 4]);
    k.setX(1, [5, 6, 7, 8]);
    ok(k, [0xf2, 0x0f, 0x10, 0xc1]); // movsd xmm0, xmm1
    expect(k.x(0)).toEqual([5, 6, 3, 4]);
    k.mem.write64(DATA, 9, 10);
    k.cpu.setU64(0, DATA);
    ok(k, [0xf2, 0x0f, 0x10, 0x00]); // movsd xmm0, [rax]
    expect(k.x(0)).toEqual([9, 10, 0, 0]);
  });

  it('movdqa with a misaligned operand is #GP (SIGSEGV, SI_KERNEL, addr 0)', () => {
    const k = new Core();
    k.cpu.setU64(0, DATA + 8);
    const f = k.exec([0x66, 0x0f, 0x6f, 0x00]);
    expect([f?.signo, f?.code, f?.addr]).toEqual([SIGSEGV, SI_KERNEL, 0]);
    k.cpu.setU64(0, DATA + 8);
    ok(k, [0xf3, 0x0f, 0x6f, 0x00]); // movdqu is fine
  });

  it('movups store across a page boundary into an unmapped page writes nothing', () => {
    const k = new Core();
    k.setX(3, [-1, -1, -1, -1]);
    k.cpu.setU64(0, DATA + 0x2000 - 8);
    const f = k.exec([0x0f, 0x11, 0x18]);
    expect(f?.signo).toBe(SIGSEGV);
    expect(k.mem.read32(DATA + 0x2000 - 8)).toBe(0);
  });
});

describe('sse integer', () => {
  it('pcmpeqb + pmovmskb find a zero byte', () => {
    const k = new Core();
    k.setX(1, [0x64636261, 0x68006665, 0, 0x01010101]);
    k.setX(0, [0, 0, 0, 0]);
    ok(k, [0x66, 0x0f, 0x74, 0xc1]); // pcmpeqb xmm0, xmm1
    ok(k, [0x66, 0x0f, 0xd7, 0xc0]); // pmovmskb eax, xmm0
    expect(k.cpu.getU64(0)).toBe(0x0f40);
  });

  it('pmuludq, psadbw, pslldq', () => {
    const k = new Core();
    k.setX(0, [-1, 7, -2, 0]);
    k.setX(1, [-1, 9, 3, 0]);
    ok(k, [0x66, 0x0f, 0xf4, 0xc1]);
    expect(k.x(0)).toEqual([1, 0xfffffffe, 0xfffffffa, 2]);
    k.setX(2, [0x04030201, 0, 0xff, 0]);
    k.setX(3, [0, 0x01010101, 0, 0]);
    ok(k, [0x66, 0x0f, 0xf6, 0xd3]);
    expect(k.x(2)).toEqual([14, 0, 255, 0]);
    k.setX(4, [0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d]);
    ok(k, [0x66, 0x0f, 0x73, 0xfc, 0x03]); // pslldq xmm4, 3
    expect(k.x(4)).toEqual([0x01000000, 0x05040302, 0x09080706, 0x0d0c0b0a]);
  });
});

describe('sse float', () => {
  it('addsd/divsd and the MXCSR flags', () => {
    const k = new Core();
    k.setXd(0, 1, 5);
    k.setXd(1, 3, 7);
    ok(k, [0xf2, 0x0f, 0x5e, 0xc1]); // divsd xmm0, xmm1
    expect(k.xd(0)).toEqual([1 / 3, 5]);
    expect(k.cpu.mxcsr).toBe(0x1f80 | 0x20);
    k.cpu.mxcsr = 0x1f80;
    k.setXd(0, 1);
    k.setXd(1, 0);
    ok(k, [0xf2, 0x0f, 0x5e, 0xc1]);
    expect(k.xd(0)[0]).toBe(Infinity);
    expect(k.cpu.mxcsr).toBe(0x1f84);
  });

  it('inf - inf is the default NaN; a NaN operand propagates quieted', () => {
    const k = new Core();
    k.setXd(0, Infinity);
    k.setXd(1, Infinity);
    ok(k, [0xf2, 0x0f, 0x5c, 0xc1]); // subsd
    expect(k.x(0).slice(0, 2)).toEqual([0, 0xfff80000]);
    k.setX(0, [1, 0x7ff00000, 0, 0]); // SNaN
    k.setXd(1, 2);
    k.cpu.mxcsr = 0x1f80;
    ok(k, [0xf2, 0x0f, 0x58, 0xc8]); // addsd xmm1, xmm0
    expect(k.x(1).slice(0, 2)).toEqual([1, 0x7ff80000]);
    expect(k.cpu.mxcsr & 1).toBe(1);
  });

  it('an unmasked divide-by-zero faults (SIGFPE, FPE_FLTDIV) and leaves the destination alone', () => {
    const k = new Core();
    k.cpu.mxcsr = 0x1f80 & ~0x200; // ZM clear
    k.setXd(0, 1, 5);
    k.setXd(1, 0);
    const f = k.exec([0xf2, 0x0f, 0x5e, 0xc1]); // divsd xmm0, xmm1
    expect([f?.signo, f?.code, f?.addr]).toEqual([SIGFPE, 3, 0x400000]);
    expect(k.xd(0)).toEqual([1, 5]);
    expect(k.cpu.mxcsr & 0x3f).toBe(0x4);
  });

  it('ucomisd sets ZF PF CF on unordered', () => {
    const k = new Core();
    k.setX(0, [0, 0x7ff80000, 0, 0]);
    k.setXd(1, 1);
    ok(k, [0x66, 0x0f, 0x2e, 0xc1]);
    expect(getFlags(k.cpu) & 0x8d5).toBe(0x45);
    k.setXd(0, 1);
    k.setXd(1, 2);
    ok(k, [0x66, 0x0f, 0x2e, 0xc1]);
    expect(getFlags(k.cpu) & 0x8d5).toBe(0x1);
  });

  it('cvttsd2si gives the integer indefinite out of range', () => {
    const k = new Core();
    k.setXd(0, 3e10);
    ok(k, [0xf2, 0x0f, 0x2c, 0xc0]); // cvttsd2si eax, xmm0
    expect(k.cpu.getU64(0)).toBe(0x80000000);
    ok(k, [0xf2, 0x48, 0x0f, 0x2c, 0xc0]); // cvttsd2si rax, xmm0
    expect(k.cpu.getU64(0)).toBe(30000000000);
    k.setXd(0, -2.5);
    ok(k, [0xf2, 0x48, 0x0f, 0x2d, 0xc0]); // cvtsd2si rax, xmm0 (nearest even)
    expect(k.cpu.getS64(0)).toBe(-2);
  });

  it('fxsave / fxrstor round-trip, ldmxcsr rejects reserved bits', () => {
    const k = new Core();
    for (let r = 0; r < 16; r++) k.setX(r, [r, r + 100, r + 200, r + 300]);
    k.cpu.setU64(0, DATA);
    ok(k, [0x0f, 0xae, 0x00]); // fxsave [rax]
    expect(k.mem.read32(DATA)).toBe(0x37f);
    expect(k.mem.read32(DATA + 24)).toBe(0x1f80);
    expect(k.mem.read32(DATA + 28)).toBe(0xffff);
    expect(k.mem.read32(DATA + 160 + 16 * 5 + 4)).toBe(105);
    for (let r = 0; r < 16; r++) k.setX(r, [0, 0, 0, 0]);
    ok(k, [0x0f, 0xae, 0x08]); // fxrstor [rax]
    expect(k.x(15)).toEqual([15, 115, 215, 315]);
    k.mem.write32(DATA, 0x10000);
    const f = k.exec([0x0f, 0xae, 0x10]); // ldmxcsr [rax]
    expect([f?.signo, f?.code]).toEqual([SIGSEGV, SI_KERNEL]);
  });
});
