/**
 * Open file descriptions that no host file backs: the contents of a procfs/sysfs file generated
 * at open (BufferFile, as Linux's seq_file snapshots), a directory listed by a function (DirFile),
 * an O_PATH descriptor (PathFile: names a file, reads nothing) and the character devices of
 * devfs (CharDev: null, zero, full, random, urandom).
 */

import type { HostStat, HostDirent } from '../host/host.js';
import { OpenFile, MaybeAsync, SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE, seekDataHole } from './file.js';
import { E } from '../../compat/errno.js';

/** A file whose bytes were produced when it was opened; writes go to `onWrite` if given. */
export class BufferFile extends OpenFile {
  constructor(
    flags: number,
    path: string,
    private data: Uint8Array,
    private readonly statFn: () => HostStat | number,
    private readonly onWrite: ((b: Uint8Array) => number) | null = null,
  ) {
    super(flags, path);
  }
  override read(buf: Uint8Array, pos: number | null): number {
    const p = pos ?? this.pos;
    if (p >= this.data.length) return 0;
    const n = Math.min(buf.length, this.data.length - p);
    buf.set(this.data.subarray(p, p + n));
    if (pos === null) this.pos += n;
    return n;
  }
  override write(buf: Uint8Array, pos: number | null): number {
    void pos;
    return this.onWrite ? this.onWrite(buf) : -E.EINVAL;
  }
  override stat(): HostStat | number {
    return this.statFn();
  }
  override lseek(off: number, whence: number): number {
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.pos : whence === SEEK_END ? this.data.length : -1;
    if (whence === SEEK_DATA || whence === SEEK_HOLE) {
      const r = seekDataHole(off, whence, this.data.length);
      if (r >= 0) this.pos = r;
      return r;
    }
    if (base < 0 || base + off < 0) return -E.EINVAL;
    this.pos = base + off;
    return this.pos;
  }
  override available(): number {
    return Math.max(0, this.data.length - this.pos);
  }
}

/** A directory of a synthetic file system: entries come from `list` ('.' and '..' included by it). */
export class DirFile extends OpenFile {
  private entries: HostDirent[] | null = null;
  constructor(
    flags: number,
    path: string,
    private readonly list: () => HostDirent[] | number,
    private readonly statFn: () => HostStat | number,
  ) {
    super(flags, path);
  }
  override read(): number {
    return -E.EISDIR;
  }
  override write(): number {
    return -E.EISDIR;
  }
  override stat(): HostStat | number {
    return this.statFn();
  }
  override lseek(off: number, whence: number): number {
    if (whence !== SEEK_SET && whence !== SEEK_CUR) return -E.EINVAL;
    const p = whence === SEEK_SET ? off : this.pos + off;
    if (p < 0) return -E.EINVAL;
    if (p === 0) this.entries = null;
    this.pos = p;
    return p;
  }
  override getdents(): HostDirent[] | number {
    if (this.entries === null) {
      const l = this.list();
      if (typeof l === 'number') return l;
      this.entries = l;
    }
    return this.entries;
  }
  override available(): number {
    return -E.ENOTTY;
  }
}

/** O_PATH: a descriptor that only names a file (fstat, *at dirfd, fchdir, /proc/self/fd). */
export class PathFile extends OpenFile {
  constructor(flags: number, path: string, private readonly statFn: () => HostStat | number) {
    super(flags, path);
  }
  override read(): number {
    return -E.EBADF;
  }
  override write(): number {
    return -E.EBADF;
  }
  override stat(): HostStat | number {
    return this.statFn();
  }
  override lseek(): number {
    return -E.EBADF;
  }
  override getdents(): number {
    return -E.EBADF;
  }
  override available(): number {
    return -E.EBADF;
  }
}

export type CharKind = 'null' | 'zero' | 'full' | 'random';

/** /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom. */
export class CharDev extends OpenFile {
  constructor(
    flags: number,
    path: string,
    private readonly kind: CharKind,
    private readonly statFn: () => HostStat | number,
    private readonly random: (b: Uint8Array) => void,
  ) {
    super(flags, path);
  }
  override read(buf: Uint8Array): MaybeAsync {
    if (this.kind === 'null') return 0;
    if (this.kind === 'random') this.random(buf);
    else buf.fill(0);
    return buf.length;
  }
  override write(buf: Uint8Array): MaybeAsync {
    return this.kind === 'full' ? -E.ENOSPC : buf.length;
  }
  override stat(): HostStat | number {
    return this.statFn();
  }
  override lseek(): number {
    this.pos = 0;
    return 0; // character devices accept any seek and stay at 0
  }
  override available(): number {
    return this.kind === 'null' ? 0 : -E.ENOTTY;
  }
}
