// Runs single SSE instructions on a bare emulated core for the SSE unit tests: the bytes go in
// an executable page at CODE followed by int3, data lives in a read-write page at DATA, and
// run() stops with the int3's SIGTRAP right after the instruction (or with its own fault).
import { PhysMem } from '../../kernel/mm/phys.js';
import { AddressSpace, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_ANONYMOUS } from '../../kernel/mm/aspace.js';
import { Cpu } from '../../kernel/cpu/state.js';
import { CodeCache, run } from '../../kernel/cpu/interp.js';
import type { GuestFault } from '../../kernel/cpu/fault.js';

export const CODE = 0x400000;
export const DATA = 0x600000;

export class Core {
  readonly phys = new PhysMem(64);
  readonly mem = new AddressSpace(this.phys);
  readonly cpu = new Cpu(this.phys, this.mem);
  readonly code = new CodeCache(this.mem);

  constructor() {
    this.mem.mapFixed(CODE, 0x1000, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
    this.mem.mapFixed(DATA, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  }

  /** Executes the instruction bytes once; returns the fault that stopped it (SIGTRAP = done). */
  exec(bytes: number[]): GuestFault | null {
    const buf = Uint8Array.from([...bytes, 0xcc]);
    // Write through the page table (the code page is not writable for the guest).
    const off = this.mem.pt.translate(CODE, PROT_READ);
    this.phys.u8.set(buf, off);
    this.code.invalidateAll();
    this.cpu.rip = CODE;
    return run(this.cpu, this.code, 100);
  }

  /** xmm n as 4 uint32 (lane 0 first). */
  x(n: number): number[] {
    return Array.from(this.cpu.X32.subarray(4 * n, 4 * n + 4), (v) => v >>> 0);
  }
  setX(n: number, v: number[]): void {
    for (let j = 0; j < 4; j++) this.cpu.X32[4 * n + j] = v[j] | 0;
  }
  xd(n: number): number[] {
    return [this.cpu.XF64[2 * n], this.cpu.XF64[2 * n + 1]];
  }
  setXd(n: number, a: number, b = 0): void {
    this.cpu.XF64[2 * n] = a;
    this.cpu.XF64[2 * n + 1] = b;
  }
}
