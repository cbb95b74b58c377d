/**
 * The virtual file system: the mount table and the path walk. Every guest path is resolved here,
 * component by component: at each step the mount covering the path so far is found (the longest
 * mount point that is a prefix of it) and asked about that one component. Symlinks are read and
 * followed by the kernel (absolute targets restart at the process's root, not the host's), `..`
 * never climbs above that root, and a mount point's `..` is its parent in the guest tree, never
 * the parent of the host directory behind it. File systems only ever see a path relative to their
 * own root with every component looked up already, so nothing a guest names can leave them.
 */

import type { Host, HostStat } from '../host/host.js';
import type { Process } from '../process.js';
import { E } from '../../compat/errno.js';
import { S_IFMT, S_IFDIR, S_IFLNK, type OpenFile } from './file.js';
import { Fs } from './fs.js';
import { HostFs } from './hostfs.js';

const MAX_SYMLINKS = 40;
const PATH_MAX = 4096;
const NAME_MAX = 255;

export interface Mount {
  /** Guest path of the mount point ("/" for the root). */
  point: string;
  fs: Fs;
}

/** openat2's RESOLVE_* restrictions, and the start directory they are relative to. */
export interface WalkOptions {
  /** RESOLVE_IN_ROOT: this directory is the root for the walk. */
  root?: string;
  /** RESOLVE_BENEATH: absolute paths and climbing above the start directory are -EXDEV. */
  beneath?: boolean;
  /** RESOLVE_NO_SYMLINKS: any symlink to follow is -ELOOP. */
  noSymlinks?: boolean;
  /** RESOLVE_NO_MAGICLINKS: procfs's magic links are -ELOOP. */
  noMagic?: boolean;
  /** RESOLVE_NO_XDEV: crossing a mount is -EXDEV. */
  noXdev?: boolean;
}

export interface Resolved {
  /** Normalized absolute guest path. */
  guest: string;
  /** The file system holding it and the path inside that file system. */
  fs: Fs;
  rel: string;
  /** The host path backing it now ('' for synthetic files): used to read executables. */
  host: string;
  /** lstat of the final component (after following it if asked), or -ENOENT when it doesn't exist. */
  st: HostStat | number;
  /** Set when the path ended at a magic link to a file without a path (a pipe behind /dev/stdin). */
  file?: OpenFile;
}

/** The chroot of each process (guest path; absent means "/"). Copied on fork by the process code. */
const roots = new WeakMap<Process, string>();
export function procRoot(p: Process): string {
  return roots.get(p) ?? '/';
}
export function setProcRoot(p: Process, root: string): void {
  if (root === '/') roots.delete(p);
  else roots.set(p, root);
}

export class Vfs {
  readonly host: Host;
  /** Mounts, longest mount point first (for lookups), and in mount order (for /proc/mounts). */
  private mounts: Mount[] = [];
  private order: Mount[] = [];
  /** The process whose walk is running (procfs answers /proc/self with it). */
  current: Process | null = null;

  /** A VFS whose root is the host directory `root` (replace it with mountRoot). */
  constructor(host: Host, root: string) {
    this.host = host;
    this.mount('/', new HostFs(host, root));
  }

  /** Mounts fs at the guest path point (replacing a mount at the same point). */
  mount(point: string, fs: Fs): void {
    const m = { point, fs };
    this.mounts = this.mounts.filter((x) => x.point !== point);
    this.mounts.push(m);
    this.mounts.sort((a, b) => b.point.length - a.point.length);
    const k = this.order.findIndex((x) => x.point === point);
    if (k >= 0) this.order[k] = m;
    else this.order.push(m);
  }

  umount(point: string): number {
    const n = this.mounts.length;
    this.mounts = this.mounts.filter((m) => m.point !== point || point === '/');
    this.order = this.order.filter((m) => this.mounts.includes(m));
    return this.mounts.length < n ? 0 : -E.EINVAL;
  }

  /** Mounts in mount order (root first), for /proc/mounts. */
  list(): Mount[] {
    return [...this.order];
  }

  /** The mount holding guest path g, and g relative to it. */
  locate(g: string): [Mount, string] {
    for (const m of this.mounts) {
      if (m.point === '/') return [m, g];
      if (g === m.point) return [m, '/'];
      if (g.startsWith(m.point) && g.charCodeAt(m.point.length) === 47) return [m, g.slice(m.point.length)];
    }
    throw new Error('no root mount');
  }

  /**
   * Reads a whole resolved file through its file system, so exec works on every mount (tmpfs,
   * the overlay's layers, binds) and not only where a host path is at hand.
   */
  readAll(r: Resolved): Uint8Array | number {
    if (r.file) return -E.EACCES;
    const f = r.fs.open(r.rel, 0, 0, r.guest);
    if (typeof f === 'number') return f;
    try {
      const st = f.stat();
      let buf = new Uint8Array(typeof st === 'number' ? 65536 : Math.max(st.size, 4096));
      let off = 0;
      for (;;) {
        if (off === buf.length) {
          const b = new Uint8Array(buf.length * 2);
          b.set(buf);
          buf = b;
        }
        const n = f.read(buf.subarray(off), off);
        if (typeof n !== 'number') return -E.EIO;
        if (n < 0) return n;
        if (n === 0) return buf.subarray(0, off);
        off += n;
      }
    } finally {
      f.release();
    }
  }

  /** lstat of a normalized guest path. */
  lstat(g: string): HostStat | number {
    const [m, rel] = this.locate(g);
    return m.fs.lstat(rel);
  }

  /**
   * Resolves `path` relative to the guest directory `cwd`, inside `proc`'s root. With follow, a
   * symlink in the last component is followed too. A missing last component is not an error (st
   * is -ENOENT) so creating calls can use the result; a missing or non-directory middle one is.
   */
  resolve(path: string, cwd: string, follow: boolean, proc: Process | null = null, o: WalkOptions = {}): Resolved | number {
    if (path.length === 0) return -E.ENOENT;
    if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
    const prev = this.current;
    this.current = proc ?? prev;
    try {
      return this.walk(path, cwd, follow, o.root ?? (proc ? procRoot(proc) : '/'), o);
    } finally {
      this.current = prev;
    }
  }

  private walk(path: string, cwd: string, follow: boolean, root: string, o: WalkOptions): Resolved | number {
    const rootParts = root.split('/').filter((s) => s.length > 0);
    if (o.beneath && path.startsWith('/')) return -E.EXDEV;
    const parts: string[] = path.startsWith('/') ? [...rootParts] : cwd.split('/').filter((s) => s.length > 0);
    // A cwd outside the root (chroot without chdir) may climb to "/" as on Linux.
    let floor = parts.length >= rootParts.length && rootParts.every((c, k) => parts[k] === c) ? rootParts.length : 0;
    if (o.beneath) floor = parts.length;
    const startFs = o.noXdev ? this.locate('/' + parts.join('/'))[0] : null;
    let queue = path.split('/');
    const mustBeDir = path.endsWith('/');
    let links = 0;
    let finalSt: HostStat | number = this.lstat('/' + parts.join('/'));
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === '' || c === '.') continue;
      // "name/." and "name/.." make name a directory to walk through: only trailing slashes don't.
      const last = queue.every((q) => q === '');
      if (c.length > NAME_MAX) return -E.ENAMETOOLONG;
      if (c === '..') {
        if (o.beneath && parts.length <= floor) return -E.EXDEV;
        if (parts.length > floor) parts.pop();
        if (startFs && this.locate('/' + parts.join('/'))[0] !== startFs) return -E.EXDEV;
        finalSt = this.lstat('/' + parts.join('/'));
        continue;
      }
      const guest = '/' + [...parts, c].join('/');
      const [m, rel] = this.locate(guest);
      if (startFs && m !== startFs) return -E.EXDEV;
      const st = m.fs.lstat(rel);
      if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFLNK && (!last || follow || mustBeDir)) {
        if (++links > MAX_SYMLINKS || o.noSymlinks || (o.noMagic && m.fs.type === 'proc')) return -E.ELOOP;
        const target = m.fs.readlink(rel);
        if (typeof target === 'number') return target;
        if (target.length === 0) return -E.ENOENT;
        const t = new TextDecoder().decode(target);
        if (!t.startsWith('/')) {
          const file = m.fs.magicFile(rel);
          if (file) {
            if (!last) return -E.ENOTDIR;
            const fst = file.stat();
            return { guest, fs: m.fs, rel, host: '', st: fst, file };
          }
        }
        if (t.startsWith('/')) {
          if (o.beneath) return -E.EXDEV;
          parts.splice(0, parts.length, ...rootParts);
        }
        queue = [...t.split('/'), ...queue];
        finalSt = this.lstat('/' + parts.join('/'));
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
    const [m, rel] = this.locate(guest);
    return { guest, fs: m.fs, rel, host: m.fs.hostPath(rel) ?? '', st: finalSt };
  }
}
