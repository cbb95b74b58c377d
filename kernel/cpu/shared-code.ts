/**
 * Decoded instructions shared by every address space of a kernel. Each exec of /bin/true decodes
 * the same ld.so and libc start-up code, and every fork child re-decodes its parent's loops; yet
 * those bytes sit in the same page-cache frames in every process (MAP_PRIVATE file pages are the
 * cache's frames until written, kernel/mm/pagecache.ts). So a block that lies within one such
 * frame is keyed by its physical address (and checked against its virtual one, which the decoded
 * operands depend on: RIP-relative addresses, branch targets) and its Insn list is reused.
 *
 * Validity: only frames marked stable by the page cache qualify; PhysMem reports every change to
 * such a frame (a write(2) into it, a shared writable mapping, eviction, freeing), and the entries
 * derived from it are dropped. Insn objects are never modified after decoding, so sharing them is
 * safe; compiled functions stay per block.
 */

import type { Insn } from './insn.js';
import { PhysMem, PAGE_SIZE, FRAME_STABLE } from '../mm/phys.js';

interface Entry {
  vaddr: number;
  insns: Insn[];
}

export class SharedCode {
  private readonly byOffset = new Map<number, Entry>();
  private readonly byFrame = new Map<number, number[]>();
  hits = 0;

  constructor(private readonly phys: PhysMem) {
    phys.onFrameChange = (f) => this.dropFrame(f);
  }

  /** The decoded block at physical offset `off` for virtual address `vaddr`, if known. */
  get(off: number, vaddr: number): Insn[] | null {
    const e = this.byOffset.get(off);
    if (e === undefined || e.vaddr !== vaddr) return null;
    this.hits++;
    return e.insns;
  }

  /** Remembers a block decoded from a stable frame (callers check the block fits in one page). */
  put(off: number, vaddr: number, insns: Insn[]): void {
    const f = Math.floor(off / PAGE_SIZE);
    if (this.phys.frameFlags[f] !== FRAME_STABLE) return;
    if (!this.byOffset.has(off)) {
      let list = this.byFrame.get(f);
      if (!list) this.byFrame.set(f, (list = []));
      list.push(off);
    }
    this.byOffset.set(off, { vaddr, insns });
  }

  private dropFrame(f: number): void {
    const list = this.byFrame.get(f);
    if (!list) return;
    for (const off of list) this.byOffset.delete(off);
    this.byFrame.delete(f);
  }
}

const perPhys = new WeakMap<PhysMem, SharedCode>();

export function sharedCodeOf(phys: PhysMem): SharedCode {
  let s = perPhys.get(phys);
  if (!s) perPhys.set(phys, (s = new SharedCode(phys)));
  return s;
}
