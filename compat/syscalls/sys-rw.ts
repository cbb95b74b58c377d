/**
 * Reading and writing file descriptors: read, write, the vector and positioned forms, lseek,
 * close, dup*, fcntl and ioctl. Reads check that the guest buffer is writable before consuming
 * input, so a bad pointer (EFAULT) loses no data.
 */

import { sys } from './registry.js';
import type { Kernel } from '../../kernel/kernel.js';
import { ERESTARTSYS } from '../../kernel/kernel.js';
import type { MaybeAsync } from '../../kernel/vfs/file.js';
import { SIGPIPE } from '../../kernel/signal.js';
import { E } from '../errno.js';
import type { Task } from '../../kernel/process.js';
import type { OpenFile, IoCall } from '../../kernel/vfs/file.js';
import { O_CLOEXEC, O_APPEND, O_NONBLOCK } from '../../kernel/vfs/file.js';
import { PROT_WRITE } from '../../kernel/mm/pagetable.js';
import { dropFile } from '../../kernel/fdtable.js';
import { Socket } from '../../kernel/net/socket.js';
import { sockSend, sockRecv } from './sock-io.js';
import { fcntlLock, releaseRecordLocks, F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW } from './sys-locks.js';

/** Linux caps a single read/write at MAX_RW_COUNT; we also bound the host buffer. */
const MAX_RW = 0x7ffff000;
const CHUNK = 1 << 22;
const IOV_MAX = 1024;

function fileOf(t: Task, fd: number): OpenFile | number {
  return t.proc.fds.get(fd) ?? -E.EBADF;
}

/**
 * Runs a file operation that may have to wait: a Promise is awaited, a WouldBlock is waited on
 * (interruptibly: a signal makes it -ERESTARTSYS) and the operation retried.
 */
export function blocking(k: Kernel, t: Task, op: () => MaybeAsync): number | Promise<number> {
  const r = op();
  if (typeof r === 'number' || r instanceof Promise) return r;
  const q = r.queue;
  return k.waitInterruptible(t, (done) => q.add(() => done(0)), -ERESTARTSYS).then((v) => (v < 0 ? v : blocking(k, t, op)));
}

/** read into guest memory at buf: one read of up to n bytes. */
export function readInto(k: Kernel, t: Task, f: OpenFile, buf: number, n: number, pos: number | null): number | Promise<number> {
  if (!f.readable()) return -E.EBADF;
  n = Math.min(n, MAX_RW, CHUNK);
  if (n === 0) return 0;
  if (!t.proc.mem.isAccessible(buf, n, PROT_WRITE)) return -E.EFAULT;
  if (f instanceof Socket) {
    if (pos !== null) return -E.ESPIPE;
    return socketRead(k, t, f, n, (d) => t.proc.mem.writeBytes(buf, d));
  }
  const data = new Uint8Array(n);
  const done = (r: number): number => {
    if (r > 0) t.proc.mem.writeBytes(buf, data.subarray(0, r));
    return r;
  };
  const io: IoCall = { task: t };
  const r = blocking(k, t, () => f.read(data, pos, io));
  return typeof r === 'number' ? done(r) : r.then(done);
}

/** read/readv on a socket: recvmsg without flags (SO_RCVTIMEO honoured, passed descriptors dropped). */
function socketRead(k: Kernel, t: Task, s: Socket, n: number, out: (d: Uint8Array) => void): number | Promise<number> {
  const r = sockRecv(k, t, s, n, 0);
  const done = (v: Awaited<typeof r>): number => {
    if (typeof v === 'number') return v;
    if (v.st.rights) for (const f of v.st.rights) dropFile(f);
    if (v.st.copied) out(v.st.buf.subarray(0, v.st.copied));
    return v.r;
  };
  return r instanceof Promise ? r.then(done) : done(r);
}

/**
 * Writes all of data, waiting for room as often as needed (a pipe takes a large write in parts).
 * EPIPE also sends SIGPIPE, as Linux does.
 */
export function writeAll(k: Kernel, t: Task, f: OpenFile, data: Uint8Array, pos: number | null): number | Promise<number> {
  if (f instanceof Socket) return pos !== null ? -E.ESPIPE : sockSend(k, t, f, data, 0, null);
  let done = 0;
  const finish = (r: number): number => {
    if (r === -E.EPIPE) k.sendSignal(t, { signo: SIGPIPE, code: 0, pid: t.proc.pid, uid: k.host.uid });
    return done > 0 ? done : r;
  };
  const io: IoCall = { task: t };
  const step = (): number | Promise<number> => {
    const r = blocking(k, t, () => f.write(data.subarray(done), pos === null ? null : pos + done, io));
    const after = (n: number): number | Promise<number> => {
      if (n < 0) return finish(n);
      done += n;
      return done < data.length && n > 0 ? step() : done;
    };
    return typeof r === 'number' ? after(r) : r.then(after);
  };
  return step();
}

export function writeFrom(k: Kernel, t: Task, f: OpenFile, buf: number, n: number, pos: number | null): number | Promise<number> {
  if (!f.writable()) return -E.EBADF;
  n = Math.min(n, MAX_RW);
  if (n === 0) return 0;
  const data = t.proc.mem.readBytes(buf, n);
  return writeAll(k, t, f, data, pos);
}

sys('read', ['fd', 'buf:out', 'size'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  return typeof f === 'number' ? f : readInto(k, t, f, a.ptr(1), a.u64(2), null);
});

sys('write', ['fd', 'buf:in:2', 'size'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  return typeof f === 'number' ? f : writeFrom(k, t, f, a.ptr(1), a.u64(2), null);
});

sys('pread64', ['fd', 'buf:out', 'size', 'off'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  const pos = a.s64(3);
  return pos < 0 ? -E.EINVAL : readInto(k, t, f, a.ptr(1), a.u64(2), pos);
});

sys('pwrite64', ['fd', 'buf:in:2', 'size', 'off'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  const pos = a.s64(3);
  return pos < 0 ? -E.EINVAL : writeFrom(k, t, f, a.ptr(1), a.u64(2), pos);
});

/** Reads the iovec array as [base, len] pairs. */
function iovecs(t: Task, addr: number, count: number): [number, number][] | number {
  if (count < 0 || count > IOV_MAX) return -E.EINVAL;
  const out: [number, number][] = [];
  let total = 0;
  for (let k = 0; k < count; k++) {
    const base = t.proc.mem.readU64(addr + 16 * k);
    const len = t.proc.mem.readU64(addr + 16 * k + 8);
    if (len > MAX_RW) return -E.EINVAL;
    total += len;
    out.push([base, len]);
  }
  return total > 2 ** 62 ? -E.EINVAL : out;
}

/** writev: gathers the buffers and writes them as one (atomic for pipes up to PIPE_BUF). */
export function doWritev(k: Kernel, t: Task, fd: number, iov: number, cnt: number, pos: number | null): number | Promise<number> {
  const f = fileOf(t, fd);
  if (typeof f === 'number') return f;
  if (!f.writable()) return -E.EBADF;
  const v = iovecs(t, iov, cnt);
  if (typeof v === 'number') return v;
  const parts = v.map(([b, l]) => t.proc.mem.readBytes(b, l));
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total === 0) return 0;
  const data = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.length;
  }
  return writeAll(k, t, f, data, pos);
}

/** readv: one read of the total size, scattered into the buffers. */
export function doReadv(k: Kernel, t: Task, fd: number, iov: number, cnt: number, pos: number | null): number | Promise<number> {
  const f = fileOf(t, fd);
  if (typeof f === 'number') return f;
  if (!f.readable()) return -E.EBADF;
  const v = iovecs(t, iov, cnt);
  if (typeof v === 'number') return v;
  const total = Math.min(v.reduce((s, [, l]) => s + l, 0), CHUNK);
  for (const [b, l] of v) if (l > 0 && !t.proc.mem.isAccessible(b, l, PROT_WRITE)) return -E.EFAULT;
  if (total === 0) return 0;
  let data: Uint8Array = new Uint8Array(total);
  const scatter = (n: number): number => {
    let off = 0;
    for (const [b, l] of v) {
      if (off >= n) break;
      const c = Math.min(l, n - off);
      t.proc.mem.writeBytes(b, data.subarray(off, off + c));
      off += c;
    }
    return n;
  };
  if (f instanceof Socket) {
    if (pos !== null) return -E.ESPIPE;
    return socketRead(k, t, f, total, (d) => {
      data = d;
      scatter(d.length);
    });
  }
  const io: IoCall = { task: t };
  const r = blocking(k, t, () => f.read(data, pos, io));
  return typeof r === 'number' ? (r > 0 ? scatter(r) : r) : r.then((n) => (n > 0 ? scatter(n) : n));
}

sys('writev', ['fd', 'iov:in', 'int'], (k, t, a) => doWritev(k, t, a.int(0), a.ptr(1), a.int(2), null));
sys('readv', ['fd', 'iov:out', 'int'], (k, t, a) => doReadv(k, t, a.int(0), a.ptr(1), a.int(2), null));
sys('pwritev', ['fd', 'iov:in', 'int', 'off'], (k, t, a) => doWritev(k, t, a.int(0), a.ptr(1), a.int(2), a.s64(3)));
sys('preadv', ['fd', 'iov:out', 'int', 'off'], (k, t, a) => doReadv(k, t, a.int(0), a.ptr(1), a.int(2), a.s64(3)));

sys('lseek', ['fd', 'off', 'whence'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  return typeof f === 'number' ? f : f.lseek(a.s64(1), a.int(2));
});

sys('close', ['fd'], (k, t, a) => {
  const f = t.proc.fds.get(a.int(0));
  if (f) releaseRecordLocks(t, f);
  return t.proc.fds.close(a.int(0));
});

sys('dup', ['fd'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  return typeof f === 'number' ? f : t.proc.fds.alloc(f, false);
});

sys('dup2', ['fd', 'fd'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (a.int(0) === a.int(1)) return a.int(1);
  return t.proc.fds.install(a.int(1), f, false);
});

sys('dup3', ['fd', 'fd', 'oflags'], (k, t, a) => {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (a.int(0) === a.int(1) || (a.int(2) & ~O_CLOEXEC) !== 0) return -E.EINVAL;
  return t.proc.fds.install(a.int(1), f, (a.int(2) & O_CLOEXEC) !== 0);
});

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
const FD_CLOEXEC = 1;

sys('fcntl', ['fd', 'fcntl', 'hex'], (k, t, a) => {
  const fd = a.int(0);
  const e = t.proc.fds.entry(fd);
  if (!e) return -E.EBADF;
  switch (a.int(1)) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = a.int(2);
      if (min < 0 || min >= t.proc.fds.limit) return -E.EINVAL;
      return t.proc.fds.alloc(e.file, a.int(1) === F_DUPFD_CLOEXEC, min);
    }
    case F_GETFD:
      return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD:
      e.cloexec = (a.int(2) & FD_CLOEXEC) !== 0;
      return 0;
    case F_GETFL:
      return e.file.flags & ~O_CLOEXEC;
    case F_SETFL: {
      if (e.file.flags & 0x200000 /* O_PATH */) return -E.EBADF;
      const settable = O_APPEND | O_NONBLOCK | 0x2000 /* O_ASYNC */ | 0x4000 /* O_DIRECT */ | 0x40000 /* O_NOATIME */;
      e.file.flags = (e.file.flags & ~settable) | (a.int(2) & settable);
      return 0;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
      return fcntlLock(k, t, e.file, a.int(1), a.ptr(2));
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ: {
      const pipe = (e.file as unknown as { pipe?: { capacity: number; resize(n: number): number } }).pipe;
      if (!pipe) return -E.EBADF;
      if (a.int(1) === F_GETPIPE_SZ) return pipe.capacity;
      const size = a.u64(2);
      if (size > 1048576 && k.host.uid !== 0) return -E.EPERM;
      if (size > 2 ** 31) return -E.EINVAL;
      return pipe.resize(size);
    }
    case F_GETOWN:
    case F_SETOWN:
    case F_GETSIG:
    case F_SETSIG:
      return 0;
    case F_GETLEASE:
      return F_UNLCK;
    case F_GET_SEALS:
    case F_ADD_SEALS:
      return -E.EINVAL;
    default:
      return -E.EINVAL;
  }
}, { status: 'partial', note: 'dup, FD/FL flags, record locks (POSIX and OFD), pipe size; no leases or signals-on-I/O' });
const F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_GETLEASE = 1025, F_UNLCK = 2;
const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
