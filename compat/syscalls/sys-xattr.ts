/**
 * Extended attributes. The host cannot be asked for them (Node has no xattr API), so files have
 * none: reads say ENODATA, lists are empty, and setting one says ENOTSUP, as on a file system
 * mounted without xattr support. Paths and names are still checked as Linux checks them.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { pathArg, resolveAt, AT_FDCWD } from './paths.js';

const XATTR_NAME_MAX = 255;
const XATTR_CREATE = 1, XATTR_REPLACE = 2;

/** The target exists? -errno if not (path form), -EBADF for a bad descriptor (f form). */
function target(k: Kernel, t: Task, kind: 'path' | 'lpath' | 'fd', arg: number): number {
  if (kind === 'fd') return t.proc.fds.get(arg) ? 0 : -E.EBADF;
  const p = pathArg(t, arg);
  if (typeof p === 'number') return p;
  const r = resolveAt(k, t, AT_FDCWD, p, kind === 'path');
  if (typeof r === 'number') return r;
  return typeof r.st === 'number' ? r.st : 0;
}

function nameArg(t: Task, addr: number): number {
  const b = t.proc.mem.readCString(addr, XATTR_NAME_MAX + 1);
  if (b === null || b.length === 0 || b.length > XATTR_NAME_MAX) return -E.ERANGE;
  const name = new TextDecoder().decode(b);
  return /^(user|trusted|security|system)\./.test(name) ? 0 : -E.EOPNOTSUPP;
}

for (const [prefix, kind] of [['', 'path'], ['l', 'lpath'], ['f', 'fd']] as const) {
  const first = kind === 'fd' ? 'fd' : 'path';
  sys(`${prefix}getxattr`, [first, 'str', 'ptr', 'size'], (k, t, a) => {
    const r = target(k, t, kind, kind === 'fd' ? a.int(0) : a.ptr(0));
    if (r < 0) return r;
    const n = nameArg(t, a.ptr(1));
    return n < 0 ? n : -E.ENODATA;
  }, { status: 'partial', note: 'files have no extended attributes' });
  sys(`${prefix}setxattr`, [first, 'str', 'ptr', 'size', 'hex'], (k, t, a) => {
    if (a.int(4) & ~(XATTR_CREATE | XATTR_REPLACE)) return -E.EINVAL;
    const r = target(k, t, kind, kind === 'fd' ? a.int(0) : a.ptr(0));
    if (r < 0) return r;
    const n = nameArg(t, a.ptr(1));
    if (n < 0) return n;
    if (a.u64(3) > 65536) return -E.E2BIG;
    return a.int(4) & XATTR_REPLACE ? -E.ENODATA : -E.EOPNOTSUPP;
  }, { status: 'partial', note: 'setting says ENOTSUP' });
  sys(`${prefix}listxattr`, [first, 'ptr', 'size'], (k, t, a) => target(k, t, kind, kind === 'fd' ? a.int(0) : a.ptr(0)),
    { status: 'partial', note: 'always an empty list' });
  sys(`${prefix}removexattr`, [first, 'str'], (k, t, a) => {
    const r = target(k, t, kind, kind === 'fd' ? a.int(0) : a.ptr(0));
    if (r < 0) return r;
    const n = nameArg(t, a.ptr(1));
    return n < 0 ? n : -E.ENODATA;
  }, { status: 'partial', note: 'files have no extended attributes' });
}
