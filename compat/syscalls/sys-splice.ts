/**
 * splice, tee and vmsplice (Linux's fs/splice.c), with data copied rather than pages moved.
 *
 * One side of a splice must be a pipe: our in-kernel pipes (pipe(2), FIFOs), or a pipe of the
 * host inherited as a descriptor (a shell pipeline), which Linux would also see as a pipe. The
 * argument checks follow Linux in order: ESPIPE for an offset on a pipe, EBADF for the wrong
 * access modes, EINVAL for no pipe at all, the same pipe on both sides, an offset on a file that
 * cannot pread/pwrite, or O_APPEND output. A splice waits like read and write do: for data in an
 * empty pipe (0 once no writer is left), for room in a full one (EPIPE and SIGPIPE once no
 * reader is left), interruptibly; SPLICE_F_NONBLOCK or O_NONBLOCK on a pipe makes those waits
 * EAGAIN. Offsets passed by pointer are read, used and written back; otherwise the file position
 * moves. tee copies pipe data to another pipe without consuming it; vmsplice gathers user memory
 * into a pipe, or scatters pipe data into user memory.
 * Limits: a host pipe cannot be read without consuming it, so tee from one is EINVAL, and reads
 * from host files are not made non-blocking by SPLICE_F_NONBLOCK.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import { ERESTARTSYS } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { Pipe } from '../../kernel/pipe.js';
import type { WaitQueue } from '../../kernel/waitqueue.js';
import { OpenFile, S_IFMT, S_IFREG, S_IFDIR, S_IFIFO, S_IFCHR, S_IFBLK, O_APPEND, O_NONBLOCK } from '../../kernel/vfs/file.js';
import { GuestFault } from '../../kernel/cpu/fault.js';
import { SIGPIPE } from '../../kernel/signal.js';
import { blocking, writeAll, doReadv, doWritev } from './sys-rw.js';

const SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
const SPLICE_F_ALL = SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT;
const MAX_RW = 0x7ffff000;
/** How much one splice between two non-kernel files moves at most (a pipe's worth). */
const CHUNK = 65536;
const UIO_MAXIOV = 1024;

type Result = number | Promise<number>;

function fmtOf(f: OpenFile): number {
  const st = f.stat();
  return typeof st === 'number' ? 0 : st.mode & S_IFMT;
}

/** Our in-kernel pipe behind f (either end, or a FIFO opened read-write), if any. */
function pipeOf(f: OpenFile): Pipe | null {
  const p = (f as unknown as { pipe?: unknown }).pipe;
  return p instanceof Pipe ? p : null;
}

/** Whether Linux would see a pipe: ours, or a host pipe/FIFO behind an inherited descriptor. */
function isPipe(f: OpenFile): boolean {
  return pipeOf(f) !== null || fmtOf(f) === S_IFIFO;
}

/** FMODE_PREAD/FMODE_PWRITE: positional I/O works (not on sockets, terminals, anonymous files). */
function positional(k: Kernel, f: OpenFile): boolean {
  const fmt = fmtOf(f);
  if (fmt === S_IFREG || fmt === S_IFBLK || fmt === S_IFDIR) return true;
  if (fmt !== S_IFCHR) return false;
  const h = f.hostFd();
  return !(h >= 0 && k.host.isatty(h));
}

/** Files with splice_read/splice_write: not directories or anonymous inodes (eventfd...). */
function splices(f: OpenFile): boolean {
  const fmt = fmtOf(f);
  return fmt !== 0 && fmt !== S_IFDIR;
}

function sigpipe(k: Kernel, t: Task): void {
  k.sendSignal(t, { signo: SIGPIPE, code: 0, pid: t.proc.pid, uid: k.host.uid });
}

function waitOn(k: Kernel, t: Task, q: WaitQueue, then: () => Result): Promise<number> {
  return k.waitInterruptible(t, (done) => q.add(() => done(0)), -ERESTARTSYS).then((v) => (v < 0 ? v : then()));
}

function space(p: Pipe): number {
  return p.capacity - p.length;
}

/** rw_verify_area: a negative offset or count, or one that overflows, is EINVAL. */
function verifyArea(pos: number | null, len: number): number {
  if (len > 2 ** 63 - 1) return -E.EINVAL;
  if (pos !== null && (pos < 0 || pos + Math.min(len, MAX_RW) > 2 ** 63 - 1)) return -E.EINVAL;
  return 0;
}

/**
 * Waits until p has data (returns 0), or reports that it never will (1: empty and no writer),
 * or -EAGAIN / -ERESTARTSYS. (ipipe_prep and splice_from_pipe_next.)
 */
function awaitData(k: Kernel, t: Task, p: Pipe, nonblock: boolean, then: (eof: boolean) => Result): Result {
  if (p.length > 0) return then(false);
  if (p.writers === 0) return then(true);
  if (nonblock) return -E.EAGAIN;
  return waitOn(k, t, p.readable, () => awaitData(k, t, p, nonblock, then));
}

/** Waits for room in p (wait_for_space / opipe_prep): EPIPE plus SIGPIPE without readers. */
function awaitRoom(k: Kernel, t: Task, p: Pipe, nonblock: boolean, then: () => Result): Result {
  if (p.readers === 0) {
    sigpipe(k, t);
    return -E.EPIPE;
  }
  if (space(p) > 0) return then();
  if (nonblock) return -E.EAGAIN;
  return waitOn(k, t, p.writable, () => awaitRoom(k, t, p, nonblock, then));
}

/** A file (or host pipe) into one of our pipes: as much as the file gives and the pipe holds. */
function fileToPipe(k: Kernel, t: Task, from: OpenFile, p: Pipe, pos: number | null, len: number, nonblock: boolean): Result {
  return awaitRoom(k, t, p, nonblock, () => {
    if (!splices(from)) return -E.EINVAL;
    const buf = new Uint8Array(Math.min(len, space(p), MAX_RW));
    const r = blocking(k, t, () => from.read(buf, pos));
    const put = (n: number): number => {
      if (n > 0) p.append(buf.subarray(0, n));
      return n;
    };
    return typeof r === 'number' ? put(r) : r.then(put);
  });
}

/** One of our pipes into a file (or host pipe): what is there, up to len; waits while empty. */
function pipeToFile(k: Kernel, t: Task, p: Pipe, to: OpenFile, pos: number | null, len: number, nonblock: boolean): Result {
  return awaitData(k, t, p, nonblock, (eof) => {
    if (eof) return 0;
    const data = new Uint8Array(Math.min(len, p.length, MAX_RW));
    p.peek(data);
    const r = writeAll(k, t, to, data, pos);
    if (typeof r !== 'number') {
      p.read(new Uint8Array(data.length)); // in flight: gone from the pipe
      return r;
    }
    if (r > 0) p.read(new Uint8Array(r)); // only what was written leaves the pipe
    return r;
  });
}

/** Between two of our pipes (splice_pipe_to_pipe). */
function pipeToPipe(k: Kernel, t: Task, ip: Pipe, op: Pipe, len: number, nonblock: boolean): Result {
  return awaitData(k, t, ip, nonblock, () => {
    const move = (): Result => {
      if (op.readers === 0) {
        sigpipe(k, t);
        return -E.EPIPE;
      }
      if (ip.length === 0) return ip.writers === 0 ? 0 : pipeToPipe(k, t, ip, op, len, nonblock);
      const data = new Uint8Array(Math.min(len, ip.length, space(op)));
      ip.read(data);
      op.append(data);
      return data.length;
    };
    if (space(op) > 0) return move();
    return awaitRoom(k, t, op, nonblock, move);
  });
}

/** Neither side is one of our pipes, but one is a host pipe: read, then write it all. */
function copyThrough(k: Kernel, t: Task, from: OpenFile, to: OpenFile, inPos: number | null, outPos: number | null, len: number): Result {
  const buf = new Uint8Array(Math.min(len, CHUNK));
  const r = blocking(k, t, () => from.read(buf, inPos));
  const write = (n: number): Result => (n <= 0 ? n : writeAll(k, t, to, buf.subarray(0, n), outPos));
  return typeof r === 'number' ? write(r) : r.then(write);
}

sys('splice', ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'], (k, t, a) => {
  const len = a.u64(4), flags = a.uint(5);
  if (len === 0) return 0;
  if (flags & ~SPLICE_F_ALL) return -E.EINVAL;
  const fin = t.proc.fds.get(a.int(0));
  if (!fin) return -E.EBADF;
  const fout = t.proc.fds.get(a.int(2));
  if (!fout) return -E.EBADF;
  const inAddr = a.ptr(1), outAddr = a.ptr(3);
  const inIsPipe = isPipe(fin), outIsPipe = isPipe(fout);
  if (inIsPipe && inAddr) return -E.ESPIPE;
  if (outIsPipe && outAddr) return -E.ESPIPE;
  const m = t.proc.mem;
  const readOff = (addr: number): number => Number(new DataView(m.readBytes(addr, 8).buffer).getBigInt64(0, true));
  const outOff = outAddr ? readOff(outAddr) : null;
  const inOff = inAddr ? readOff(inAddr) : null;
  if (!fin.readable() || !fout.writable()) return -E.EBADF;
  const ip = pipeOf(fin), op = pipeOf(fout);
  let nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;

  if (inIsPipe && outIsPipe) {
    if (ip && ip === op) return -E.EINVAL;
    if ((fin.flags | fout.flags) & O_NONBLOCK) nonblock = true;
    if (ip && op) return pipeToPipe(k, t, ip, op, len, nonblock);
    if (ip) return pipeToFile(k, t, ip, fout, null, len, nonblock);
    if (op) return fileToPipe(k, t, fin, op, null, len, nonblock);
    return copyThrough(k, t, fin, fout, null, null, len);
  }

  // Exactly one side is a pipe; the other has an offset (by pointer, or its file position).
  const back = (addr: number, off: number | null) => (n: number): number => {
    if (n >= 0 && addr) m.writeU64(addr, off! + n);
    return n;
  };
  let r: Result;
  let after: (n: number) => number;
  if (inIsPipe) {
    if (outAddr && !positional(k, fout)) return -E.EINVAL;
    if (fout.flags & O_APPEND) return -E.EINVAL;
    const err = verifyArea(outOff ?? fout.pos, len);
    if (err) return err;
    if (!splices(fout)) return -E.EINVAL;
    if (fin.flags & O_NONBLOCK) nonblock = true;
    r = ip ? pipeToFile(k, t, ip, fout, outOff, len, nonblock) : copyThrough(k, t, fin, fout, null, outOff, len);
    after = back(outAddr, outOff);
  } else if (outIsPipe) {
    if (inAddr && !positional(k, fin)) return -E.EINVAL;
    const err = verifyArea(inOff ?? fin.pos, len);
    if (err) return err;
    if (fout.flags & O_NONBLOCK) nonblock = true;
    r = op ? fileToPipe(k, t, fin, op, inOff, len, nonblock) : copyThrough(k, t, fin, fout, inOff, null, len);
    after = back(inAddr, inOff);
  } else return -E.EINVAL;
  return typeof r === 'number' ? after(r) : r.then(after);
}, { status: 'partial', note: 'data is copied; pipes, FIFOs and host pipes with files, terminals and sockets' });

sys('tee', ['fd', 'fd', 'size', 'hex'], (k, t, a) => {
  const len = a.u64(2), flags = a.uint(3);
  if (flags & ~SPLICE_F_ALL) return -E.EINVAL;
  if (len === 0) return 0;
  const fin = t.proc.fds.get(a.int(0));
  if (!fin) return -E.EBADF;
  const fout = t.proc.fds.get(a.int(1));
  if (!fout) return -E.EBADF;
  if (!fin.readable() || !fout.writable()) return -E.EBADF;
  const ip = pipeOf(fin), op = pipeOf(fout);
  if (!ip || !isPipe(fout) || ip === op) return -E.EINVAL;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0 || ((fin.flags | fout.flags) & O_NONBLOCK) !== 0;
  return awaitData(k, t, ip, nonblock, () => {
    const link = (): Result => {
      if (op && op.readers === 0) {
        sigpipe(k, t);
        return -E.EPIPE;
      }
      if (ip.length === 0 || (op && space(op) <= 0)) return 0;
      const data = new Uint8Array(Math.min(len, ip.length, op ? space(op) : CHUNK));
      ip.peek(data);
      if (!op) return writeAll(k, t, fout, data, null);
      op.append(data);
      return data.length;
    };
    return op ? awaitRoom(k, t, op, nonblock, link) : link();
  });
}, { status: 'partial', note: 'data is copied; not from a host pipe' });

sys('vmsplice', ['fd', 'iov:in', 'uint', 'hex'], (k, t, a) => {
  const flags = a.uint(3);
  if (flags & ~SPLICE_F_ALL) return -E.EINVAL;
  const f = t.proc.fds.get(a.int(0));
  if (!f) return -E.EBADF;
  const toPipe = f.writable();
  if (!toPipe && !f.readable()) return -E.EBADF;
  const nseg = a.u64(2);
  if (nseg > UIO_MAXIOV) return -E.EINVAL;
  const m = t.proc.mem;
  const segs: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < nseg; i++) {
    const base = m.readU64(a.ptr(1) + 16 * i);
    let l = m.readU64(a.ptr(1) + 16 * i + 8);
    if (l >= 2 ** 63) return -E.EINVAL;
    if (l > MAX_RW - total) l = MAX_RW - total;
    total += l;
    segs.push([base, l]);
  }
  if (total === 0) return 0;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  const p = pipeOf(f);
  if (toPipe) {
    if (!isPipe(f)) return -E.EBADF;
    // Gathers user memory up to `room` bytes, stopping at the first unreadable byte.
    const gather = (room: number): Uint8Array | number => {
      const out = new Uint8Array(Math.min(room, total));
      let got = 0;
      for (const [base, l] of segs) {
        for (let off = 0; off < l && got < out.length; ) {
          const n = Math.min(l - off, out.length - got, 4096 - ((base + off) % 4096));
          try {
            m.readInto(base + off, out.subarray(got, got + n));
          } catch (e) {
            if (!(e instanceof GuestFault)) throw e;
            return got > 0 ? out.subarray(0, got) : -E.EFAULT;
          }
          got += n;
          off += n;
        }
      }
      return out.subarray(0, got);
    };
    if (!p) return doWritev(k, t, a.int(0), a.ptr(1), nseg, null); // a host pipe: a gathering write
    return awaitRoom(k, t, p, nonblock, () => {
      const data = gather(space(p));
      if (typeof data === 'number') return data;
      p.append(data);
      return data.length;
    });
  }
  if (!p) return isPipe(f) ? doReadv(k, t, a.int(0), a.ptr(1), nseg, null) : -E.EBADF; // a host pipe: a read
  return awaitData(k, t, p, nonblock, (eof) => {
    if (eof) return 0;
    const data = new Uint8Array(Math.min(total, p.length));
    p.peek(data);
    let put = 0;
    for (const [base, l] of segs) {
      if (put >= data.length) break;
      const n = Math.min(l, data.length - put);
      try {
        m.writeBytes(base, data.subarray(put, put + n));
      } catch (e) {
        if (!(e instanceof GuestFault)) throw e;
        break;
      }
      put += n;
    }
    if (put === 0) return -E.EFAULT;
    p.read(new Uint8Array(put));
    return put;
  });
}, { status: 'partial', note: 'user memory is copied into or out of the pipe' });
