/**
 * What the pages of a shared or file-backed mapping come from: a Backing owns one frame per page
 * index it has produced (holding one reference on each), and hands the same frame to every
 * page-table entry that maps that index. That is what makes MAP_SHARED shared (every process
 * mapping the object writes the same frames), what lets MAP_PRIVATE file mappings of libc cost
 * nothing until touched (the page is the cache's frame, copy-on-write), and what a futex on shared
 * memory is keyed by (the frame, not the virtual address).
 *
 * AnonBacking is shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, later System V shm): zero
 * pages that live while some address space maps them. FileBacking (kernel/mm/pagecache.ts) reads
 * pages from a file and writes shared pages back.
 *
 * Lifetime: an address space attaches a backing while at least one of its VMAs refers to it and
 * detaches when the last such VMA goes (see AddressSpace.syncBackings); `unused` runs when no
 * address space is left.
 */

import { PhysMem, PAGE_SIZE } from './phys.js';

export abstract class Backing {
  /** Page index (file offset / 4096) -> frame; this object holds one reference on each. */
  readonly pages = new Map<number, number>();
  /** Address spaces with at least one mapping of it. */
  users = 0;

  constructor(readonly phys: PhysMem) {}

  /**
   * The frame holding page `index`, produced on first use; the caller receives its own
   * reference (for the page-table entry it is about to install). `shared` says the entry maps the
   * page MAP_SHARED, so the process may write the backing's frame directly. -1: the page lies
   * wholly past the end of the file (the access is a SIGBUS).
   */
  frameFor(index: number, shared: boolean): number {
    if (this.beyondEnd(index)) return -1;
    let f = this.pages.get(index);
    if (f === undefined) {
      f = this.phys.alloc();
      this.fill(index, f);
      this.pages.set(index, f);
      this.added(1);
      this.filled(f);
    }
    if (shared) this.mappedShared(index);
    this.phys.ref(f);
    return f;
  }

  /** The bytes of a frame, for filling and writing back. */
  protected frameBytes(f: number, len = PAGE_SIZE): Uint8Array {
    return this.phys.u8.subarray(f * PAGE_SIZE, f * PAGE_SIZE + len);
  }

  /** Whether page `index` lies past the end of the object. */
  protected beyondEnd(index: number): boolean {
    void index;
    return false;
  }

  /** Fills a fresh (zeroed) frame with page `index`'s contents. */
  protected fill(index: number, frame: number): void {
    void index;
    void frame;
  }

  /** A frame was just filled and entered the backing. */
  protected filled(frame: number): void {
    void frame;
  }

  /** Page-count bookkeeping for the page cache's size limit. */
  protected added(n: number): void {
    void n;
  }

  /** A page was handed to a MAP_SHARED entry (it may be written from now on). */
  protected mappedShared(index: number): void {
    void index;
  }

  attach(): void {
    this.users++;
  }

  detach(): void {
    if (--this.users === 0) this.unused();
  }

  /** No address space maps it any more. */
  protected unused(): void {
    this.dropPages();
  }

  /** Releases every frame this backing holds (frames still mapped somewhere live on there). */
  dropPages(): void {
    for (const f of this.pages.values()) {
      // A page-table entry may keep the frame as its own now, and write it in place.
      this.phys.unstable(f);
      this.phys.unref(f);
    }
    this.added(-this.pages.size);
    this.pages.clear();
  }
}

/**
 * Shared anonymous memory: zero-filled pages shared by every mapping of one object (one mmap
 * call's MAP_SHARED|MAP_ANONYMOUS region, inherited across fork). Freed when the last address
 * space unmaps it, unless `persistent` (a System V segment not yet removed).
 */
export class AnonBacking extends Backing {
  persistent = false;

  protected override unused(): void {
    if (!this.persistent) this.dropPages();
  }
}
