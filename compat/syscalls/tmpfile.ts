/**
 * O_TMPFILE: an unnamed regular file in a directory. The file system creates it under a private
 * name and unlinks it at once, so the descriptor is the only way to it, as on Linux; its
 * /proc/self/fd link reads "DIR/#INO (deleted)".
 */

import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { S_IFMT, S_IFDIR, O_ACCMODE, O_RDONLY, O_CREAT, O_EXCL, O_CLOEXEC, O_TMPFILE, O_DIRECTORY } from '../../kernel/vfs/file.js';
import { relJoin } from '../../kernel/vfs/fs.js';
import { resolveAt } from './paths.js';
import { install } from './sys-file.js';

let serial = 0;

export function openTmpfile(k: Kernel, t: Task, dirfd: number, path: string, flags: number, mode: number): number {
  if ((flags & O_ACCMODE) === O_RDONLY || (flags & O_ACCMODE) === 3) return -E.EINVAL;
  const r = resolveAt(k, t, dirfd, path, true);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  if ((r.st.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
  const name = `.rustos-tmpfile-${k.host.pid}-${++serial}`;
  const rel = relJoin(r.rel, name);
  const base = (flags & ~(O_TMPFILE | O_CLOEXEC)) & ~O_DIRECTORY;
  const file = r.fs.open(rel, base | O_CREAT | O_EXCL, mode & ~t.proc.umask & 0o7777, r.guest + '/' + name);
  if (typeof file === 'number') return file === -E.EROFS || file === -E.EPERM ? -E.EOPNOTSUPP : file;
  r.fs.unlink(rel);
  const st = file.stat();
  file.path = `${r.guest === '/' ? '' : r.guest}/#${typeof st === 'number' ? 0 : st.ino} (deleted)`;
  file.flags = (flags & ~(O_CLOEXEC | O_TMPFILE)) | (flags & O_ACCMODE) | 0x8000 /* O_LARGEFILE */;
  return install(t, file, flags);
}
