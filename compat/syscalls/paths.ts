/**
 * Path arguments: copying a path string in from the guest and resolving it against a directory
 * file descriptor (the *at family) or the cwd, through the kernel's confined VFS walk.
 */

import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import type { Resolved, WalkOptions } from '../../kernel/vfs/vfs.js';
import { HostFile, S_IFMT, S_IFDIR } from '../../kernel/vfs/file.js';
import { E } from '../errno.js';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

const decoder = new TextDecoder();

/** Copies in a NUL-terminated path; -ENAMETOOLONG past PATH_MAX, -EFAULT on a bad pointer. */
export function pathArg(t: Task, addr: number): string | number {
  const b = t.proc.mem.readCString(addr, 4096);
  if (b === null) return -E.ENAMETOOLONG;
  return decoder.decode(b);
}

/** The guest directory that relative paths of an *at call start from. */
export function dirOf(t: Task, dirfd: number, path: string): string | number {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return t.proc.cwd;
  const f = t.proc.fds.get(dirfd);
  if (!f) return -E.EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
  return f.path;
}

/** Resolves (dirfd, path) fully, inside the process's root. */
export function resolveAt(k: Kernel, t: Task, dirfd: number, path: string, follow: boolean, o?: WalkOptions): Resolved | number {
  const dir = dirOf(t, dirfd, path);
  if (typeof dir === 'number') return dir;
  return k.vfs.resolve(path, dir, follow, t.proc, o);
}

/** The last component of a path as written ("" for "/"), for the calls that refuse "." and "..". */
export function lastName(path: string): string {
  const parts = path.split('/').filter((s) => s.length > 0);
  return parts.length ? parts[parts.length - 1] : '';
}

/** Resolves a path argument at `addr` relative to dirfd; `must` requires the file to exist. */
export function resolveArg(k: Kernel, t: Task, dirfd: number, addr: number, follow: boolean, must: boolean): Resolved | number {
  const p = pathArg(t, addr);
  if (typeof p === 'number') return p;
  const r = resolveAt(k, t, dirfd, p, follow);
  if (typeof r === 'number') return r;
  if (must && typeof r.st === 'number') return r.st;
  return r;
}

export function isHostFile(f: unknown): f is HostFile {
  return f instanceof HostFile;
}
