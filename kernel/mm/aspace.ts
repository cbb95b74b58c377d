/**
 * An address space: the page table and accessors (MemAccess) plus the list of mappings (VMAs)
 * that mmap, munmap, mprotect and brk manage with Linux's placement rules.
 *
 * The layout is Linux's without randomization (as under `setarch -R`): the stack ends at
 * 0x7ffffffff000, mmap allocates top-down below mmapBase, ET_DYN programs load at
 * 0x555555554000 and the heap starts right after the program's bss.
 */

import { MemAccess } from './access.js';
import { PageTable, PROT_EXEC, PROT_READ, PROT_WRITE, PTE_COW, USER_END } from './pagetable.js';
import { PhysMem, PAGE_SIZE } from './phys.js';
import type { Backing } from './backing.js';

export { PROT_READ, PROT_WRITE, PROT_EXEC };

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_STACK = 0x20000;
export const MAP_FIXED_NOREPLACE = 0x100000;

export const STACK_TOP = 0x7ffffffff000;
export const MMAP_BASE = 0x7ffff7fff000;
export const ET_DYN_BASE = 0x555555554000;
/** mmap never places below this unless asked with MAP_FIXED (vm.mmap_min_addr). */
export const MMAP_MIN_ADDR = 0x10000;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  flags: number;
  /** What /proc/PID/maps shows: a path, '[heap]', '[stack]', or ''. */
  name: string;
  offset: number;
  /** Where the pages come from (a file, or shared anonymous memory); absent: private zero pages. */
  backing?: Backing;
}

export const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
export const pageDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;

export class AddressSpace extends MemAccess {
  /** Sorted, non-overlapping. */
  vmas: Vma[] = [];
  brkStart = 0;
  brkEnd = 0;
  mmapBase = MMAP_BASE;
  /** Processes using this space (more than one after clone(CLONE_VM), as vfork does). */
  users = 0;

  /** Backings some VMA of this space refers to (each attached once; see syncBackings). */
  private attached = new Set<Backing>();

  constructor(phys: PhysMem, pt: PageTable = new PageTable(phys)) {
    super(pt);
    pt.populate = (vpn, e) => this.populate(vpn, e);
  }

  /**
   * Maps [start, start+len) (page aligned), replacing what was there: zero-filled, or with the
   * pages of `backing` from byte `offset` on (MAP_SHARED writes them, MAP_PRIVATE copies on
   * write).
   */
  mapFixed(start: number, len: number, prot: number, flags: number, name = '', offset = 0, backing?: Backing): void {
    this.unmap(start, len, false);
    this.pt.mapRange(start / PAGE_SIZE, len / PAGE_SIZE, prot, backing !== undefined);
    const v: Vma = { start, end: start + len, prot, flags, name, offset };
    if (backing) v.backing = backing;
    let k = 0;
    while (k < this.vmas.length && this.vmas[k].start < start) k++;
    this.vmas.splice(k, 0, v);
    this.merge();
    this.syncBackings();
  }

  /** The entry for the first touch of a page of a backed mapping: the backing's frame. */
  private populate(vpn: number, e: number): number {
    const a = vpn * PAGE_SIZE;
    const v = this.find(a);
    if (!v?.backing) return (this.phys.alloc() << 4) | (e & 7);
    const shared = (v.flags & MAP_SHARED) !== 0;
    const frame = v.backing.frameFor((v.offset + (a - v.start)) / PAGE_SIZE, shared);
    if (frame < 0) return -1;
    return (frame << 4) | (e & 7) | (shared ? 0 : PTE_COW);
  }

  /**
   * Attaches backings that a VMA now refers to and detaches those none does any more, so a
   * backing knows when its last mapping anywhere is gone (write-back, freeing shared memory).
   */
  private syncBackings(): void {
    const now = new Set<Backing>();
    for (const v of this.vmas) if (v.backing) now.add(v.backing);
    for (const b of now) if (!this.attached.has(b)) b.attach();
    const gone = [...this.attached].filter((b) => !now.has(b));
    this.attached = now;
    for (const b of gone) b.detach();
  }

  /** Joins neighbouring VMAs that Linux would merge (same protection, flags and backing). */
  merge(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const p = out[out.length - 1];
      const anon = v.name === '' || v.name === '[heap]';
      if (p && p.end === v.start && p.prot === v.prot && p.flags === v.flags && p.name === v.name &&
          p.backing === v.backing && ((anon && !v.backing) || p.offset + (p.end - p.start) === v.offset)) {
        p.end = v.end;
      } else out.push({ ...v });
    }
    this.vmas = out;
  }

  /** Removes mappings in [start, start+len), splitting VMAs that straddle the range. */
  unmap(start: number, len: number, sync = true): void {
    const end = start + len;
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push({ ...v, end: start });
      if (v.end > end) out.push({ ...v, start: end, offset: v.offset + (end - v.start) });
    }
    this.vmas = out;
    this.pt.unmapRange(start / PAGE_SIZE, len / PAGE_SIZE);
    if (sync) this.syncBackings();
  }

  /** Changes protection of [start, start+len); false (ENOMEM) if any page is unmapped. */
  protect(start: number, len: number, prot: number): boolean {
    const end = start + len;
    for (let a = start; a < end; ) {
      const v = this.find(a);
      if (!v) return false;
      a = v.end;
    }
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      const s = Math.max(v.start, start);
      const e = Math.min(v.end, end);
      if (v.start < s) out.push({ ...v, end: s });
      out.push({ ...v, start: s, end: e, prot, offset: v.offset + (s - v.start) });
      if (v.end > e) out.push({ ...v, start: e, offset: v.offset + (e - v.start) });
    }
    this.vmas = out;
    this.merge();
    this.pt.protectRange(start / PAGE_SIZE, len / PAGE_SIZE, prot);
    return true;
  }

  find(addr: number): Vma | undefined {
    for (const v of this.vmas) if (addr >= v.start && addr < v.end) return v;
    return undefined;
  }

  isFree(start: number, len: number): boolean {
    if (start < MMAP_MIN_ADDR || start + len > USER_END) return false;
    for (const v of this.vmas) if (v.start < start + len && v.end > start) return false;
    return true;
  }

  /** Linux's top-down search: the highest gap of len bytes below mmapBase; 0 if none. */
  findGap(len: number): number {
    let top = this.mmapBase;
    for (let k = this.vmas.length - 1; k >= 0; k--) {
      const v = this.vmas[k];
      if (v.start >= top) continue;
      if (v.end <= top - len) return top - len;
      top = Math.min(top, v.start);
    }
    return top - len >= MMAP_MIN_ADDR ? top - len : 0;
  }

  /**
   * Chooses where a new mapping goes: the hint if it is free (or forced with MAP_FIXED), else the
   * top-down gap. Returns the address, or a negative errno.
   */
  place(hint: number, len: number, flags: number): number {
    if (flags & MAP_FIXED) return hint;
    if (hint && this.isFree(hint, len)) return hint;
    if (flags & MAP_FIXED_NOREPLACE) return -17; // EEXIST
    const a = this.findGap(len);
    return a === 0 ? -12 : a; // ENOMEM
  }

  /** brk(2): moves the program break; returns the new (or unchanged) break. */
  setBrk(want: number): number {
    if (want < this.brkStart) return this.brkEnd;
    const oldTop = pageUp(this.brkEnd);
    const newTop = pageUp(want);
    if (newTop > oldTop) {
      if (!this.isFree(oldTop, newTop - oldTop)) return this.brkEnd;
      const heap = this.vmas.find((v) => v.name === '[heap]' && v.end === oldTop);
      this.pt.mapRange(oldTop / PAGE_SIZE, (newTop - oldTop) / PAGE_SIZE, PROT_READ | PROT_WRITE);
      if (heap) heap.end = newTop;
      else this.mapVmaOnly(oldTop, newTop, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, '[heap]');
    } else if (newTop < oldTop) {
      this.unmap(newTop, oldTop - newTop);
    }
    this.brkEnd = want;
    return want;
  }

  private mapVmaOnly(start: number, end: number, prot: number, flags: number, name: string): void {
    let k = 0;
    while (k < this.vmas.length && this.vmas[k].start < start) k++;
    this.vmas.splice(k, 0, { start, end, prot, flags, name, offset: 0 });
  }

  /** A copy-on-write duplicate for fork. */
  fork(): AddressSpace {
    const sharedVmas = this.vmas.filter((v) => v.flags & MAP_SHARED);
    const isShared = (vpn: number): boolean => {
      const a = vpn * PAGE_SIZE;
      return sharedVmas.some((v) => a >= v.start && a < v.end);
    };
    const child = new AddressSpace(this.phys, this.pt.fork(sharedVmas.length ? isShared : undefined));
    child.vmas = this.vmas.map((v) => ({ ...v }));
    child.syncBackings();
    child.brkStart = this.brkStart;
    child.brkEnd = this.brkEnd;
    child.mmapBase = this.mmapBase;
    return child;
  }

  destroy(): void {
    this.pt.clear();
    this.vmas = [];
    this.syncBackings();
  }
}
