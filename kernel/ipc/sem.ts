/**
 * System V semaphore arrays, as Linux's ipc/sem.c.
 *
 * semop applies all its operations atomically or none: a decrement below zero or a wait for zero
 * that cannot be met makes the caller sleep (or fail with EAGAIN under IPC_NOWAIT) with nothing
 * applied. Sleepers queue in FIFO order, per semaphore for single-operation calls and on the array
 * for multi-operation ones (Linux's pending_alter/pending_const lists, merged while a complex
 * operation waits); whoever changes a value performs the queued operations that can now proceed
 * on their sleepers' behalf and wakes them with the result, so a woken semop has already happened.
 * Removal wakes every sleeper with EIDRM; a signal ends a sleep with EINTR (semop is never
 * restarted) and semtimedop's timeout with EAGAIN.
 *
 * SEM_UNDO records, per process and array, the opposite of each adjustment; exitSem() applies
 * them when the process ends (clamped to 0..SEMVMX, as Linux does). Threads share their process's
 * undo list (glibc creates threads with CLONE_SYSVSEM); a forked child starts without one.
 */

import type { Kernel } from '../kernel.js';
import type { Process, Task } from '../process.js';
import { E } from '../../compat/errno.js';
import { IpcIds, IpcObject, IpcPerm, IpcCred, IPC_NOWAIT, ipcPermitted, S_IRUGO, S_IWUGO } from './ids.js';
import type { IpcNamespace } from './namespace.js';

export const SEMMSL = 32000, SEMMNS = 1024000000, SEMOPM = 500, SEMMNI = 32000;
export const SEMVMX = 32767, SEMAEM = SEMVMX, SEMUME = SEMOPM, SEMMNU = SEMMNS, SEMMAP = SEMMNS, SEMUSZ = 20;
export const SEM_UNDO = 0x1000;

/** struct sembuf. */
export interface Sembuf {
  num: number;
  op: number;
  flg: number;
}

/** A sleeping semop (struct sem_queue). */
interface SemQueue {
  sops: Sembuf[];
  undo: SemUndo | null;
  /** The sleeper's process id (recorded as sempid when the operation is performed for it). */
  pid: number;
  alter: boolean;
  /** Index of the operation that could not proceed (GETNCNT/GETZCNT count by it). */
  blocking: number;
  /** The list it waits on, null once unlinked. */
  list: SemQueue[] | null;
  /** Ends the sleep with this result. */
  wake: (status: number) => void;
}

class Sem {
  val = 0;
  pid = 0;
  otime = 0;
  readonly pendingAlter: SemQueue[] = [];
  readonly pendingConst: SemQueue[] = [];
}

/** The undo adjustments of one process for one array. */
export class SemUndo {
  readonly adj: number[];
  constructor(public semid: number, nsems: number, readonly owner: SemUndoList) {
    this.adj = new Array<number>(nsems).fill(0);
  }
}

/** A process's undo records, most recently used first. */
export class SemUndoList {
  undos: SemUndo[] = [];
}

export class SemArray implements IpcObject {
  readonly perm: IpcPerm;
  ctime: number;
  readonly sems: Sem[];
  readonly pendingAlter: SemQueue[] = [];
  readonly pendingConst: SemQueue[] = [];
  /** Undo records that refer to this array (list_id). */
  readonly undos = new Set<SemUndo>();
  complexCount = 0;

  constructor(perm: IpcPerm, nsems: number, now: number) {
    this.perm = perm;
    this.sems = Array.from({ length: nsems }, () => new Sem());
    this.ctime = now;
  }

  get nsems(): number {
    return this.sems.length;
  }

  /** The latest semop time of any semaphore. */
  otime(): number {
    return Math.max(...this.sems.map((s) => s.otime));
  }

  // ---- operations (perform_atomic_semop and the wake-up machinery) ----

  /** Applies q's operations all or none: 0, 1 (must wait), -EAGAIN or -ERANGE. */
  perform(q: SemQueue): number {
    const { sops, undo } = q;
    let i = 0;
    let result = 0;
    for (; i < sops.length; i++) {
      const sop = sops[i];
      const cur = this.sems[sop.num];
      let v = cur.val;
      if (sop.op === 0 && v !== 0) break;
      v += sop.op;
      if (v < 0) break;
      if (v > SEMVMX) {
        result = -E.ERANGE;
        break;
      }
      if (sop.flg & SEM_UNDO) {
        const u = undo!.adj[sop.num] - sop.op;
        if (u < -SEMAEM - 1 || u > SEMAEM) {
          result = -E.ERANGE;
          break;
        }
        undo!.adj[sop.num] = u;
      }
      cur.val = v;
    }
    if (i === sops.length) {
      for (let j = sops.length - 1; j >= 0; j--) this.sems[sops[j].num].pid = q.pid;
      return 0;
    }
    if (result === 0) {
      q.blocking = i;
      result = sops[i].flg & IPC_NOWAIT ? -E.EAGAIN : 1;
    }
    for (let j = i - 1; j >= 0; j--) {
      const sop = sops[j];
      this.sems[sop.num].val -= sop.op;
      if (sop.flg & SEM_UNDO) undo!.adj[sop.num] += sop.op;
    }
    return result;
  }

  /** Puts a sleeper on the list Linux would (sem.c, __do_semtimedop). */
  enqueue(q: SemQueue): void {
    if (q.sops.length === 1) {
      const cur = this.sems[q.sops[0].num];
      q.list = q.alter ? (this.complexCount ? this.pendingAlter : cur.pendingAlter) : cur.pendingConst;
    } else {
      if (!this.complexCount) this.mergeQueues();
      q.list = q.alter ? this.pendingAlter : this.pendingConst;
      this.complexCount++;
    }
    q.list.push(q);
  }

  unlink(q: SemQueue): void {
    const l = q.list;
    if (!l) return;
    const i = l.indexOf(q);
    if (i >= 0) l.splice(i, 1);
    q.list = null;
    if (q.sops.length > 1) this.complexCount--;
  }

  /** merge_queues: single-operation sleepers join the array's FIFO while a complex one waits. */
  private mergeQueues(): void {
    for (const s of this.sems) {
      for (const q of s.pendingAlter) q.list = this.pendingAlter;
      this.pendingAlter.unshift(...s.pendingAlter);
      s.pendingAlter.length = 0;
    }
  }

  /** unmerge_queues, done when the array's lock would be dropped: back to per-semaphore lists. */
  settle(): void {
    if (this.complexCount) return;
    for (const q of this.pendingAlter) {
      const s = this.sems[q.sops[0].num];
      q.list = s.pendingAlter;
      s.pendingAlter.push(q);
    }
    this.pendingAlter.length = 0;
  }

  private wakeConstOps(semnum: number): boolean {
    const list = semnum === -1 ? this.pendingConst : this.sems[semnum].pendingConst;
    let done = false;
    for (let i = 0; i < list.length; ) {
      const q = list[i];
      const err = this.perform(q);
      if (err > 0) {
        i++;
        continue;
      }
      this.unlink(q);
      q.wake(err);
      if (err === 0) done = true;
    }
    return done;
  }

  private wakeupZero(sops: Sembuf[] | null): boolean {
    let done = false;
    let gotZero = false;
    const nums = sops ? sops.map((s) => s.num) : this.sems.map((_, i) => i);
    for (const n of nums) {
      if (this.sems[n].val === 0) {
        gotZero = true;
        if (this.wakeConstOps(n)) done = true;
      }
    }
    if (gotZero && this.wakeConstOps(-1)) done = true;
    return done;
  }

  private updateQueue(semnum: number): boolean {
    const list = semnum === -1 ? this.pendingAlter : this.sems[semnum].pendingAlter;
    let done = false;
    for (let i = 0; i < list.length; ) {
      if (semnum !== -1 && this.sems[semnum].val === 0) break;
      const q = list[i];
      const err = this.perform(q);
      if (err > 0) {
        i++;
        continue;
      }
      this.unlink(q);
      let restart = false;
      if (err === 0) {
        done = true;
        this.wakeupZero(q.sops);
        restart = this.pendingAlter.length > 0 || q.sops.length > 1;
      }
      q.wake(err);
      if (restart) i = 0;
    }
    return done;
  }

  /**
   * do_smart_update: after values changed (sops = the operations, or null for "any"), performs
   * every sleeping operation that can now proceed; sets otime if one did (or `otime`).
   */
  update(sops: Sembuf[] | null, otime: boolean, now: number): void {
    if (this.wakeupZero(sops)) otime = true;
    if (this.pendingAlter.length > 0) {
      if (this.updateQueue(-1)) otime = true;
    } else if (!sops) {
      for (let i = 0; i < this.sems.length; i++) if (this.updateQueue(i)) otime = true;
    } else {
      for (const s of sops) if (s.op > 0 && this.updateQueue(s.num)) otime = true;
    }
    if (otime) this.sems[sops ? sops[0].num : 0].otime = now;
  }

  /** GETNCNT / GETZCNT: sleepers whose blocking operation is a decrement / wait-for-zero on n. */
  countWaiters(n: number, zero: boolean): number {
    let c = zero ? this.sems[n].pendingConst.length : this.sems[n].pendingAlter.length;
    const check = (q: SemQueue): number => {
      const sop = q.sops[q.blocking];
      if (sop.num !== n) return 0;
      return (zero ? sop.op === 0 : sop.op < 0) ? 1 : 0;
    };
    for (const q of this.pendingAlter) c += check(q);
    if (zero) for (const q of this.pendingConst) c += check(q);
    return c;
  }

  /** SETVAL: one value set, undo adjustments for it cleared, sleepers re-examined. */
  setVal(n: number, val: number, pid: number, now: number): void {
    for (const u of this.undos) u.adj[n] = 0;
    this.sems[n].val = val;
    this.sems[n].pid = pid;
    this.ctime = now;
    this.update(null, false, now);
    this.settle();
  }

  /** SETALL (values already range-checked). */
  setAll(vals: number[], pid: number, now: number): void {
    vals.forEach((v, i) => {
      this.sems[i].val = v;
      this.sems[i].pid = pid;
    });
    for (const u of this.undos) u.adj.fill(0);
    this.ctime = now;
    this.update(null, false, now);
    this.settle();
  }

  /** freeary: every undo record forgets the array and every sleeper fails with EIDRM. */
  destroy(): void {
    for (const u of this.undos) {
      u.semid = -1;
      const l = u.owner.undos;
      const i = l.indexOf(u);
      if (i >= 0) l.splice(i, 1);
    }
    this.undos.clear();
    const lists = [this.pendingConst, this.pendingAlter, ...this.sems.flatMap((s) => [s.pendingConst, s.pendingAlter])];
    for (const l of lists) {
      for (const q of [...l]) {
        this.unlink(q);
        q.wake(-E.EIDRM);
      }
    }
    for (const s of this.sems) s.pid = 0;
  }
}

/** The semaphore side of an IPC namespace. */
export class SemTable extends IpcIds<SemArray> {
  usedSems = 0;
  readonly undoLists = new WeakMap<Process, SemUndoList>();
}

/** semget. */
export function semget(ns: IpcNamespace, cred: IpcCred, key: number, nsems: number, flg: number): number {
  const tb = ns.sem;
  if (nsems < 0 || nsems > SEMMSL) return -E.EINVAL;
  const create = (): number => {
    if (nsems === 0) return -E.EINVAL;
    if (tb.usedSems + nsems > SEMMNS) return -E.ENOSPC;
    const sma = new SemArray(new IpcPerm(key, flg, cred), nsems, ns.now());
    const id = tb.add(sma, SEMMNI);
    if (id >= 0) tb.usedSems += nsems;
    return id;
  };
  return tb.getOrCreate(key, flg, cred, create, (sma) => (nsems > sma.nsems ? -E.EINVAL : 0));
}

/** IPC_RMID. */
export function semRemove(ns: IpcNamespace, sma: SemArray): void {
  sma.destroy();
  ns.sem.remove(sma);
  ns.sem.usedSems -= sma.nsems;
}

/** find_alloc_undo: the process's undo record for semid, made on first use. */
function findAllocUndo(ns: IpcNamespace, p: Process, semid: number): SemUndo | number {
  const tb = ns.sem;
  let ulp = tb.undoLists.get(p);
  if (!ulp) tb.undoLists.set(p, (ulp = new SemUndoList()));
  const i = ulp.undos.findIndex((u) => u.semid === semid);
  if (i >= 0) {
    const [u] = ulp.undos.splice(i, 1);
    ulp.undos.unshift(u);
    return u;
  }
  const sma = tb.get(semid);
  if (typeof sma === 'number') return sma;
  const u = new SemUndo(semid, sma.nsems, ulp);
  ulp.undos.unshift(u);
  sma.undos.add(u);
  return u;
}

/**
 * semtimedop after its arguments were read and checked (semid >= 0, 1 <= nsops <= SEMOPM, a
 * valid timeout): the result, or a Promise while the caller sleeps.
 */
export function semtimedop(k: Kernel, t: Task, cred: IpcCred, semid: number, sops: Sembuf[], timeoutMs: number | null): number | Promise<number> {
  const ns = k.ipc;
  let max = 0;
  let undos = false;
  let alter = false;
  for (const s of sops) {
    if (s.num >= max) max = s.num;
    if (s.flg & SEM_UNDO) undos = true;
    if (s.op !== 0) alter = true;
  }
  let un: SemUndo | null = null;
  if (undos) {
    const u = findAllocUndo(ns, t.proc, semid);
    if (typeof u === 'number') return u;
    un = u;
  }
  const sma = ns.sem.get(semid);
  if (typeof sma === 'number') return sma;
  if (max >= sma.nsems) return -E.EFBIG;
  if (!ipcPermitted(cred, sma.perm, alter ? S_IWUGO : S_IRUGO)) return -E.EACCES;
  const q: SemQueue = { sops, undo: un, pid: t.proc.pid, alter, blocking: 0, list: null, wake: () => {} };
  const err = sma.perform(q);
  if (err === 0) {
    if (alter) sma.update(sops, true, ns.now());
    else sma.sems[sops[0].num].otime = ns.now();
    sma.settle();
    return 0;
  }
  if (err < 0) return err;
  if (timeoutMs !== null && timeoutMs <= 0) return -E.EAGAIN;
  // Host timers hold at most 2^31-1 ms (24.8 days): a longer timeout is waited out as no timeout.
  if (timeoutMs !== null && timeoutMs > 0x7fffffff) timeoutMs = null;
  return k.waitInterruptible(t, (done) => {
    let cancelTimer = (): void => {};
    q.wake = (v) => {
      cancelTimer();
      done(v);
    };
    sma.enqueue(q);
    sma.settle();
    if (timeoutMs !== null) {
      cancelTimer = k.host.setTimer(timeoutMs, () => {
        sma.unlink(q);
        sma.settle();
        done(-E.EAGAIN);
      });
    }
    return () => {
      cancelTimer();
      sma.unlink(q);
      sma.settle();
    };
  }, -E.EINTR);
}

/**
 * exit_sem: the process has ended; each of its undo records is applied to its array (values
 * clamped to 0..SEMVMX) and the array's sleepers re-examined. Called from the process-exit path.
 */
export function exitSem(ns: IpcNamespace, p: Process): void {
  const tb = ns.sem;
  const ulp = tb.undoLists.get(p);
  if (!ulp) return;
  tb.undoLists.delete(p);
  while (ulp.undos.length > 0) {
    const u = ulp.undos.shift()!;
    if (u.semid === -1) continue;
    const sma = tb.get(u.semid);
    if (typeof sma === 'number') continue;
    sma.undos.delete(u);
    sma.sems.forEach((s, i) => {
      if (!u.adj[i]) return;
      s.val = Math.min(Math.max(s.val + u.adj[i], 0), SEMVMX);
      s.pid = p.pid;
    });
    sma.update(null, true, ns.now());
    sma.settle();
  }
}
