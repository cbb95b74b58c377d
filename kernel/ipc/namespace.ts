/**
 * The System V IPC namespace of one kernel instance: its semaphore arrays and message queues
 * (a shared memory table joins them later), each an IpcIds table of its own. Nothing is shared
 * with the host's IPC objects or with another Kernel.
 */

import { SemTable } from './sem.js';
import { MsgTable } from './msg.js';

export class IpcNamespace {
  readonly sem = new SemTable();
  readonly msg = new MsgTable();
  /** Wall-clock seconds, for the otime/ctime/stime/rtime fields. */
  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }
}
