/**
 * Memory-management syscalls: brk, mmap, munmap, mprotect, mremap, madvise. Placement follows
 * Linux (top-down below mmap_base, hints honoured when free, MAP_FIXED replaces); anonymous
 * memory is demand-zero. File pages come from the page cache (kernel/mm/pagecache.ts): MAP_PRIVATE
 * copies them on write, MAP_SHARED writes them and msync/exit write them back.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Task } from '../../kernel/process.js';
import {
  MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, pageUp,
  PROT_READ, PROT_WRITE, PROT_EXEC,
} from '../../kernel/mm/aspace.js';
import { USER_END } from '../../kernel/mm/pagetable.js';
import { S_IFMT, S_IFREG, type OpenFile } from '../../kernel/vfs/file.js';
import type { Kernel } from '../../kernel/kernel.js';
import { AnonBacking } from '../../kernel/mm/backing.js';
import { FileBacking } from '../../kernel/mm/pagecache.js';

const PAGE = 4096;
const PROT_ALL = PROT_READ | PROT_WRITE | PROT_EXEC;
const PROT_GROWSDOWN = 0x01000000;
const MAP_TYPE = 0x0f;
const MAP_SHARED_VALIDATE = 3;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

sys('brk', ['hex'], (k, t, a) => t.proc.mem.setBrk(a.u64(0)), { ret: 'hex' });

function doMmap(k: Kernel, t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  const mem = t.proc.mem;
  if (len === 0 || off % PAGE !== 0 || off < 0) return -E.EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -E.EINVAL;
  if (prot & ~(PROT_ALL | PROT_GROWSDOWN)) return -E.EINVAL;
  len = pageUp(len);
  if (len > USER_END) return -E.ENOMEM;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) && addr % PAGE !== 0) return -E.EINVAL;
  const shared = type !== MAP_PRIVATE;
  let file: OpenFile | null = null;
  let name = '';
  if (!(flags & MAP_ANONYMOUS)) {
    const f = t.proc.fds.get(fd);
    if (!f) return -E.EBADF;
    if (!f.readable()) return -E.EACCES;
    if (shared && prot & PROT_WRITE && !f.writable()) return -E.EACCES;
    const st = f.stat();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFREG) return -E.ENODEV;
    file = f;
    name = f.path;
  }
  if (flags & MAP_FIXED_NOREPLACE && !mem.isFree(addr, len)) return -E.EEXIST;
  const start = mem.place(flags & MAP_FIXED_NOREPLACE ? addr : addr - (addr % PAGE), len, flags);
  if (start < 0) return start;
  if (start + len > USER_END) return -E.ENOMEM;
  // Files come from the page cache; shared anonymous memory is an object of its own, so that
  // fork, mremap and futexes see one set of frames.
  const backing = file ? k.pageCache.backingFor(file) : shared ? new AnonBacking(k.phys) : undefined;
  const vmFlags = (shared ? MAP_SHARED : MAP_PRIVATE) | (flags & (MAP_ANONYMOUS | MAP_GROWSDOWN));
  mem.mapFixed(start, len, prot & PROT_ALL, vmFlags, name, file ? off : 0, backing);
  return start;
}

sys('mmap', ['hex', 'size', 'prot', 'mmapflags', 'fd', 'off'],
  (k, t, a) => doMmap(k, t, a.u64(0), a.u64(1), a.int(2), a.int(3), a.int(4), a.s64(5)),
  { ret: 'hex' });

sys('munmap', ['hex', 'size'], (k, t, a) => {
  const addr = a.u64(0);
  const len = pageUp(a.u64(1));
  if (addr % PAGE !== 0 || len === 0 || addr + len > USER_END) return -E.EINVAL;
  t.proc.mem.unmap(addr, len);
  return 0;
});

sys('mprotect', ['hex', 'size', 'prot'], (k, t, a) => {
  const addr = a.u64(0);
  const prot = a.int(2);
  if (addr % PAGE !== 0) return -E.EINVAL;
  if (prot & ~(PROT_ALL | PROT_GROWSDOWN | 0x02000000)) return -E.EINVAL;
  const len = pageUp(a.u64(1));
  if (len === 0) return 0;
  return t.proc.mem.protect(addr, len, prot & PROT_ALL) ? 0 : -E.ENOMEM;
});

/** mremap: grow or shrink in place when possible, else move (copying the pages' contents). */
sys('mremap', ['hex', 'size', 'size', 'hex', 'hex'], (k, t, a) => {
  const mem = t.proc.mem;
  const old = a.u64(0);
  const oldLen = pageUp(a.u64(1));
  const newLen = pageUp(a.u64(2));
  const flags = a.int(3);
  if (old % PAGE !== 0 || newLen === 0 || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -E.EINVAL;
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) return -E.EINVAL;
  const v = mem.find(old);
  if (!v || old + oldLen > v.end) return -E.EFAULT;
  if (newLen <= oldLen) {
    if (newLen < oldLen) mem.unmap(old + newLen, oldLen - newLen);
    return old;
  }
  if (old + oldLen === v.end && mem.isFree(old + oldLen, newLen - oldLen)) {
    mem.pt.mapRange((old + oldLen) / PAGE, (newLen - oldLen) / PAGE, v.prot, v.backing !== undefined);
    v.end = old + newLen;
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -E.ENOMEM;
  const dest = mem.place(0, newLen, 0);
  if (dest < 0) return dest;
  // The pages move with their frames (and a backed mapping keeps its backing and offset).
  const vOff = v.offset + (old - v.start);
  mem.mapFixed(dest, newLen, v.prot, v.flags, v.name, vOff, v.backing);
  mem.pt.moveRange(old / PAGE, dest / PAGE, oldLen / PAGE);
  mem.unmap(old, oldLen);
  return dest;
}, { ret: 'hex', status: 'partial', note: 'no MREMAP_FIXED / MREMAP_DONTUNMAP' });

const MADV_DONTNEED = 4;
sys('madvise', ['hex', 'size', 'int'], (k, t, a) => {
  const addr = a.u64(0);
  if (addr % PAGE !== 0) return -E.EINVAL;
  if (a.int(2) === MADV_DONTNEED) {
    // Drop the pages and map them unpopulated again: private anonymous memory reads back as
    // zero, file and shared memory as their backing's current contents.
    const mem = t.proc.mem;
    const len = pageUp(a.u64(1));
    for (let p = addr; p < addr + len; p += PAGE) {
      const prot = mem.pt.protOf(p / PAGE);
      if (prot >= 0) mem.pt.mapRange(p / PAGE, 1, prot, mem.find(p)?.backing !== undefined);
    }
  }
  return 0;
}, { status: 'partial', note: 'MADV_DONTNEED drops pages; other advice is accepted and ignored' });

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
/** msync: writes back the shared file pages in the range (ENOMEM if part of it is unmapped). */
sys('msync', ['hex', 'size', 'hex'], (k, t, a) => {
  const addr = a.u64(0);
  const flags = a.int(2);
  if (addr % PAGE !== 0 || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -E.EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -E.EINVAL;
  const mem = t.proc.mem;
  const end = addr + pageUp(a.u64(1));
  let r = 0;
  for (let p = addr; p < end; ) {
    const v = mem.find(p);
    if (!v) return -E.ENOMEM;
    if (v.backing instanceof FileBacking && v.flags & MAP_SHARED) r = v.backing.flush() || r;
    p = v.end;
  }
  return r;
});
