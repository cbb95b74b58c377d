/**
 * The System V IPC namespace of one kernel instance: its semaphore arrays and message queues
 * and shared memory segments, each an IpcIds table of its own. Nothing is shared
 * with the host's IPC objects or with another Kernel.
 */

import { SemTable } from './sem.js';
import { MsgTable } from './msg.js';
import { ShmTable } from './shm.js';

export class IpcNamespace {
  readonly sem = new SemTable();
  readonly msg = new MsgTable();
  readonly shm = new ShmTable();
  /** Wall-clock seconds, for the otime/ctime/stime/rtime fields. */
  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }
}
