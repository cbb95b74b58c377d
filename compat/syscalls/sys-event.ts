/**
 * Event file descriptors: eventfd2, timerfd_create/settime/gettime, signalfd4, and epoll
 * (create1, ctl, wait, pwait, pwait2). They are files with readiness (Pollable), so poll, select
 * and epoll wait on them like on pipes.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';

import type { Task } from '../../kernel/process.js';
import { OpenFile, O_RDWR, O_NONBLOCK, O_CLOEXEC } from '../../kernel/vfs/file.js';
import type { HostStat } from '../../kernel/host/host.js';
import { WaitQueue, WouldBlock } from '../../kernel/waitqueue.js';
import { isPollable, Pollable, POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM } from '../../kernel/pipe.js';
import { bit } from '../../kernel/signal.js';
import { StructBuf, readTimespec } from '../structs.js';
import { blocking } from './sys-rw.js';
import { withMask, restoreMask } from './sys-poll.js';
import type { SysArgs } from './args.js';

function anonStat(): HostStat {
  return {
    dev: 0xd, ino: 0, mode: 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
    atimeSec: 0, atimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, ctimeSec: 0, ctimeNsec: 0,
  };
}

const u64le = (v: number): Uint8Array => new StructBuf(8).u64(0, v).bytes;
const readU64 = (b: Uint8Array): number => {
  const dv = new DataView(b.buffer, b.byteOffset);
  return dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
};

// ---- eventfd ----

const EFD_SEMAPHORE = 1;
const MAX_COUNT = 2 ** 53 - 2; // counters past 2^53 would lose exactness here; Linux allows 2^64-2

class EventFd extends OpenFile implements Pollable {
  count: number;
  readonly q = new WaitQueue();
  constructor(init: number, flags: number, private readonly semaphore: boolean) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[eventfd]');
    this.count = init;
  }
  override read(buf: Uint8Array): number | WouldBlock {
    if (buf.length < 8) return -E.EINVAL;
    if (this.count === 0) return this.flags & O_NONBLOCK ? -E.EAGAIN : new WouldBlock(this.q);
    const v = this.semaphore ? 1 : this.count;
    this.count -= v;
    buf.set(u64le(v));
    this.q.notify();
    return 8;
  }
  override write(buf: Uint8Array): number | WouldBlock {
    if (buf.length < 8) return -E.EINVAL;
    const v = readU64(buf);
    if (v > MAX_COUNT) return -E.EINVAL;
    if (this.count + v > MAX_COUNT) return this.flags & O_NONBLOCK ? -E.EAGAIN : new WouldBlock(this.q);
    this.count += v;
    this.q.notify();
    return 8;
  }
  override stat(): HostStat {
    return anonStat();
  }
  poll(): number {
    return (this.count > 0 ? POLLIN | POLLRDNORM : 0) | (this.count < MAX_COUNT ? POLLOUT | POLLWRNORM : 0);
  }
  pollQueues(): WaitQueue[] {
    return [this.q];
  }
}

function install(t: Task, f: OpenFile, flags: number): number {
  const fd = t.proc.fds.alloc(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) f.release();
  return fd;
}

sys('eventfd2', ['uint', 'hex'], (k, t, a) => {
  const flags = a.int(1);
  if (flags & ~(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC)) return -E.EINVAL;
  return install(t, new EventFd(a.uint(0), flags, (flags & EFD_SEMAPHORE) !== 0), flags);
});
sys('eventfd', ['uint'], (k, t, a) => install(t, new EventFd(a.uint(0), 0, false), 0));

// ---- timerfd ----

const TFD_TIMER_ABSTIME = 1;

class TimerFd extends OpenFile implements Pollable {
  expirations = 0;
  due = 0; // monotonic ns, 0 = disarmed
  interval = 0;
  cancel: () => void = () => {};
  readonly q = new WaitQueue();
  constructor(private readonly k: Kernel, readonly clock: number, flags: number) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[timerfd]');
  }
  arm(valueNs: number, intervalNs: number): void {
    this.cancel();
    this.interval = intervalNs;
    if (valueNs <= 0) {
      this.due = 0;
      return;
    }
    this.due = this.k.host.monotonicNs() + valueNs;
    this.schedule();
  }
  private schedule(): void {
    const ms = Math.max(0, (this.due - this.k.host.monotonicNs()) / 1e6);
    this.cancel = this.k.host.setTimer(ms, () => {
      this.expirations++;
      if (this.interval > 0) {
        this.due += this.interval;
        this.schedule();
      } else this.due = 0;
      this.q.notify();
    });
  }
  override read(buf: Uint8Array): number | WouldBlock {
    if (buf.length < 8) return -E.EINVAL;
    if (this.expirations === 0) return this.flags & O_NONBLOCK ? -E.EAGAIN : new WouldBlock(this.q);
    buf.set(u64le(this.expirations));
    this.expirations = 0;
    return 8;
  }
  override write(): number {
    return -E.EINVAL;
  }
  override stat(): HostStat {
    return anonStat();
  }
  poll(): number {
    return this.expirations > 0 ? POLLIN | POLLRDNORM : 0;
  }
  pollQueues(): WaitQueue[] {
    return [this.q];
  }
  override release(): void {
    this.cancel();
  }
}

sys('timerfd_create', ['clockid', 'hex'], (k, t, a) => {
  const clock = a.int(0), flags = a.int(1);
  if (![0, 1, 7, 8, 9].includes(clock)) return -E.EINVAL;
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return -E.EINVAL;
  return install(t, new TimerFd(k, clock, flags), flags);
});

function itimerspec(intervalNs: number, valueNs: number): Uint8Array {
  const b = new StructBuf(32);
  b.u64(0, Math.floor(intervalNs / 1e9)).u64(8, intervalNs % 1e9);
  b.u64(16, Math.floor(valueNs / 1e9)).u64(24, valueNs % 1e9);
  return b.bytes;
}

function timerOf(t: Task, fd: number): TimerFd | number {
  const f = t.proc.fds.get(fd);
  if (!f) return -E.EBADF;
  return f instanceof TimerFd ? f : -E.EINVAL;
}

sys('timerfd_settime', ['fd', 'hex', 'ptr', 'ptr'], (k, t, a) => {
  const tf = timerOf(t, a.int(0));
  if (typeof tf === 'number') return tf;
  const m = t.proc.mem;
  const iv = readTimespec(m, a.ptr(2));
  const val = readTimespec(m, a.ptr(2) + 16);
  for (const ts of [iv, val]) if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1e9) return -E.EINVAL;
  if (a.ptr(3)) m.writeBytes(a.ptr(3), itimerspec(tf.interval, tf.due ? Math.max(1, tf.due - k.host.monotonicNs()) : 0));
  let valueNs = val[0] * 1e9 + val[1];
  if (a.int(1) & TFD_TIMER_ABSTIME && valueNs > 0) {
    const now = tf.clock === 0 || tf.clock === 8 ? (() => { const [s, ns] = k.host.realtime(); return s * 1e9 + ns; })() : k.host.monotonicNs();
    valueNs = Math.max(1, valueNs - now);
  }
  tf.expirations = 0;
  tf.arm(valueNs, iv[0] * 1e9 + iv[1]);
  return 0;
});

sys('timerfd_gettime', ['fd', 'ptr'], (k, t, a) => {
  const tf = timerOf(t, a.int(0));
  if (typeof tf === 'number') return tf;
  t.proc.mem.writeBytes(a.ptr(1), itimerspec(tf.interval, tf.due ? Math.max(1, tf.due - k.host.monotonicNs()) : 0));
  return 0;
});

// ---- signalfd ----

class SignalFd extends OpenFile implements Pollable {
  constructor(private readonly task: Task, public lo: number, public hi: number, flags: number) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[signalfd]');
  }
  private takeOne(): Uint8Array | null {
    const t = this.task;
    const i = t.pending.findIndex((x) => (bit(x.signo)[0] & this.lo) !== 0 || (bit(x.signo)[1] & this.hi) !== 0);
    if (i < 0) return null;
    const [info] = t.pending.splice(i, 1);
    // struct signalfd_siginfo (128 bytes): signo, errno, code, pid, uid, fd, tid, band, overrun, trapno, status...
    const b = new StructBuf(128);
    b.u32(0, info.signo).i32(4, info.errno ?? 0).i32(8, info.code).u32(12, info.pid ?? 0).u32(16, info.uid ?? 0);
    b.i32(48, info.status ?? 0);
    if (info.addr !== undefined) b.u64(72, info.addr);
    return b.bytes;
  }
  override read(buf: Uint8Array): number | WouldBlock {
    if (buf.length < 128) return -E.EINVAL;
    let n = 0;
    while (n + 128 <= buf.length) {
      const one = this.takeOne();
      if (!one) break;
      buf.set(one, n);
      n += 128;
    }
    if (n > 0) return n;
    return this.flags & O_NONBLOCK ? -E.EAGAIN : new WouldBlock(this.task.signalQueue);
  }
  override write(): number {
    return -E.EINVAL;
  }
  override stat(): HostStat {
    return anonStat();
  }
  poll(): number {
    return this.task.pending.some((x) => (bit(x.signo)[0] & this.lo) !== 0 || (bit(x.signo)[1] & this.hi) !== 0) ? POLLIN | POLLRDNORM : 0;
  }
  pollQueues(): WaitQueue[] {
    return [this.task.signalQueue];
  }
}

sys('signalfd4', ['fd', 'ptr', 'size', 'hex'], (k, t, a) => {
  const flags = a.int(3);
  if (a.u64(2) !== 8 || flags & ~(O_NONBLOCK | O_CLOEXEC)) return -E.EINVAL;
  const lo = t.proc.mem.read32(a.ptr(1)), hi = t.proc.mem.read32(a.ptr(1) + 4);
  if (a.int(0) !== -1) {
    const f = t.proc.fds.get(a.int(0));
    if (!f) return -E.EBADF;
    if (!(f instanceof SignalFd)) return -E.EINVAL;
    f.lo = lo;
    f.hi = hi;
    return a.int(0);
  }
  return install(t, new SignalFd(t, lo, hi, flags), flags);
});

// ---- epoll ----

const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
const EPOLLET = 1 << 31, EPOLLONESHOT = 1 << 30, EPOLLEXCLUSIVE = 1 << 28;

interface Interest {
  fd: number;
  file: OpenFile;
  events: number;
  data: [number, number];
  /** Edge-triggered bookkeeping: readiness already reported. */
  seen: number;
  disabled: boolean;
}

class EpollFd extends OpenFile implements Pollable {
  readonly items = new Map<number, Interest>();
  readonly q = new WaitQueue();
  constructor(flags: number) {
    super(O_RDWR, 'anon_inode:[eventpoll]');
    void flags;
  }
  override read(): number {
    return -E.EINVAL;
  }
  override write(): number {
    return -E.EINVAL;
  }
  override stat(): HostStat {
    return anonStat();
  }
  ready(it: Interest): number {
    const f = it.file;
    const ev = isPollable(f) ? f.poll(it.events) : POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    return ev & (it.events | POLLERR | POLLHUP);
  }
  poll(): number {
    for (const it of this.items.values()) if (!it.disabled && this.ready(it)) return POLLIN | POLLRDNORM;
    return 0;
  }
  pollQueues(): WaitQueue[] {
    const qs: WaitQueue[] = [this.q];
    for (const it of this.items.values()) if (isPollable(it.file)) qs.push(...it.file.pollQueues());
    return qs;
  }
}

sys('epoll_create1', ['hex'], (k, t, a) => {
  const flags = a.int(0);
  if (flags & ~O_CLOEXEC) return -E.EINVAL;
  return install(t, new EpollFd(flags), flags);
});
sys('epoll_create', ['int'], (k, t, a) => (a.int(0) <= 0 ? -E.EINVAL : install(t, new EpollFd(0), 0)));

sys('epoll_ctl', ['fd', 'int', 'fd', 'ptr'], (k, t, a) => {
  const ep = t.proc.fds.get(a.int(0));
  const f = t.proc.fds.get(a.int(2));
  if (!ep || !f) return -E.EBADF;
  if (!(ep instanceof EpollFd) || f === ep) return -E.EINVAL;
  if (!isPollable(f) && f.stat() instanceof Object && (f.stat() as HostStat).mode & 0o100000) return -E.EPERM;
  const op = a.int(1), fd = a.int(2);
  const m = t.proc.mem;
  const read = (): [number, [number, number]] => [m.read32(a.ptr(3)), [m.read32(a.ptr(3) + 4), m.read32(a.ptr(3) + 8)]];
  switch (op) {
    case EPOLL_CTL_ADD: {
      if (ep.items.has(fd)) return -E.EEXIST;
      const [events, data] = read();
      ep.items.set(fd, { fd, file: f, events, data, seen: 0, disabled: false });
      ep.q.notify();
      return 0;
    }
    case EPOLL_CTL_MOD: {
      const it = ep.items.get(fd);
      if (!it) return -E.ENOENT;
      const [events, data] = read();
      if (events & EPOLLEXCLUSIVE) return -E.EINVAL;
      Object.assign(it, { events, data, seen: 0, disabled: false });
      ep.q.notify();
      return 0;
    }
    case EPOLL_CTL_DEL:
      return ep.items.delete(fd) ? 0 : -E.ENOENT;
    default:
      return -E.EINVAL;
  }
});

function doEpollWait(k: Kernel, t: Task, epfd: number, evAddr: number, max: number, timeoutMs: number | null): number | Promise<number> {
  const ep = t.proc.fds.get(epfd);
  if (!ep) return -E.EBADF;
  if (!(ep instanceof EpollFd) || max <= 0) return -E.EINVAL;
  const collect = (): number => {
    const out: Uint8Array[] = [];
    for (const it of ep.items.values()) {
      if (out.length >= max) break;
      if (it.disabled || t.proc.fds.get(it.fd) !== it.file) continue;
      let ev = ep.ready(it);
      if (it.events & EPOLLET) {
        const fresh = ev & ~it.seen;
        it.seen = ev;
        ev = fresh;
      }
      if (!ev) continue;
      if (it.events & EPOLLONESHOT) it.disabled = true;
      const b = new StructBuf(12).u32(0, ev).i32(4, it.data[0]).i32(8, it.data[1]);
      out.push(b.bytes);
    }
    if (out.length > 0) {
      const all = new Uint8Array(out.length * 12);
      out.forEach((b, i) => all.set(b, 12 * i));
      t.proc.mem.writeBytes(evAddr, all);
    }
    return out.length;
  };
  const first = collect();
  if (first > 0 || timeoutMs === 0) return first;
  if (k.hasDeliverable(t)) return -E.EINTR;
  const deadline = timeoutMs === null ? Infinity : k.host.monotonicNs() / 1e6 + timeoutMs;
  const again = (): Promise<number> =>
    k.waitInterruptible(t, (done) => {
      const offs = ep.pollQueues().map((q) => q.add(() => done(1)));
      const cancel = deadline === Infinity ? () => {} : k.host.setTimer(Math.max(0, deadline - k.host.monotonicNs() / 1e6), () => done(0));
      return () => {
        cancel();
        offs.forEach((o) => o());
      };
    }, -E.EINTR).then((v) => {
      if (v < 0) return v;
      const n = collect();
      if (n > 0 || v === 0 || k.host.monotonicNs() / 1e6 >= deadline) return n;
      return again();
    });
  return again();
}

sys('epoll_wait', ['fd', 'ptr', 'int', 'int'], (k, t, a) => doEpollWait(k, t, a.int(0), a.ptr(1), a.int(2), a.int(3) < 0 ? null : a.int(3)));
/** epoll_pwait/epoll_pwait2: the wait runs under the given signal mask (see withMask). */
function epollPwait(k: Kernel, t: Task, a: SysArgs, timeoutMs: number | null): number | Promise<number> {
  const e = withMask(t, a.ptr(4), a.u64(5));
  if (e < 0) return e;
  return restoreMask(t, doEpollWait(k, t, a.int(0), a.ptr(1), a.int(2), timeoutMs), -E.EINTR);
}

sys('epoll_pwait', ['fd', 'ptr', 'int', 'int', 'ptr', 'size'], (k, t, a) => epollPwait(k, t, a, a.int(3) < 0 ? null : a.int(3)));
sys('epoll_pwait2', ['fd', 'ptr', 'int', 'ptr', 'ptr', 'size'], (k, t, a) => {
  let ms: number | null = null;
  if (a.ptr(3)) {
    const [s, ns] = readTimespec(t.proc.mem, a.ptr(3));
    if (s < 0 || ns < 0 || ns >= 1e9) return -E.EINVAL;
    ms = s * 1000 + ns / 1e6;
  }
  return epollPwait(k, t, a, ms);
});
