/**
 * File-system metadata and links: truncate/ftruncate, link/symlink, chmod, chown (as the host
 * user can), utimensat/futimesat/utimes/utime, fsync/fdatasync/sync, statfs/fstatfs. Changes
 * by descriptor go through the file system the file was opened on (file.origin), so the overlay
 * copies a lower file up instead of touching the host's.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { S_IFMT, S_IFDIR, noteTruncated } from '../../kernel/vfs/file.js';
import { StructBuf, readTimespec } from '../structs.js';
import { resolveAt, resolveArg, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH, pathArg } from './paths.js';
import type { HostStatfs, HostStat } from '../../kernel/host/host.js';
import type { Time } from '../../kernel/vfs/fs.js';

sys('truncate', ['path', 'off'], (k, t, a) => {
  const len = a.s64(1);
  if (len < 0) return -E.EINVAL;
  const r = resolveArg(k, t, AT_FDCWD, a.ptr(0), true, true);
  if (typeof r === 'number') return r;
  if (typeof r.st !== 'number' && (r.st.mode & S_IFMT) === S_IFDIR) return -E.EISDIR;
  const acc = r.fs.access(r.rel, 2);
  if (acc < 0) return acc;
  const res = r.fs.truncate(r.rel, len);
  if (typeof r.st !== 'number') noteTruncated(r.st, len, res);
  return res;
});

sys('ftruncate', ['fd', 'off'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const len = a.s64(1);
  if (len < 0) return -E.EINVAL;
  if (!f.writable()) return -E.EINVAL;
  return f.truncate(len);
});

function doLink(k: Kernel, t: Task, ofd: number, oaddr: number, nfd: number, naddr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -E.EINVAL;
  const p = pathArg(t, oaddr);
  if (typeof p === 'number') return p;
  if (p === '' && flags & AT_EMPTY_PATH) return -E.ENOENT; // needs CAP_DAC_READ_SEARCH
  const from = resolveArg(k, t, ofd, oaddr, (flags & AT_SYMLINK_FOLLOW) !== 0, true);
  if (typeof from === 'number') return from;
  if (typeof from.st !== 'number' && (from.st.mode & S_IFMT) === S_IFDIR) return -E.EPERM;
  const to = resolveArg(k, t, nfd, naddr, false, false);
  if (typeof to === 'number') return to;
  if (typeof to.st !== 'number') return -E.EEXIST;
  if (to.st !== -E.ENOENT) return to.st;
  if (from.fs !== to.fs) return -E.EXDEV;
  return from.fs.link(from.rel, to.rel);
}
sys('link', ['path', 'path'], (k, t, a) => doLink(k, t, AT_FDCWD, a.ptr(0), AT_FDCWD, a.ptr(1), 0));
sys('linkat', ['atfd', 'path', 'atfd', 'path', 'atflags'], (k, t, a) => doLink(k, t, a.int(0), a.ptr(1), a.int(2), a.ptr(3), a.int(4)));

/** symlink: the target is stored as given (it is resolved inside the root when followed). */
function doSymlink(k: Kernel, t: Task, taddr: number, nfd: number, naddr: number): number {
  const target = t.proc.mem.readCString(taddr, 4096);
  if (target === null) return -E.ENAMETOOLONG;
  if (target.length === 0) return -E.ENOENT;
  const to = resolveArg(k, t, nfd, naddr, false, false);
  if (typeof to === 'number') return to;
  if (typeof to.st !== 'number') return -E.EEXIST;
  if (to.st !== -E.ENOENT) return to.st;
  return to.fs.symlink(target, to.rel);
}
sys('symlink', ['path', 'path'], (k, t, a) => doSymlink(k, t, a.ptr(0), AT_FDCWD, a.ptr(1)));
sys('symlinkat', ['path', 'atfd', 'path'], (k, t, a) => doSymlink(k, t, a.ptr(0), a.int(1), a.ptr(2)));

function doChmod(k: Kernel, t: Task, dirfd: number, addr: number, mode: number, flags: number): number {
  if (flags & ~AT_SYMLINK_NOFOLLOW) return -E.EINVAL;
  const r = resolveArg(k, t, dirfd, addr, !(flags & AT_SYMLINK_NOFOLLOW), true);
  if (typeof r === 'number') return r;
  if (typeof r.st !== 'number' && (r.st.mode & S_IFMT) === 0o120000) return -E.EOPNOTSUPP;
  return r.fs.chmod(r.rel, mode & 0o7777);
}
sys('chmod', ['path', 'mode'], (k, t, a) => doChmod(k, t, AT_FDCWD, a.ptr(0), a.uint(1), 0));
sys('fchmodat', ['atfd', 'path', 'mode'], (k, t, a) => doChmod(k, t, a.int(0), a.ptr(1), a.uint(2), 0));
sys('fchmod', ['fd', 'mode'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f || f.flags & 0x200000 /* O_PATH */) return -E.EBADF;
  if (!f.origin) return 0;
  return f.origin.fs.chmod(f.origin.rel, a.uint(1) & 0o7777);
});

/**
 * chown family: the host user can only "change" to the owner a file already has (what an
 * unprivileged Linux user sees); anything else is EPERM, exactly as the kernel would say.
 */
function chownCheck(k: Kernel, st: HostStat, uid: number, gid: number): number {
  if (k.host.uid === 0) return 0;
  const okUid = uid === -1 || uid === st.uid;
  const okGid = gid === -1 || gid === st.gid || (gid === k.host.gid && st.uid === k.host.uid);
  return okUid && okGid ? 0 : -E.EPERM;
}

function doChown(k: Kernel, t: Task, dirfd: number, addr: number, uid: number, gid: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -E.EINVAL;
  const r = resolveArg(k, t, dirfd, addr, !(flags & AT_SYMLINK_NOFOLLOW), true);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  const c = chownCheck(k, r.st, uid, gid);
  if (c < 0) return c;
  if ((uid === -1 || uid === r.st.uid) && (gid === -1 || gid === r.st.gid)) return 0;
  return r.fs.chown(r.rel, uid, gid);
}
sys('chown', ['path', 'int', 'int'], (k, t, a) => doChown(k, t, AT_FDCWD, a.ptr(0), a.int(1), a.int(2), 0),
  { status: 'partial', note: 'as the host user can (root changes owners for real)' });
sys('lchown', ['path', 'int', 'int'], (k, t, a) => doChown(k, t, AT_FDCWD, a.ptr(0), a.int(1), a.int(2), AT_SYMLINK_NOFOLLOW),
  { status: 'partial', note: 'as the host user can (root changes owners for real)' });
sys('fchownat', ['atfd', 'path', 'int', 'int', 'atflags'], (k, t, a) => doChown(k, t, a.int(0), a.ptr(1), a.int(2), a.int(3), a.int(4)),
  { status: 'partial', note: 'as the host user can (root changes owners for real)' });
sys('fchown', ['fd', 'int', 'int'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  if (f.flags & 0x200000 /* O_PATH */) return -E.EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  const uid = a.int(1), gid = a.int(2);
  const c = chownCheck(k, st, uid, gid);
  if (c < 0) return c;
  if ((uid === -1 || uid === st.uid) && (gid === -1 || gid === st.gid)) return 0;
  return f.origin ? f.origin.fs.chown(f.origin.rel, uid, gid) : 0;
}, { status: 'partial', note: 'as the host user can (root changes owners for real)' });

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** Sets times on (dirfd, path), or on dirfd itself when path is null (futimens). */
function setTimes(k: Kernel, t: Task, dirfd: number, addr: number, times: [Time | null, Time | null], flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -E.EINVAL;
  const p = addr === 0 ? '' : pathArg(t, addr);
  if (typeof p === 'number') return p;
  if (p === '' && (addr === 0 || flags & AT_EMPTY_PATH)) {
    if (dirfd === AT_FDCWD) return addr === 0 ? -E.EFAULT : setTimesPath(k, t, AT_FDCWD, '.', times, true);
    const f = t.proc.fds.get(dirfd);
    if (!f) return -E.EBADF;
    if (!f.origin) return 0;
    return f.origin.fs.utimes(f.origin.rel, times[0], times[1]);
  }
  return setTimesPath(k, t, dirfd, p, times, !(flags & AT_SYMLINK_NOFOLLOW));
}

function setTimesPath(k: Kernel, t: Task, dirfd: number, p: string, times: [Time | null, Time | null], follow: boolean): number {
  const r = resolveAt(k, t, dirfd, p, follow);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  return r.fs.utimes(r.rel, times[0], times[1]);
}

sys('utimensat', ['atfd', 'path', 'ptr', 'atflags'], (k, t, a) => {
  let times: [Time | null, Time | null] = [k.host.realtime(), k.host.realtime()];
  if (a.ptr(2)) {
    const pick = (ts: Time): Time | null => (ts[1] === UTIME_OMIT ? null : ts[1] === UTIME_NOW ? k.host.realtime() : ts);
    const at = readTimespec(t.proc.mem, a.ptr(2));
    const mt = readTimespec(t.proc.mem, a.ptr(2) + 16);
    for (const ts of [at, mt]) if (ts[1] !== UTIME_NOW && ts[1] !== UTIME_OMIT && (ts[1] < 0 || ts[1] >= 1e9)) return -E.EINVAL;
    times = [pick(at), pick(mt)];
    if (times[0] === null && times[1] === null) return 0;
  }
  return setTimes(k, t, a.int(0), a.ptr(1), times, a.int(3));
});

/** struct timeval[2] (or NULL for now) as times; -EINVAL for a bad tv_usec. */
function readTimevals(k: Kernel, t: Task, addr: number): [Time | null, Time | null] | number {
  if (addr === 0) return [k.host.realtime(), k.host.realtime()];
  const out: Time[] = [];
  for (let j = 0; j < 2; j++) {
    const [sec, usec] = readTimespec(t.proc.mem, addr + 16 * j);
    if (usec < 0 || usec >= 1e6) return -E.EINVAL;
    out.push([sec, usec * 1000]);
  }
  return [out[0], out[1]];
}

sys('futimesat', ['atfd', 'path', 'ptr'], (k, t, a) => {
  const tv = readTimevals(k, t, a.ptr(2));
  if (typeof tv === 'number') return tv;
  const p = pathArg(t, a.ptr(1));
  if (typeof p === 'number') return p;
  return setTimesPath(k, t, a.int(0), p, tv, true);
});
sys('utimes', ['path', 'ptr'], (k, t, a) => {
  const tv = readTimevals(k, t, a.ptr(1));
  if (typeof tv === 'number') return tv;
  const p = pathArg(t, a.ptr(0));
  if (typeof p === 'number') return p;
  return setTimesPath(k, t, AT_FDCWD, p, tv, true);
});
/** utime(path, struct utimbuf { time_t actime, modtime; } *). */
sys('utime', ['path', 'ptr'], (k, t, a) => {
  let times: [Time | null, Time | null] = [k.host.realtime(), k.host.realtime()];
  if (a.ptr(1)) times = [[t.proc.mem.readU64(a.ptr(1)), 0], [t.proc.mem.readU64(a.ptr(1) + 8), 0]];
  const p = pathArg(t, a.ptr(0));
  if (typeof p === 'number') return p;
  return setTimesPath(k, t, AT_FDCWD, p, times, true);
});

sys('fsync', ['fd'], (k, t, a) => t.proc.fds.get(a.int(0))?.sync() ?? -E.EBADF);
sys('fdatasync', ['fd'], (k, t, a) => t.proc.fds.get(a.int(0))?.sync() ?? -E.EBADF);
sys('sync', [], () => 0);
sys('syncfs', ['fd'], (k, t, a) => (t.proc.fds.get(a.int(0)) ? 0 : -E.EBADF));

function statfsBytes(s: HostStatfs): Uint8Array {
  const b = new StructBuf(120);
  b.u64(0, s.type).u64(8, s.bsize).u64(16, s.blocks).u64(24, s.bfree).u64(32, s.bavail);
  b.u64(40, s.files).u64(48, s.ffree).u64(56, 0).u64(64, 255).u64(72, s.bsize).u64(80, 0);
  return b.bytes;
}
sys('statfs', ['path', 'ptr'], (k, t, a) => {
  const r = resolveArg(k, t, AT_FDCWD, a.ptr(0), true, true);
  if (typeof r === 'number') return r;
  const s = r.fs.statfs(r.rel);
  if (typeof s === 'number') return s;
  t.proc.mem.writeBytes(a.ptr(1), statfsBytes(s));
  return 0;
});
sys('fstatfs', ['fd', 'ptr'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const s = f.origin ? f.origin.fs.statfs(f.origin.rel) : { type: 0x50495045 /* PIPEFS */, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 };
  if (typeof s === 'number') return s;
  t.proc.mem.writeBytes(a.ptr(1), statfsBytes(s));
  return 0;
});

