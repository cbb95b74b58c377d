/**
 * Memory-management syscalls: brk, mmap, munmap, mprotect, mremap, madvise. Placement follows
 * Linux (top-down below mmap_base, hints honoured when free, MAP_FIXED replaces); anonymous
 * memory is demand-zero. File-backed mappings are read into private pages (MAP_PRIVATE); shared
 * file mappings arrive with the file issue.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Task } from '../../kernel/process.js';
import {
  MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, pageUp,
  PROT_READ, PROT_WRITE, PROT_EXEC,
} from '../../kernel/mm/aspace.js';
import { USER_END } from '../../kernel/mm/pagetable.js';
import { S_IFMT, S_IFREG } from '../../kernel/vfs/file.js';

const PAGE = 4096;
const PROT_ALL = PROT_READ | PROT_WRITE | PROT_EXEC;
const PROT_GROWSDOWN = 0x01000000;
const MAP_TYPE = 0x0f;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

sys('brk', ['hex'], (k, t, a) => t.proc.mem.setBrk(a.u64(0)), { ret: 'hex' });

function doMmap(t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  const mem = t.proc.mem;
  if (len === 0 || off % PAGE !== 0 || off < 0) return -E.EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== 3) return -E.EINVAL;
  if (prot & ~(PROT_ALL | PROT_GROWSDOWN)) return -E.EINVAL;
  len = pageUp(len);
  if (len > USER_END) return -E.ENOMEM;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) && addr % PAGE !== 0) return -E.EINVAL;
  let data: Uint8Array | null = null;
  let name = '';
  if (!(flags & MAP_ANONYMOUS)) {
    const f = t.proc.fds.get(fd);
    if (!f) return -E.EBADF;
    if (!f.readable()) return -E.EACCES;
    if (type === MAP_SHARED && prot & PROT_WRITE && !f.writable()) return -E.EACCES;
    const st = f.stat();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFREG) return -E.ENODEV;
    if (type === MAP_SHARED && prot & PROT_WRITE) return -E.ENOSYS;
    // Private file mapping: copy the file's bytes in (a later issue makes this lazy and shared).
    const n = Math.max(0, Math.min(len, st.size - off));
    data = new Uint8Array(n);
    if (n > 0) {
      const r = f.read(data, off);
      if (typeof r !== 'number') return -E.ENODEV;
      if (r < 0) return r;
    }
    name = f.path;
  }
  if (flags & MAP_FIXED_NOREPLACE && !mem.isFree(addr, len)) return -E.EEXIST;
  const start = mem.place(flags & MAP_FIXED_NOREPLACE ? addr : addr - (addr % PAGE), len, flags);
  if (start < 0) return start;
  if (start + len > USER_END) return -E.ENOMEM;
  mem.mapFixed(start, len, prot & PROT_ALL, flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN), name, off);
  if (data && data.length > 0) mem.pokeBytes(start, data);
  return start;
}

sys('mmap', ['hex', 'size', 'prot', 'mmapflags', 'fd', 'off'],
  (k, t, a) => doMmap(t, a.u64(0), a.u64(1), a.int(2), a.int(3), a.int(4), a.s64(5)),
  { ret: 'hex', status: 'partial', note: 'file mappings are private copies; MAP_SHARED writable file mappings are ENOSYS' });

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
    mem.pt.mapRange((old + oldLen) / PAGE, (newLen - oldLen) / PAGE, v.prot);
    v.end = old + newLen;
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -E.ENOMEM;
  const dest = mem.place(0, newLen, 0);
  if (dest < 0) return dest;
  const saved = new Uint8Array(oldLen);
  for (let p = 0; p < oldLen; p += PAGE) {
    if (mem.pt.protOf((old + p) / PAGE) >= 0) {
      const off = mem.pt.translate(old + p, 0);
      saved.set(mem.u8.subarray(off, off + PAGE), p);
    }
  }
  mem.mapFixed(dest, newLen, v.prot, v.flags, v.name, v.offset);
  mem.pokeBytes(dest, saved);
  mem.unmap(old, oldLen);
  return dest;
}, { ret: 'hex', status: 'partial', note: 'no MREMAP_FIXED / MREMAP_DONTUNMAP' });

const MADV_DONTNEED = 4;
sys('madvise', ['hex', 'size', 'int'], (k, t, a) => {
  const addr = a.u64(0);
  if (addr % PAGE !== 0) return -E.EINVAL;
  if (a.int(2) === MADV_DONTNEED) {
    // Private anonymous pages read back as zero afterwards: drop and re-map them unpopulated.
    const mem = t.proc.mem;
    const len = pageUp(a.u64(1));
    for (let p = addr; p < addr + len; p += PAGE) {
      const prot = mem.pt.protOf(p / PAGE);
      if (prot >= 0) mem.pt.mapRange(p / PAGE, 1, prot);
    }
  }
  return 0;
}, { status: 'partial', note: 'MADV_DONTNEED zeroes; other advice is accepted and ignored' });
