/**
 * Advisory locks: flock(2) and fcntl's record locks (F_GETLK/F_SETLK/F_SETLKW and the open file
 * description variants F_OFD_*), decoding struct flock and waiting for a conflicting lock to go
 * (interruptibly) for the blocking forms. The lock table itself is kernel/vfs/locks.ts.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import type { OpenFile } from '../../kernel/vfs/file.js';
import { SEEK_SET, SEEK_CUR, SEEK_END, O_PATH } from '../../kernel/vfs/file.js';
import { ERESTARTSYS } from '../../kernel/kernel.js';
import {
  F_RDLCK, F_WRLCK, F_UNLCK, LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN, conflict, setLock, tryFlock, lockKey, releaseAll,
} from '../../kernel/vfs/locks.js';
import { StructBuf } from '../structs.js';

export const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;

/** Retries `attempt` every few milliseconds until it succeeds or a signal interrupts the wait. */
function waitFor(k: Kernel, t: Task, attempt: () => number | null): number | Promise<number> {
  const first = attempt();
  if (first !== null) return first;
  return k.waitInterruptible(t, (done) => {
    let cancel = (): void => {};
    const tick = (): void => {
      const r = attempt();
      if (r !== null) done(r);
      else cancel = k.host.setTimer(5, tick);
    };
    cancel = k.host.setTimer(5, tick);
    return () => cancel();
  }, -ERESTARTSYS);
}

const alive = (k: Kernel) => (pid: number): boolean => k.procs.has(pid);

export function fcntlLock(k: Kernel, t: Task, f: OpenFile, cmd: number, addr: number): number | Promise<number> {
  if (f.flags & O_PATH) return -E.EBADF;
  const b = t.proc.mem.readBytes(addr, 32);
  const dv = new DataView(b.buffer, b.byteOffset);
  const type = dv.getInt16(0, true), whence = dv.getInt16(2, true);
  const start0 = Number(dv.getBigInt64(8, true)), len = Number(dv.getBigInt64(16, true)), pid = dv.getInt32(24, true);
  const ofd = cmd >= F_OFD_GETLK;
  if (ofd && pid !== 0) return -E.EINVAL;
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -E.EINVAL;
  const st = f.stat();
  if (typeof st === 'number') return st;
  let base: number;
  if (whence === SEEK_SET) base = 0;
  else if (whence === SEEK_CUR) base = f.pos;
  else if (whence === SEEK_END) base = st.size;
  else return -E.EINVAL;
  let start = base + start0, end: number;
  if (len > 0) end = start + len - 1;
  else if (len === 0) end = Infinity;
  else {
    end = start - 1;
    start += len;
  }
  if (start < 0) return -E.EINVAL;
  const key = lockKey(f)!;
  const owner = ofd ? f : t.proc.pid;
  if (cmd === F_GETLK || cmd === F_OFD_GETLK) {
    if (type === F_UNLCK) return -E.EINVAL;
    const c = conflict(key, owner, type, start, end, alive(k));
    const out = new StructBuf(32);
    out.bytes.set(b);
    if (!c) out.u16(0, F_UNLCK);
    else {
      out.u16(0, c.type).u16(2, SEEK_SET).u64(8, c.start).u64(16, c.end === Infinity ? 0 : c.end - c.start + 1);
      out.i32(24, typeof c.owner === 'number' ? c.owner : -1);
    }
    t.proc.mem.writeBytes(addr, out.bytes);
    return 0;
  }
  if (type === F_RDLCK && !f.readable()) return -E.EBADF;
  if (type === F_WRLCK && !f.writable()) return -E.EBADF;
  const attempt = (): number | null => {
    if (type !== F_UNLCK && conflict(key, owner, type, start, end, alive(k))) return null;
    setLock(key, owner, type, start, end);
    if (ofd && type !== F_UNLCK) f.onRelease(() => releaseAll(key, f));
    return 0;
  };
  if (cmd === F_SETLK || cmd === F_OFD_SETLK) return attempt() ?? -E.EAGAIN;
  return waitFor(k, t, attempt);
}

/** close(): POSIX record locks of the process on that file go with any of its descriptors. */
export function releaseRecordLocks(t: Task, f: OpenFile): void {
  const key = lockKey(f);
  if (key) releaseAll(key, t.proc.pid);
}

sys('flock', ['fd', 'int'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (!f || f.flags & O_PATH) return -E.EBADF;
  const op = a.int(1);
  const kind = op & ~LOCK_NB;
  if (kind !== LOCK_SH && kind !== LOCK_EX && kind !== LOCK_UN) return -E.EINVAL;
  const key = lockKey(f);
  if (!key) return -E.EBADF;
  const attempt = (): number | null => (tryFlock(key, f, kind) ? 0 : null);
  if (op & LOCK_NB || kind === LOCK_UN) return attempt() ?? -E.EAGAIN;
  return waitFor(k, t, attempt);
});
