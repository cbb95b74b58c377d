/**
 * The syscall dispatcher: loads every handler family (each fills its rows of the table) and
 * routes a syscall number to its row. Unknown and unimplemented numbers answer -ENOSYS.
 */

import './sys-rw.js';
import './sys-tty.js';
import './sys-file.js';
import './sys-dirs.js';
import './sys-fileops.js';
import './sys-splice.js';
import './sys-locks.js';
import './sys-xattr.js';
import './sys-fsmeta.js';
import './sys-fifo.js';
import './sys-mm.js';
import './sys-proc.js';
import './sys-time.js';
import './sys-signal.js';
import './sys-process.js';
import './sys-futex.js';
import './sys-poll.js';
import './sys-event.js';
import './sys-sched.js';
import './sys-ipc.js';
import './sys-shm.js';
import './sys-socket.js';
import { TABLE } from './registry.js';
import { SysArgs } from './args.js';
import { E } from '../errno.js';
import type { Kernel, SyscallResult } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';

export { TABLE };

export function dispatch(k: Kernel, t: Task, nr: number): SyscallResult {
  const row = nr >= 0 ? TABLE[nr] : undefined;
  if (!row || !row.fn) return -E.ENOSYS;
  return row.fn(k, t, new SysArgs(k.cpu));
}
