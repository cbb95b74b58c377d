/**
 * Futexes: the kernel half of every pthread mutex, condition variable, barrier and join.
 * Waiters park on a key: (address space, virtual address) for private memory, and (physical
 * memory, frame offset) for a word in a MAP_SHARED mapping when the futex is not
 * FUTEX_PRIVATE_FLAG, so processes sharing the page (fork, a mapped file in /dev/shm, as POSIX
 * semaphores and process-shared mutexes are) meet on the same queue. FUTEX_WAIT checks the word and sleeps
 * atomically with respect to wakers (one JS thread runs the kernel, so check-then-park is
 * atomic), with a bitset, an optional timeout, and interruption by signals.
 */

import type { Kernel } from './kernel.js';
import type { Task } from './process.js';
import { MAP_SHARED, PROT_READ, type AddressSpace } from './mm/aspace.js';
import { E } from '../compat/errno.js';

export interface FutexKey {
  /** The address space (private futexes) or the physical memory (shared ones). */
  space: object;
  addr: number;
}

/** The queue a futex word belongs to (see the header). May throw the fault of a bad address. */
export function futexKey(mem: AddressSpace, addr: number, priv: boolean): FutexKey {
  if (!priv) {
    const v = mem.find(addr);
    if (v && v.flags & MAP_SHARED) return { space: mem.phys, addr: mem.pt.translate(addr, PROT_READ) };
  }
  return { space: mem, addr };
}

interface Waiter {
  task: Task;
  bitset: number;
  wake: () => void;
}

/** Per key space: address -> waiters in arrival order. */
const tables = new WeakMap<object, Map<number, Waiter[]>>();

function queue(key: FutexKey, create: boolean): Waiter[] | undefined {
  let t = tables.get(key.space);
  if (!t) {
    if (!create) return undefined;
    tables.set(key.space, (t = new Map()));
  }
  let q = t.get(key.addr);
  if (!q && create) t.set(key.addr, (q = []));
  return q;
}

function remove(key: FutexKey, w: Waiter): void {
  const q = queue(key, false);
  if (!q) return;
  const i = q.indexOf(w);
  if (i >= 0) q.splice(i, 1);
  if (q.length === 0) tables.get(key.space)?.delete(key.addr);
}

/** FUTEX_WAIT(_BITSET): sleeps while *addr == val; 0 when woken, -ETIMEDOUT, -EAGAIN, or -EINTR. */
export function futexWait(k: Kernel, t: Task, addr: number, priv: boolean, val: number, bitset: number, timeoutMs: number | null): number | Promise<number> {
  if (addr % 4 !== 0) return -E.EINVAL;
  if (bitset === 0) return -E.EINVAL;
  const mem = t.proc.mem;
  if ((mem.read32(addr) | 0) !== (val | 0)) return -E.EAGAIN;
  if (timeoutMs !== null && timeoutMs <= 0) return -E.ETIMEDOUT;
  let current = futexKey(mem, addr, priv);
  return k.waitInterruptible(t, (done) => {
    const w: Waiter = { task: t, bitset, wake: () => done(0) };
    queue(current, true)!.push(w);
    // A requeue moves the waiter: keep track of where it is so cancellation finds it.
    (w as Waiter & { moveTo?: (key: FutexKey) => void }).moveTo = (key) => (current = key);
    const cancelTimer = timeoutMs === null ? () => {} : k.host.setTimer(timeoutMs, () => {
      remove(current, w);
      done(-E.ETIMEDOUT);
    });
    return () => {
      cancelTimer();
      remove(current, w);
    };
  });
}

/** FUTEX_WAKE(_BITSET): wakes up to n waiters whose bitset matches; returns how many. */
export function futexWake(key: FutexKey, n: number, bitset = -1): number {
  const q = queue(key, false);
  if (!q) return 0;
  let woken = 0;
  for (let i = 0; i < q.length && woken < n; ) {
    if (q[i].bitset & bitset) {
      const [w] = q.splice(i, 1);
      w.wake();
      woken++;
    } else i++;
  }
  if (q.length === 0) tables.get(key.space)?.delete(key.addr);
  return woken;
}

/** FUTEX_REQUEUE / CMP_REQUEUE: wake n, move up to m of the rest to addr2. */
export function futexRequeue(key: FutexKey, n: number, m: number, key2: FutexKey): number {
  const woken = futexWake(key, n);
  const q = queue(key, false);
  if (!q || m <= 0) return woken;
  const moved = q.splice(0, m);
  if (q.length === 0) tables.get(key.space)?.delete(key.addr);
  const q2 = queue(key2, true)!;
  for (const w of moved) {
    (w as Waiter & { moveTo?: (key: FutexKey) => void }).moveTo?.(key2);
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
    if (v & FUTEX_WAITERS) futexWake(futexKey(mem, word, false), 1);
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
