/**
 * Guest memory access: the loads and stores instruction handlers make (hot path), and the
 * copy-in/copy-out layer syscall handlers use (slow path, whole buffers).
 *
 * Every hot accessor takes the address as a JS number, checks the TLB, and reads the physical
 * memory through one DataView (unaligned accesses are legal on x86). Accesses that miss, cross a
 * page, or need a permission change fall to the *Slow variants, which translate page by page and
 * may throw a GuestFault. 64-bit values never become one JS value: they are read into a pair of
 * int32 slots of a caller-given array (usually the register file) and written from lo/hi halves.
 */

import { PageTable, PROT_READ, PROT_WRITE } from './pagetable.js';
import { PhysMem, PAGE_SIZE } from './phys.js';
import { GuestFault } from '../cpu/fault.js';

export class MemAccess {
  readonly pt: PageTable;
  readonly phys: PhysMem;
  readonly dv: DataView;
  readonly u8: Uint8Array;
  private readonly rTag: Float64Array;
  private readonly rOff: Int32Array;
  private readonly wTag: Float64Array;
  private readonly wOff: Int32Array;

  constructor(pt: PageTable) {
    this.pt = pt;
    this.phys = pt.phys;
    this.dv = pt.phys.dv;
    this.u8 = pt.phys.u8;
    this.rTag = pt.rTag;
    this.rOff = pt.rOff;
    this.wTag = pt.wTag;
    this.wOff = pt.wOff;
  }

  // The hot accessors are kept small so V8 inlines them into compiled blocks (bin/rustos limits
  // inlining to small functions): the TLB hit inline, everything else in the *Miss/*Slow
  // functions. a & 4095 is the page offset of any integer address below 2^53 (negative ones
  // too), so (a - off) / 4096 is its page number; above that, no page number is an integer and
  // the TLB misses.

  read8(a: number): number {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.rTag[i] === vpn) return this.u8[this.rOff[i] + off];
    return this.read8Miss(a);
  }

  read16(a: number): number {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.rTag[i] === vpn && off <= 4094) return this.dv.getUint16(this.rOff[i] + off, true);
    return this.readSlow(a, 2);
  }

  /** Returns the value as a signed int32. */
  read32(a: number): number {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.rTag[i] === vpn && off <= 4092) return this.dv.getInt32(this.rOff[i] + off, true);
    return this.readSlow(a, 4) | 0;
  }

  /** Reads 8 bytes into dst[k] (low half) and dst[k+1] (high half). */
  read64(a: number, dst: Int32Array, k: number): void {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.rTag[i] !== vpn || off > 4088) return this.read64Miss(a, dst, k);
    const p = this.rOff[i] + off, dv = this.dv;
    dst[k] = dv.getInt32(p, true);
    dst[k + 1] = dv.getInt32(p + 4, true);
  }

  write8(a: number, v: number): void {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.wTag[i] === vpn) this.u8[this.wOff[i] + off] = v;
    else this.write8Miss(a, v);
  }

  write16(a: number, v: number): void {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.wTag[i] === vpn && off <= 4094) this.dv.setUint16(this.wOff[i] + off, v, true);
    else this.writeSlow(a, v, 0, 2);
  }

  write32(a: number, v: number): void {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.wTag[i] === vpn && off <= 4092) this.dv.setInt32(this.wOff[i] + off, v, true);
    else this.writeSlow(a, v, 0, 4);
  }

  write64(a: number, lo: number, hi: number): void {
    const off = a & 4095, vpn = (a - off) / 4096, i = vpn & 4095;
    if (this.wTag[i] !== vpn || off > 4088) return this.writeSlow(a, lo, hi, 8);
    const p = this.wOff[i] + off, dv = this.dv;
    dv.setInt32(p, lo, true);
    dv.setInt32(p + 4, hi, true);
  }

  private read8Miss(a: number): number {
    return this.u8[this.pt.translate(a, PROT_READ)];
  }

  private write8Miss(a: number, v: number): void {
    this.u8[this.pt.translate(a, PROT_WRITE)] = v;
  }

  private read64Miss(a: number, dst: Int32Array, k: number): void {
    // Read both halves before storing either, so a fault leaves dst untouched.
    const lo = this.readSlow(a, 4);
    const hi = this.readSlow(a + 4, 4);
    dst[k] = lo;
    dst[k + 1] = hi;
  }

  /** Little-endian read of n <= 4 bytes that may cross a page; unsigned result. */
  private readSlow(a: number, n: number): number {
    const p0 = this.pt.translate(a, PROT_READ);
    if (Math.floor(a / PAGE_SIZE) === Math.floor((a + n - 1) / PAGE_SIZE)) {
      return n === 2 ? this.dv.getUint16(p0, true) : this.dv.getUint32(p0, true);
    }
    // Fault before reading anything; like the CPU, report the first byte of the faulting page.
    const p1 = this.pt.translate(Math.floor((a + n - 1) / PAGE_SIZE) * PAGE_SIZE, PROT_READ);
    void p1;
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + this.u8[this.pt.translate(a + k, PROT_READ)];
    return v;
  }

  private writeSlow(a: number, lo: number, hi: number, n: number): void {
    // Translate both ends first: a store that faults must not be half done.
    this.pt.translate(a, PROT_WRITE);
    this.pt.translate(Math.floor((a + n - 1) / PAGE_SIZE) * PAGE_SIZE, PROT_WRITE);
    for (let k = 0; k < n; k++) {
      const byte = k < 4 ? (lo >>> (8 * k)) & 255 : (hi >>> (8 * (k - 4))) & 255;
      this.u8[this.pt.translate(a + k, PROT_WRITE)] = byte;
    }
  }

  // ---- copy-in / copy-out for the syscall layer (throws GuestFault; callers map it to EFAULT) ----

  /** Copies n guest bytes at a into a new array. */
  readBytes(a: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.readInto(a, out);
    return out;
  }

  readInto(a: number, out: Uint8Array): void {
    let done = 0;
    while (done < out.length) {
      const p = this.pt.translate(a + done, PROT_READ);
      const chunk = Math.min(out.length - done, PAGE_SIZE - ((a + done) % PAGE_SIZE));
      out.set(this.u8.subarray(p, p + chunk), done);
      done += chunk;
    }
  }

  writeBytes(a: number, data: Uint8Array): void {
    // Probe every page first so a fault leaves guest memory as it was.
    for (let off = 0; off < data.length; ) {
      this.pt.translate(a + off, PROT_WRITE);
      off += PAGE_SIZE - ((a + off) % PAGE_SIZE);
    }
    let done = 0;
    while (done < data.length) {
      const p = this.pt.translate(a + done, PROT_WRITE);
      const chunk = Math.min(data.length - done, PAGE_SIZE - ((a + done) % PAGE_SIZE));
      this.u8.set(data.subarray(done, done + chunk), p);
      done += chunk;
    }
  }

  /** Kernel-mode store that ignores page protections (the loader filling read-only segments). */
  pokeBytes(a: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const p = this.pt.kernelWriteOffset(a + done);
      const chunk = Math.min(data.length - done, PAGE_SIZE - ((a + done) % PAGE_SIZE));
      this.u8.set(data.subarray(done, done + chunk), p);
      done += chunk;
    }
  }

  /** A NUL-terminated string of at most max bytes (without the NUL); null if longer. */
  readCString(a: number, max = 4096): Uint8Array | null {
    const bytes: number[] = [];
    for (let k = 0; k < max; k++) {
      const b = this.read8(a + k);
      if (b === 0) return Uint8Array.from(bytes);
      bytes.push(b);
    }
    return null;
  }

  /** Unsigned 64-bit value as a JS number (exact below 2^53), for syscall argument arrays. */
  readU64(a: number): number {
    const lo = this.read32(a) >>> 0;
    const hi = this.read32(a + 4) >>> 0;
    return hi * 4294967296 + lo;
  }

  writeU64(a: number, v: number): void {
    const lo = v % 4294967296;
    this.write64(a, lo | 0, Math.floor(v / 4294967296) | 0);
  }

  /** True when [a, a+n) is entirely mapped with the given protection. */
  isAccessible(a: number, n: number, prot: number): boolean {
    try {
      for (let off = 0; off < n; ) {
        this.pt.translate(a + off, prot);
        off += PAGE_SIZE - ((a + off) % PAGE_SIZE);
      }
      return true;
    } catch (e) {
      if (e instanceof GuestFault) return false;
      throw e;
    }
  }
}
