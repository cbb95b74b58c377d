/**
 * File-system metadata and links: truncate/ftruncate, link/symlink, chmod, chown (as the host
 * user can), utimensat, fsync/fdatasync/sync, statfs/fstatfs.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { S_IFMT, S_IFDIR } from '../../kernel/vfs/file.js';
import { StructBuf, readTimespec } from '../structs.js';
import { resolveArg, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH } from './paths.js';
import type { HostStatfs } from '../../kernel/host/host.js';

sys('truncate', ['path', 'off'], (k, t, a) => {
  const len = a.s64(1);
  if (len < 0) return -E.EINVAL;
  const r = resolveArg(k, t, AT_FDCWD, a.ptr(0), true, true);
  if (typeof r === 'number') return r;
  if (typeof r.st !== 'number' && (r.st.mode & S_IFMT) === S_IFDIR) return -E.EISDIR;
  return k.host.truncate(r.host, len);
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
  const from = resolveArg(k, t, ofd, oaddr, (flags & AT_SYMLINK_FOLLOW) !== 0, true);
  if (typeof from === 'number') return from;
  if (typeof from.st !== 'number' && (from.st.mode & S_IFMT) === S_IFDIR) return -E.EPERM;
  const to = resolveArg(k, t, nfd, naddr, false, false);
  if (typeof to === 'number') return to;
  if (typeof to.st !== 'number') return -E.EEXIST;
  return k.host.link(from.host, to.host);
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
  return k.host.symlink(target, to.host);
}
sys('symlink', ['path', 'path'], (k, t, a) => doSymlink(k, t, a.ptr(0), AT_FDCWD, a.ptr(1)));
sys('symlinkat', ['path', 'atfd', 'path'], (k, t, a) => doSymlink(k, t, a.ptr(0), a.int(1), a.ptr(2)));

function doChmod(k: Kernel, t: Task, dirfd: number, addr: number, mode: number, flags: number): number {
  if (flags & ~AT_SYMLINK_NOFOLLOW) return -E.EINVAL;
  if (flags & AT_SYMLINK_NOFOLLOW) return -E.EOPNOTSUPP;
  const r = resolveArg(k, t, dirfd, addr, true, true);
  return typeof r === 'number' ? r : k.host.chmod(r.host, mode & 0o7777);
}
sys('chmod', ['path', 'mode'], (k, t, a) => doChmod(k, t, AT_FDCWD, a.ptr(0), a.uint(1), 0));
sys('fchmodat', ['atfd', 'path', 'mode'], (k, t, a) => doChmod(k, t, a.int(0), a.ptr(1), a.uint(2), 0));
sys('fchmod', ['fd', 'mode'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  if (!('hostPath' in f)) return -E.EINVAL;
  return k.host.chmod((f as unknown as { hostPath: string }).hostPath, a.uint(1) & 0o7777);
});

/**
 * chown family: the host user can only "change" to the owner a file already has (what an
 * unprivileged Linux user sees); anything else is EPERM, exactly as the kernel would say.
 */
function doChown(k: Kernel, t: Task, dirfd: number, addr: number, uid: number, gid: number, flags: number): number {
  const r = resolveArg(k, t, dirfd, addr, !(flags & AT_SYMLINK_NOFOLLOW), true);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  const okUid = uid === -1 || uid === r.st.uid;
  const okGid = gid === -1 || gid === r.st.gid || gid === k.host.gid;
  return (okUid && okGid) || k.host.uid === 0 ? 0 : -E.EPERM;
}
sys('chown', ['path', 'int', 'int'], (k, t, a) => doChown(k, t, AT_FDCWD, a.ptr(0), a.int(1), a.int(2), 0),
  { status: 'partial', note: 'no ownership changes beyond what the host user has' });
sys('lchown', ['path', 'int', 'int'], (k, t, a) => doChown(k, t, AT_FDCWD, a.ptr(0), a.int(1), a.int(2), AT_SYMLINK_NOFOLLOW),
  { status: 'partial', note: 'no ownership changes beyond what the host user has' });
sys('fchownat', ['atfd', 'path', 'int', 'int', 'atflags'], (k, t, a) => doChown(k, t, a.int(0), a.ptr(1), a.int(2), a.int(3), a.int(4)),
  { status: 'partial', note: 'no ownership changes beyond what the host user has' });
sys('fchown', ['fd', 'int', 'int'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  const ok = (a.int(1) === -1 || a.int(1) === st.uid) && (a.int(2) === -1 || a.int(2) === st.gid);
  return ok || k.host.uid === 0 ? 0 : -E.EPERM;
}, { status: 'partial', note: 'no ownership changes beyond what the host user has' });

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;
sys('utimensat', ['atfd', 'path', 'ptr', 'atflags'], (k, t, a) => {
  let times: [[number, number] | null, [number, number] | null] = [k.host.realtime(), k.host.realtime()];
  if (a.ptr(2)) {
    const pick = (ts: [number, number]): [number, number] | null =>
      ts[1] === UTIME_OMIT ? null : ts[1] === UTIME_NOW ? k.host.realtime() : ts;
    const at = readTimespec(t.proc.mem, a.ptr(2));
    const mt = readTimespec(t.proc.mem, a.ptr(2) + 16);
    for (const ts of [at, mt]) if (ts[1] !== UTIME_NOW && ts[1] !== UTIME_OMIT && (ts[1] < 0 || ts[1] >= 1e9)) return -E.EINVAL;
    times = [pick(at), pick(mt)];
  }
  const flags = a.int(3);
  let host: string;
  if (a.ptr(1) === 0) {
    const f = t.proc.fds.get(a.int(0));
    if (!f || !('hostPath' in f)) return -E.EBADF;
    host = (f as unknown as { hostPath: string }).hostPath;
  } else {
    const r = resolveArg(k, t, a.int(0), a.ptr(1), !(flags & AT_SYMLINK_NOFOLLOW), true);
    if (typeof r === 'number') return r;
    host = r.host;
  }
  return k.host.utimes(host, times[0], times[1], !(flags & AT_SYMLINK_NOFOLLOW));
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
  const s = k.host.statfs(r.host);
  if (typeof s === 'number') return s;
  t.proc.mem.writeBytes(a.ptr(1), statfsBytes(s));
  return 0;
});
sys('fstatfs', ['fd', 'ptr'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const s = k.host.statfs('hostPath' in f ? (f as unknown as { hostPath: string }).hostPath : k.vfs.hostPath('/'));
  if (typeof s === 'number') return s;
  t.proc.mem.writeBytes(a.ptr(1), statfsBytes(s));
  return 0;
});

