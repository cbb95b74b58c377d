/**
 * The page cache: one FileBacking per file (keyed by device and inode), shared by every mapping
 * of that file in every process of the kernel.
 *
 * - MAP_PRIVATE mappings get the cached frame read-only and copy it on their first write, so ten
 *   processes running /bin/true share one copy of libc's text, and an exec costs no file reads
 *   for pages it never touches.
 * - MAP_SHARED mappings write the cached frame itself; every process mapping the file sees the
 *   stores at once. Pages touched through a writable shared mapping are "dirty" and are written
 *   back to the file on msync, fsync, before a read(2) of the file, when the last mapping goes,
 *   and when the kernel shuts down.
 * - write(2) and ftruncate(2) through any descriptor update cached pages (FileObserver), so
 *   mappings and descriptors agree as they do on Linux.
 *
 * Files can change behind our back (another host process): a cache entry nobody maps is checked
 * against the file's size and mtime when it is mapped again and dropped if they differ. Clean
 * pages of unmapped files are evicted when the cache grows past its limit.
 */

import { Backing } from './backing.js';
import { PhysMem, PAGE_SIZE } from './phys.js';
import { OpenFile, type FileObserver } from '../vfs/file.js';
import type { HostStat } from '../host/host.js';
import { holdFile, dropFile } from '../fdtable.js';

type Stamp = string;
const stampOf = (st: HostStat): Stamp => `${st.size}:${st.mtimeSec}:${st.mtimeNsec}`;

export class FileBacking extends Backing {
  /** The description pages are read from; held (kept open) while the file is mapped. */
  src: OpenFile | null = null;
  /** A writable description for write-back, held while mapped, when some mapping may write. */
  writer: OpenFile | null = null;
  /** Pages handed to shared mappings while a writer exists: written back on flush. */
  readonly dirty = new Set<number>();
  /** Size and mtime when the pages were last known to match the file. */
  stamp: Stamp = '';
  /** Our own write(2)s changed the file (and the pages with it): the new stamp is trusted. */
  selfWritten = false;
  /** The file's size as last seen (mmap, our writes and truncations): pages past it are SIGBUS. */
  size = 0;

  constructor(phys: PhysMem, readonly cache: PageCache, readonly key: string) {
    super(phys);
  }

  protected override beyondEnd(index: number): boolean {
    return index * PAGE_SIZE >= this.size;
  }

  protected override fill(index: number, frame: number): void {
    if (!this.src) return;
    this.cache.busy++;
    try {
      this.src.read(this.frameBytes(frame), index * PAGE_SIZE);
    } finally {
      this.cache.busy--;
    }
  }

  protected override added(n: number): void {
    this.cache.pageCount += n;
    if (n > 0 && this.cache.pageCount > this.cache.limit) this.cache.evict();
  }

  /** A clean file page is stable until a shared mapping may write it (see mappedShared). */
  protected override filled(frame: number): void {
    this.phys.stable(frame);
  }

  protected override mappedShared(index: number): void {
    if (!this.writer) return;
    this.dirty.add(index);
    const f = this.pages.get(index);
    if (f !== undefined) this.phys.unstable(f);
  }

  /** Writes the dirty pages that lie inside the file back to it. */
  flush(): number {
    if (!this.writer || this.dirty.size === 0) return 0;
    const st = this.writer.stat();
    if (typeof st === 'number') return st;
    this.cache.busy++;
    try {
      for (const index of [...this.dirty].sort((a, b) => a - b)) {
        const f = this.pages.get(index);
        const off = index * PAGE_SIZE;
        if (f === undefined || off >= st.size) continue;
        const r = this.writer.write(this.frameBytes(f, Math.min(PAGE_SIZE, st.size - off)), off);
        if (typeof r === 'number' && r < 0) return r;
      }
    } finally {
      this.cache.busy--;
    }
    this.selfWritten = true;
    return 0;
  }

  /** The last mapping went: write back, let the files go, keep the clean pages as cache. */
  protected override unused(): void {
    this.flush();
    this.dirty.clear();
    const st = (this.writer ?? this.src)?.stat();
    if (st && typeof st !== 'number') this.stamp = stampOf(st);
    this.selfWritten = false;
    if (this.writer) dropFile(this.writer);
    if (this.src) dropFile(this.src);
    this.writer = this.src = null;
    this.cache.evict();
  }
}

export class PageCache implements FileObserver {
  private readonly files = new Map<string, FileBacking>();
  private readonly keys = new WeakMap<OpenFile, string>();
  /** Frames held by file backings, and the level past which unmapped files' pages are dropped. */
  pageCount = 0;
  readonly limit: number;
  /** Non-zero while the cache does I/O of its own (its reads and writes must not call back). */
  busy = 0;

  constructor(readonly phys: PhysMem) {
    this.limit = Math.floor(phys.frameCount / 8);
  }

  private keyOf(f: OpenFile | HostStat): string | null {
    if (!(f instanceof OpenFile)) return f.dev === 0 ? null : `${f.dev}:${f.ino}`;
    let k = this.keys.get(f);
    if (k === undefined) {
      const st = f.stat();
      // Synthetic files without a device number have no stable identity: never cached.
      k = typeof st === 'number' || st.dev === 0 ? '' : `${st.dev}:${st.ino}`;
      this.keys.set(f, k);
    }
    return k || null;
  }

  /**
   * The backing for a new mapping of f, taking the holds it needs: the file to read pages from,
   * and (when f is writable) the file to write shared pages back to.
   */
  backingFor(f: OpenFile): FileBacking {
    const key = this.keyOf(f);
    let b = key ? this.files.get(key) : undefined;
    const st = f.stat();
    if (!b) {
      b = new FileBacking(this.phys, this, key ?? '');
      if (key) this.files.set(key, b);
    } else if (b.users === 0 && typeof st !== 'number' && stampOf(st) !== b.stamp && !b.selfWritten) {
      b.dropPages(); // changed on the host since we cached it
    }
    if (typeof st !== 'number') {
      b.stamp = stampOf(st);
      b.size = st.size;
    }
    if (!b.src) {
      holdFile(f);
      b.src = f;
    }
    if (!b.writer && f.writable()) {
      holdFile(f);
      b.writer = f;
    }
    return b;
  }

  private cached(f: OpenFile | HostStat): FileBacking | undefined {
    if (this.busy || this.files.size === 0) return undefined;
    const key = this.keyOf(f);
    return key ? this.files.get(key) : undefined;
  }

  /** write(2) and friends stored data at `at`: copy it into the pages we hold. */
  written(f: OpenFile, at: number, data: Uint8Array): void {
    const b = this.cached(f);
    if (!b || data.length === 0) return;
    b.selfWritten = true;
    b.size = Math.max(b.size, at + data.length);
    if (b.pages.size === 0) return;
    for (let p = Math.floor(at / PAGE_SIZE); p * PAGE_SIZE < at + data.length; p++) {
      const frame = b.pages.get(p);
      if (frame === undefined) continue;
      const lo = Math.max(at, p * PAGE_SIZE), hi = Math.min(at + data.length, (p + 1) * PAGE_SIZE);
      this.phys.u8.set(data.subarray(lo - at, hi - at), frame * PAGE_SIZE + (lo - p * PAGE_SIZE));
      this.phys.changed(frame);
    }
  }

  /** The file was cut or extended to len: bytes past the end read as zero from now on. */
  truncated(f: OpenFile | HostStat, len: number): void {
    const b = this.cached(f);
    if (!b) return;
    b.selfWritten = true;
    b.size = len;
    for (const [p, frame] of b.pages) {
      const from = Math.max(0, len - p * PAGE_SIZE);
      if (from < PAGE_SIZE) {
        this.phys.u8.fill(0, frame * PAGE_SIZE + from, (frame + 1) * PAGE_SIZE);
        this.phys.changed(frame);
      }
    }
  }

  /** A read(2) is about to happen: stores made through shared mappings must be in the file. */
  reading(f: OpenFile): void {
    const b = this.cached(f);
    if (b && b.dirty.size) b.flush();
  }

  /** fsync/msync: write back the file's shared pages now. */
  sync(f: OpenFile): number {
    const b = this.cached(f);
    return b ? b.flush() : 0;
  }

  /** Writes every dirty page back (kernel shutdown). */
  flushAll(): void {
    for (const b of this.files.values()) b.flush();
  }

  /** Drops cached pages of files nobody maps until the cache is back under 3/4 of its limit. */
  evict(): void {
    if (this.pageCount <= this.limit) return;
    for (const [key, b] of this.files) {
      if (this.pageCount <= (this.limit * 3) / 4) break;
      if (b.users > 0) continue;
      b.dropPages();
      this.files.delete(key);
    }
  }
}
