/**
 * Open file descriptions: what a file descriptor points at. Several descriptors (dup, fork) share
 * one description and so its offset and status flags. HostFile is a file, directory, terminal or
 * pipe of the host opened through the Host; reads that may wait (terminals, pipes) are
 * asynchronous and park the calling task instead of blocking Node's event loop.
 */

import type { Host, HostStat, HostDirent } from '../host/host.js';
import type { Fs } from './fs.js';
import { E } from '../../compat/errno.js';
import { POLLIN, POLLOUT, POLLHUP, POLLRDNORM, POLLWRNORM, type WouldBlock, type WaitQueue } from '../waitqueue.js';
import { HostInput } from './host-input.js';
import type { Task } from '../process.js';

export const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000, S_IFIFO = 0o010000, S_IFSOCK = 0o140000, S_IFBLK = 0o060000;

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400;
export const O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
export const O_PATH = 0x200000, O_TMPFILE = 0x410000, O_DIRECT = 0x4000;

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

/**
 * A result the caller must wait for: a Promise (the task parks until it settles) or WouldBlock
 * (wait on its queue, then retry the operation).
 */
export type MaybeAsync = number | Promise<number> | WouldBlock;

/**
 * One read(2) or write(2) call, kept across the retries of a waiting operation: the calling task
 * (a terminal asks whether its process group may read or write) and a limited wait's deadline
 * (a terminal's VTIME).
 */
export interface IoCall {
  readonly task: Task;
  /** Set once the start-of-call checks (job control) have been made. */
  checked?: boolean;
  deadline?: number;
  lastAvail?: number;
  cancelTimer?: () => void;
}

/**
 * Who must hear about changes to regular files made through descriptors: the page cache
 * (kernel/mm/pagecache.ts) keeps mapped pages coherent with write(2), ftruncate(2) and read(2).
 */
export interface FileObserver {
  written(f: OpenFile, at: number, data: Uint8Array): void;
  truncated(f: OpenFile | HostStat, len: number): void;
  reading(f: OpenFile): void;
  sync(f: OpenFile): number;
}
/**
 * The registered observers, weakly: a kernel that is gone (tests make many) must not stay alive
 * (with its guest memory) because it once watched files.
 */
const observerRefs = new Set<WeakRef<FileObserver>>();
export const fileObservers = {
  size: 0,
  add(o: FileObserver): void {
    observerRefs.add(new WeakRef(o));
    this.size = observerRefs.size;
  },
  *[Symbol.iterator](): Generator<FileObserver> {
    for (const r of observerRefs) {
      const o = r.deref();
      if (o) yield o;
      else observerRefs.delete(r);
    }
    this.size = observerRefs.size;
  },
};

export function noteWritten(f: OpenFile, at: number, data: Uint8Array, n: number): void {
  if (n > 0) for (const o of fileObservers) o.written(f, at, data.subarray(0, n));
}
export function noteTruncated(f: OpenFile | HostStat, len: number, r: number): void {
  if (r === 0) for (const o of fileObservers) o.truncated(f, len);
}
export function noteReading(f: OpenFile): void {
  for (const o of fileObservers) o.reading(f);
}
function noteSync(f: OpenFile): number {
  let r = 0;
  for (const o of fileObservers) r = o.sync(f) || r;
  return r;
}

export abstract class OpenFile {
  /** Access mode and status flags (O_APPEND, O_NONBLOCK...). */
  flags: number;
  pos = 0;
  /** The guest path it was opened by, for /proc/PID/fd and strace. */
  path: string;
  /**
   * The file system and relative path it was opened through: metadata changes by descriptor
   * (fchmod, futimens) go back through the file system, so an overlay copies up first.
   */
  origin: { fs: Fs; rel: string } | null = null;
  /** Run once when the last descriptor goes (flock release, tmpfs unlinked-inode cleanup). */
  private releaseHooks: (() => void)[] | null = null;

  constructor(flags: number, path: string) {
    this.flags = flags;
    this.path = path;
  }

  readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH);
  }
  writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY && !(this.flags & O_PATH);
  }

  abstract read(buf: Uint8Array, pos: number | null, io?: IoCall): MaybeAsync;
  abstract write(buf: Uint8Array, pos: number | null, io?: IoCall): MaybeAsync;
  abstract stat(): HostStat | number;
  lseek(off: number, whence: number): number {
    void off;
    void whence;
    return -E.ESPIPE;
  }
  getdents(): HostDirent[] | number {
    return -E.ENOTDIR;
  }
  /** The host fd behind this file, for terminal ioctls; -1 if none. */
  hostFd(): number {
    return -1;
  }
  truncate(len: number): number {
    void len;
    return -E.EINVAL;
  }
  sync(): number {
    return fileObservers.size ? noteSync(this) : 0;
  }
  /** Called by open(2) with the opening task once the file is open (a terminal may become its controlling terminal); -errno refuses the open. */
  opened(t: Task, flags: number): number {
    void t;
    void flags;
    return 0;
  }
  /** Called when the last descriptor referring to it is closed. */
  release(): void {
    this.runReleaseHooks();
  }
  onRelease(fn: () => void): void {
    (this.releaseHooks ??= []).push(fn);
  }
  protected runReleaseHooks(): void {
    const h = this.releaseHooks;
    this.releaseHooks = null;
    if (h) for (const fn of h) fn();
  }
  /** What /proc/PID/fd/N reads as (a path, or "pipe:[ino]" for anonymous files). */
  linkName(): string {
    return this.path;
  }
  /** FIONREAD: bytes available without waiting, or -ENOTTY when the file has no such notion. */
  available(): number {
    const st = this.stat();
    if (typeof st === 'number' || (st.mode & S_IFMT) !== S_IFREG) return -E.ENOTTY;
    return Math.max(0, st.size - this.pos);
  }
}

/** SEEK_DATA / SEEK_HOLE on a file without holes: data everywhere, one hole at the end. */
export function seekDataHole(off: number, whence: number, size: number): number {
  if (off < 0 || off >= size) return -E.ENXIO;
  return whence === SEEK_DATA ? off : size;
}

export class HostFile extends OpenFile {
  private readonly host: Host;
  readonly fd: number;
  readonly hostPath: string;
  /** Regular files and directories are read synchronously; ttys and pipes asynchronously. */
  private readonly seekable: boolean;
  private readonly isDir: boolean;
  private dirents: HostDirent[] | null = null;
  /** Whether closing it closes the host fd (not for the inherited stdin/stdout/stderr). */
  private readonly owned: boolean;
  /**
   * An inherited descriptor shares its file offset with whoever started rustos (a shell's
   * `> out` or `< in`): sequential reads and writes then go through the host's own offset so
   * the shell sees it advance. Only an explicit lseek switches to an offset of our own.
   */
  private hostOffset: boolean;
  /** Terminals and pipes: reads wait interruptibly on what the host delivers (host-input.ts). */
  private readonly input: HostInput | null;
  private readonly isFifo: boolean;

  constructor(host: Host, fd: number, flags: number, path: string, hostPath: string, owned = true) {
    super(flags, path);
    this.host = host;
    this.fd = fd;
    this.hostPath = hostPath;
    this.owned = owned;
    const st = host.fstat(fd);
    const fmt = typeof st === 'number' ? 0 : st.mode & S_IFMT;
    this.seekable = fmt === S_IFREG || fmt === S_IFDIR || fmt === S_IFBLK;
    this.isDir = fmt === S_IFDIR;
    this.hostOffset = !owned && this.seekable && !this.isDir;
    if (this.hostOffset) this.pos = host.fdOffset(fd);
    this.input = this.seekable ? null : new HostInput(host, fd);
    this.isFifo = fmt === S_IFIFO;
  }

  /** poll/select: terminals and pipes are readable when input has arrived (reading ahead). */
  poll(): number {
    const out = this.writable() ? POLLOUT | POLLWRNORM : 0;
    if (!this.input) return (this.readable() ? POLLIN | POLLRDNORM : 0) | out;
    if (!this.readable()) return out;
    if (!this.input.ready()) this.input.start();
    // A pipe whose writers are gone polls as POLLHUP alone, as on Linux (a terminal's EOF reads).
    if (this.isFifo && this.input.ended()) return POLLHUP | out;
    return (this.input.ready() ? POLLIN | POLLRDNORM : 0) | out;
  }

  pollQueues(): WaitQueue[] {
    return this.input && this.readable() ? [this.input.readers] : [];
  }

  override read(buf: Uint8Array, pos: number | null): MaybeAsync {
    if (this.isDir) return -E.EISDIR;
    if (this.input) {
      if (pos !== null) return -E.ESPIPE;
      return this.input.read(buf, (this.flags & O_NONBLOCK) !== 0);
    }
    if (fileObservers.size) noteReading(this);
    const n = this.host.read(this.fd, buf, pos ?? (this.hostOffset ? null : this.pos));
    if (n > 0 && pos === null) this.pos += n;
    return n;
  }

  override write(buf: Uint8Array, pos: number | null): MaybeAsync {
    if (this.isDir) return -E.EISDIR;
    if (!this.seekable) return pos !== null ? -E.ESPIPE : this.host.write(this.fd, buf, null);
    if (this.hostOffset && pos === null) {
      const n = this.host.write(this.fd, buf, null);
      if (n > 0) this.pos = this.host.fdOffset(this.fd);
      if (fileObservers.size) noteWritten(this, this.pos - n, buf, n);
      return n;
    }
    if (this.flags & O_APPEND && pos === null) {
      const st = this.host.fstat(this.fd);
      if (typeof st !== 'number') this.pos = st.size;
    }
    const at = pos ?? this.pos;
    const n = this.host.write(this.fd, buf, at);
    if (n > 0 && pos === null) this.pos += n;
    if (fileObservers.size) noteWritten(this, at, buf, n);
    return n;
  }

  override stat(): HostStat | number {
    return this.host.fstat(this.fd);
  }

  override lseek(off: number, whence: number): number {
    if (!this.seekable) return -E.ESPIPE;
    let base: number;
    if (whence === SEEK_SET) base = 0;
    else if (whence === SEEK_CUR) base = this.pos;
    else if (whence === SEEK_END) {
      const st = this.host.fstat(this.fd);
      if (typeof st === 'number') return st;
      base = st.size;
    } else if ((whence === SEEK_DATA || whence === SEEK_HOLE) && !this.isDir) {
      const st = this.host.fstat(this.fd);
      if (typeof st === 'number') return st;
      const r = seekDataHole(off, whence, st.size);
      if (r >= 0) this.pos = r;
      return r;
    } else return -E.EINVAL;
    if (this.hostOffset) {
      if (whence === SEEK_CUR && off === 0) return (this.pos = this.host.fdOffset(this.fd));
      if (whence === SEEK_CUR) base = this.host.fdOffset(this.fd);
      this.hostOffset = false; // Node cannot move the host's offset: from now on we keep our own
    }
    const p = base + off;
    if (p < 0) return -E.EINVAL;
    if (this.isDir && p === 0) this.dirents = null;
    this.pos = p;
    return p;
  }

  /** The directory's entries, '.' and '..' first, read once per open (rewinddir re-reads). */
  override getdents(): HostDirent[] | number {
    if (!this.isDir) return -E.ENOTDIR;
    if (this.dirents === null) {
      const list = this.host.readdir(this.hostPath);
      if (typeof list === 'number') return list;
      const self = this.host.fstat(this.fd);
      const parent = this.host.stat(this.hostPath + '/..');
      this.dirents = [
        { name: '.', type: 4, ino: typeof self === 'number' ? 0 : self.ino },
        { name: '..', type: 4, ino: typeof parent === 'number' ? 0 : parent.ino },
        ...list,
      ];
    }
    return this.dirents;
  }

  override hostFd(): number {
    return this.fd;
  }

  /** Inherited stdio has no guest path: ask the host what it is (a pipe, a tty, a file). */
  override linkName(): string {
    if (this.owned) return this.path;
    const t = this.host.readlink(`/proc/self/fd/${this.fd}`);
    return typeof t === 'number' ? this.path : new TextDecoder().decode(t);
  }

  override truncate(len: number): number {
    const r = this.host.ftruncate(this.fd, len);
    if (fileObservers.size) noteTruncated(this, len, r);
    return r;
  }

  override sync(): number {
    const r = fileObservers.size ? noteSync(this) : 0;
    return r || this.host.fsync(this.fd);
  }

  override release(): void {
    this.runReleaseHooks();
    if (this.owned) this.host.close(this.fd);
  }
}
