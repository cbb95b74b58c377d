/**
 * System V message queues, as Linux's ipc/msg.c.
 *
 * A queue holds typed messages in arrival order up to msg_qbytes bytes (and as many messages).
 * msgsnd waits for room, or fails with EAGAIN under IPC_NOWAIT; a sender that finds a receiver
 * waiting for a matching type hands the message straight to it (pipelined_send), so the receiver
 * wakes with its message already taken. msgrcv picks the first message (type 0), the first of a
 * type (> 0, or any other type with MSG_EXCEPT) or the first of the lowest type up to |type|
 * (< 0); MSG_NOERROR truncates instead of E2BIG; MSG_COPY peeks at the n-th message. Waits end
 * with EIDRM when the queue is removed, and with a signal (restarted only when no handler runs,
 * ERESTARTNOHAND). Sleepers park on the queue's sender and receiver lists; nothing polls.
 */

import type { Kernel } from '../kernel.js';
import { ERESTARTNOHAND } from '../kernel.js';
import type { Task } from '../process.js';
import { E } from '../../compat/errno.js';
import { IpcIds, IpcObject, IpcPerm, IpcCred, IPC_NOWAIT, ipcPermitted, S_IRUGO, S_IWUGO } from './ids.js';
import type { IpcNamespace } from './namespace.js';

export const MSGMAX = 8192, MSGMNB = 16384, MSGMNI = 32000;
export const MSGPOOL = (MSGMNI * MSGMNB) / 1024, MSGTQL = MSGMNB, MSGMAP = MSGMNB, MSGSSZ = 16, MSGSEG = 0xffff;
export const MSG_NOERROR = 0o10000, MSG_EXCEPT = 0o20000, MSG_COPY = 0o40000;
const INT_MAX = 0x7fffffff;
const LONG_MAX = (1n << 63n) - 1n, LONG_MIN = -(1n << 63n);

const SEARCH_ANY = 1, SEARCH_EQUAL = 2, SEARCH_NOTEQUAL = 3, SEARCH_LESSEQUAL = 4, SEARCH_NUMBER = 5;

export interface Msg {
  type: bigint;
  data: Uint8Array;
}

/** A sleeping msgrcv: what it accepts, and what a sender or removal handed it. */
interface Receiver {
  tid: number;
  type: bigint;
  mode: number;
  maxsize: number;
  /** -EAGAIN while waiting; then a message or an error. */
  result: Msg | number;
  wake: () => void;
}

/** A sleeping msgsnd. */
interface Sender {
  size: number;
  wake: () => void;
}

export class MsgQueue implements IpcObject {
  readonly perm: IpcPerm;
  stime = 0;
  rtime = 0;
  ctime: number;
  cbytes = 0;
  qbytes: number;
  lspid = 0;
  lrpid = 0;
  readonly messages: Msg[] = [];
  receivers: Receiver[] = [];
  senders: Sender[] = [];

  constructor(perm: IpcPerm, qbytes: number, now: number) {
    this.perm = perm;
    this.qbytes = qbytes;
    this.ctime = now;
  }

  get qnum(): number {
    return this.messages.length;
  }

  fits(size: number): boolean {
    return size + this.cbytes <= this.qbytes && 1 + this.qnum <= this.qbytes;
  }

  /** ss_wakeup: senders whose message now fits are woken (all of them when `kill`). */
  wakeSenders(kill: boolean): void {
    const keep: Sender[] = [];
    const wake: Sender[] = [];
    for (const s of this.senders) (kill || this.fits(s.size) ? wake : keep).push(s);
    this.senders = keep;
    for (const s of wake) s.wake();
  }

  /** expunge_all: every sleeping receiver wakes with `res`. */
  expungeReceivers(res: number): void {
    const rs = this.receivers;
    this.receivers = [];
    for (const r of rs) {
      r.result = res;
      r.wake();
    }
  }
}

/** The message queue side of an IPC namespace (with MSG_INFO's totals). */
export class MsgTable extends IpcIds<MsgQueue> {
  msgBytes = 0;
  msgHdrs = 0;
}

function testmsg(m: Msg, type: bigint, mode: number): boolean {
  switch (mode) {
    case SEARCH_ANY:
    case SEARCH_NUMBER:
      return true;
    case SEARCH_LESSEQUAL:
      return m.type <= type;
    case SEARCH_EQUAL:
      return m.type === type;
    case SEARCH_NOTEQUAL:
      return m.type !== type;
  }
  return false;
}

/** msgget. */
export function msgget(ns: IpcNamespace, cred: IpcCred, key: number, flg: number): number {
  const tb = ns.msg;
  return tb.getOrCreate(key, flg, cred, () => tb.add(new MsgQueue(new IpcPerm(key, flg, cred), MSGMNB, ns.now()), MSGMNI));
}

/** IPC_RMID (freeque): sleepers fail with EIDRM, the messages go. */
export function msgRemove(ns: IpcNamespace, q: MsgQueue): void {
  ns.msg.remove(q);
  q.expungeReceivers(-E.EIDRM);
  q.wakeSenders(true);
  ns.msg.msgHdrs -= q.qnum;
  ns.msg.msgBytes -= q.cbytes;
  q.messages.length = 0;
}

/** IPC_SET after the permission update: new size; receivers recheck, senders may now fit. */
export function msgSetQbytes(ns: IpcNamespace, q: MsgQueue, qbytes: number): void {
  q.qbytes = qbytes;
  q.ctime = ns.now();
  q.expungeReceivers(-E.EAGAIN);
  q.wakeSenders(false);
}

/** pipelined_send: gives m to the first waiting receiver that takes its type. */
function pipelinedSend(q: MsgQueue, m: Msg, now: number): boolean {
  for (const r of [...q.receivers]) {
    if (!testmsg(m, r.type, r.mode)) continue;
    q.receivers.splice(q.receivers.indexOf(r), 1);
    if (r.maxsize < m.data.length) {
      r.result = -E.E2BIG;
      r.wake();
      continue;
    }
    q.lrpid = r.tid;
    q.rtime = now;
    r.result = m;
    r.wake();
    return true;
  }
  return false;
}

/** msgsnd once the message is read in (type >= 1, size <= MSGMAX): 0, -errno or a Promise. */
export function msgsnd(k: Kernel, t: Task, cred: IpcCred, msqid: number, m: Msg, flg: number): number | Promise<number> {
  const ns = k.ipc;
  const q = ns.msg.get(msqid);
  if (typeof q === 'number') return q;
  const attempt = (): number | Promise<number> => {
    if (!ipcPermitted(cred, q.perm, S_IWUGO)) return -E.EACCES;
    if (q.perm.deleted) return -E.EIDRM;
    if (!q.fits(m.data.length)) {
      if (flg & IPC_NOWAIT) return -E.EAGAIN;
      return k.waitInterruptible(t, (done) => {
        const s: Sender = { size: m.data.length, wake: () => done(0) };
        q.senders.push(s);
        return () => {
          const i = q.senders.indexOf(s);
          if (i >= 0) q.senders.splice(i, 1);
        };
      }, -ERESTARTNOHAND).then((v) => (q.perm.deleted ? -E.EIDRM : v < 0 ? v : attempt()));
    }
    const now = ns.now();
    q.lspid = t.proc.pid;
    q.stime = now;
    if (!pipelinedSend(q, m, now)) {
      q.messages.push(m);
      q.cbytes += m.data.length;
      ns.msg.msgBytes += m.data.length;
      ns.msg.msgHdrs++;
    }
    return 0;
  };
  return attempt();
}

/**
 * msgrcv once its arguments are checked. `fill` copies a message out to the caller (mtype and
 * up to bufsz bytes) and returns the byte count (a fault throws, as every copy-out does).
 */
export function msgrcv(k: Kernel, t: Task, cred: IpcCred, msqid: number, bufsz: number, msgtyp: bigint, flg: number,
  fill: (m: Msg) => number): number | Promise<number> {
  const ns = k.ipc;
  let mode: number;
  if (flg & MSG_COPY) mode = SEARCH_NUMBER;
  else if (msgtyp === 0n) mode = SEARCH_ANY;
  else if (msgtyp < 0n) {
    msgtyp = msgtyp === LONG_MIN ? LONG_MAX : -msgtyp;
    mode = SEARCH_LESSEQUAL;
  } else mode = flg & MSG_EXCEPT ? SEARCH_NOTEQUAL : SEARCH_EQUAL;
  const q = ns.msg.get(msqid);
  if (typeof q === 'number') return q;
  const copyMax = Math.min(bufsz, MSGMAX);

  const find = (): Msg | null => {
    let type = msgtyp;
    let found: Msg | null = null;
    let count = 0n;
    for (const m of q.messages) {
      if (!testmsg(m, type, mode)) continue;
      if (mode === SEARCH_LESSEQUAL && m.type !== 1n) {
        type = m.type - 1n;
        found = m;
      } else if (mode === SEARCH_NUMBER) {
        if (type === count) return m;
      } else return m;
      count++;
    }
    return found;
  };

  const attempt = (): number | Promise<number> => {
    if (!ipcPermitted(cred, q.perm, S_IRUGO)) return -E.EACCES;
    if (q.perm.deleted) return -E.EIDRM;
    const m = find();
    if (m) {
      if (bufsz < m.data.length && !(flg & MSG_NOERROR)) return -E.E2BIG;
      if (flg & MSG_COPY) return m.data.length > copyMax ? -E.EINVAL : fill(m);
      q.messages.splice(q.messages.indexOf(m), 1);
      q.rtime = ns.now();
      q.lrpid = t.proc.pid;
      q.cbytes -= m.data.length;
      ns.msg.msgBytes -= m.data.length;
      ns.msg.msgHdrs--;
      q.wakeSenders(false);
      return fill(m);
    }
    if (flg & IPC_NOWAIT) return -E.ENOMSG;
    const r: Receiver = { tid: t.tid, type: msgtyp, mode, maxsize: flg & MSG_NOERROR ? INT_MAX : bufsz, result: -E.EAGAIN, wake: () => {} };
    return k.waitInterruptible(t, (done) => {
      r.wake = () => done(0);
      q.receivers.push(r);
      return () => {
        const i = q.receivers.indexOf(r);
        if (i >= 0) q.receivers.splice(i, 1);
      };
    }, -ERESTARTNOHAND).then((v) => {
      const res = r.result;
      if (typeof res !== 'number') return fill(res);
      if (res !== -E.EAGAIN) return res;
      return v < 0 ? v : attempt();
    });
  };
  return attempt();
}
