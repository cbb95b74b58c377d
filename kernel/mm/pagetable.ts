/**
 * The page table of one address space, plus the software TLB the interpreter's hot path reads.
 *
 * A page-table entry is a small integer: frame * 16 | flags. Frame 0 never holds guest data (it is
 * in the register region), so an entry with frame 0 means "mapped, not yet populated": the first
 * touch allocates a zero frame (demand paging). PTE_COW marks a frame shared after fork: the first
 * write copies it unless this space is its last owner.
 *
 * An unpopulated entry with PTE_LAZY (the same bit as PTE_COW, which only means something once a
 * frame is present) belongs to a mapping with a Backing (a file, or shared anonymous memory): its
 * first touch asks `populate` for the backing's frame instead of allocating a zero frame.
 *
 * Guest addresses are JS numbers (exact up to 2^53; user space ends at 2^47). The TLB is direct
 * mapped on the low 12 bits of the page number, with separate read and write halves: a tag is the
 * page number (NaN when empty, which equals nothing), a value is the frame's byte offset in
 * physical memory. Pages that hold translated code never get a write entry, so every store to them
 * takes the slow path, which tells the block cache (self-modifying code).
 */

import { PhysMem, PAGE_SIZE } from './phys.js';
import { segv, GuestFault, SIGBUS, BUS_ADRERR } from '../cpu/fault.js';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const PTE_COW = 8;
export const PTE_LAZY = 8;
const PROT_MASK = 7;

export const TLB_SIZE = 4096;
const TLB_MASK = TLB_SIZE - 1;

/** Highest user address + 1 (47-bit user space, as x86-64 Linux with 4-level paging). */
export const USER_END = 0x800000000000;

export class PageTable {
  readonly phys: PhysMem;
  readonly map = new Map<number, number>();
  readonly rTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rOff = new Int32Array(TLB_SIZE);
  readonly wTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wOff = new Int32Array(TLB_SIZE);
  /** Pages holding translated code; stores there go through onCodeWrite. */
  readonly codePages = new Set<number>();
  onCodeWrite: (vpn: number) => void = () => {};
  /** Produces the entry for an unpopulated PTE_LAZY page, -1 past the end of its file. */
  populate: (vpn: number, e: number) => number = () => {
    throw new Error('PTE_LAZY page without a populate hook');
  };

  constructor(phys: PhysMem) {
    this.phys = phys;
  }

  flushTlb(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
  }

  flushPage(vpn: number): void {
    const i = vpn & TLB_MASK;
    if (this.rTag[i] === vpn) this.rTag[i] = NaN;
    if (this.wTag[i] === vpn) this.wTag[i] = NaN;
  }

  /**
   * Maps [vpn, vpn+count) with prot, unpopulated (lazy: populated from the mapping's backing).
   * Existing entries are dropped first.
   */
  mapRange(vpn: number, count: number, prot: number, lazy = false): void {
    const e = (prot & PROT_MASK) | (lazy ? PTE_LAZY : 0);
    for (let p = vpn; p < vpn + count; p++) {
      this.unmapPage(p);
      this.map.set(p, e);
    }
  }

  /** Moves the entries of [from, from+count) to [to, to+count) (mremap), frames and all. */
  moveRange(from: number, to: number, count: number): void {
    const moved: [number, number][] = [];
    for (let k = 0; k < count; k++) {
      const e = this.map.get(from + k);
      if (e === undefined) continue;
      moved.push([to + k, e]);
      this.map.delete(from + k);
      this.flushPage(from + k);
      if (this.codePages.has(from + k)) this.onCodeWrite(from + k);
    }
    this.unmapRange(to, count);
    for (const [p, e] of moved) this.map.set(p, e);
  }

  unmapRange(vpn: number, count: number): void {
    for (let p = vpn; p < vpn + count; p++) this.unmapPage(p);
  }

  private unmapPage(vpn: number): void {
    const e = this.map.get(vpn);
    if (e === undefined) return;
    const frame = e >>> 4;
    if (frame !== 0) this.phys.unref(frame);
    this.map.delete(vpn);
    this.flushPage(vpn);
    if (this.codePages.has(vpn)) this.onCodeWrite(vpn);
  }

  protectRange(vpn: number, count: number, prot: number): void {
    for (let p = vpn; p < vpn + count; p++) {
      const e = this.map.get(p);
      if (e === undefined) continue;
      this.map.set(p, (e & ~PROT_MASK) | (prot & PROT_MASK));
      this.flushPage(p);
      if (!(prot & PROT_EXEC) && this.codePages.has(p)) this.onCodeWrite(p);
    }
  }

  /** Protection bits of a page, or -1 when unmapped. */
  protOf(vpn: number): number {
    const e = this.map.get(vpn);
    return e === undefined ? -1 : e & PROT_MASK;
  }

  /**
   * Byte offset in physical memory of addr for an access needing `need` (a PROT_* bit), filling
   * the TLB. Throws the SIGSEGV the access deserves.
   */
  translate(addr: number, need: number): number {
    // A non-canonical or kernel address is a general-protection fault: Linux reports si_addr 0.
    if (!(addr >= 0 && addr < USER_END)) throw segv(0, false);
    const vpn = Math.floor(addr / PAGE_SIZE);
    const off = addr - vpn * PAGE_SIZE;
    let e = this.map.get(vpn);
    if (e === undefined) throw segv(addr, false);
    if ((e & need) !== need) throw segv(addr, true);
    let frame = e >>> 4;
    if (frame === 0) {
      if (e & PTE_LAZY) {
        const got = this.populate(vpn, e);
        if (got < 0) throw new GuestFault(SIGBUS, BUS_ADRERR, addr, 'mapped page past the end of the file');
        e = got;
      } else e = (this.phys.alloc() << 4) | (e & 15);
      frame = e >>> 4;
      this.map.set(vpn, e);
    }
    if (need & PROT_WRITE && e & PTE_COW) {
      if (this.phys.refCount(frame) > 1) {
        const copy = this.phys.copy(frame);
        this.phys.unref(frame);
        frame = copy;
      }
      e = (frame << 4) | (e & PROT_MASK);
      this.map.set(vpn, e);
      this.flushPage(vpn);
    }
    const i = vpn & TLB_MASK;
    const base = frame * PAGE_SIZE;
    if (e & PROT_READ) {
      this.rTag[i] = vpn; // reads of a shared COW frame are fine
      this.rOff[i] = base;
    }
    if (need & PROT_WRITE) {
      if (this.codePages.has(vpn)) this.onCodeWrite(vpn);
      else {
        this.wTag[i] = vpn;
        this.wOff[i] = base;
      }
    }
    return base + off;
  }

  /**
   * Byte offset of addr for a store the kernel makes whatever the page's protection (the loader
   * filling a read-only segment): populates the page and breaks copy-on-write sharing first, so
   * a page-cache frame is never written through a private mapping.
   */
  kernelWriteOffset(addr: number): number {
    const vpn = Math.floor(addr / PAGE_SIZE);
    const e = this.map.get(vpn);
    if (e === undefined) throw segv(addr, false);
    this.map.set(vpn, e | PROT_WRITE);
    try {
      return this.translate(addr, PROT_WRITE);
    } finally {
      const now = this.map.get(vpn)!;
      this.map.set(vpn, (now & ~PROT_MASK) | (e & PROT_MASK));
      this.flushPage(vpn);
    }
  }

  /** Frame offset for instruction fetch (needs PROT_EXEC; does not fill the TLB). */
  fetchOffset(addr: number): number {
    return this.translate(addr, PROT_EXEC);
  }

  /** Marks a page as holding translated code: later stores to it are reported. */
  markCode(vpn: number): void {
    if (this.codePages.has(vpn)) return;
    this.codePages.add(vpn);
    const i = vpn & TLB_MASK;
    if (this.wTag[i] === vpn) this.wTag[i] = NaN;
  }

  /** A copy-on-write clone for fork: every populated frame is shared and marked COW in both. */
  fork(shared: (vpn: number) => boolean = () => false): PageTable {
    const child = new PageTable(this.phys);
    for (const [vpn, e0] of this.map) {
      let e = e0;
      if (shared(vpn)) {
        // MAP_SHARED: both processes keep using one frame. Unpopulated pages come from the
        // mapping's backing later, in either process, so they stay unpopulated.
        if (e >>> 4 === 0 && !(e & PTE_LAZY)) {
          e = (this.phys.alloc() << 4) | (e & 15);
          this.map.set(vpn, e);
        }
        if (e >>> 4 !== 0) this.phys.ref(e >>> 4);
        child.map.set(vpn, e);
        continue;
      }
      const frame = e >>> 4;
      if (frame !== 0 && e & PROT_WRITE) {
        this.map.set(vpn, e | PTE_COW);
        child.map.set(vpn, e | PTE_COW);
        this.phys.ref(frame);
      } else {
        if (frame !== 0) this.phys.ref(frame);
        child.map.set(vpn, e);
      }
    }
    this.flushTlb();
    return child;
  }

  /** Drops every mapping (exit or exec). */
  clear(): void {
    for (const [vpn] of this.map) this.unmapPage(vpn);
    this.flushTlb();
  }
}
