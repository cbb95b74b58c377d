/**
 * The base of file systems whose tree is computed, not stored (procfs, devfs, sysfs): a subclass
 * describes the node at a relative path (a directory with its entries, a file with its bytes, a
 * symlink with its target, or a device that opens itself), and this class turns descriptions
 * into stat records, listings and open files. Contents are produced at open, so a reader sees one
 * consistent snapshot, as Linux's seq_file gives.
 */

import type { HostStat, HostDirent } from '../host/host.js';
import { Fs, Time, synthStat, relJoin } from './fs.js';
import { OpenFile, S_IFDIR, S_IFLNK, S_IFREG, S_IFMT, O_ACCMODE, O_RDONLY, O_PATH, O_CREAT } from './file.js';
import { BufferFile, DirFile, PathFile } from './synth-file.js';
import { E } from '../../compat/errno.js';

export type SynthNode =
  | { kind: 'dir'; entries: () => [string, number][]; mode?: number }
  | { kind: 'file'; read: () => Uint8Array | string; write?: (b: Uint8Array) => number; mode?: number }
  | { kind: 'link'; target: () => string | number }
  | { kind: 'dev'; mode: number; rdev: number; open: (flags: number, guest: string) => OpenFile | number; stat?: () => HostStat | number };

const enc = new TextEncoder();

/** A stable inode number for a path (FNV-1a), so repeated stats agree. */
export function inoOf(dev: number, rel: string): number {
  let h = 0x811c9dc5 ^ dev;
  for (let k = 0; k < rel.length; k++) h = Math.imul(h ^ rel.charCodeAt(k), 0x01000193);
  return rel === '/' ? 1 : (h >>> 0) + 2;
}

export abstract class SynthFs extends Fs {
  abstract readonly dev: number;
  /** The node at rel, or -errno. */
  abstract node(rel: string): SynthNode | number;
  /** Owner of a node (procfs: the process's user). */
  owner(rel: string): [number, number] {
    void rel;
    return [0, 0];
  }
  /** uid 0 opens read-only files for writing too (writes then fail), as DAC allows root. */
  privileged = false;
  /** Times reported for nodes (mount time). */
  time: Time = [0, 0];

  lstat(rel: string): HostStat | number {
    const n = this.node(rel);
    if (typeof n === 'number') return n;
    const [uid, gid] = this.owner(rel);
    const ino = inoOf(this.dev, rel);
    switch (n.kind) {
      case 'dir':
        return synthStat(S_IFDIR | (n.mode ?? 0o555), ino, this.dev, 0, uid, gid, this.time, 0, 2);
      case 'file':
        return synthStat(S_IFREG | (n.mode ?? 0o444), ino, this.dev, 0, uid, gid, this.time);
      case 'link': {
        const t = n.target();
        return synthStat(S_IFLNK | 0o777, ino, this.dev, typeof t === 'number' ? 0 : enc.encode(t).length, uid, gid, this.time);
      }
      case 'dev':
        return n.stat ? n.stat() : synthStat(n.mode, ino, this.dev, 0, uid, gid, this.time, n.rdev);
    }
  }

  override readlink(rel: string): Uint8Array | number {
    const n = this.node(rel);
    if (typeof n === 'number') return n;
    if (n.kind !== 'link') return -E.EINVAL;
    const t = n.target();
    return typeof t === 'number' ? t : enc.encode(t);
  }

  override readdir(rel: string): HostDirent[] | number {
    const n = this.node(rel);
    if (typeof n === 'number') return n;
    if (n.kind !== 'dir') return -E.ENOTDIR;
    const parent = rel === '/' ? 1 : inoOf(this.dev, rel.slice(0, rel.lastIndexOf('/')) || '/');
    return [
      { name: '.', type: 4, ino: inoOf(this.dev, rel) },
      { name: '..', type: 4, ino: parent },
      ...n.entries().map(([name, type]) => ({ name, type, ino: inoOf(this.dev, relJoin(rel, name)) })),
    ];
  }

  open(rel: string, flags: number, mode: number, guest: string): OpenFile | number {
    void mode;
    const n = this.node(rel);
    if (typeof n === 'number') return n === -E.ENOENT && flags & O_CREAT ? -E.EACCES : n;
    if (flags & O_PATH) return new PathFile(flags, guest, () => this.lstat(rel));
    const st = this.lstat(rel);
    if (typeof st === 'number') return st;
    switch (n.kind) {
      case 'dir':
        return new DirFile(flags, guest, () => this.readdir(rel), () => this.lstat(rel));
      case 'link':
        return -E.ELOOP;
      case 'dev':
        return n.open(flags, guest);
      case 'file': {
        const write = (flags & O_ACCMODE) !== O_RDONLY;
        if (write && !n.write && !this.privileged) return -E.EACCES;
        if ((flags & O_ACCMODE) !== 1 && !((st.mode & S_IFMT) === S_IFREG && st.mode & 0o444)) return -E.EACCES;
        let data = n.read();
        if (typeof data === 'string') data = enc.encode(data);
        const bytes = data;
        return new BufferFile(flags, guest, bytes, () => ({ ...st, size: 0 }), n.write ?? (() => -E.EIO));
      }
    }
  }
}

export const dir = (entries: () => [string, number][], mode?: number): SynthNode => ({ kind: 'dir', entries, mode });
export const file = (read: () => Uint8Array | string, mode?: number, write?: (b: Uint8Array) => number): SynthNode => ({ kind: 'file', read, mode, write });
export const link = (target: () => string | number): SynthNode => ({ kind: 'link', target });
/** Entries of a directory of plain files / subdirectories. */
export const names = (files: string[], dirs: string[] = [], links: string[] = []): [string, number][] =>
  [...dirs.map((d): [string, number] => [d, 4]), ...files.map((f): [string, number] => [f, 8]), ...links.map((l): [string, number] => [l, 10])];
