/**
 * The file-system interface every mounted file system implements (host directories, the overlay,
 * procfs, devfs, tmpfs, sysfs). The VFS walk (vfs.ts) hands each file system a path relative to
 * its own root ("/" is the root, "/a/b" below it) whose every component has already been looked
 * up and is not a symlink to follow: file systems never see "..", "." or a symlink in the middle
 * of a path, so none of them can be tricked into leaving its subtree.
 *
 * Failures are negative Linux errno values. The defaults here are what a read-only file system
 * without the operation says; each file system overrides what it supports.
 */

import type { HostStat, HostDirent, HostStatfs } from '../host/host.js';
import type { OpenFile } from './file.js';
import { E } from '../../compat/errno.js';

export type Time = [number, number];

export abstract class Fs {
  /** The type /proc/mounts and statfs report ("ext4", "proc", "tmpfs", "overlay"...). */
  abstract readonly type: string;
  /** statfs f_type. */
  abstract readonly magic: number;
  /** The device field of /proc/mounts. */
  source = 'none';
  /** Mount options for /proc/mounts. */
  options = 'rw,relatime';

  abstract lstat(rel: string): HostStat | number;
  /**
   * Opens an existing file, or creates it (O_CREAT given, rel does not exist). The syscall layer
   * has already checked O_EXCL, O_DIRECTORY and directory-write errors; guest is the guest path.
   */
  abstract open(rel: string, flags: number, mode: number, guest: string): OpenFile | number;
  readlink(rel: string): Uint8Array | number {
    void rel;
    return -E.EINVAL;
  }
  readdir(rel: string): HostDirent[] | number {
    void rel;
    return -E.ENOTDIR;
  }
  mkdir(rel: string, mode: number): number {
    void rel, mode;
    return -E.EROFS;
  }
  /** Creates a FIFO or regular file node (mode carries S_IFIFO / S_IFREG). */
  mknod(rel: string, mode: number, dev: number): number {
    void rel, mode, dev;
    return -E.EROFS;
  }
  rmdir(rel: string): number {
    void rel;
    return -E.EROFS;
  }
  unlink(rel: string): number {
    void rel;
    return -E.EROFS;
  }
  /** Renames within this file system; flags are renameat2's RENAME_* (already validated). */
  rename(from: string, to: string, flags: number): number {
    void from, to, flags;
    return -E.EROFS;
  }
  symlink(target: Uint8Array, rel: string): number {
    void target, rel;
    return -E.EROFS;
  }
  link(from: string, to: string): number {
    void from, to;
    return -E.EROFS;
  }
  chmod(rel: string, mode: number): number {
    void rel, mode;
    return -E.EROFS;
  }
  /** Changes the owner of the entry itself (-1 keeps an id); permission was checked by the caller. */
  chown(rel: string, uid: number, gid: number): number {
    void rel, uid, gid;
    return -E.EROFS;
  }
  /** Sets times of the entry itself (never following a final symlink); null keeps a time. */
  utimes(rel: string, atime: Time | null, mtime: Time | null): number {
    void rel, atime, mtime;
    return -E.EROFS;
  }
  truncate(rel: string, len: number): number {
    void rel, len;
    return -E.EROFS;
  }
  /** access(2) for mode R_OK|W_OK|X_OK (4|2|1) against the caller's real ids. */
  access(rel: string, mode: number): number {
    const st = this.lstat(rel);
    if (typeof st === 'number') return st;
    const bits = (st.mode >> 6) & 7; // the owner's bits: synthetic files belong to the caller
    return (bits & mode) === mode ? 0 : -E.EACCES;
  }
  statfs(rel: string): HostStatfs | number {
    void rel;
    return { type: this.magic, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 };
  }
  /**
   * A magic link's object (procfs's /proc/PID/fd/N naming a pipe or another file without a path):
   * the walk hands the open file itself to the caller instead of following the link's text.
   */
  magicFile(rel: string): OpenFile | null {
    void rel;
    return null;
  }
  /** The host path holding rel's data now (for exec and diagnostics), or null if not host-backed. */
  hostPath(rel: string): string | null {
    void rel;
    return null;
  }
}

/** Joins a file-system-relative path ("/" or "/a/b") and a name. */
export function relJoin(rel: string, name: string): string {
  return rel === '/' ? '/' + name : rel + '/' + name;
}

/** The parent of a relative path and its last name. */
export function relSplit(rel: string): [string, string] {
  const k = rel.lastIndexOf('/');
  return [k <= 0 ? '/' : rel.slice(0, k), rel.slice(k + 1)];
}

/** A stat record for synthetic files (procfs, devfs, tmpfs). */
export function synthStat(mode: number, ino: number, dev: number, size = 0, uid = 0, gid = 0, time: Time = [0, 0], rdev = 0, nlink = 1): HostStat {
  return {
    dev, ino, mode, nlink, uid, gid, rdev, size, blksize: 4096, blocks: Math.ceil(size / 512),
    atimeSec: time[0], atimeNsec: time[1], mtimeSec: time[0], mtimeNsec: time[1], ctimeSec: time[0], ctimeNsec: time[1],
  };
}

export const DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

/** The DT_* type of a mode. */
export function dtypeOf(mode: number): number {
  return (mode >> 12) & 0o17;
}
