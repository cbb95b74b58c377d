/**
 * System V IPC: semaphores (semget, semop, semtimedop, semctl) and message queues (msgget,
 * msgsnd, msgrcv, msgctl). The objects live in kernel/ipc (one namespace per kernel); these
 * handlers read and check the arguments in Linux's order, copy structures in and out
 * (ipc64_perm, semid64_ds, msqid64_ds, seminfo, msginfo as x86-64 lays them out) and return
 * -errno. Shared memory segments are in sys-shm.ts.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { StructBuf, readTimespec } from '../structs.js';
import { PROT_READ } from '../../kernel/mm/pagetable.js';
import {
  IpcCred, IpcPerm, IpcIds, IpcObject, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, ipcPermitted, S_IRUGO, S_IWUGO, updatePerm,
} from '../../kernel/ipc/ids.js';
import {
  SemArray, Sembuf, semget, semRemove, semtimedop, SEMMSL, SEMMNS, SEMOPM, SEMMNI, SEMVMX, SEMAEM, SEMUME, SEMMNU, SEMMAP, SEMUSZ,
} from '../../kernel/ipc/sem.js';
import {
  Msg, msgget, msgRemove, msgSetQbytes, msgsnd, msgrcv, MSGMAX, MSGMNB, MSGMNI, MSGPOOL, MSGTQL, MSGMAP, MSGSSZ, MSGSEG,
  MSG_COPY, MSG_EXCEPT,
} from '../../kernel/ipc/msg.js';

const GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17;
const SEM_STAT = 18, SEM_INFO = 19, SEM_STAT_ANY = 20;
const MSG_STAT = 11, MSG_INFO = 12, MSG_STAT_ANY = 13;

export function credOf(k: Kernel): IpcCred {
  return { uid: k.host.uid, gid: k.host.gid };
}

/** struct ipc64_perm (48 bytes) at the start of b. */
export function putPerm(b: StructBuf, p: IpcPerm): void {
  b.i32(0, p.key).u32(4, p.uid).u32(8, p.gid).u32(12, p.cuid).u32(16, p.cgid).u32(20, p.mode).u16(24, p.seq);
}

/** The uid, gid and mode an IPC_SET passes (from the ipc64_perm at the start of bytes). */
export function readPerm(bytes: Uint8Array): { uid: number; gid: number; mode: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  return { uid: dv.getUint32(4, true), gid: dv.getUint32(8, true), mode: dv.getUint32(20, true) };
}

/** The object an IPC_STAT (checked identifier) or *_STAT(_ANY) (index) command names. */
export function statTarget<T extends IpcObject>(ids: IpcIds<T>, cred: IpcCred, id: number, byIndex: boolean, any: boolean): T | number {
  const o = byIndex ? ids.atIndex(id) : ids.get(id);
  if (typeof o === 'number') return o;
  if (!any && !ipcPermitted(cred, o.perm, S_IRUGO)) return -E.EACCES;
  return o;
}

// ---- semaphores ----

sys('semget', ['hex', 'int', 'hex'], (k, t, a) => semget(k.ipc, credOf(k), a.int(0), a.int(1), a.int(2)));

/** semop/semtimedop: argument checks in Linux's order, then the operation. */
function doSemop(k: Kernel, t: Task, semid: number, sopsAddr: number, nsops: number, tsAddr: number): number | Promise<number> {
  const m = t.proc.mem;
  const ts = tsAddr ? readTimespec(m, tsAddr) : null;
  if (nsops > SEMOPM) return -E.E2BIG;
  if (nsops < 1) return -E.EINVAL;
  const raw = m.readBytes(sopsAddr, nsops * 6);
  const dv = new DataView(raw.buffer);
  const sops: Sembuf[] = [];
  for (let i = 0; i < nsops; i++) sops.push({ num: dv.getUint16(6 * i, true), op: dv.getInt16(6 * i + 2, true), flg: dv.getInt16(6 * i + 4, true) });
  if (semid < 0) return -E.EINVAL;
  let ms: number | null = null;
  if (ts) {
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1e9) return -E.EINVAL;
    ms = ts[0] * 1000 + ts[1] / 1e6;
  }
  return semtimedop(k, t, credOf(k), semid, sops, ms);
}

sys('semop', ['int', 'ptr', 'uint'], (k, t, a) => doSemop(k, t, a.int(0), a.ptr(1), a.uint(2), 0));
sys('semtimedop', ['int', 'ptr', 'uint', 'ptr'], (k, t, a) => doSemop(k, t, a.int(0), a.ptr(1), a.uint(2), a.ptr(3)));

function semInfo(k: Kernel, t: Task, cmd: number, addr: number): number {
  const tb = k.ipc.sem;
  const b = new StructBuf(40);
  b.i32(0, SEMMAP).i32(4, SEMMNI).i32(8, SEMMNS).i32(12, SEMMNU).i32(16, SEMMSL).i32(20, SEMOPM).i32(24, SEMUME);
  b.i32(28, cmd === SEM_INFO ? tb.inUse : SEMUSZ).i32(32, SEMVMX).i32(36, cmd === SEM_INFO ? tb.usedSems : SEMAEM);
  const max = tb.maxIndex();
  t.proc.mem.writeBytes(addr, b.bytes);
  return max < 0 ? 0 : max;
}

function semStat(k: Kernel, t: Task, semid: number, cmd: number, addr: number): number {
  const sma = statTarget(k.ipc.sem, credOf(k), semid, cmd !== IPC_STAT, cmd === SEM_STAT_ANY);
  if (typeof sma === 'number') return sma;
  const b = new StructBuf(104);
  putPerm(b, sma.perm);
  b.u64(48, sma.otime()).u64(64, sma.ctime).u64(80, sma.nsems);
  t.proc.mem.writeBytes(addr, b.bytes);
  return cmd === IPC_STAT ? 0 : sma.perm.id;
}

/** GETALL, SETALL, GETVAL, GETPID, GETNCNT, GETZCNT (semctl_main). */
function semMain(k: Kernel, t: Task, semid: number, semnum: number, cmd: number, addr: number): number {
  const ns = k.ipc;
  const sma = ns.sem.get(semid);
  if (typeof sma === 'number') return sma;
  if (!ipcPermitted(credOf(k), sma.perm, cmd === SETALL ? S_IWUGO : S_IRUGO)) return -E.EACCES;
  const m = t.proc.mem;
  if (cmd === GETALL) {
    const b = new StructBuf(2 * sma.nsems);
    sma.sems.forEach((s, i) => b.u16(2 * i, s.val));
    m.writeBytes(addr, b.bytes);
    return 0;
  }
  if (cmd === SETALL) {
    const raw = m.readBytes(addr, 2 * sma.nsems);
    const dv = new DataView(raw.buffer);
    const vals = sma.sems.map((_, i) => dv.getUint16(2 * i, true));
    if (vals.some((v) => v > SEMVMX)) return -E.ERANGE;
    if (sma.perm.deleted) return -E.EIDRM;
    sma.setAll(vals, t.proc.pid, ns.now());
    return 0;
  }
  if (semnum < 0 || semnum >= sma.nsems) return -E.EINVAL;
  const s = sma.sems[semnum];
  switch (cmd) {
    case GETVAL:
      return s.val;
    case GETPID:
      return s.pid;
    case GETNCNT:
      return sma.countWaiters(semnum, false);
    default:
      return sma.countWaiters(semnum, true);
  }
}

function semSetval(k: Kernel, t: Task, semid: number, semnum: number, val: number): number {
  if (val > SEMVMX || val < 0) return -E.ERANGE;
  const ns = k.ipc;
  const sma = ns.sem.get(semid);
  if (typeof sma === 'number') return sma;
  if (semnum < 0 || semnum >= sma.nsems) return -E.EINVAL;
  if (!ipcPermitted(credOf(k), sma.perm, S_IWUGO)) return -E.EACCES;
  sma.setVal(semnum, val, t.proc.pid, ns.now());
  return 0;
}

/** IPC_RMID and IPC_SET (semctl_down). */
function semDown(k: Kernel, t: Task, semid: number, cmd: number, addr: number): number {
  const set = cmd === IPC_SET ? readPerm(t.proc.mem.readBytes(addr, 104)) : null;
  const ns = k.ipc;
  const sma = ns.sem.getForCtl(semid, credOf(k));
  if (typeof sma === 'number') return sma;
  if (!set) {
    semRemove(ns, sma);
    return 0;
  }
  const err = updatePerm(sma.perm, set.uid, set.gid, set.mode);
  if (err) return err;
  sma.ctime = ns.now();
  return 0;
}

sys('semctl', ['int', 'int', 'int', 'hex'], (k, t, a) => {
  const semid = a.int(0), semnum = a.int(1), cmd = a.int(2);
  if (semid < 0) return -E.EINVAL;
  switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
      return semInfo(k, t, cmd, a.ptr(3));
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY:
      return semStat(k, t, semid, cmd, a.ptr(3));
    case GETALL:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETALL:
      return semMain(k, t, semid, semnum, cmd, a.ptr(3));
    case SETVAL:
      return semSetval(k, t, semid, semnum, a.int(3));
    case IPC_SET:
    case IPC_RMID:
      return semDown(k, t, semid, cmd, a.ptr(3));
    default:
      return -E.EINVAL;
  }
});

// ---- message queues ----

sys('msgget', ['hex', 'hex'], (k, t, a) => msgget(k.ipc, credOf(k), a.int(0), a.int(1)));

sys('msgsnd', ['int', 'ptr', 'size', 'hex'], (k, t, a) => {
  const msqid = a.int(0), msgp = a.ptr(1), msgsz = a.s64(2), flg = a.int(3);
  const m = t.proc.mem;
  const dv = new DataView(m.readBytes(msgp, 8).buffer);
  const type = dv.getBigInt64(0, true);
  if (msgsz > MSGMAX || msgsz < 0 || msqid < 0) return -E.EINVAL;
  if (type < 1n) return -E.EINVAL;
  const data = m.readBytes(msgp + 8, msgsz);
  return msgsnd(k, t, credOf(k), msqid, { type, data }, flg);
});

sys('msgrcv', ['int', 'ptr', 'size', 'int', 'hex'], (k, t, a) => {
  const msqid = a.int(0), msgp = a.ptr(1), bufsz = a.s64(2), flg = a.int(4);
  if (msqid < 0 || bufsz < 0) return -E.EINVAL;
  const m = t.proc.mem;
  if (flg & MSG_COPY) {
    if (flg & MSG_EXCEPT || !(flg & IPC_NOWAIT)) return -E.EINVAL;
    if (!m.isAccessible(msgp, Math.min(bufsz, MSGMAX), PROT_READ)) return -E.EFAULT;
  }
  const fill = (msg: Msg): number => {
    const n = Math.min(bufsz, msg.data.length);
    const b = new StructBuf(8);
    b.dv.setBigInt64(0, msg.type, true);
    m.writeBytes(msgp, b.bytes);
    m.writeBytes(msgp + 8, msg.data.subarray(0, n));
    return n;
  };
  return msgrcv(k, t, credOf(k), msqid, bufsz, a.big(3), flg, fill);
});

function msgInfo(k: Kernel, t: Task, cmd: number, addr: number): number {
  const tb = k.ipc.msg;
  const b = new StructBuf(32);
  const info = cmd === MSG_INFO;
  b.i32(0, info ? tb.inUse : MSGPOOL).i32(4, info ? Math.min(tb.msgHdrs, 0x7fffffff) : MSGMAP).i32(8, MSGMAX).i32(12, MSGMNB);
  b.i32(16, MSGMNI).i32(20, MSGSSZ).i32(24, info ? Math.min(tb.msgBytes, 0x7fffffff) : MSGTQL).u16(28, MSGSEG);
  const max = tb.maxIndex();
  t.proc.mem.writeBytes(addr, b.bytes);
  return max < 0 ? 0 : max;
}

function msgStat(k: Kernel, t: Task, msqid: number, cmd: number, addr: number): number {
  const q = statTarget(k.ipc.msg, credOf(k), msqid, cmd !== IPC_STAT, cmd === MSG_STAT_ANY);
  if (typeof q === 'number') return q;
  const b = new StructBuf(120);
  putPerm(b, q.perm);
  b.u64(48, q.stime).u64(56, q.rtime).u64(64, q.ctime).u64(72, q.cbytes).u64(80, q.qnum).u64(88, q.qbytes);
  b.i32(96, q.lspid).i32(100, q.lrpid);
  t.proc.mem.writeBytes(addr, b.bytes);
  return cmd === IPC_STAT ? 0 : q.perm.id;
}

sys('msgctl', ['int', 'int', 'ptr'], (k, t, a) => {
  const msqid = a.int(0), cmd = a.int(1), addr = a.ptr(2);
  if (msqid < 0 || cmd < 0) return -E.EINVAL;
  const ns = k.ipc;
  switch (cmd) {
    case IPC_INFO:
    case MSG_INFO:
      return msgInfo(k, t, cmd, addr);
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
      return msgStat(k, t, msqid, cmd, addr);
    case IPC_SET:
    case IPC_RMID: {
      let set: { uid: number; gid: number; mode: number; qbytes: number } | null = null;
      if (cmd === IPC_SET) {
        const raw = t.proc.mem.readBytes(addr, 120);
        // msgctl_down takes msg_qbytes as an int.
        const q32 = new DataView(raw.buffer).getInt32(88, true);
        set = { ...readPerm(raw), qbytes: q32 };
      }
      const q = ns.msg.getForCtl(msqid, credOf(k));
      if (typeof q === 'number') return q;
      if (!set) {
        msgRemove(ns, q);
        return 0;
      }
      if (set.qbytes > MSGMNB && k.host.uid !== 0) return -E.EPERM;
      const err = updatePerm(q.perm, set.uid, set.gid, set.mode);
      if (err) return err;
      msgSetQbytes(ns, q, set.qbytes < 0 ? 2 ** 64 + set.qbytes : set.qbytes);
      return 0;
    }
    default:
      return -E.EINVAL;
  }
});

