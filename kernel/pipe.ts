/**
 * Pipes: a bounded byte buffer (Linux's default 64 KiB) with a read end and a write end as open
 * file descriptions. Reads wait while the pipe is empty and a writer exists, and return 0 at end
 * of file; writes wait for room, are atomic up to PIPE_BUF (4096 bytes), and fail with EPIPE
 * (plus SIGPIPE, sent by the syscall layer) once no reader is left. O_NONBLOCK turns waits into
 * EAGAIN. Waiting is done by the caller on the pipe's wait queues (WouldBlock).
 */

import { OpenFile, O_RDONLY, O_WRONLY, O_NONBLOCK, S_IFIFO } from './vfs/file.js';
import type { HostStat } from './host/host.js';
import { WaitQueue, WouldBlock } from './waitqueue.js';
import { E } from '../compat/errno.js';

export const PIPE_BUF = 4096;
export const PIPE_DEFAULT_SIZE = 65536;

let nextPipeIno = 1;

export class Pipe {
  capacity = PIPE_DEFAULT_SIZE;
  private buf = new Uint8Array(PIPE_DEFAULT_SIZE);
  private head = 0;
  length = 0;
  readers = 0;
  writers = 0;
  readonly readable = new WaitQueue();
  readonly writable = new WaitQueue();
  readonly ino = nextPipeIno++;

  read(out: Uint8Array): number {
    const n = Math.min(out.length, this.length);
    for (let k = 0; k < n; k++) out[k] = this.buf[(this.head + k) % this.buf.length];
    this.head = (this.head + n) % this.buf.length;
    this.length -= n;
    if (n > 0) this.writable.notify();
    return n;
  }

  /** Copies up to out.length bytes from the front without consuming them (tee). */
  peek(out: Uint8Array): number {
    const n = Math.min(out.length, this.length);
    for (let k = 0; k < n; k++) out[k] = this.buf[(this.head + k) % this.buf.length];
    return n;
  }

  /**
   * Appends all of data even past the capacity (splice from a file whose read finished after
   * someone else filled the pipe): writers then wait until readers drain it below capacity.
   */
  append(data: Uint8Array): void {
    if (this.length + data.length > this.buf.length) {
      let size = this.buf.length;
      while (size < this.length + data.length) size *= 2;
      const old = new Uint8Array(this.length);
      this.peek(old);
      this.buf = new Uint8Array(size);
      this.buf.set(old);
      this.head = 0;
    }
    const cap = this.buf.length;
    for (let k = 0; k < data.length; k++) this.buf[(this.head + this.length + k) % cap] = data[k];
    this.length += data.length;
    if (data.length > 0) this.readable.notify();
  }

  write(data: Uint8Array): number {
    const n = Math.max(0, Math.min(data.length, this.capacity - this.length));
    const cap = this.buf.length;
    for (let k = 0; k < n; k++) this.buf[(this.head + this.length + k) % cap] = data[k];
    this.length += n;
    if (n > 0) this.readable.notify();
    return n;
  }

  /** F_SETPIPE_SZ: the new capacity (at least the bytes held), rounded up to a power of two. */
  resize(size: number): number {
    let cap = 4096;
    while (cap < size) cap *= 2;
    if (cap < this.length) return -E.EBUSY;
    const data = new Uint8Array(this.length);
    this.read(data);
    this.buf = new Uint8Array(cap);
    this.capacity = cap;
    this.head = 0;
    this.write(data);
    return cap;
  }

  stat(): HostStat {
    return {
      dev: 0xc, ino: this.ino, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0,
      blksize: 4096, blocks: 0, atimeSec: 0, atimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, ctimeSec: 0, ctimeNsec: 0,
    };
  }
}

import { POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM } from './waitqueue.js';
export { POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM };

/** Files whose readiness can change: poll/select ask them and wait on their queues. */
export interface Pollable {
  /** Ready events; `events`, when given, are those the caller waits for (a terminal starts reading only for POLLIN). */
  poll(events?: number): number;
  pollQueues(): WaitQueue[];
}

export function isPollable(f: unknown): f is Pollable {
  return typeof (f as Pollable).poll === 'function';
}

export class PipeReader extends OpenFile implements Pollable {
  constructor(readonly pipe: Pipe, flags: number) {
    super(O_RDONLY | (flags & O_NONBLOCK), `pipe:[${pipe.ino}]`);
    pipe.readers++;
  }
  override read(buf: Uint8Array): number | WouldBlock {
    if (buf.length === 0) return 0;
    if (this.pipe.length > 0) return this.pipe.read(buf);
    if (this.pipe.writers === 0) return 0;
    if (this.flags & O_NONBLOCK) return -E.EAGAIN;
    return new WouldBlock(this.pipe.readable);
  }
  override write(): number {
    return -E.EBADF;
  }
  override stat(): HostStat {
    return this.pipe.stat();
  }
  poll(): number {
    return (this.pipe.length > 0 ? POLLIN | POLLRDNORM : 0) | (this.pipe.writers === 0 ? POLLHUP : 0);
  }
  pollQueues(): WaitQueue[] {
    return [this.pipe.readable];
  }
  override release(): void {
    this.pipe.readers--;
    this.pipe.writable.notify();
  }
}

export class PipeWriter extends OpenFile implements Pollable {
  /** Bytes of the current write already in the pipe (a large write proceeds in parts). */
  constructor(readonly pipe: Pipe, flags: number) {
    super(O_WRONLY | (flags & O_NONBLOCK), `pipe:[${pipe.ino}]`);
    pipe.writers++;
  }
  override read(): number {
    return -E.EBADF;
  }
  /**
   * Writes what fits. A write of at most PIPE_BUF bytes is all or nothing; a larger one may be
   * partial (the syscall layer continues it). No reader: -EPIPE.
   */
  override write(data: Uint8Array): number | WouldBlock {
    const p = this.pipe;
    if (p.readers === 0) return -E.EPIPE;
    if (data.length === 0) return 0;
    const room = p.capacity - p.length;
    if (room <= 0 || (data.length <= PIPE_BUF && room < data.length)) {
      if (this.flags & O_NONBLOCK) return -E.EAGAIN;
      return new WouldBlock(p.writable);
    }
    return p.write(data);
  }
  override stat(): HostStat {
    return this.pipe.stat();
  }
  poll(): number {
    const p = this.pipe;
    if (p.readers === 0) return POLLERR | POLLOUT;
    return p.capacity - p.length >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0;
  }
  pollQueues(): WaitQueue[] {
    return [this.pipe.writable];
  }
  override release(): void {
    this.pipe.writers--;
    this.pipe.readable.notify();
  }
}
