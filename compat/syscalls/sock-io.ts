/**
 * Sending and receiving on sockets, shared by the socket calls (sys-socket.ts) and read/write/
 * readv/writev on a socket (sys-rw.ts), which Linux runs as recvmsg/sendmsg without flags.
 *
 * Waiting: a socket operation that cannot complete returns WouldBlock; the task parks on the
 * socket's queue, interruptibly, for at most SO_RCVTIMEO/SO_SNDTIMEO, and the operation is tried
 * again. A signal ends the wait with the bytes already moved, or EINTR (with a timeout) or a
 * restart (without), as sock_intr_errno does; a timeout ends it with EAGAIN or the bytes moved.
 */

import type { Kernel } from '../../kernel/kernel.js';
import { ERESTARTSYS } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import type { OpenFile } from '../../kernel/vfs/file.js';
import { dropFile } from '../../kernel/fdtable.js';
import { WouldBlock } from '../../kernel/waitqueue.js';
import { SIGPIPE } from '../../kernel/signal.js';
import {
  Socket, SendMsg, RecvState, SockCtx, Cred, newRecvState, UnixPathOps,
  SOCK_STREAM, MSG_DONTWAIT, MSG_NOSIGNAL,
} from '../../kernel/net/socket.js';
import { E } from '../errno.js';

export type SockOp = (nonblock: boolean) => number | WouldBlock | Promise<number>;

/**
 * Runs op, waiting while it would block (see the header). `partial` is what the call has done so
 * far (returned instead of an error once something moved).
 */
export function sockWait(k: Kernel, t: Task, op: SockOp, nonblock: boolean, timeoUs: number, partial: () => number = () => 0): number | Promise<number> {
  const first = op(nonblock);
  if (!(first instanceof WouldBlock)) return first;
  const deadline = timeoUs > 0 ? k.host.monotonicNs() / 1e6 + timeoUs / 1000 : Infinity;
  const SIG = -ERESTARTSYS - 1;
  const interrupted = (): number => (partial() > 0 ? partial() : deadline === Infinity ? -ERESTARTSYS : -E.EINTR);
  const wait = (wb: WouldBlock): number | Promise<number> => {
    if (k.hasDeliverable(t)) return interrupted();
    return k.waitInterruptible(t, (done) => {
      const off = wb.queue.add(() => done(1));
      const left = deadline - k.host.monotonicNs() / 1e6;
      const cancel = deadline === Infinity ? () => {} : k.host.setTimer(Math.max(0, left), () => done(0));
      return () => {
        off();
        cancel();
      };
    }, SIG).then((v) => {
      if (v === SIG) return interrupted();
      const timedOut = v === 0 || k.host.monotonicNs() / 1e6 >= deadline;
      const r = op(timedOut);
      if (r instanceof WouldBlock) return timedOut ? (partial() > 0 ? partial() : -E.EAGAIN) : wait(r);
      if (timedOut && r === -E.EAGAIN && partial() > 0) return partial();
      return r;
    });
  };
  return wait(first);
}

export function credOf(k: Kernel, t: Task): Cred {
  return { pid: t.proc.pid, uid: k.host.uid, gid: k.host.gid };
}

/** The resolver for AF_UNIX names is installed by sys-socket.ts (it needs the path walk). */
let pathOps: (k: Kernel, t: Task) => UnixPathOps | null = () => null;
export function setUnixPathOps(f: (k: Kernel, t: Task) => UnixPathOps): void {
  pathOps = f;
}

export function ctxOf(k: Kernel, t: Task): SockCtx {
  return { cred: credOf(k, t), paths: pathOps(k, t) };
}

/**
 * Sends data (all of it, waiting for room, unless nonblocking), as sendmsg. EPIPE on a stream
 * raises SIGPIPE unless MSG_NOSIGNAL. Passed descriptions (rights) are held by the caller and
 * let go of here when the send is over.
 */
export function sockSend(
  k: Kernel, t: Task, s: Socket, data: Uint8Array, flags: number, addr: Uint8Array | null,
  rights: OpenFile[] | null = null, cred: Cred | null = null,
): number | Promise<number> {
  const ctx = ctxOf(k, t);
  const msg: SendMsg = { data, flags, addr, rights, cred, sent: 0 };
  const nonblock = s.nonblocking || (flags & MSG_DONTWAIT) !== 0;
  const stream = s.type === SOCK_STREAM;
  const op: SockOp = (nb) => {
    for (;;) {
      const r = s.send(msg, nb, ctx);
      if (typeof r !== 'number') return r;
      if (r < 0) return msg.sent > 0 ? msg.sent : r;
      if (!stream) return r;
      msg.sent += r;
      if (msg.sent >= data.length || nb || r === 0) return msg.sent;
    }
  };
  const finish = (r: number): number => {
    if (rights) for (const f of rights) dropFile(f);
    if (r === -E.EPIPE && msg.sigpipe && !(flags & MSG_NOSIGNAL)) k.sendSignal(t, { signo: SIGPIPE, code: 0, pid: t.proc.pid, uid: k.host.uid });
    return r;
  };
  const r = sockWait(k, t, op, nonblock, s.sndTimeoUs, () => msg.sent);
  return typeof r === 'number' ? finish(r) : r.then(finish, (e) => {
    finish(0);
    throw e;
  });
}

/**
 * Receives up to len bytes as recvmsg: waits unless nonblocking, honours MSG_WAITALL, MSG_PEEK,
 * MSG_TRUNC. Resolves to the state (data in st.buf[0..copied)) and the call's result, or -errno.
 * Rights in the state are references the caller must install or drop.
 */
export function sockRecv(k: Kernel, t: Task, s: Socket, len: number, flags: number): { st: RecvState; r: number } | number | Promise<{ st: RecvState; r: number } | number> {
  const st = newRecvState(new Uint8Array(len), flags);
  const nonblock = s.nonblocking || (flags & MSG_DONTWAIT) !== 0;
  const done = (r: number): { st: RecvState; r: number } | number => {
    if (r < 0 && st.copied === 0) {
      if (st.rights) for (const f of st.rights) dropFile(f);
      return r;
    }
    return { st, r: r > 0 ? r : st.result ?? st.copied };
  };
  const r = sockWait(k, t, (nb) => s.recv(st, nb), nonblock, s.rcvTimeoUs, () => st.copied);
  return typeof r === 'number' ? done(r) : r.then(done);
}
