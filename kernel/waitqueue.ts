/**
 * Wait queues: where a task that must wait for an object (a pipe's data or space, a child's exit)
 * parks. Waiters are callbacks; notify() calls them all and they re-check their condition, as
 * Linux's wake_up does. An object that can block returns `new WouldBlock(queue)` from a file
 * operation, and the syscall layer waits on that queue (interruptibly) and retries.
 */

export class WaitQueue {
  private waiters = new Set<() => void>();

  /** Adds a waiter; returns the function that removes it. */
  add(w: () => void): () => void {
    this.waiters.add(w);
    return () => this.waiters.delete(w);
  }

  notify(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  get size(): number {
    return this.waiters.size;
  }
}

/** A file operation that cannot complete now: wait on `queue`, then try again. */
export class WouldBlock {
  constructor(readonly queue: WaitQueue) {}
}

/** poll(2) event bits, as every pollable object reports them. */
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLWRNORM = 0x100;
