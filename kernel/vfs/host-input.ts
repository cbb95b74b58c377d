/**
 * Input from a host terminal or pipe (rustos's own stdin, say). Node can only read such a
 * descriptor asynchronously and cannot cancel a read once started, so reads are not tied to the
 * guest's read(2): the host read delivers into an inbox, and guest reads take from the inbox or
 * wait on a queue. That makes a waiting read interruptible (a signal makes it EINTR or restarts
 * it, and whatever arrives later waits in the inbox for the next read, so typed input is not
 * lost), and lets poll/select report when input is there.
 *
 * A guest read asks the host for no more than it asked for itself (a shell's `read` builtin
 * reading a byte at a time leaves the rest of a pipe to whoever reads after it, as natively);
 * only poll, which has no size, reads ahead a block. Read-ahead still unread when rustos exits
 * is lost, as it would be in a program that read it into its own buffer.
 */

import type { Host } from '../host/host.js';
import { WaitQueue, WouldBlock } from '../waitqueue.js';
import { E } from '../../compat/errno.js';

const READ_AHEAD = 65536;

export class HostInput {
  private inbox: Uint8Array[] = [];
  private pending = false;
  private eof = false;
  private err = 0;
  /** Tasks waiting for input, and pollers. */
  readonly readers = new WaitQueue();

  constructor(private readonly host: Host, private readonly fd: number) {}

  /** Whether a read would not wait. */
  ready(): boolean {
    return this.inbox.length > 0 || this.eof || this.err !== 0;
  }

  /** True at end of input with nothing left to read. */
  ended(): boolean {
    return this.eof && this.inbox.length === 0;
  }

  read(buf: Uint8Array, nonblock: boolean): number | WouldBlock {
    if (buf.length === 0) return 0;
    if (this.inbox.length > 0) return this.take(buf);
    if (this.err !== 0) {
      const e = this.err;
      this.err = 0;
      return e;
    }
    if (this.eof) {
      // End of input on a terminal (Ctrl-D) ends one read; later reads ask the host again.
      this.eof = false;
      return 0;
    }
    this.start(buf.length);
    return nonblock ? -E.EAGAIN : new WouldBlock(this.readers);
  }

  /** Starts a host read unless one is under way (poll's read-ahead when no size is known). */
  start(size = READ_AHEAD): void {
    if (this.pending) return;
    this.pending = true;
    const into = new Uint8Array(size);
    this.host.readAsync(this.fd, into, (n) => {
      this.pending = false;
      if (n > 0) this.inbox.push(into.subarray(0, n));
      else if (n === 0) this.eof = true;
      else this.err = n;
      this.readers.notify();
    });
  }

  private take(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.inbox.length > 0) {
      const head = this.inbox[0];
      const k = Math.min(head.length, buf.length - n);
      buf.set(head.subarray(0, k), n);
      n += k;
      if (k === head.length) this.inbox.shift();
      else this.inbox[0] = head.subarray(k);
    }
    return n;
  }
}
