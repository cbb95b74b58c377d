/**
 * File-system syscalls that take paths: open/openat/creat, stat family, readlink, access,
 * getcwd/chdir, mkdir/rmdir/unlink/rename, getdents64. Each resolves its path through the VFS
 * (confined to the guest root) and then acts on the host path it maps to.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import {
  HostFile, S_IFMT, S_IFDIR, S_IFLNK, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_TRUNC,
  O_ACCMODE, O_RDONLY, O_TMPFILE, O_PATH,
} from '../../kernel/vfs/file.js';
import { writeStat, writeStatx, StructBuf } from '../structs.js';
import { pathArg, resolveAt, resolveArg, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_EMPTY_PATH } from './paths.js';

function doOpen(k: Kernel, t: Task, dirfd: number, addr: number, flags: number, mode: number): number {
  const path = pathArg(t, addr);
  if (typeof path === 'number') return path;
  if ((flags & O_TMPFILE) === O_TMPFILE) return -E.EOPNOTSUPP;
  const excl = (flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL);
  const r = resolveAt(k, t, dirfd, path, !(flags & O_NOFOLLOW) && !excl);
  if (typeof r === 'number') return r;
  let st = r.st;
  if (typeof st === 'number') {
    if (!(flags & O_CREAT) || st !== -E.ENOENT) return st;
    if (path.endsWith('/')) return -E.EISDIR;
  } else {
    if (excl) return -E.EEXIST;
    const fmt = st.mode & S_IFMT;
    if (fmt === S_IFLNK) return -E.ELOOP; // O_NOFOLLOW on a symlink
    if (flags & O_DIRECTORY && fmt !== S_IFDIR) return -E.ENOTDIR;
    if (fmt === S_IFDIR && ((flags & O_ACCMODE) !== O_RDONLY || flags & O_CREAT)) return -E.EISDIR;
  }
  const hostFlags = flags & O_PATH ? O_RDONLY : flags;
  const hfd = k.host.open(r.host, hostFlags & ~O_CLOEXEC, mode & ~t.proc.umask & 0o7777);
  if (hfd < 0) return hfd;
  st = k.host.fstat(hfd);
  const file = new HostFile(k.host, hfd, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC), r.guest, r.host);
  const fd = t.proc.fds.alloc(file, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) file.release();
  return fd;
}

sys('open', ['path', 'oflags', 'mode'], (k, t, a) => doOpen(k, t, AT_FDCWD, a.ptr(0), a.int(1), a.uint(2)));
sys('openat', ['atfd', 'path', 'oflags', 'mode'], (k, t, a) => doOpen(k, t, a.int(0), a.ptr(1), a.int(2), a.uint(3)));
sys('creat', ['path', 'mode'], (k, t, a) => doOpen(k, t, AT_FDCWD, a.ptr(0), O_CREAT | 1 | O_TRUNC, a.uint(1)));

/** stat of (dirfd, path) with AT_* flags, or of dirfd itself with AT_EMPTY_PATH and "". */
function statAt(k: Kernel, t: Task, dirfd: number, addr: number, flags: number) {
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  if (p === '' && flags & AT_EMPTY_PATH) {
    if (dirfd === AT_FDCWD) return k.host.stat(k.vfs.hostPath(t.proc.cwd));
    const f = t.proc.fds.get(dirfd);
    return f ? f.stat() : -E.EBADF;
  }
  const r = resolveAt(k, t, dirfd, p, !(flags & AT_SYMLINK_NOFOLLOW));
  return typeof r === 'number' ? r : r.st;
}

sys('stat', ['path', 'struct'], (k, t, a) => {
  const st = statAt(k, t, AT_FDCWD, a.ptr(0), 0);
  if (typeof st === 'number') return st;
  writeStat(t.proc.mem, a.ptr(1), st);
  return 0;
});
sys('lstat', ['path', 'struct'], (k, t, a) => {
  const st = statAt(k, t, AT_FDCWD, a.ptr(0), AT_SYMLINK_NOFOLLOW);
  if (typeof st === 'number') return st;
  writeStat(t.proc.mem, a.ptr(1), st);
  return 0;
});
sys('fstat', ['fd', 'struct'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  writeStat(t.proc.mem, a.ptr(1), st);
  return 0;
});
sys('newfstatat', ['atfd', 'path', 'struct', 'atflags'], (k, t, a) => {
  const st = statAt(k, t, a.int(0), a.ptr(1), a.int(3));
  if (typeof st === 'number') return st;
  writeStat(t.proc.mem, a.ptr(2), st);
  return 0;
});
sys('statx', ['atfd', 'path', 'atflags', 'hex', 'struct'], (k, t, a) => {
  const st = statAt(k, t, a.int(0), a.ptr(1), a.int(2));
  if (typeof st === 'number') return st;
  writeStatx(t.proc.mem, a.ptr(4), st);
  return 0;
}, { status: 'partial', note: 'basic stats; no btime, no mount id' });

function doReadlink(k: Kernel, t: Task, dirfd: number, addr: number, buf: number, size: number): number {
  if (size <= 0) return -E.EINVAL;
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  let target: Uint8Array | number;
  // /proc/self/exe and /proc/PID/exe: the process table answers (procfs arrives with the file issue).
  if (p === '/proc/self/exe' || p === `/proc/${t.proc.pid}/exe`) target = new TextEncoder().encode(t.proc.exe);
  else {
    const r = resolveAt(k, t, dirfd, p, false);
    if (typeof r === 'number') return r;
    if (typeof r.st === 'number') return r.st;
    if ((r.st.mode & S_IFMT) !== S_IFLNK) return -E.EINVAL;
    target = k.host.readlink(r.host);
  }
  if (typeof target === 'number') return target;
  const n = Math.min(size, target.length);
  t.proc.mem.writeBytes(buf, target.subarray(0, n));
  return n;
}

sys('readlink', ['path', 'buf:out', 'size'], (k, t, a) => doReadlink(k, t, AT_FDCWD, a.ptr(0), a.ptr(1), a.int(2)),
  { status: 'partial', note: '/proc/self/exe only from /proc' });
sys('readlinkat', ['atfd', 'path', 'buf:out', 'size'], (k, t, a) => doReadlink(k, t, a.int(0), a.ptr(1), a.ptr(2), a.int(3)),
  { status: 'partial', note: '/proc/self/exe only from /proc' });

function doAccess(k: Kernel, t: Task, dirfd: number, addr: number, mode: number, flags: number): number {
  if (mode & ~7) return -E.EINVAL;
  const r = resolveArg(k, t, dirfd, addr, !(flags & AT_SYMLINK_NOFOLLOW), true);
  if (typeof r === 'number') return r;
  return mode === 0 ? 0 : k.host.access(r.host, mode);
}

sys('access', ['path', 'int'], (k, t, a) => doAccess(k, t, AT_FDCWD, a.ptr(0), a.int(1), 0));
sys('faccessat', ['atfd', 'path', 'int'], (k, t, a) => doAccess(k, t, a.int(0), a.ptr(1), a.int(2), 0));
sys('faccessat2', ['atfd', 'path', 'int', 'atflags'], (k, t, a) => doAccess(k, t, a.int(0), a.ptr(1), a.int(2), a.int(3)));

sys('getcwd', ['buf:out', 'size'], (k, t, a) => {
  const b = new TextEncoder().encode(t.proc.cwd + '\0');
  if (a.u64(1) < b.length) return -E.ERANGE;
  t.proc.mem.writeBytes(a.ptr(0), b);
  return b.length;
});

function chdirTo(k: Kernel, t: Task, guest: string): number {
  const st = k.host.stat(k.vfs.hostPath(guest));
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
  t.proc.cwd = guest;
  return 0;
}

sys('chdir', ['path'], (k, t, a) => {
  const r = resolveArg(k, t, AT_FDCWD, a.ptr(0), true, true);
  return typeof r === 'number' ? r : chdirTo(k, t, r.guest);
});
sys('fchdir', ['fd'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  return f ? chdirTo(k, t, f.path) : -E.EBADF;
});

function doMkdir(k: Kernel, t: Task, dirfd: number, addr: number, mode: number): number {
  const r = resolveArg(k, t, dirfd, addr, false, false);
  if (typeof r === 'number') return r;
  if (typeof r.st !== 'number') return -E.EEXIST;
  return k.host.mkdir(r.host, mode & ~t.proc.umask & 0o7777);
}
sys('mkdir', ['path', 'mode'], (k, t, a) => doMkdir(k, t, AT_FDCWD, a.ptr(0), a.uint(1)));
sys('mkdirat', ['atfd', 'path', 'mode'], (k, t, a) => doMkdir(k, t, a.int(0), a.ptr(1), a.uint(2)));

function doUnlink(k: Kernel, t: Task, dirfd: number, addr: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -E.EINVAL;
  const r = resolveArg(k, t, dirfd, addr, false, true);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  const isDir = (r.st.mode & S_IFMT) === S_IFDIR;
  if (flags & AT_REMOVEDIR) return r.guest === '/' ? -E.EBUSY : k.host.rmdir(r.host);
  return isDir ? -E.EISDIR : k.host.unlink(r.host);
}
sys('unlink', ['path'], (k, t, a) => doUnlink(k, t, AT_FDCWD, a.ptr(0), 0));
sys('unlinkat', ['atfd', 'path', 'atflags'], (k, t, a) => doUnlink(k, t, a.int(0), a.ptr(1), a.int(2)));
sys('rmdir', ['path'], (k, t, a) => doUnlink(k, t, AT_FDCWD, a.ptr(0), AT_REMOVEDIR));

function doRename(k: Kernel, t: Task, ofd: number, oaddr: number, nfd: number, naddr: number, flags: number): number {
  if (flags !== 0) return -E.EINVAL;
  const from = resolveArg(k, t, ofd, oaddr, false, true);
  if (typeof from === 'number') return from;
  const to = resolveArg(k, t, nfd, naddr, false, false);
  if (typeof to === 'number') return to;
  return k.host.rename(from.host, to.host);
}
sys('rename', ['path', 'path'], (k, t, a) => doRename(k, t, AT_FDCWD, a.ptr(0), AT_FDCWD, a.ptr(1), 0));
sys('renameat', ['atfd', 'path', 'atfd', 'path'], (k, t, a) => doRename(k, t, a.int(0), a.ptr(1), a.int(2), a.ptr(3), 0));
sys('renameat2', ['atfd', 'path', 'atfd', 'path', 'hex'], (k, t, a) => doRename(k, t, a.int(0), a.ptr(1), a.int(2), a.ptr(3), a.uint(4)),
  { status: 'partial', note: 'flags must be 0 (RENAME_NOREPLACE/EXCHANGE come with the file issue)' });

/** getdents64: struct linux_dirent64 records; the file offset counts entries already returned. */
sys('getdents64', ['fd', 'ptr', 'size'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const list = f.getdents();
  if (typeof list === 'number') return list;
  const max = a.u64(2);
  const out: Uint8Array[] = [];
  let used = 0;
  let idx = f.pos;
  const enc = new TextEncoder();
  for (; idx < list.length; idx++) {
    const d = list[idx];
    const name = enc.encode(d.name);
    const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
    if (used + reclen > max) break;
    const b = new StructBuf(reclen);
    b.u64(0, d.ino).u64(8, idx + 1).u16(16, reclen);
    b.bytes[18] = d.type;
    b.bytes.set(name, 19);
    out.push(b.bytes);
    used += reclen;
  }
  if (out.length === 0 && idx < list.length) return -E.EINVAL;
  const all = new Uint8Array(used);
  let off = 0;
  for (const r of out) {
    all.set(r, off);
    off += r.length;
  }
  t.proc.mem.writeBytes(a.ptr(1), all);
  f.pos = idx;
  return used;
});
