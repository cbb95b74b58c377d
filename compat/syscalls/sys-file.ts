/**
 * Opening and inspecting files by path: open/openat/openat2/creat (with O_PATH, O_TMPFILE,
 * O_NOFOLLOW, O_DIRECTORY, O_EXCL as Linux checks them), the stat family and statx, readlink and
 * access. Paths resolve through the VFS walk (confined to the process's root) and the file
 * system found there does the work.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import type { HostStat } from '../../kernel/host/host.js';
import type { WalkOptions } from '../../kernel/vfs/vfs.js';
import {
  OpenFile, S_IFMT, S_IFDIR, S_IFLNK, S_IFIFO, S_IFSOCK, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC,
  O_TRUNC, O_ACCMODE, O_RDONLY, O_TMPFILE, O_PATH, S_IFREG, noteTruncated,
} from '../../kernel/vfs/file.js';
import { PathFile } from '../../kernel/vfs/synth-file.js';
import { writeStat, writeStatx, StructBuf } from '../structs.js';
import { pathArg, resolveAt, dirOf, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH } from './paths.js';
import { openTmpfile } from './tmpfile.js';

export const O_LARGEFILE = 0x8000;
/** Every flag openat2 accepts (it refuses unknown bits, unlike openat): Linux's VALID_OPEN_FLAGS. */
const O_VALID = 3 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 |
  0x20000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x400000;

/** Opens a FIFO: the pipe code installs this; until then opening a FIFO is -ENXIO. */
export let fifoOpener: ((k: Kernel, t: Task, key: string, flags: number, guest: string) => OpenFile | number | Promise<number>) | null = null;
export function setFifoOpener(fn: typeof fifoOpener): void {
  fifoOpener = fn;
}

export function doOpen(k: Kernel, t: Task, dirfd: number, path: string, flags: number, mode: number, o?: WalkOptions): number | Promise<number> {
  if ((flags & O_TMPFILE) === O_TMPFILE) return openTmpfile(k, t, dirfd, path, flags, mode);
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  const excl = (flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL);
  const r = resolveAt(k, t, dirfd, path, !(flags & O_NOFOLLOW) && !excl, o);
  if (typeof r === 'number') return r;
  if (r.file) {
    // Reopening a pipe (or another pathless file) through /proc/self/fd/N or /dev/stdin.
    if (excl) return -E.EEXIST;
    const fst = r.file.stat();
    if (typeof fst !== 'number' && (fst.mode & S_IFMT) === S_IFSOCK && !(flags & O_PATH)) return -E.ENXIO;
    const acc = flags & O_ACCMODE;
    if ((acc !== 1 && !r.file.readable()) || (acc !== O_RDONLY && !r.file.writable())) return -E.EACCES;
    return install(t, r.file, flags);
  }
  const st = r.st;
  if (typeof st === 'number') {
    if (!(flags & O_CREAT) || st !== -E.ENOENT) return st;
    if (path.endsWith('/')) return -E.EISDIR;
  } else {
    if (excl) return -E.EEXIST;
    const fmt = st.mode & S_IFMT;
    if (fmt === S_IFLNK && !(flags & O_PATH)) return -E.ELOOP; // O_NOFOLLOW on a symlink
    if (flags & O_DIRECTORY && fmt !== S_IFDIR) return -E.ENOTDIR;
    if (fmt === S_IFDIR && !(flags & O_PATH) && ((flags & O_ACCMODE) !== O_RDONLY || flags & (O_CREAT | O_TRUNC))) return -E.EISDIR;
    if (!(flags & O_PATH)) {
      if (fmt === S_IFSOCK) return -E.ENXIO;
      if (fmt === S_IFIFO) return openFifo(k, t, st, flags, r.guest);
    }
  }
  let file: OpenFile | number;
  if (flags & O_PATH && typeof st !== 'number') {
    const { fs, rel } = r;
    file = new PathFile(flags & ~O_CLOEXEC, r.guest, () => fs.lstat(rel));
  } else {
    // Devices may ask who opens them (/dev/tty is the opener's controlling terminal).
    const prev = k.vfs.current;
    k.vfs.current = t.proc;
    try {
      file = r.fs.open(r.rel, flags & ~O_CLOEXEC, mode & ~t.proc.umask & 0o7777, r.guest);
    } finally {
      k.vfs.current = prev;
    }
  }
  if (typeof file === 'number') return file;
  // 64-bit Linux opens everything with O_LARGEFILE (F_GETFL shows it), O_PATH descriptors aside.
  file.flags = (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)) | (flags & O_PATH ? 0 : O_LARGEFILE);
  file.origin = { fs: r.fs, rel: r.rel };
  if (!(flags & O_PATH)) {
    const e = file.opened(t, flags);
    if (e < 0) {
      file.release();
      return e;
    }
  }
  if (flags & O_TRUNC && typeof st !== 'number' && (st.mode & S_IFMT) === S_IFREG) noteTruncated(st, 0, 0);
  return install(t, file, flags);
}

function openFifo(k: Kernel, t: Task, st: HostStat, flags: number, guest: string): number | Promise<number> {
  // TODO(pipes): kernel/pipe.ts installs setFifoOpener; FIFOs are keyed by device and inode.
  if (!fifoOpener) return -E.ENXIO;
  const r = fifoOpener(k, t, `${st.dev}:${st.ino}`, flags & ~O_CLOEXEC, guest);
  return typeof r === 'object' && !(r instanceof Promise) ? install(t, r, flags) : r;
}

export function install(t: Task, file: OpenFile, flags: number): number {
  const fd = t.proc.fds.alloc(file, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) file.release();
  return fd;
}

function openArgs(k: Kernel, t: Task, dirfd: number, addr: number, flags: number, mode: number): number | Promise<number> {
  const path = pathArg(t, addr);
  return typeof path === 'number' ? path : doOpen(k, t, dirfd, path, flags, mode);
}

sys('open', ['path', 'oflags', 'mode'], (k, t, a) => openArgs(k, t, AT_FDCWD, a.ptr(0), a.int(1), a.uint(2)));
sys('openat', ['atfd', 'path', 'oflags', 'mode'], (k, t, a) => openArgs(k, t, a.int(0), a.ptr(1), a.int(2), a.uint(3)));
sys('creat', ['path', 'mode'], (k, t, a) => openArgs(k, t, AT_FDCWD, a.ptr(0), O_CREAT | 1 | O_TRUNC, a.uint(1)));

const RESOLVE_NO_XDEV = 1, RESOLVE_NO_MAGICLINKS = 2, RESOLVE_NO_SYMLINKS = 4, RESOLVE_BENEATH = 8;
const RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;

/** openat2(dirfd, path, struct open_how *how, size): strict flags, RESOLVE_* walk restrictions. */
sys('openat2', ['atfd', 'path', 'ptr', 'size'], (k, t, a) => {
  const size = a.u64(3);
  if (size < 24) return -E.EINVAL;
  if (size > 4096) return -E.E2BIG;
  const how = t.proc.mem.readBytes(a.ptr(2), size);
  if (how.subarray(24).some((b) => b !== 0)) return -E.E2BIG;
  const dv = new DataView(how.buffer, how.byteOffset);
  const flags = dv.getUint32(0, true), flagsHi = dv.getUint32(4, true);
  const mode = dv.getUint32(8, true), modeHi = dv.getUint32(12, true);
  const resolve = dv.getUint32(16, true), resolveHi = dv.getUint32(20, true);
  if (flagsHi || flags & ~O_VALID) return -E.EINVAL;
  if (resolveHi || resolve & ~0x3f) return -E.EINVAL;
  if (modeHi || mode & ~0o7777) return -E.EINVAL;
  if (mode && !(flags & O_CREAT) && (flags & O_TMPFILE) !== O_TMPFILE) return -E.EINVAL;
  if (flags & O_PATH && flags & ~(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) return -E.EINVAL;
  if ((resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) === (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) return -E.EINVAL;
  if (resolve & RESOLVE_CACHED && flags & (O_CREAT | O_TRUNC | O_TMPFILE)) return -E.EAGAIN;
  const path = pathArg(t, a.ptr(1));
  if (typeof path === 'number') return path;
  const o: WalkOptions = {
    beneath: (resolve & RESOLVE_BENEATH) !== 0,
    noSymlinks: (resolve & RESOLVE_NO_SYMLINKS) !== 0,
    noMagic: (resolve & RESOLVE_NO_MAGICLINKS) !== 0,
    noXdev: (resolve & RESOLVE_NO_XDEV) !== 0,
  };
  if (resolve & RESOLVE_IN_ROOT) {
    const dir = dirOf(t, a.int(0), '');
    if (typeof dir === 'number') return dir;
    o.root = dir;
  }
  return doOpen(k, t, a.int(0), path, flags, mode, o);
});

/** stat of (dirfd, path) with AT_* flags, or of dirfd itself with AT_EMPTY_PATH and "". */
export function statAt(k: Kernel, t: Task, dirfd: number, addr: number, flags: number): HostStat | number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */ | 0x6000 /* AT_STATX_* */)) return -E.EINVAL;
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  if (p === '' && flags & AT_EMPTY_PATH) {
    if (dirfd === AT_FDCWD) {
      const r = k.vfs.resolve('.', t.proc.cwd, true, t.proc);
      return typeof r === 'number' ? r : r.st;
    }
    const f = t.proc.fds.get(dirfd);
    return f ? f.stat() : -E.EBADF;
  }
  const r = resolveAt(k, t, dirfd, p, !(flags & AT_SYMLINK_NOFOLLOW));
  return typeof r === 'number' ? r : r.st;
}

function statTo(k: Kernel, t: Task, st: HostStat | number, addr: number): number {
  if (typeof st === 'number') return st;
  writeStat(t.proc.mem, addr, st);
  return 0;
}

sys('stat', ['path', 'struct'], (k, t, a) => statTo(k, t, statAt(k, t, AT_FDCWD, a.ptr(0), 0), a.ptr(1)));
sys('lstat', ['path', 'struct'], (k, t, a) => statTo(k, t, statAt(k, t, AT_FDCWD, a.ptr(0), AT_SYMLINK_NOFOLLOW), a.ptr(1)));
sys('fstat', ['fd', 'struct'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  return f ? statTo(k, t, f.stat(), a.ptr(1)) : -E.EBADF;
});
sys('newfstatat', ['atfd', 'path', 'struct', 'atflags'], (k, t, a) => statTo(k, t, statAt(k, t, a.int(0), a.ptr(1), a.int(3)), a.ptr(2)));

const STATX_RESERVED = 0x80000000;
sys('statx', ['atfd', 'path', 'atflags', 'hex', 'struct'], (k, t, a) => {
  const flags = a.int(2);
  if (a.uint(3) & STATX_RESERVED) return -E.EINVAL;
  if ((flags & 0x6000) === 0x6000) return -E.EINVAL;
  const st = statAt(k, t, a.int(0), a.ptr(1), flags);
  if (typeof st === 'number') return st;
  writeStatx(t.proc.mem, a.ptr(4), st, a.uint(3));
  return 0;
}, { status: 'partial', note: 'basic stats and btime; no mount id or attributes' });

function doReadlink(k: Kernel, t: Task, dirfd: number, addr: number, buf: number, size: number): number {
  if (size <= 0) return -E.EINVAL;
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  let target: Uint8Array | number;
  if (p === '') {
    // readlinkat(fd, "") reads the symlink an O_PATH|O_NOFOLLOW descriptor names.
    const f = dirfd === AT_FDCWD ? undefined : t.proc.fds.get(dirfd);
    if (!f) return dirfd === AT_FDCWD ? -E.ENOENT : -E.EBADF;
    const st = f.stat();
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFLNK || !f.origin) return -E.ENOENT;
    target = f.origin.fs.readlink(f.origin.rel);
  } else {
    const r = resolveAt(k, t, dirfd, p, false);
    if (typeof r === 'number') return r;
    if (typeof r.st === 'number') return r.st;
    if ((r.st.mode & S_IFMT) !== S_IFLNK) return -E.EINVAL;
    const prev = k.vfs.current;
    k.vfs.current = t.proc;
    target = r.fs.readlink(r.rel);
    k.vfs.current = prev;
  }
  if (typeof target === 'number') return target;
  const n = Math.min(size, target.length);
  t.proc.mem.writeBytes(buf, target.subarray(0, n));
  return n;
}

sys('readlink', ['path', 'buf:out', 'size'], (k, t, a) => doReadlink(k, t, AT_FDCWD, a.ptr(0), a.ptr(1), a.int(2)));
sys('readlinkat', ['atfd', 'path', 'buf:out', 'size'], (k, t, a) => doReadlink(k, t, a.int(0), a.ptr(1), a.ptr(2), a.int(3)));

const AT_EACCESS = 0x200;
function doAccess(k: Kernel, t: Task, dirfd: number, addr: number, mode: number, flags: number): number {
  if (mode & ~7) return -E.EINVAL;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) return -E.EINVAL;
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  if (p === '' && flags & AT_EMPTY_PATH) {
    const f = t.proc.fds.get(dirfd);
    if (!f) return -E.EBADF;
    return mode === 0 || !f.origin ? 0 : f.origin.fs.access(f.origin.rel, mode);
  }
  const r = resolveAt(k, t, dirfd, p, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  return mode === 0 ? 0 : r.fs.access(r.rel, mode);
}

sys('access', ['path', 'int'], (k, t, a) => doAccess(k, t, AT_FDCWD, a.ptr(0), a.int(1), 0));
sys('faccessat', ['atfd', 'path', 'int'], (k, t, a) => doAccess(k, t, a.int(0), a.ptr(1), a.int(2), 0));
sys('faccessat2', ['atfd', 'path', 'int', 'atflags'], (k, t, a) => doAccess(k, t, a.int(0), a.ptr(1), a.int(2), a.int(3)));

export { StructBuf };
