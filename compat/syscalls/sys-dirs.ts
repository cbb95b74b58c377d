/**
 * The directory tree: getcwd/chdir/fchdir/chroot, mkdir(at), mknod(at), unlink(at)/rmdir,
 * rename/renameat/renameat2 and getdents/getdents64. The checks Linux makes in the VFS before a
 * file system is asked (".", "..", mount points, directory/non-directory mismatches, renaming a
 * directory into itself, crossing file systems) are made here once for every file system.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import type { HostDirent } from '../../kernel/host/host.js';
import { S_IFMT, S_IFDIR, S_IFREG, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK } from '../../kernel/vfs/file.js';
import { procRoot, setProcRoot } from '../../kernel/vfs/vfs.js';
import { StructBuf } from '../structs.js';
import { pathArg, resolveAt, AT_FDCWD, AT_REMOVEDIR, lastName } from './paths.js';

sys('getcwd', ['buf:out', 'size'], (k, t, a) => {
  const root = procRoot(t.proc);
  let cwd = t.proc.cwd;
  if (root !== '/') cwd = cwd === root ? '/' : cwd.startsWith(root + '/') ? cwd.slice(root.length) : '(unreachable)' + cwd;
  const b = new TextEncoder().encode(cwd + '\0');
  if (a.u64(1) === 0 && a.ptr(0) !== 0) return -E.EINVAL;
  if (a.u64(1) < b.length) return -E.ERANGE;
  t.proc.mem.writeBytes(a.ptr(0), b);
  return b.length;
});

/** Resolves a directory argument for chdir/chroot: it must exist, be a directory and searchable. */
function dirArg(k: Kernel, t: Task, addr: number): string | number {
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  const r = resolveAt(k, t, AT_FDCWD, p, true);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  if ((r.st.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
  const acc = r.fs.access(r.rel, 1);
  return acc < 0 ? acc : r.guest;
}

sys('chdir', ['path'], (k, t, a) => {
  const g = dirArg(k, t, a.ptr(0));
  if (typeof g === 'number') return g;
  t.proc.cwd = g;
  return 0;
});
sys('fchdir', ['fd'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
  t.proc.cwd = f.path;
  return 0;
});

/** chroot: the new root must be a directory inside the current one (the walk confines it). */
sys('chroot', ['path'], (k, t, a) => {
  const g = dirArg(k, t, a.ptr(0));
  if (typeof g === 'number') return g;
  if (k.host.uid !== 0) return -E.EPERM;
  setProcRoot(t.proc, g);
  return 0;
}, { status: 'supported', note: 'needs uid 0, as CAP_SYS_CHROOT' });

function doMkdir(k: Kernel, t: Task, dirfd: number, addr: number, mode: number): number {
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  const r = resolveAt(k, t, dirfd, p, false);
  if (typeof r === 'number') return r;
  if (typeof r.st !== 'number') return -E.EEXIST;
  if (r.st !== -E.ENOENT) return r.st;
  return r.fs.mkdir(r.rel, mode & ~t.proc.umask & 0o7777);
}
sys('mkdir', ['path', 'mode'], (k, t, a) => doMkdir(k, t, AT_FDCWD, a.ptr(0), a.uint(1)));
sys('mkdirat', ['atfd', 'path', 'mode'], (k, t, a) => doMkdir(k, t, a.int(0), a.ptr(1), a.uint(2)));

/** mknod: regular files, FIFOs and socket inodes; device nodes need privileges we don't have. */
function doMknod(k: Kernel, t: Task, dirfd: number, addr: number, mode: number, dev: number): number {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return -E.EPERM;
  if (type !== 0 && type !== S_IFREG && type !== S_IFIFO && type !== S_IFCHR && type !== S_IFBLK && type !== S_IFSOCK) return -E.EINVAL;
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  const r = resolveAt(k, t, dirfd, p, false);
  if (typeof r === 'number') return r;
  if (typeof r.st !== 'number') return -E.EEXIST;
  if (r.st !== -E.ENOENT) return r.st;
  if ((type === S_IFCHR || type === S_IFBLK) && k.host.uid !== 0) return -E.EPERM;
  return r.fs.mknod(r.rel, (type || S_IFREG) | (mode & ~t.proc.umask & 0o7777), dev);
}
sys('mknod', ['path', 'mode', 'hex'], (k, t, a) => doMknod(k, t, AT_FDCWD, a.ptr(0), a.uint(1), a.u64(2)));
sys('mknodat', ['atfd', 'path', 'mode', 'hex'], (k, t, a) => doMknod(k, t, a.int(0), a.ptr(1), a.uint(2), a.u64(3)));

function isMountPoint(k: Kernel, guest: string): boolean {
  return guest === '/' || k.vfs.list().some((m) => m.point === guest);
}

function doUnlink(k: Kernel, t: Task, dirfd: number, addr: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -E.EINVAL;
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  const last = lastName(p);
  const rmdir = (flags & AT_REMOVEDIR) !== 0;
  const r = resolveAt(k, t, dirfd, p, false);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  const isDir = (r.st.mode & S_IFMT) === S_IFDIR;
  if (rmdir) {
    if (last === '.') return -E.EINVAL;
    if (last === '..') return -E.ENOTEMPTY;
    if (!isDir) return -E.ENOTDIR;
    if (isMountPoint(k, r.guest)) return -E.EBUSY;
    return r.fs.rmdir(r.rel);
  }
  if (isDir) return -E.EISDIR;
  if (p.endsWith('/')) return -E.ENOTDIR;
  return r.fs.unlink(r.rel);
}
sys('unlink', ['path'], (k, t, a) => doUnlink(k, t, AT_FDCWD, a.ptr(0), 0));
sys('unlinkat', ['atfd', 'path', 'atflags'], (k, t, a) => doUnlink(k, t, a.int(0), a.ptr(1), a.int(2)));
sys('rmdir', ['path'], (k, t, a) => doUnlink(k, t, AT_FDCWD, a.ptr(0), AT_REMOVEDIR));

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

function doRename(k: Kernel, t: Task, ofd: number, oaddr: number, nfd: number, naddr: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -E.EINVAL;
  if (flags & RENAME_EXCHANGE && flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) return -E.EINVAL;
  if (flags & RENAME_WHITEOUT) return k.host.uid === 0 ? -E.EINVAL : -E.EPERM;
  const op = pathArg(t, oaddr);
  if (typeof op === 'number') return op;
  const np = pathArg(t, naddr);
  if (typeof np === 'number') return np;
  const from = resolveAt(k, t, ofd, op, false);
  if (typeof from === 'number') return from;
  const to = resolveAt(k, t, nfd, np, false);
  if (typeof to === 'number') return to;
  if (typeof from.st === 'number') return from.st;
  if (from.fs !== to.fs) return -E.EXDEV;
  const ol = lastName(op), nl = lastName(np);
  if (ol === '.' || ol === '..' || ol === '' || nl === '.' || nl === '..' || nl === '') return -E.EBUSY;
  const fromDir = (from.st.mode & S_IFMT) === S_IFDIR;
  if (typeof to.st === 'number') {
    if (to.st !== -E.ENOENT) return to.st;
    if (flags & RENAME_EXCHANGE) return -E.ENOENT;
    if (!fromDir && (op.endsWith('/') || np.endsWith('/'))) return -E.ENOTDIR;
  } else {
    if (flags & RENAME_NOREPLACE) return -E.EEXIST;
    const toDir = (to.st.mode & S_IFMT) === S_IFDIR;
    if (!(flags & RENAME_EXCHANGE)) {
      if (from.st.ino === to.st.ino && from.st.dev === to.st.dev) return 0;
      if (fromDir && !toDir) return -E.ENOTDIR;
      if (!fromDir && toDir) return -E.EISDIR;
    }
    if (isMountPoint(k, to.guest)) return -E.EBUSY;
  }
  if (isMountPoint(k, from.guest)) return -E.EBUSY;
  if (fromDir && to.guest.startsWith(from.guest + '/')) return -E.EINVAL;
  if (flags & RENAME_EXCHANGE && typeof to.st !== 'number' && (to.st.mode & S_IFMT) === S_IFDIR && from.guest.startsWith(to.guest + '/')) return -E.EINVAL;
  return from.fs.rename(from.rel, to.rel, flags);
}
sys('rename', ['path', 'path'], (k, t, a) => doRename(k, t, AT_FDCWD, a.ptr(0), AT_FDCWD, a.ptr(1), 0));
sys('renameat', ['atfd', 'path', 'atfd', 'path'], (k, t, a) => doRename(k, t, a.int(0), a.ptr(1), a.int(2), a.ptr(3), 0));
sys('renameat2', ['atfd', 'path', 'atfd', 'path', 'hex'], (k, t, a) => doRename(k, t, a.int(0), a.ptr(1), a.int(2), a.ptr(3), a.uint(4)),
  { status: 'partial', note: 'RENAME_NOREPLACE and RENAME_EXCHANGE; RENAME_WHITEOUT needs privileges' });

/** Fills records from the entries after f.pos; `rec` builds one record or null if it doesn't fit. */
function dents(t: Task, fd: number, buf: number, max: number, rec: (d: HostDirent, next: number, name: Uint8Array) => Uint8Array): number {
  const f = t.proc.fds.get(fd);
  if (!f) return -E.EBADF;
  const list = f.getdents();
  if (typeof list === 'number') return list;
  const out: Uint8Array[] = [];
  let used = 0;
  let idx = f.pos;
  const enc = new TextEncoder();
  for (; idx < list.length; idx++) {
    const r = rec(list[idx], idx + 1, enc.encode(list[idx].name));
    if (used + r.length > max) break;
    out.push(r);
    used += r.length;
  }
  if (out.length === 0 && idx < list.length) return -E.EINVAL;
  const all = new Uint8Array(used);
  let off = 0;
  for (const r of out) {
    all.set(r, off);
    off += r.length;
  }
  t.proc.mem.writeBytes(buf, all);
  f.pos = idx;
  return used;
}

/** getdents64: struct linux_dirent64; the file offset counts entries already returned. */
sys('getdents64', ['fd', 'ptr', 'size'], (k, t, a) => dents(t, a.int(0), a.ptr(1), a.uint(2), (d, next, name) => {
  const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
  const b = new StructBuf(reclen);
  b.u64(0, d.ino).u64(8, next).u16(16, reclen);
  b.bytes[18] = d.type;
  b.bytes.set(name, 19);
  return b.bytes;
}));

/** getdents: the old struct linux_dirent, with d_type in the record's last byte. */
sys('getdents', ['fd', 'ptr', 'size'], (k, t, a) => dents(t, a.int(0), a.ptr(1), a.uint(2), (d, next, name) => {
  const reclen = Math.ceil((18 + name.length + 2) / 8) * 8;
  const b = new StructBuf(reclen);
  b.u64(0, d.ino).u64(8, next).u16(16, reclen);
  b.bytes.set(name, 18);
  b.bytes[reclen - 1] = d.type;
  return b.bytes;
}));
