/**
 * The virtual file system's path walk: every guest path is resolved here, component by component,
 * inside the guest root. Symlinks are read and followed by the kernel (absolute targets restart at
 * the guest root, not the host's), `..` never climbs above the root, and the result is a guest
 * path plus the host path that backs it. Nothing a guest names can reach a host file outside the
 * root: the host only ever sees root + a normalized path without symlinks left to follow.
 */

import type { Host, HostStat } from '../host/host.js';
import { E } from '../../compat/errno.js';
import { S_IFMT, S_IFDIR, S_IFLNK } from './file.js';

const MAX_SYMLINKS = 40;
const PATH_MAX = 4096;
const NAME_MAX = 255;

export interface Resolved {
  /** Normalized absolute guest path. */
  guest: string;
  /** The host path backing it. */
  host: string;
  /** lstat of the final component (after following it if asked), or -ENOENT when it doesn't exist. */
  st: HostStat | number;
}

export class Vfs {
  readonly host: Host;
  /** Host directory that is the guest's "/". */
  readonly root: string;

  constructor(host: Host, root: string) {
    this.host = host;
    this.root = root.length > 1 && root.endsWith('/') ? root.slice(0, -1) : root;
  }

  hostPath(guest: string): string {
    return this.root === '/' ? guest : guest === '/' ? this.root : this.root + guest;
  }

  /**
   * Resolves `path` (relative to the guest directory `cwd`). With follow, a symlink in the last
   * component is followed too. A missing last component is not an error (st is -ENOENT) so
   * creating calls can use the result; a missing or non-directory middle component is.
   */
  resolve(path: string, cwd: string, follow: boolean): Resolved | number {
    if (path.length === 0) return -E.ENOENT;
    if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
    const parts: string[] = path.startsWith('/') ? [] : cwd.split('/').filter((s) => s.length > 0);
    let queue = path.split('/');
    const mustBeDir = path.endsWith('/');
    let links = 0;
    let st: HostStat | number = -E.ENOENT;
    let finalSt: HostStat | number = this.host.lstat(this.hostPath('/' + parts.join('/')));
    while (queue.length > 0) {
      const c = queue.shift()!;
      const last = queue.every((q) => q === '' || q === '.');
      if (c === '' || c === '.') continue;
      if (c.length > NAME_MAX) return -E.ENAMETOOLONG;
      if (c === '..') {
        parts.pop();
        finalSt = this.host.lstat(this.hostPath('/' + parts.join('/')));
        continue;
      }
      const guest = '/' + [...parts, c].join('/');
      st = this.host.lstat(this.hostPath(guest));
      if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFLNK && (!last || follow || mustBeDir)) {
        if (++links > MAX_SYMLINKS) return -E.ELOOP;
        const target = this.host.readlink(this.hostPath(guest));
        if (typeof target === 'number') return target;
        const t = new TextDecoder().decode(target);
        if (t.startsWith('/')) parts.length = 0;
        queue = [...t.split('/'), ...queue];
        finalSt = this.host.lstat(this.hostPath('/' + parts.join('/')));
        continue;
      }
      if (!last) {
        if (typeof st === 'number') return st;
        if ((st.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
      }
      parts.push(c);
      finalSt = st;
    }
    if (mustBeDir && typeof finalSt !== 'number' && (finalSt.mode & S_IFMT) !== S_IFDIR) return -E.ENOTDIR;
    const guest = '/' + parts.join('/');
    return { guest, host: this.hostPath(guest), st: finalSt };
  }
}
