/**
 * Futexes: the kernel half of every pthread mutex, condition variable, barrier and join.
 * Waiters park on a key (address space + address); FUTEX_WAIT checks the word and sleeps
 * atomically with respect to wakers (one JS thread runs the kernel, so check-then-park is
 * atomic), with a bitset, an optional timeout, and interruption by signals.
 */

import type { Kernel } from './kernel.js';
import type { Task } from './process.js';
import type { AddressSpace } from './mm/aspace.js';
import { E } from '../compat/errno.js';

interface Waiter {
  task: Task;
  bitset: number;
  wake: () => void;
}

/** Per address space: address -> waiters in arrival order. */
const tables = new WeakMap<AddressSpace, Map<number, Waiter[]>>();

function queue(mem: AddressSpace, addr: number, create: boolean): Waiter[] | undefined {
  let t = tables.get(mem);
  if (!t) {
    if (!create) return undefined;
    tables.set(mem, (t = new Map()));
  }
  let q = t.get(addr);
  if (!q && create) t.set(addr, (q = []));
  return q;
}

function remove(mem: AddressSpace, addr: number, w: Waiter): void {
  const q = queue(mem, addr, false);
  if (!q) return;
  const i = q.indexOf(w);
  if (i >= 0) q.splice(i, 1);
  if (q.length === 0) tables.get(mem)?.delete(addr);
}

/** FUTEX_WAIT(_BITSET): sleeps while *addr == val; 0 when woken, -ETIMEDOUT, -EAGAIN, or -EINTR. */
export function futexWait(k: Kernel, t: Task, addr: number, val: number, bitset: number, timeoutMs: number | null): number | Promise<number> {
  if (addr % 4 !== 0) return -E.EINVAL;
  if (bitset === 0) return -E.EINVAL;
  const mem = t.proc.mem;
  if ((mem.read32(addr) | 0) !== (val | 0)) return -E.EAGAIN;
  if (timeoutMs !== null && timeoutMs <= 0) return -E.ETIMEDOUT;
  let current = addr;
  return k.waitInterruptible(t, (done) => {
    const w: Waiter = { task: t, bitset, wake: () => done(0) };
    queue(mem, addr, true)!.push(w);
    // A requeue moves the waiter: keep track of where it is so cancellation finds it.
    (w as Waiter & { moveTo?: (a: number) => void }).moveTo = (a) => (current = a);
    const cancelTimer = timeoutMs === null ? () => {} : k.host.setTimer(timeoutMs, () => {
      remove(mem, current, w);
      done(-E.ETIMEDOUT);
    });
    return () => {
      cancelTimer();
      remove(mem, current, w);
    };
  });
}

/** FUTEX_WAKE(_BITSET): wakes up to n waiters whose bitset matches; returns how many. */
export function futexWake(mem: AddressSpace, addr: number, n: number, bitset = -1): number {
  const q = queue(mem, addr, false);
  if (!q) return 0;
  let woken = 0;
  for (let i = 0; i < q.length && woken < n; ) {
    if (q[i].bitset & bitset) {
      const [w] = q.splice(i, 1);
      w.wake();
      woken++;
    } else i++;
  }
  if (q.length === 0) tables.get(mem)?.delete(addr);
  return woken;
}

/** FUTEX_REQUEUE / CMP_REQUEUE: wake n, move up to m of the rest to addr2. */
export function futexRequeue(mem: AddressSpace, addr: number, n: number, m: number, addr2: number): number {
  const woken = futexWake(mem, addr, n);
  const q = queue(mem, addr, false);
  if (!q || m <= 0) return woken;
  const moved = q.splice(0, m);
  if (q.length === 0) tables.get(mem)?.delete(addr);
  const q2 = queue(mem, addr2, true)!;
  for (const w of moved) {
    (w as Waiter & { moveTo?: (a: number) => void }).moveTo?.(addr2);
    q2.push(w);
  }
  return woken + moved.length;
}

const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;
const ROBUST_LIST_LIMIT = 2048;

/**
 * A dying thread's robust futex list (set_robust_list): every mutex it still holds is marked
 * FUTEX_OWNER_DIED and one waiter woken, so the next locker gets EOWNERDEAD instead of hanging.
 */
export function exitRobustList(t: Task): void {
  const head = t.robustList;
  if (!head) return;
  const mem = t.proc.mem;
  const release = (entry: number, offset: number): void => {
    const word = entry + offset;
    const v = mem.read32(word) >>> 0;
    if ((v & FUTEX_TID_MASK) !== t.tid) return;
    mem.write32(word, ((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED) | 0);
    if (v & FUTEX_WAITERS) futexWake(mem, word, 1);
  };
  try {
    let entry = mem.readU64(head);
    // futex_offset is a signed long (usually negative): read it as such, exactly.
    const off = mem.read32(head + 12) * 4294967296 + (mem.read32(head + 8) >>> 0);
    const pending = mem.readU64(head + 16);
    for (let n = 0; entry !== head && entry !== 0 && n < ROBUST_LIST_LIMIT; n++) {
      const next = mem.readU64(entry);
      if (entry !== pending) release(entry, off);
      entry = next;
    }
    if (pending) release(pending, off);
  } catch {
    // A corrupt list ends the walk, as in Linux.
  }
}
