/**
 * An open terminal: the host terminal rustos runs on, a pty slave, or /dev/tty (the caller's
 * controlling terminal). Reads and writes go through the terminal's line discipline after the job
 * control checks (a background group reading gets SIGTTIN, writing under TOSTOP SIGTTOU);
 * poll reports input by the line discipline's rules (a whole line in canonical mode, VMIN bytes
 * otherwise).
 */

import type { HostStat } from '../host/host.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process.js';
import { OpenFile, O_NONBLOCK, O_NOCTTY, type IoCall, type MaybeAsync } from '../vfs/file.js';
import { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM, type WaitQueue } from '../waitqueue.js';
import { E } from '../../compat/errno.js';
import type { Tty } from './tty.js';
import { ttyCheck, ttyOpen } from './jobctl.js';
import { TOSTOP } from './termios.js';
import { SIGTTIN, SIGTTOU } from '../signal.js';

export interface TtyFileOptions {
  /** What fstat reports (the device node it was opened through). */
  stat: () => HostStat | number;
  /** What /proc/PID/fd/N reads as (default: the path). */
  link?: () => string;
  /** /dev/tty: opening it never makes a terminal the controlling one. */
  noctty?: boolean;
  /** Run when the last descriptor goes (a pty slave's open count). */
  release?: () => void;
}

export class TtyFile extends OpenFile {
  constructor(readonly k: Kernel, readonly tty: Tty, flags: number, path: string, private readonly o: TtyFileOptions) {
    super(flags, path);
  }

  override opened(t: Task, flags: number): number {
    return ttyOpen(this.k, t.proc, this.tty, !!this.o.noctty || (flags & O_NOCTTY) !== 0);
  }

  override read(buf: Uint8Array, pos: number | null, io?: IoCall): MaybeAsync {
    if (pos !== null) return -E.ESPIPE;
    if (io && !io.checked) {
      io.checked = true;
      const r = ttyCheck(this.k, io.task, this.tty, SIGTTIN);
      if (r) return r;
    }
    return this.tty.read(buf, (this.flags & O_NONBLOCK) !== 0, io);
  }

  override write(buf: Uint8Array, pos: number | null, io?: IoCall): MaybeAsync {
    if (pos !== null) return -E.ESPIPE;
    if (io && !io.checked) {
      io.checked = true;
      if (this.tty.termios.lflag & TOSTOP) {
        const r = ttyCheck(this.k, io.task, this.tty, SIGTTOU);
        if (r) return r;
      }
    }
    return this.tty.write(buf, (this.flags & O_NONBLOCK) !== 0);
  }

  /** Readiness; `events` (when known) says whether the caller wants input at all. */
  poll(events = POLLIN): number {
    const tty = this.tty;
    if (tty.hungUp) return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
    let ev = 0;
    if (this.readable() && events & (POLLIN | POLLRDNORM)) {
      if (!tty.inputReady(true)) tty.driver.wantInput();
      if (tty.inputReady(true)) ev |= POLLIN | POLLRDNORM;
    }
    if (tty.driver.room() > 0) ev |= POLLOUT | POLLWRNORM;
    return ev;
  }

  pollQueues(): WaitQueue[] {
    return [this.tty.readers, this.tty.driver.roomQueue];
  }

  override stat(): HostStat | number {
    return this.o.stat();
  }

  override linkName(): string {
    return this.o.link ? this.o.link() : this.path;
  }

  override available(): number {
    return this.tty.available();
  }

  override release(): void {
    this.runReleaseHooks();
    this.o.release?.();
  }
}
