/**
 * tmpfs: a file system in memory (/dev/shm, and /tmp when asked). Inodes hold their bytes, link
 * target or children; open descriptions keep their inode alive after unlink, as on Linux. Owners
 * are the host user, times come from the host clock, and sizes are bounded only by memory.
 */

import type { Host, HostStat, HostDirent, HostStatfs } from '../host/host.js';
import { Fs, Time, relSplit, synthStat, dtypeOf } from './fs.js';
import {
  OpenFile, S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, O_ACCMODE, O_RDONLY, O_TRUNC, O_APPEND, O_CREAT, O_PATH,
  SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE, seekDataHole, fileObservers, noteWritten, noteReading, noteTruncated,
} from './file.js';
import { DirFile, PathFile } from './synth-file.js';
import { E } from '../../compat/errno.js';

interface Inode {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  rdev: number;
  atime: Time;
  mtime: Time;
  ctime: Time;
  data: Uint8Array;
  size: number;
  target: Uint8Array | null;
  children: Map<string, Inode> | null;
  parent: Inode | null;
}

let nextDev = 0x30;

export class TmpFs extends Fs {
  readonly type = 'tmpfs';
  readonly magic = 0x01021994;
  readonly dev = nextDev++;
  private nextIno = 2;
  private readonly root: Inode;

  constructor(readonly host: Host, mode = 0o1777, source = 'tmpfs') {
    super();
    this.source = source;
    this.options = 'rw,nosuid,nodev';
    this.root = this.inode(S_IFDIR | mode, null);
    this.root.ino = 1;
  }

  private inode(mode: number, parent: Inode | null): Inode {
    const now = this.host.realtime();
    return {
      ino: this.nextIno++, mode, uid: this.host.uid, gid: this.host.gid, nlink: (mode & S_IFMT) === S_IFDIR ? 2 : 1,
      rdev: 0, atime: now, mtime: now, ctime: now, data: new Uint8Array(0), size: 0, target: null,
      children: (mode & S_IFMT) === S_IFDIR ? new Map() : null, parent,
    };
  }

  private lookup(rel: string): Inode | number {
    let n = this.root;
    for (const c of rel.split('/')) {
      if (c === '') continue;
      if (!n.children) return -E.ENOTDIR;
      const next = n.children.get(c);
      if (!next) return -E.ENOENT;
      n = next;
    }
    return n;
  }

  /** The parent directory inode of rel and rel's last name. */
  private parentOf(rel: string): [Inode, string] | number {
    const [dir, name] = relSplit(rel);
    const p = this.lookup(dir);
    if (typeof p === 'number') return p;
    if (!p.children) return -E.ENOTDIR;
    return [p, name];
  }

  stOf(n: Inode): HostStat {
    const size = n.children ? 4096 : n.target ? n.target.length : n.size;
    const s = synthStat(n.mode, n.ino, this.dev, size, n.uid, n.gid, n.mtime, n.rdev, n.nlink);
    s.atimeSec = n.atime[0];
    s.atimeNsec = n.atime[1];
    s.ctimeSec = n.ctime[0];
    s.ctimeNsec = n.ctime[1];
    s.blocks = Math.ceil(n.size / 4096) * 8;
    return s;
  }

  private touch(n: Inode): void {
    n.mtime = n.ctime = this.host.realtime();
  }

  lstat(rel: string): HostStat | number {
    const n = this.lookup(rel);
    return typeof n === 'number' ? n : this.stOf(n);
  }
  override readlink(rel: string): Uint8Array | number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    return n.target ?? -E.EINVAL;
  }

  private create(rel: string, mode: number): Inode | number {
    const pn = this.parentOf(rel);
    if (typeof pn === 'number') return pn;
    const [p, name] = pn;
    if (p.children!.has(name)) return -E.EEXIST;
    const n = this.inode(mode, p);
    p.children!.set(name, n);
    if (n.children) p.nlink++;
    this.touch(p);
    return n;
  }

  open(rel: string, flags: number, mode: number, guest: string): OpenFile | number {
    let n = this.lookup(rel);
    if (n === -E.ENOENT && flags & O_CREAT) n = this.create(rel, S_IFREG | mode);
    if (typeof n === 'number') return n;
    const node = n;
    if (flags & O_PATH) return new PathFile(flags, guest, () => this.stOf(node));
    if (node.children) return new DirFile(flags, guest, () => this.list(node), () => this.stOf(node));
    const want = ((flags & O_ACCMODE) !== O_RDONLY ? 2 : 0) | ((flags & O_ACCMODE) !== 1 ? 4 : 0);
    if (this.host.uid !== 0 && ((node.mode >> 6) & want) !== want) return -E.EACCES;
    if (flags & O_TRUNC && (flags & O_ACCMODE) !== O_RDONLY) {
      node.size = 0;
      this.touch(node);
    }
    return new TmpFile(flags, guest, node, this);
  }

  private list(n: Inode): HostDirent[] {
    const out: HostDirent[] = [{ name: '.', type: 4, ino: n.ino }, { name: '..', type: 4, ino: (n.parent ?? n).ino }];
    for (const [name, c] of n.children!) out.push({ name, type: dtypeOf(c.mode), ino: c.ino });
    return out;
  }

  override readdir(rel: string): HostDirent[] | number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    return n.children ? this.list(n) : -E.ENOTDIR;
  }
  override mkdir(rel: string, mode: number): number {
    const n = this.create(rel, S_IFDIR | mode);
    return typeof n === 'number' ? n : 0;
  }
  override mknod(rel: string, mode: number, dev: number): number {
    const n = this.create(rel, mode);
    if (typeof n === 'number') return n;
    n.rdev = dev;
    return 0;
  }
  override symlink(target: Uint8Array, rel: string): number {
    const n = this.create(rel, S_IFLNK | 0o777);
    if (typeof n === 'number') return n;
    n.target = target;
    return 0;
  }
  override link(from: string, to: string): number {
    const n = this.lookup(from);
    if (typeof n === 'number') return n;
    const pn = this.parentOf(to);
    if (typeof pn === 'number') return pn;
    if (pn[0].children!.has(pn[1])) return -E.EEXIST;
    pn[0].children!.set(pn[1], n);
    n.nlink++;
    n.ctime = this.host.realtime();
    return 0;
  }
  override unlink(rel: string): number {
    const pn = this.parentOf(rel);
    if (typeof pn === 'number') return pn;
    const [p, name] = pn;
    const n = p.children!.get(name);
    if (!n) return -E.ENOENT;
    if (n.children) return -E.EISDIR;
    if (!this.writableDir(p)) return -E.EACCES;
    p.children!.delete(name);
    n.nlink--;
    this.touch(p);
    return 0;
  }
  override rmdir(rel: string): number {
    const pn = this.parentOf(rel);
    if (typeof pn === 'number') return pn;
    const [p, name] = pn;
    const n = p.children!.get(name);
    if (!n) return -E.ENOENT;
    if (!n.children) return -E.ENOTDIR;
    if (n.children.size > 0) return -E.ENOTEMPTY;
    if (!this.writableDir(p)) return -E.EACCES;
    p.children!.delete(name);
    p.nlink--;
    n.nlink = 0;
    this.touch(p);
    return 0;
  }
  private writableDir(p: Inode): boolean {
    return this.host.uid === 0 || ((p.mode >> 6) & 3) === 3;
  }
  override rename(from: string, to: string, flags: number): number {
    const a = this.parentOf(from), b = this.parentOf(to);
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    const n = a[0].children!.get(a[1]);
    if (!n) return -E.ENOENT;
    const old = b[0].children!.get(b[1]);
    if (flags & 2) {
      if (!old) return -E.ENOENT;
      a[0].children!.set(a[1], old);
      b[0].children!.set(b[1], n);
      old.parent = a[0];
      n.parent = b[0];
      return 0;
    }
    if (old && old.children && old.children.size > 0) return -E.ENOTEMPTY;
    a[0].children!.delete(a[1]);
    if (old) old.nlink = old.children ? 0 : old.nlink - 1;
    b[0].children!.set(b[1], n);
    n.parent = b[0];
    if (n.children && a[0] !== b[0]) {
      a[0].nlink--;
      b[0].nlink++;
    }
    this.touch(a[0]);
    this.touch(b[0]);
    return 0;
  }
  override chmod(rel: string, mode: number): number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    if (this.host.uid !== 0 && n.uid !== this.host.uid) return -E.EPERM;
    n.mode = (n.mode & S_IFMT) | (mode & 0o7777);
    n.ctime = this.host.realtime();
    return 0;
  }
  override chown(rel: string, uid: number, gid: number): number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    if (uid !== -1) n.uid = uid;
    if (gid !== -1) n.gid = gid;
    n.ctime = this.host.realtime();
    return 0;
  }
  override utimes(rel: string, atime: Time | null, mtime: Time | null): number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    if (atime) n.atime = atime;
    if (mtime) n.mtime = mtime;
    n.ctime = this.host.realtime();
    return 0;
  }
  override truncate(rel: string, len: number): number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    if (n.children) return -E.EISDIR;
    setSize(n, len);
    this.touch(n);
    return 0;
  }
  override access(rel: string, mode: number): number {
    const n = this.lookup(rel);
    if (typeof n === 'number') return n;
    if (this.host.uid === 0) return mode & 1 && !(n.mode & 0o111) && !n.children ? -E.EACCES : 0;
    const bits = n.uid === this.host.uid ? n.mode >> 6 : n.gid === this.host.gid ? n.mode >> 3 : n.mode;
    return (bits & mode & 7) === mode ? 0 : -E.EACCES;
  }
  override statfs(): HostStatfs {
    const total = Math.floor(this.host.totalMemory / 2 / 4096);
    return { type: this.magic, bsize: 4096, blocks: total, bfree: total, bavail: total, files: 1 << 20, ffree: 1 << 20 };
  }
  /** Exposed for TmpFile: modification time updates. */
  modified(n: Inode): void {
    this.touch(n);
  }
}

function setSize(n: Inode, len: number): void {
  if (len > n.data.length) {
    const d = new Uint8Array(Math.max(len, n.data.length * 2, 4096));
    d.set(n.data.subarray(0, n.size));
    n.data = d;
  } else if (len < n.size) n.data.fill(0, len, n.size);
  n.size = len;
}

/** An open tmpfs regular file. */
class TmpFile extends OpenFile {
  constructor(flags: number, path: string, private readonly n: Inode, private readonly fs: TmpFs) {
    super(flags, path);
  }
  override read(buf: Uint8Array, pos: number | null): number {
    if (fileObservers.size) noteReading(this);
    const p = pos ?? this.pos;
    if (p >= this.n.size) return 0;
    const k = Math.min(buf.length, this.n.size - p);
    buf.set(this.n.data.subarray(p, p + k));
    if (pos === null) this.pos += k;
    return k;
  }
  override write(buf: Uint8Array, pos: number | null): number {
    let p = pos ?? this.pos;
    if (this.flags & O_APPEND && pos === null) p = this.n.size;
    if (p + buf.length > this.n.size) setSize(this.n, p + buf.length);
    this.n.data.set(buf, p);
    if (pos === null) this.pos = p + buf.length;
    this.fs.modified(this.n);
    if (fileObservers.size) noteWritten(this, p, buf, buf.length);
    return buf.length;
  }
  override stat(): HostStat | number {
    return this.fs.stOf(this.n);
  }
  override lseek(off: number, whence: number): number {
    if (whence === SEEK_DATA || whence === SEEK_HOLE) {
      const r = seekDataHole(off, whence, this.n.size);
      if (r >= 0) this.pos = r;
      return r;
    }
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.pos : whence === SEEK_END ? this.n.size : NaN;
    if (Number.isNaN(base) || base + off < 0) return -E.EINVAL;
    this.pos = base + off;
    return this.pos;
  }
  override truncate(len: number): number {
    setSize(this.n, len);
    this.fs.modified(this.n);
    if (fileObservers.size) noteTruncated(this, len, 0);
    return 0;
  }
}
