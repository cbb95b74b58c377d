/**
 * A host directory served as a file system: the guest root of `--root DIR`, and the read-write
 * binds of the default overlay ($HOME, /tmp, the current directory, --bind). Relative paths come
 * from the kernel's walk already free of "..", "." and symlinks, so base + rel never leaves base;
 * final opens add O_NOFOLLOW so a symlink swapped in after the walk is refused, not followed.
 */

import type { Host, HostStat, HostDirent, HostStatfs } from '../host/host.js';
import { Fs, Time } from './fs.js';
import { HostFile, OpenFile, O_NOFOLLOW, O_PATH, O_RDONLY, O_CLOEXEC } from './file.js';
import { PathFile } from './synth-file.js';
import { E } from '../../compat/errno.js';

export class HostFs extends Fs {
  readonly type: string = 'ext4';
  readonly magic: number = 0xef53;

  constructor(readonly host: Host, readonly base: string, readonly readonly = false) {
    super();
    this.base = base.length > 1 && base.endsWith('/') ? base.slice(0, -1) : base;
    this.source = this.base;
    if (readonly) this.options = 'ro,relatime';
  }

  override hostPath(rel: string): string {
    return this.base === '/' ? rel : rel === '/' ? this.base : this.base + rel;
  }

  lstat(rel: string): HostStat | number {
    return this.host.lstat(this.hostPath(rel));
  }
  override readlink(rel: string): Uint8Array | number {
    return this.host.readlink(this.hostPath(rel));
  }
  open(rel: string, flags: number, mode: number, guest: string): OpenFile | number {
    const hp = this.hostPath(rel);
    if (flags & O_PATH) {
      const st = this.host.lstat(hp);
      if (typeof st === 'number') return st;
      return new PathFile(flags, guest, () => this.host.lstat(hp));
    }
    if (this.readonly && ((flags & 3) !== O_RDONLY || flags & 0x240 /* O_CREAT|O_TRUNC */)) return -E.EROFS;
    const hfd = this.host.open(hp, (flags & ~O_CLOEXEC) | O_NOFOLLOW, mode);
    if (hfd < 0) return hfd;
    return new HostFile(this.host, hfd, flags, guest, hp);
  }
  override readdir(rel: string): HostDirent[] | number {
    return this.host.readdir(this.hostPath(rel));
  }
  private rw(): number {
    return this.readonly ? -E.EROFS : 0;
  }
  override mkdir(rel: string, mode: number): number {
    return this.rw() || this.host.mkdir(this.hostPath(rel), mode);
  }
  override mknod(rel: string, mode: number, dev: number): number {
    return this.rw() || this.host.mknod(this.hostPath(rel), mode, dev);
  }
  override rmdir(rel: string): number {
    return this.rw() || this.host.rmdir(this.hostPath(rel));
  }
  override unlink(rel: string): number {
    return this.rw() || this.host.unlink(this.hostPath(rel));
  }
  override rename(from: string, to: string, flags: number): number {
    return this.rw() || this.host.rename(this.hostPath(from), this.hostPath(to), flags);
  }
  override symlink(target: Uint8Array, rel: string): number {
    return this.rw() || this.host.symlink(target, this.hostPath(rel));
  }
  override link(from: string, to: string): number {
    return this.rw() || this.host.link(this.hostPath(from), this.hostPath(to));
  }
  override chmod(rel: string, mode: number): number {
    return this.rw() || this.host.chmod(this.hostPath(rel), mode);
  }
  override chown(rel: string, uid: number, gid: number): number {
    return this.rw() || this.host.lchown(this.hostPath(rel), uid, gid);
  }
  override utimes(rel: string, atime: Time | null, mtime: Time | null): number {
    return this.rw() || this.host.utimes(this.hostPath(rel), atime, mtime, false);
  }
  override truncate(rel: string, len: number): number {
    return this.rw() || this.host.truncate(this.hostPath(rel), len);
  }
  override access(rel: string, mode: number): number {
    if (mode & 2 && this.readonly) {
      const r = this.host.access(this.hostPath(rel), mode);
      return r < 0 ? r : -E.EROFS;
    }
    return this.host.access(this.hostPath(rel), mode);
  }
  override statfs(rel: string): HostStatfs | number {
    return this.host.statfs(this.hostPath(rel));
  }
}
