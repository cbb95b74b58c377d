/**
 * The default root: a writable upper host directory that belongs to rustos ($RUSTOS_ROOT) over a
 * read-only lower host directory (the host's "/"), merged as Linux's overlayfs merges them. The
 * lower layer is never written: opening a lower file for writing, chmod, utimes, truncate, link
 * or rename first copy it (and its parent directories) up into the upper layer.
 *
 * Whiteouts use the aufs/OCI-layer convention, since an unprivileged process cannot make
 * overlayfs's 0/0 character devices: deleting NAME whose lower copy exists leaves an empty file
 * ".wh.NAME" beside it in the upper layer, and a directory re-created over a deleted one holds
 * ".wh..wh..opq" (opaque: the lower directory's entries are hidden). Names starting with ".wh."
 * are reserved: they never show in listings and guests cannot create them (EINVAL).
 * Renaming a directory that exists in the lower layer is EXDEV, as overlayfs without redirect_dir
 * says; mv then copies.
 */

import type { Host, HostStat, HostDirent, HostStatfs } from '../host/host.js';
import { Fs, Time, relJoin, relSplit } from './fs.js';
import { HostFile, OpenFile, S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, O_ACCMODE, O_RDONLY, O_CREAT, O_TRUNC, O_NOFOLLOW, O_CLOEXEC, O_PATH } from './file.js';
import { DirFile } from './synth-file.js';
import { E } from '../../compat/errno.js';

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

export class OverlayFs extends Fs {
  readonly type = 'overlay';
  readonly magic = 0x794c7630;

  constructor(readonly host: Host, readonly upper: string, readonly lower: string = '/') {
    super();
    this.upper = upper.endsWith('/') && upper.length > 1 ? upper.slice(0, -1) : upper;
    this.lower = lower.endsWith('/') && lower.length > 1 ? lower.slice(0, -1) : lower;
    this.source = 'overlay';
    this.options = `rw,relatime,lowerdir=${this.lower},upperdir=${this.upper}`;
  }

  private up(rel: string): string {
    return rel === '/' ? this.upper : this.upper + rel;
  }
  private low(rel: string): string {
    return this.lower === '/' ? rel : rel === '/' ? this.lower : this.lower + rel;
  }

  /**
   * Answers to "does this host path exist" for the layer lookups below, which otherwise cost four
   * or five host lstat calls per path component (an exec resolves a few hundred). Any change made
   * through this overlay forgets them (see the end of this file); changes made behind its back
   * (another rustos sharing the upper directory, the host updating /usr) are seen within
   * LOOKUP_TTL_MS, as NFS attribute caching does. Real overlayfs does not allow such changes at
   * all while mounted.
   */
  private readonly seen = new Map<string, HostStat | number>();
  private seenSince = 0;

  private exists(path: string): HostStat | number {
    const now = this.host.monotonicNs();
    if (now - this.seenSince > LOOKUP_TTL_MS * 1e6) {
      this.seen.clear();
      this.seenSince = now;
    }
    let v = this.seen.get(path);
    if (v === undefined) this.seen.set(path, (v = this.host.lstat(path)));
    return v;
  }

  /** Drops every remembered lookup (the layers are about to change, or just did). */
  forget(): void {
    this.seen.clear();
  }

  /** True if the lower copy of rel is hidden by a whiteout or an opaque parent in the upper layer. */
  private hidden(rel: string): boolean {
    if (rel === '/') return false;
    const [dir, name] = relSplit(rel);
    if (typeof this.exists(this.up(relJoin(dir, WH + name))) !== 'number') return true;
    return typeof this.exists(this.up(relJoin(dir, OPAQUE))) !== 'number';
  }

  /** Which layer holds rel: 'upper', 'lower', or -errno (ENOENT when whited out). */
  private layer(rel: string): 'upper' | 'lower' | number {
    if (relSplit(rel)[1].startsWith(WH)) return -E.ENOENT;
    const u = this.exists(this.up(rel));
    if (typeof u !== 'number') return 'upper';
    if (u !== -E.ENOENT && u !== -E.ENOTDIR) return u;
    if (this.hidden(rel)) return -E.ENOENT;
    const l = this.exists(this.low(rel));
    return typeof l === 'number' ? l : 'lower';
  }

  /** True if a lower entry exists and is visible (deleting rel must leave a whiteout). */
  private lowerVisible(rel: string): boolean {
    return rel !== '/' && !this.hidden(rel) && typeof this.exists(this.low(rel)) !== 'number';
  }

  override hostPath(rel: string): string | null {
    const l = this.layer(rel);
    return l === 'upper' ? this.up(rel) : l === 'lower' ? this.low(rel) : null;
  }

  lstat(rel: string): HostStat | number {
    const l = this.layer(rel);
    if (typeof l === 'number') return l;
    const st = this.host.lstat(l === 'upper' ? this.up(rel) : this.low(rel));
    if (l === 'lower' || typeof st === 'number' || (st.mode & S_IFMT) !== S_IFDIR || this.hidden(rel)) return st;
    // A merged directory keeps the lower directory's identity (inode, owner, mode, link count),
    // so the guest sees the host's /usr as it is; its times move on when the upper copy changes.
    const lo = this.host.lstat(this.low(rel));
    if (typeof lo === 'number' || (lo.mode & S_IFMT) !== S_IFDIR) return st;
    if (typeof this.exists(this.up(relJoin(rel, OPAQUE))) !== 'number') return st;
    const later = st.mtimeSec * 1e9 + st.mtimeNsec > lo.mtimeSec * 1e9 + lo.mtimeNsec && rel !== '/';
    return later ? { ...lo, mtimeSec: st.mtimeSec, mtimeNsec: st.mtimeNsec, ctimeSec: st.ctimeSec, ctimeNsec: st.ctimeNsec } : lo;
  }

  override readlink(rel: string): Uint8Array | number {
    const p = this.hostPath(rel);
    return p === null ? -E.ENOENT : this.host.readlink(p);
  }

  /** Makes the directory rel exist in the upper layer (copying its chain of parents up). */
  private copyUpDir(rel: string): number {
    const u = this.host.lstat(this.up(rel));
    if (typeof u !== 'number') return (u.mode & S_IFMT) === S_IFDIR ? 0 : -E.ENOTDIR;
    if (rel !== '/') {
      const r = this.copyUpDir(relSplit(rel)[0]);
      if (r < 0) return r;
    }
    const l = this.host.lstat(this.low(rel));
    const mode = typeof l === 'number' ? 0o755 : l.mode & 0o7777;
    const r = this.host.mkdir(this.up(rel), 0o700);
    if (r < 0 && r !== -E.EEXIST) return r;
    this.host.chmod(this.up(rel), mode);
    if (typeof l !== 'number') this.host.utimes(this.up(rel), [l.atimeSec, l.atimeNsec], [l.mtimeSec, l.mtimeNsec], false);
    return 0;
  }

  /** Copies rel up if it only exists in the lower layer; returns its upper host path. */
  private copyUp(rel: string): string | number {
    const l = this.layer(rel);
    if (typeof l === 'number') return l;
    if (l === 'upper') return this.up(rel);
    const st = this.host.lstat(this.low(rel));
    if (typeof st === 'number') return st;
    const fmt = st.mode & S_IFMT;
    if (fmt === S_IFDIR) {
      const r = this.copyUpDir(rel);
      return r < 0 ? r : this.up(rel);
    }
    const pr = this.copyUpDir(relSplit(rel)[0]);
    if (pr < 0) return pr;
    const dst = this.up(rel);
    if (fmt === S_IFLNK) {
      const target = this.host.readlink(this.low(rel));
      if (typeof target === 'number') return target;
      const r = this.host.symlink(target, dst);
      return r < 0 ? r : dst;
    }
    if (fmt !== S_IFREG) {
      const r = this.host.mknod(dst, st.mode, st.rdev);
      return r < 0 ? r : dst;
    }
    const r = copyFile(this.host, this.low(rel), dst, st.mode & 0o7777);
    if (r < 0) return r;
    this.host.utimes(dst, [st.atimeSec, st.atimeNsec], [st.mtimeSec, st.mtimeNsec], false);
    return dst;
  }

  /** Prepares the upper layer for creating rel: parent copied up, whiteout removed (was it there?). */
  private prepareCreate(rel: string): number {
    const [dir, name] = relSplit(rel);
    if (name.startsWith(WH)) return -E.EINVAL;
    const r = this.copyUpDir(dir);
    if (r < 0) return r;
    const wh = this.up(relJoin(dir, WH + name));
    if (typeof this.host.lstat(wh) === 'number') return 0;
    this.host.unlink(wh);
    return 1;
  }

  open(rel: string, flags: number, mode: number, guest: string): OpenFile | number {
    const write = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
    let l = this.layer(rel);
    if (typeof l === 'number') {
      if (l !== -E.ENOENT || !(flags & O_CREAT)) return l;
      const r = this.prepareCreate(rel);
      if (r < 0) return r;
      l = 'upper';
    } else if (write && l === 'lower' && !(flags & O_PATH)) {
      const c = this.copyUp(rel);
      if (typeof c === 'number') return c;
      l = 'upper';
    }
    const hp = l === 'upper' ? this.up(rel) : this.low(rel);
    const st = this.host.lstat(hp);
    if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR) {
      const acc = this.host.access(hp, 4);
      if (acc < 0) return acc;
      return new DirFile(flags, guest, () => this.readdir(rel), () => this.lstat(rel));
    }
    const hfd = this.host.open(hp, (flags & ~O_CLOEXEC) | O_NOFOLLOW, mode);
    if (hfd < 0) return hfd;
    return new HostFile(this.host, hfd, flags, guest, hp);
  }

  override readdir(rel: string): HostDirent[] | number {
    const l = this.layer(rel);
    if (typeof l === 'number') return l;
    const seen = new Map<string, HostDirent>();
    const whiteouts = new Set<string>();
    let opaque = false;
    const u = this.host.readdir(this.up(rel));
    if (typeof u !== 'number') {
      for (const d of u) {
        if (d.name === OPAQUE) opaque = true;
        else if (d.name.startsWith(WH)) whiteouts.add(d.name.slice(WH.length));
        else seen.set(d.name, d);
      }
    }
    if (!opaque && !this.hidden(rel)) {
      const lo = this.host.readdir(this.low(rel));
      if (typeof lo !== 'number') for (const d of lo) if (!seen.has(d.name) && !whiteouts.has(d.name)) seen.set(d.name, d);
    }
    const self = this.lstat(rel);
    const parent = this.lstat(relSplit(rel)[0]);
    const ino = (s: HostStat | number): number => (typeof s === 'number' ? 0 : s.ino);
    return [{ name: '.', type: 4, ino: ino(self) }, { name: '..', type: 4, ino: ino(parent) }, ...seen.values()];
  }

  override mkdir(rel: string, mode: number): number {
    const r = this.prepareCreate(rel);
    if (r < 0) return r;
    const m = this.host.mkdir(this.up(rel), mode);
    if (m < 0) return m;
    // Re-created over a deleted lower directory: its old entries must stay hidden.
    if (r === 1 || typeof this.host.lstat(this.low(rel)) !== 'number') this.host.mknod(this.up(relJoin(rel, OPAQUE)), S_IFREG | 0o600, 0);
    return 0;
  }

  override mknod(rel: string, mode: number, dev: number): number {
    const r = this.prepareCreate(rel);
    return r < 0 ? r : this.host.mknod(this.up(rel), mode, dev);
  }

  override symlink(target: Uint8Array, rel: string): number {
    const r = this.prepareCreate(rel);
    return r < 0 ? r : this.host.symlink(target, this.up(rel));
  }

  override link(from: string, to: string): number {
    const src = this.copyUp(from);
    if (typeof src === 'number') return src;
    const r = this.prepareCreate(to);
    return r < 0 ? r : this.host.link(src, this.up(to));
  }

  /** Leaves a whiteout for rel if the lower layer still shows it. */
  private whiteout(rel: string, lowerWasVisible: boolean): number {
    if (!lowerWasVisible) return 0;
    const [dir, name] = relSplit(rel);
    const r = this.copyUpDir(dir);
    if (r < 0) return r;
    return this.host.mknod(this.up(relJoin(dir, WH + name)), S_IFREG | 0o600, 0);
  }

  override unlink(rel: string): number {
    const l = this.layer(rel);
    if (typeof l === 'number') return l;
    const lowerVis = this.lowerVisible(rel);
    if (l === 'upper') {
      const r = this.host.unlink(this.up(rel));
      if (r < 0) return r;
    }
    return this.whiteout(rel, lowerVis);
  }

  override rmdir(rel: string): number {
    const l = this.layer(rel);
    if (typeof l === 'number') return l;
    const list = this.readdir(rel);
    if (typeof list === 'number') return list;
    if (list.length > 2) return -E.ENOTEMPTY;
    const lowerVis = this.lowerVisible(rel);
    if (l === 'upper') {
      // Only whiteouts and the opaque marker can be left inside: they go with it.
      const inner = this.host.readdir(this.up(rel));
      if (typeof inner !== 'number') for (const d of inner) this.host.unlink(this.up(relJoin(rel, d.name)));
      const r = this.host.rmdir(this.up(rel));
      if (r < 0) return r;
    }
    return this.whiteout(rel, lowerVis);
  }

  override rename(from: string, to: string, flags: number): number {
    if (relSplit(to)[1].startsWith(WH)) return -E.EINVAL;
    const fst = this.lstat(from);
    if (typeof fst === 'number') return fst;
    const tst = this.lstat(to);
    const isDir = (s: HostStat | number): boolean => typeof s !== 'number' && (s.mode & S_IFMT) === S_IFDIR;
    // Directories that exist in the lower layer cannot move (no redirect_dir): EXDEV, mv copies.
    if (isDir(fst) && this.lowerVisible(from)) return -E.EXDEV;
    if (flags & 2 && isDir(tst) && this.lowerVisible(to)) return -E.EXDEV;
    if (isDir(tst) && !(flags & 2)) {
      const list = this.readdir(to);
      if (typeof list !== 'number' && list.length > 2) return -E.ENOTEMPTY;
    }
    const fromLower = this.lowerVisible(from);
    const toLower = this.lowerVisible(to);
    const src = this.copyUp(from);
    if (typeof src === 'number') return src;
    if (flags & 2) {
      const dst = this.copyUp(to);
      if (typeof dst === 'number') return dst;
      return this.host.rename(src, dst, 2);
    }
    const pr = this.prepareCreate(to);
    if (pr < 0) return pr;
    if (isDir(tst) && typeof this.host.lstat(this.up(to)) !== 'number') {
      // The target is an empty lower directory: the moved directory hides it.
      const r = this.host.rename(src, this.up(to), flags);
      if (r < 0) return r;
      this.host.mknod(this.up(relJoin(to, OPAQUE)), S_IFREG | 0o600, 0);
      return this.whiteout(from, fromLower);
    }
    if (isDir(tst)) {
      const inner = this.host.readdir(this.up(to));
      if (typeof inner !== 'number') for (const d of inner) if (d.name.startsWith(WH)) this.host.unlink(this.up(relJoin(to, d.name)));
    }
    const r = this.host.rename(src, this.up(to), flags);
    if (r < 0) return r;
    if (isDir(fst) && toLower) this.host.mknod(this.up(relJoin(to, OPAQUE)), S_IFREG | 0o600, 0);
    return this.whiteout(from, fromLower);
  }

  override chmod(rel: string, mode: number): number {
    const p = this.copyUp(rel);
    return typeof p === 'number' ? p : this.host.chmod(p, mode);
  }
  override chown(rel: string, uid: number, gid: number): number {
    const p = this.copyUp(rel);
    return typeof p === 'number' ? p : this.host.lchown(p, uid, gid);
  }
  override utimes(rel: string, atime: Time | null, mtime: Time | null): number {
    const p = this.copyUp(rel);
    return typeof p === 'number' ? p : this.host.utimes(p, atime, mtime, false);
  }
  override truncate(rel: string, len: number): number {
    const p = this.copyUp(rel);
    return typeof p === 'number' ? p : this.host.truncate(p, len);
  }
  override access(rel: string, mode: number): number {
    const p = this.hostPath(rel);
    if (p === null) return -E.ENOENT;
    // The upper layer belongs to the user: a lower entry is writable (it gets copied up, and the
    // copy is the user's), so packages can be installed under /usr as in a toolbox container.
    if (mode & 2 && !p.startsWith(this.upper + '/') && p !== this.upper) {
      const rest = mode & ~2;
      return rest ? this.host.access(p, rest) : 0;
    }
    return this.host.access(p, mode);
  }
  override statfs(rel: string): HostStatfs | number {
    void rel;
    const s = this.host.statfs(this.upper);
    return typeof s === 'number' ? s : { ...s, type: this.magic };
  }
}

/** Copies a host file's bytes to a new host file (copy-up). */
export function copyFile(host: Host, from: string, to: string, mode: number): number {
  const src = host.open(from, O_RDONLY | O_NOFOLLOW, 0);
  if (src < 0) return src;
  const dst = host.open(to, 1 | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
  if (dst < 0) {
    host.close(src);
    return dst;
  }
  try {
    const buf = new Uint8Array(1 << 20);
    for (let off = 0; ; ) {
      const n = host.read(src, buf, off);
      if (n < 0) return n;
      if (n === 0) break;
      const w = host.write(dst, buf.subarray(0, n), off);
      if (w < 0) return w;
      off += n;
    }
    host.chmod(to, mode);
    return 0;
  } finally {
    host.close(src);
    host.close(dst);
  }
}

/** How long a remembered layer lookup stays valid without changes made through the overlay. */
const LOOKUP_TTL_MS = 1000;

// Every operation that may change a layer forgets the remembered lookups before (its own lookups
// must see the current state) and after (they must not outlive the change).
const MUTATORS = ['mkdir', 'mknod', 'symlink', 'link', 'unlink', 'rmdir', 'rename', 'chmod', 'chown', 'utimes', 'truncate'] as const;
for (const m of MUTATORS) {
  const orig = OverlayFs.prototype[m] as (...a: unknown[]) => unknown;
  (OverlayFs.prototype as unknown as Record<string, unknown>)[m] = function (this: OverlayFs, ...a: unknown[]): unknown {
    this.forget();
    try {
      return orig.apply(this, a);
    } finally {
      this.forget();
    }
  };
}
{
  const open = OverlayFs.prototype.open;
  OverlayFs.prototype.open = function (this: OverlayFs, rel: string, flags: number, mode: number, guest: string) {
    if ((flags & O_ACCMODE) === O_RDONLY && !(flags & (O_CREAT | O_TRUNC))) return open.call(this, rel, flags, mode, guest);
    this.forget();
    try {
      return open.call(this, rel, flags, mode, guest);
    } finally {
      this.forget();
    }
  };
}
