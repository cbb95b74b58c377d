/**
 * Named pipes: opening a FIFO made by mknod gives an end of an in-kernel pipe shared by everyone
 * who opens the same node (keyed by device and inode). As Linux's fifo_open: a reader waits for
 * a writer and a writer for a reader, unless O_NONBLOCK (then a reader opens at once and a writer
 * fails with ENXIO); O_RDWR never waits. The buffer lives while either end is open.
 */

import { setFifoOpener, install } from './sys-file.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import { ERESTARTSYS } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { Pipe, PipeReader, PipeWriter, Pollable } from '../../kernel/pipe.js';
import { OpenFile, O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK } from '../../kernel/vfs/file.js';
import type { HostStat } from '../../kernel/host/host.js';
import { WaitQueue, WouldBlock } from '../../kernel/waitqueue.js';

interface Fifo {
  pipe: Pipe;
  /** Opens of each end so far: a waiting opener is satisfied by an open that happened, even if
   *  that end has been closed again by the time it runs (Linux's r_counter/w_counter). */
  readerOpens: number;
  writerOpens: number;
  /** Woken whenever an end is opened (the other side may be waiting for it). */
  opened: WaitQueue;
}

const fifos = new WeakMap<Kernel, Map<string, Fifo>>();

function fifoOf(k: Kernel, key: string): Fifo {
  let m = fifos.get(k);
  if (!m) fifos.set(k, (m = new Map()));
  let f = m.get(key);
  if (!f || (f.pipe.readers === 0 && f.pipe.writers === 0)) {
    f = { pipe: new Pipe(), opened: new WaitQueue(), readerOpens: 0, writerOpens: 0 };
    m.set(key, f);
  }
  return f;
}

/** Both ends in one description (O_RDWR). */
class FifoRW extends OpenFile implements Pollable {
  constructor(private readonly r: PipeReader, private readonly w: PipeWriter, flags: number, path: string) {
    super(O_RDWR | (flags & O_NONBLOCK), path);
  }
  /** The pipe behind both ends (fcntl F_GETPIPE_SZ, splice). */
  get pipe(): Pipe {
    return this.r.pipe;
  }
  override read(buf: Uint8Array): number | WouldBlock {
    this.r.flags = (this.r.flags & ~O_NONBLOCK) | (this.flags & O_NONBLOCK);
    return this.r.read(buf);
  }
  override write(buf: Uint8Array): number | WouldBlock {
    this.w.flags = (this.w.flags & ~O_NONBLOCK) | (this.flags & O_NONBLOCK);
    return this.w.write(buf);
  }
  override stat(): HostStat {
    return this.r.stat();
  }
  poll(): number {
    return this.r.poll() | this.w.poll();
  }
  pollQueues(): WaitQueue[] {
    return [...this.r.pollQueues(), ...this.w.pollQueues()];
  }
  override release(): void {
    this.r.release();
    this.w.release();
  }
}

function openFifo(k: Kernel, t: Task, key: string, flags: number, guest: string): OpenFile | number | Promise<number> {
  const f = fifoOf(k, key);
  const p = f.pipe;
  const acc = flags & O_ACCMODE;
  if (acc === O_RDWR) {
    const file = new FifoRW(new PipeReader(p, flags), new PipeWriter(p, flags), flags, guest);
    f.readerOpens++;
    f.writerOpens++;
    f.opened.notify();
    return file;
  }
  if (acc === O_RDONLY) {
    const file = new PipeReader(p, flags);
    f.readerOpens++;
    f.opened.notify();
    if (p.writers > 0 || flags & O_NONBLOCK) return file;
    const seen = f.writerOpens;
    return waitForPeer(k, t, f, () => f.writerOpens !== seen, file, flags);
  }
  if (acc !== O_WRONLY) return -E.EINVAL;
  if (p.readers === 0 && flags & O_NONBLOCK) return -E.ENXIO;
  const file = new PipeWriter(p, flags);
  f.writerOpens++;
  f.opened.notify();
  if (p.readers > 0) return file;
  const seen = f.readerOpens;
  return waitForPeer(k, t, f, () => f.readerOpens !== seen, file, flags);
}

/** Parks the opener until the other end is opened; a signal abandons the open. */
function waitForPeer(k: Kernel, t: Task, f: Fifo, ready: () => boolean, file: OpenFile, flags: number): Promise<number> {
  const again = (): Promise<number> =>
    k.waitInterruptible(t, (done) => f.opened.add(() => done(0)), -ERESTARTSYS).then((v) => {
      if (v < 0) {
        file.release();
        return v;
      }
      return ready() ? install(t, file, flags) : again();
    });
  return again();
}

setFifoOpener(openFifo);
