/**
 * Waiting for file descriptors: poll, ppoll, select, pselect6. Each asks every file for its
 * readiness; if nothing is ready it parks on the files' wait queues (and a timer), interruptibly,
 * and asks again when woken. Files without a notion of readiness (regular files, directories,
 * the host's terminal and pipes, whose reads wait by themselves) are always ready, as regular
 * files are on Linux.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import { ERESTARTNOHAND } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { isPollable, POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLPRI, POLLRDNORM, POLLWRNORM } from '../../kernel/pipe.js';
import type { WaitQueue } from '../../kernel/waitqueue.js';
import { readTimespec } from '../structs.js';

const ALWAYS = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

function readiness(t: Task, fd: number, events: number): { ev: number; queues: WaitQueue[] } {
  const f = t.proc.fds.get(fd);
  if (!f) return { ev: POLLNVAL, queues: [] };
  if (isPollable(f)) return { ev: f.poll(events), queues: f.pollQueues() };
  return { ev: (f.readable() ? POLLIN | POLLRDNORM : 0) | (f.writable() ? POLLOUT | POLLWRNORM : 0) || ALWAYS, queues: [] };
}

/**
 * Repeats `check` until it reports something (> 0), the timeout passes (-> 0), or a signal
 * arrives (-> -ERESTARTNOHAND, so the call becomes EINTR after a handler).
 */
function pollLoop(k: Kernel, t: Task, timeoutMs: number | null, check: () => { n: number; queues: WaitQueue[] }): number | Promise<number> {
  const first = check();
  if (first.n !== 0 || timeoutMs === 0) return first.n;
  if (k.hasDeliverable(t)) return -ERESTARTNOHAND;
  const deadline = timeoutMs === null ? Infinity : k.host.monotonicNs() / 1e6 + timeoutMs;
  const wait = (queues: WaitQueue[]): Promise<number> =>
    k.waitInterruptible(t, (done) => {
      const offs = queues.map((q) => q.add(() => done(1)));
      const left = deadline - k.host.monotonicNs() / 1e6;
      const cancel = deadline === Infinity ? () => {} : k.host.setTimer(Math.max(0, left), () => done(0));
      return () => {
        cancel();
        offs.forEach((o) => o());
      };
    }, -ERESTARTNOHAND).then((v) => {
      if (v < 0) return v;
      const r = check();
      if (r.n !== 0 || v === 0 || k.host.monotonicNs() / 1e6 >= deadline) return r.n;
      return wait(r.queues);
    });
  return wait(first.queues);
}

function doPoll(k: Kernel, t: Task, addr: number, nfds: number, timeoutMs: number | null): number | Promise<number> {
  if (nfds > t.proc.fds.limit) return -E.EINVAL;
  const m = t.proc.mem;
  const raw = nfds > 0 ? m.readBytes(addr, nfds * 8) : new Uint8Array(0);
  const dv = new DataView(raw.buffer);
  const check = () => {
    let n = 0;
    const queues: WaitQueue[] = [];
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(8 * i, true);
      const events = dv.getInt16(8 * i + 4, true);
      let rev = 0;
      if (fd >= 0) {
        const r = readiness(t, fd, events);
        rev = r.ev & (events | POLLERR | POLLHUP | POLLNVAL);
        queues.push(...r.queues);
      }
      dv.setInt16(8 * i + 6, rev, true);
      if (rev) n++;
    }
    return { n, queues };
  };
  const finish = (n: number): number => {
    if (n >= 0 && nfds > 0) m.writeBytes(addr, raw);
    return n;
  };
  const r = pollLoop(k, t, timeoutMs, check);
  return typeof r === 'number' ? finish(r) : r.then(finish);
}

sys('poll', ['ptr', 'uint', 'int'], (k, t, a) => doPoll(k, t, a.ptr(0), a.uint(1), a.int(2) < 0 ? null : a.int(2)));

/**
 * Swaps in the caller's temporary signal mask for the duration of a wait (ppoll, pselect6,
 * epoll_pwait): the syscall runs with it from the first check, so a signal it unblocks that is
 * already pending, or arrives during the wait, interrupts it; there is no window between the
 * mask change and the wait. Returns -EINVAL for a wrong sigsetsize.
 */
export function withMask(t: Task, maskAddr: number, size: number): number {
  if (!maskAddr) return 0;
  if (size !== 8) return -E.EINVAL;
  const lo = t.proc.mem.read32(maskAddr), hi = t.proc.mem.read32(maskAddr + 4);
  t.savedMask = [t.sigmaskLo, t.sigmaskHi];
  t.sigmaskLo = lo & ~((1 << 8) | (1 << 18)); // SIGKILL and SIGSTOP cannot be blocked
  t.sigmaskHi = hi;
  return 0;
}

/**
 * Puts the caller's mask back when the call returns, unless it was interrupted (`intr`): then the
 * handler about to run gets the temporary mask and its frame saves the original, which
 * sigreturn restores (Linux's restore_saved_sigmask_unless); with no handler to run, the
 * scheduler restores it before returning to user mode.
 */
export function restoreMask(t: Task, r: number | Promise<number>, intr = -ERESTARTNOHAND): number | Promise<number> {
  const undo = (v: number): number => {
    if (v !== intr && t.savedMask) {
      [t.sigmaskLo, t.sigmaskHi] = t.savedMask;
      t.savedMask = null;
    }
    return v;
  };
  return typeof r === 'number' ? undo(r) : r.then(undo);
}

function tsTimeout(t: Task, addr: number): number | null | -1 {
  if (!addr) return null;
  const [s, ns] = readTimespec(t.proc.mem, addr);
  if (s < 0 || ns < 0 || ns >= 1e9) return -1;
  return s * 1000 + ns / 1e6;
}

sys('ppoll', ['ptr', 'uint', 'ptr', 'ptr', 'size'], (k, t, a) => {
  const to = tsTimeout(t, a.ptr(2));
  if (to === -1) return -E.EINVAL;
  const e = withMask(t, a.ptr(3), a.u64(4));
  if (e < 0) return e;
  return restoreMask(t, doPoll(k, t, a.ptr(0), a.uint(1), to));
});

function doSelect(k: Kernel, t: Task, nfds: number, rAddr: number, wAddr: number, xAddr: number, timeoutMs: number | null): number | Promise<number> {
  if (nfds < 0 || nfds > 1024) return -E.EINVAL;
  const bytes = Math.ceil(nfds / 64) * 8;
  const m = t.proc.mem;
  const load = (addr: number): Uint8Array | null => (addr && bytes ? m.readBytes(addr, bytes) : null);
  const rin = load(rAddr), win = load(wAddr), xin = load(xAddr);
  const rout = new Uint8Array(bytes), wout = new Uint8Array(bytes), xout = new Uint8Array(bytes);
  const has = (s: Uint8Array | null, fd: number): boolean => s !== null && (s[fd >> 3] & (1 << (fd & 7))) !== 0;
  for (let fd = 0; fd < nfds; fd++) {
    if ((has(rin, fd) || has(win, fd) || has(xin, fd)) && !t.proc.fds.get(fd)) return -E.EBADF;
  }
  const check = () => {
    rout.fill(0);
    wout.fill(0);
    xout.fill(0);
    let n = 0;
    const queues: WaitQueue[] = [];
    for (let fd = 0; fd < nfds; fd++) {
      if (!has(rin, fd) && !has(win, fd) && !has(xin, fd)) continue;
      const r = readiness(t, fd, (has(rin, fd) ? POLLIN : 0) | (has(win, fd) ? POLLOUT : 0) | (has(xin, fd) ? POLLPRI : 0));
      queues.push(...r.queues);
      if (has(rin, fd) && r.ev & (POLLIN | POLLHUP | POLLERR)) { rout[fd >> 3] |= 1 << (fd & 7); n++; }
      if (has(win, fd) && r.ev & (POLLOUT | POLLERR)) { wout[fd >> 3] |= 1 << (fd & 7); n++; }
      if (has(xin, fd) && r.ev & POLLPRI) { xout[fd >> 3] |= 1 << (fd & 7); n++; }
    }
    return { n, queues };
  };
  const finish = (n: number): number => {
    if (n >= 0) {
      if (rin) m.writeBytes(rAddr, rout);
      if (win) m.writeBytes(wAddr, wout);
      if (xin) m.writeBytes(xAddr, xout);
    }
    return n;
  };
  const r = pollLoop(k, t, timeoutMs, check);
  return typeof r === 'number' ? finish(r) : r.then(finish);
}

sys('select', ['int', 'ptr', 'ptr', 'ptr', 'ptr'], (k, t, a) => {
  let to: number | null = null;
  if (a.ptr(4)) {
    const b = t.proc.mem.readBytes(a.ptr(4), 16);
    const dv = new DataView(b.buffer);
    const s = dv.getInt32(4, true) * 4294967296 + dv.getUint32(0, true);
    const us = dv.getInt32(12, true) * 4294967296 + dv.getUint32(8, true);
    if (s < 0 || us < 0) return -E.EINVAL;
    to = s * 1000 + us / 1000;
  }
  return doSelect(k, t, a.int(0), a.ptr(1), a.ptr(2), a.ptr(3), to);
});

sys('pselect6', ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'], (k, t, a) => {
  const to = tsTimeout(t, a.ptr(4));
  if (to === -1) return -E.EINVAL;
  if (a.ptr(5)) {
    const maskPtr = t.proc.mem.readU64(a.ptr(5));
    const size = t.proc.mem.readU64(a.ptr(5) + 8);
    const e = withMask(t, maskPtr, size);
    if (e < 0) return e;
  }
  return restoreMask(t, doSelect(k, t, a.int(0), a.ptr(1), a.ptr(2), a.ptr(3), to));
});

