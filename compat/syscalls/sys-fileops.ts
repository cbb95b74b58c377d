/**
 * Whole-file operations on descriptors: fallocate, sendfile, copy_file_range, close_range and the
 * flag-taking vector calls preadv2/pwritev2. Data moves through the open files' own read and
 * write, so every file system (host, overlay, tmpfs, pipes) works the same way.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { OpenFile, S_IFMT, S_IFREG, S_IFDIR, S_IFIFO, O_APPEND, O_PATH } from '../../kernel/vfs/file.js';
import { blocking, writeAll, doReadv, doWritev } from './sys-rw.js';
import { releaseRecordLocks } from './sys-locks.js';

const CHUNK = 1 << 20;
const MAX_RW = 0x7ffff000;

function fmtOf(f: OpenFile): number {
  const st = f.stat();
  return typeof st === 'number' ? 0 : st.mode & S_IFMT;
}

const FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2, FALLOC_FL_COLLAPSE_RANGE = 8, FALLOC_FL_ZERO_RANGE = 0x10;
const FALLOC_FL_INSERT_RANGE = 0x20, FALLOC_FL_UNSHARE_RANGE = 0x40;

sys('fallocate', ['fd', 'hex', 'off', 'off'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f || f.flags & O_PATH) return -E.EBADF;
  const mode = a.int(1), off = a.s64(2), len = a.s64(3);
  if (off < 0 || len <= 0) return -E.EINVAL;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)) return -E.EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE && !(mode & FALLOC_FL_KEEP_SIZE)) return -E.EOPNOTSUPP;
  if (!f.writable()) return -E.EBADF;
  const fmt = fmtOf(f);
  if (fmt === S_IFDIR) return -E.EISDIR;
  if (fmt === S_IFIFO) return -E.ESPIPE;
  if (fmt !== S_IFREG) return -E.ENODEV;
  if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE) && f.flags & O_APPEND) return -E.EPERM;
  if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE)) return -E.EOPNOTSUPP;
  if (off + len > 2 ** 53) return -E.EFBIG;
  const st = f.stat();
  if (typeof st === 'number') return st;
  if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
    // Zeroes read back from a punched or zeroed range: write them (no sparse files underneath).
    const end = mode & FALLOC_FL_KEEP_SIZE ? Math.min(off + len, st.size) : off + len;
    for (let p = off; p < end; p += CHUNK) {
      const r = f.write(new Uint8Array(Math.min(CHUNK, end - p)), p);
      if (typeof r !== 'number') return -E.EOPNOTSUPP;
      if (r < 0) return r;
    }
    return 0;
  }
  if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > st.size) return f.truncate(off + len);
  return 0;
});

/** Copies up to count bytes from `from` (at inPos, or its offset) to `to` (at outPos, or its offset). */
function copyRange(k: Kernel, t: Task, from: OpenFile, to: OpenFile, inPos: number | null, outPos: number | null, count: number): number | Promise<number> {
  const n = Math.min(count, CHUNK, MAX_RW);
  if (n === 0) return 0;
  const buf = new Uint8Array(n);
  const r = blocking(k, t, () => from.read(buf, inPos));
  const write = (got: number): number | Promise<number> => (got <= 0 ? got : writeAll(k, t, to, buf.subarray(0, got), outPos));
  return typeof r === 'number' ? write(r) : r.then(write);
}

sys('sendfile', ['fd', 'fd', 'ptr', 'size'], (k, t, a) => {
  const out = t.proc.fds.get(a.int(0)), inp = t.proc.fds.get(a.int(1));
  if (!out || !inp) return -E.EBADF;
  if (!inp.readable() || !out.writable()) return -E.EBADF;
  if (out.flags & O_APPEND) return -E.EINVAL;
  const fmt = fmtOf(inp);
  if (fmt === S_IFDIR) return -E.EINVAL;
  const offAddr = a.ptr(2);
  const count = a.u64(3);
  if (offAddr === 0) return copyRange(k, t, inp, out, null, null, count);
  if (fmt === S_IFIFO) return -E.ESPIPE;
  const off = t.proc.mem.readU64(offAddr);
  if (off >= 2 ** 63) return -E.EINVAL;
  const r = copyRange(k, t, inp, out, off, null, count);
  const after = (n: number): number => {
    if (n > 0) t.proc.mem.writeU64(offAddr, off + n);
    return n;
  };
  return typeof r === 'number' ? after(r) : r.then(after);
});

sys('copy_file_range', ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'], (k, t, a) => {
  if (a.uint(5) !== 0) return -E.EINVAL;
  const inp = t.proc.fds.get(a.int(0)), out = t.proc.fds.get(a.int(2));
  if (!inp || !out) return -E.EBADF;
  if (!inp.readable() || !out.writable() || out.flags & O_APPEND) return -E.EBADF;
  const fi = fmtOf(inp), fo = fmtOf(out);
  if (fi === S_IFDIR || fo === S_IFDIR) return -E.EISDIR;
  if (fi !== S_IFREG || fo !== S_IFREG) return -E.EINVAL;
  const inAddr = a.ptr(1), outAddr = a.ptr(3);
  const inOff = inAddr ? t.proc.mem.readU64(inAddr) : inp.pos;
  const outOff = outAddr ? t.proc.mem.readU64(outAddr) : out.pos;
  if (inOff >= 2 ** 63 || outOff >= 2 ** 63) return -E.EINVAL;
  const len = a.u64(4);
  const si = inp.stat(), so = out.stat();
  if (typeof si !== 'number' && typeof so !== 'number' && si.ino === so.ino && si.dev === so.dev &&
      inOff < outOff + len && outOff < inOff + len) return -E.EINVAL;
  // Without an offset pointer the file's own offset is used and advanced by its read/write (an
  // inherited descriptor's offset lives in the host, shared with the shell that opened it).
  const r = copyRange(k, t, inp, out, inAddr ? inOff : null, outAddr ? outOff : null, len);
  const after = (n: number): number => {
    if (n <= 0) return n;
    if (inAddr) t.proc.mem.writeU64(inAddr, inOff + n);
    if (outAddr) t.proc.mem.writeU64(outAddr, outOff + n);
    return n;
  };
  return typeof r === 'number' ? after(r) : r.then(after);
});

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
sys('close_range', ['uint', 'uint', 'hex'], (k, t, a) => {
  const first = a.uint(0), last = a.uint(1), flags = a.uint(2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) return -E.EINVAL;
  for (const fd of t.proc.fds.list()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) {
      const e = t.proc.fds.entry(fd);
      if (e) e.cloexec = true;
    } else {
      const f = t.proc.fds.get(fd);
      if (f) releaseRecordLocks(t, f);
      t.proc.fds.close(fd);
    }
  }
  return 0;
});

const RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10;
const RWF_ALL = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;

/** preadv2/pwritev2: an offset of -1 means the file position; RWF_* flags. */
sys('preadv2', ['fd', 'iov:out', 'int', 'off', 'off', 'hex'], (k, t, a) => {
  const flags = a.uint(5);
  if (flags & ~RWF_ALL) return -E.EOPNOTSUPP;
  const off = a.s64(3);
  if (off < -1) return -E.EINVAL;
  return doReadv(k, t, a.int(0), a.ptr(1), a.int(2), off === -1 ? null : off);
});
sys('pwritev2', ['fd', 'iov:in', 'int', 'off', 'off', 'hex'], (k, t, a) => {
  const flags = a.uint(5);
  if (flags & ~RWF_ALL) return -E.EOPNOTSUPP;
  const off = a.s64(3);
  if (off < -1) return -E.EINVAL;
  const f = t.proc.fds.get(a.int(0));
  if (f && flags & RWF_APPEND) {
    const st = f.stat();
    if (typeof st !== 'number') return doWritev(k, t, a.int(0), a.ptr(1), a.int(2), st.size);
  }
  return doWritev(k, t, a.int(0), a.ptr(1), a.int(2), off === -1 ? null : off);
});

/** fadvise64: advice is accepted and ignored (the host's page cache decides), after Linux's checks. */
sys('fadvise64', ['fd', 'off', 'size', 'int'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f || f.flags & O_PATH) return -E.EBADF;
  if (fmtOf(f) === S_IFIFO) return -E.ESPIPE;
  const advice = a.int(3);
  if (advice < 0 || advice > 5 || a.s64(2) < 0) return -E.EINVAL;
  return 0;
});
sys('readahead', ['fd', 'off', 'size'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f || !f.readable()) return -E.EBADF;
  return fmtOf(f) === S_IFREG ? 0 : -E.EINVAL;
});
sys('sync_file_range', ['fd', 'off', 'off', 'hex'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  if (a.uint(3) & ~7 || a.s64(1) < 0 || a.s64(2) < 0) return -E.EINVAL;
  const fmt = fmtOf(f);
  if (fmt === S_IFIFO) return -E.ESPIPE;
  return fmt === S_IFREG || fmt === S_IFDIR ? f.sync() : 0;
});
