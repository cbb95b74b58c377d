/**
 * Signals: dispositions (rt_sigaction), masks (rt_sigprocmask, rt_sigsuspend), sending (kill,
 * tgkill, tkill, rt_sigqueueinfo), waiting (pause, rt_sigsuspend, rt_sigtimedwait, rt_sigpending),
 * alternate stacks, rt_sigreturn, and the interval timers: alarm and ITIMER_REAL (SIGALRM, host
 * timers), ITIMER_VIRTUAL and ITIMER_PROF (SIGVTALRM/SIGPROF, on the process's CPU-time clocks).
 * Delivery itself (frames, default actions, restarts) is in kernel/signal.ts and kernel.ts.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import { NSIG } from '../../kernel/process.js';
import type { Process, Task } from '../../kernel/process.js';
import type { Kernel } from '../../kernel/kernel.js';
import { KEEP_REGS, ERESTARTNOHAND } from '../../kernel/kernel.js';
import { StructBuf, readTimespec } from '../structs.js';
import { sigreturn, infoBytes, SigInfo, SI_USER, SI_TKILL, SI_QUEUE, SIGKILL, SIGSTOP, SIGALRM, SS_DISABLE, SS_ONSTACK, SS_AUTODISARM, bit } from '../../kernel/signal.js';
import { getSp } from '../../kernel/cpu/operands.js';
import { armCpuTimer, cpuClock, cpuTimerLeft, CpuTimer, CPUCLOCK_VIRT, CPUCLOCK_PROF } from '../../kernel/cputime.js';

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const UNBLOCKABLE_LO = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

sys('rt_sigaction', ['signal', 'ptr', 'ptr', 'size'], (k, t, a) => {
  const sig = a.int(0);
  if (a.u64(3) !== 8) return -E.EINVAL;
  if (sig < 1 || sig > NSIG) return -E.EINVAL;
  const act = t.proc.sigactions[sig];
  let next = null;
  if (a.ptr(1)) {
    if (sig === SIGKILL || sig === SIGSTOP) return -E.EINVAL;
    const m = t.proc.mem;
    const p = a.ptr(1);
    next = { handler: m.readU64(p), flags: m.read32(p + 8) >>> 0, restorer: m.readU64(p + 16), maskLo: m.read32(p + 24) & ~UNBLOCKABLE_LO, maskHi: m.read32(p + 28) };
  }
  if (a.ptr(2)) {
    const b = new StructBuf(32).u64(0, act.handler).u64(8, act.flags).u64(16, act.restorer);
    b.i32(24, act.maskLo).i32(28, act.maskHi);
    t.proc.mem.writeBytes(a.ptr(2), b.bytes);
  }
  if (next) Object.assign(act, next);
  // Setting a signal to be ignored discards it if pending (POSIX).
  if (next && next.handler === 1) t.pending = t.pending.filter((x) => x.signo !== sig);
  return 0;
});

/** Applies how/set to t's mask; returns -EINVAL for a bad how. */
function changeMask(t: Task, how: number, lo: number, hi: number): number {
  if (how === SIG_BLOCK) {
    t.sigmaskLo |= lo;
    t.sigmaskHi |= hi;
  } else if (how === SIG_UNBLOCK) {
    t.sigmaskLo &= ~lo;
    t.sigmaskHi &= ~hi;
  } else if (how === SIG_SETMASK) {
    t.sigmaskLo = lo;
    t.sigmaskHi = hi;
  } else return -E.EINVAL;
  t.sigmaskLo &= ~UNBLOCKABLE_LO;
  return 0;
}

sys('rt_sigprocmask', ['int', 'ptr', 'ptr', 'size'], (k, t, a) => {
  if (a.u64(3) !== 8) return -E.EINVAL;
  const m = t.proc.mem;
  const oldLo = t.sigmaskLo, oldHi = t.sigmaskHi;
  if (a.ptr(1)) {
    const r = changeMask(t, a.int(0), m.read32(a.ptr(1)), m.read32(a.ptr(1) + 4));
    if (r < 0) return r;
  }
  if (a.ptr(2)) m.writeBytes(a.ptr(2), new StructBuf(8).i32(0, oldLo).i32(4, oldHi).bytes);
  return 0;
});

sys('rt_sigpending', ['ptr', 'size'], (k, t, a) => {
  if (a.u64(1) > 8) return -E.EINVAL;
  let lo = 0, hi = 0;
  for (const x of t.pending) {
    const [l, h] = bit(x.signo);
    lo |= l;
    hi |= h;
  }
  t.proc.mem.writeBytes(a.ptr(0), new StructBuf(8).i32(0, lo & t.sigmaskLo).i32(4, hi & t.sigmaskHi).bytes);
  return 0;
});

sys('rt_sigreturn', [], (k, t) => {
  sigreturn(k.cpu, t);
  return KEEP_REGS;
});

/** Waits until a signal is delivered (pause, sigsuspend): the result becomes EINTR after the handler. */
function waitForSignal(k: Kernel, t: Task): number | Promise<number> {
  if (k.hasDeliverable(t)) return -ERESTARTNOHAND;
  return k.waitInterruptible(t, () => () => {}, -ERESTARTNOHAND);
}

sys('pause', [], (k, t) => waitForSignal(k, t));

sys('rt_sigsuspend', ['ptr', 'size'], (k, t, a) => {
  if (a.u64(1) !== 8) return -E.EINVAL;
  const lo = t.proc.mem.read32(a.ptr(0)), hi = t.proc.mem.read32(a.ptr(0) + 4);
  t.savedMask = [t.sigmaskLo, t.sigmaskHi];
  t.sigmaskLo = lo & ~UNBLOCKABLE_LO;
  t.sigmaskHi = hi;
  return waitForSignal(k, t);
});

sys('rt_sigtimedwait', ['ptr', 'ptr', 'ptr', 'size'], (k, t, a) => {
  if (a.u64(3) !== 8) return -E.EINVAL;
  const m = t.proc.mem;
  const lo = m.read32(a.ptr(0)) & ~UNBLOCKABLE_LO, hi = m.read32(a.ptr(0) + 4);
  const take = (): number | null => {
    const idx = t.pending.findIndex((x) => (bit(x.signo)[0] & lo) !== 0 || (bit(x.signo)[1] & hi) !== 0);
    if (idx < 0) return null;
    const [info] = t.pending.splice(idx, 1);
    if (a.ptr(1)) m.writeBytes(a.ptr(1), infoBytes(info));
    return info.signo;
  };
  const now = take();
  if (now !== null) return now;
  let ms = Infinity;
  if (a.ptr(2)) {
    const ts = readTimespec(m, a.ptr(2));
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1e9) return -E.EINVAL;
    ms = ts[0] * 1000 + ts[1] / 1e6;
    if (ms === 0) return -E.EAGAIN;
  }
  t.sigwait = [lo, hi];
  return k.waitInterruptible(t, (done) => (ms === Infinity ? () => {} : k.host.setTimer(ms, () => done(-E.EAGAIN)))).then((v) => {
    t.sigwait = null;
    const got = take();
    return got !== null ? got : v;
  });
});

sys('sigaltstack', ['ptr', 'ptr'], (k, t, a) => {
  const m = t.proc.mem;
  const sp = getSp(k.cpu);
  const s = t.altStack;
  const onAlt = !(s.flags & SS_DISABLE) && sp > s.sp && sp <= s.sp + s.size;
  if (a.ptr(1)) {
    const flags = onAlt ? SS_ONSTACK : s.flags;
    m.writeBytes(a.ptr(1), new StructBuf(24).u64(0, s.sp).i32(8, flags).u64(16, s.size).bytes);
  }
  if (a.ptr(0)) {
    if (onAlt) return -E.EPERM;
    const flags = m.read32(a.ptr(0) + 8);
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -E.EINVAL;
    const size = m.readU64(a.ptr(0) + 16);
    if (mode === SS_DISABLE) t.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
    else {
      if (size < 2048) return -E.ENOMEM;
      t.altStack = { sp: m.readU64(a.ptr(0)), flags: flags & SS_AUTODISARM, size };
    }
  }
  return 0;
});

function sender(k: Kernel, t: Task, sig: number, code: number): SigInfo {
  return { signo: sig, code, pid: t.proc.pid, uid: k.host.uid };
}

/** The processes kill(pid) addresses: one, a process group, or all we may signal. */
function targets(k: Kernel, t: Task, pid: number): Process[] {
  const all = [...k.procs.values()];
  if (pid > 0) return all.filter((p) => p.pid === pid);
  if (pid === 0) return all.filter((p) => p.pgid === t.proc.pgid);
  if (pid === -1) return all;
  return all.filter((p) => p.pgid === -pid);
}

sys('kill', ['int', 'signal'], (k, t, a) => {
  const sig = a.int(1);
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  const ps = targets(k, t, a.int(0));
  if (ps.length === 0) return -E.ESRCH;
  if (sig !== 0) for (const p of ps) k.signalProcess(p, sender(k, t, sig, SI_USER));
  return 0;
});

function findTask(k: Kernel, tid: number): Task | undefined {
  for (const p of k.procs.values()) for (const x of p.tasks) if (x.tid === tid && x.state !== 2) return x;
  return undefined;
}

sys('tgkill', ['int', 'int', 'signal'], (k, t, a) => {
  const sig = a.int(2);
  if (sig < 0 || sig > NSIG || a.int(0) <= 0 || a.int(1) <= 0) return -E.EINVAL;
  const x = findTask(k, a.int(1));
  if (!x || x.proc.pid !== a.int(0)) return -E.ESRCH;
  if (sig !== 0) k.sendSignal(x, sender(k, t, sig, SI_TKILL));
  return 0;
});

sys('tkill', ['int', 'signal'], (k, t, a) => {
  const sig = a.int(1);
  if (sig < 0 || sig > NSIG || a.int(0) <= 0) return -E.EINVAL;
  const x = findTask(k, a.int(0));
  if (!x) return -E.ESRCH;
  if (sig !== 0) k.sendSignal(x, sender(k, t, sig, SI_TKILL));
  return 0;
});

sys('rt_sigqueueinfo', ['int', 'signal', 'ptr'], (k, t, a) => {
  const sig = a.int(1);
  if (sig < 1 || sig > NSIG) return -E.EINVAL;
  const p = k.procs.get(a.int(0));
  if (!p) return -E.ESRCH;
  const code = t.proc.mem.read32(a.ptr(2) + 8);
  if (code >= 0 && p !== t.proc) return -E.EPERM;
  k.signalProcess(p, { ...sender(k, t, sig, code), code: code || SI_QUEUE });
  return 0;
});

// ---- ITIMER_REAL and alarm: SIGALRM from a host timer ----

interface RealTimer {
  /** Absolute monotonic expiry (ns) and reload interval (ns); cancel of the host timer. */
  due: number;
  interval: number;
  cancel: () => void;
}
const timers = new WeakMap<Process, RealTimer>();

function armTimer(k: Kernel, p: Process, valueNs: number, intervalNs: number): void {
  timers.get(p)?.cancel();
  timers.delete(p);
  if (valueNs <= 0) return;
  const fire = (): void => {
    if (p.exit) return;
    k.signalProcess(p, { signo: SIGALRM, code: 0x80 /* SI_KERNEL */ });
    if (intervalNs > 0) armTimer(k, p, intervalNs, intervalNs);
    else timers.delete(p);
  };
  const cancel = k.host.setTimer(valueNs / 1e6, fire);
  timers.set(p, { due: k.host.monotonicNs() + valueNs, interval: intervalNs, cancel });
}

function remainingNs(k: Kernel, p: Process): [number, number] {
  const tm = timers.get(p);
  if (!tm) return [0, 0];
  return [Math.max(1000, tm.due - k.host.monotonicNs()), tm.interval];
}

sys('alarm', ['uint'], (k, t, a) => {
  const [left] = remainingNs(k, t.proc);
  armTimer(k, t.proc, a.uint(0) * 1e9, 0);
  return left === 0 ? 0 : Math.max(1, Math.round(left / 1e9));
});

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const SIGVTALRM = 26, SIGPROF = 27;
/** Linux adds one tick (HZ = 250) to a CPU itimer's first expiry so it never fires early. */
const TICK_NS = 4000000;

function timevalBytes(ns: number, ins: number): Uint8Array {
  const b = new StructBuf(32);
  b.u64(0, Math.floor(ins / 1e9)).u64(8, Math.floor((ins % 1e9) / 1000));
  b.u64(16, Math.floor(ns / 1e9)).u64(24, Math.floor((ns % 1e9) / 1000));
  return b.bytes;
}

/**
 * ITIMER_VIRTUAL (user CPU time, SIGVTALRM) and ITIMER_PROF (user+system, SIGPROF) of a process:
 * timers on its CPU clocks, run by the accounting in kernel/cputime.ts. Not inherited by fork
 * (a new Process has none); kept across exec.
 */
const cpuItimers = new WeakMap<Process, CpuTimer[]>();

function cpuItimer(k: Kernel, p: Process, which: number): CpuTimer {
  let pair = cpuItimers.get(p);
  if (!pair) {
    const make = (clock: number, signo: number): CpuTimer => ({
      proc: p, task: null, which: clock, expires: 0, interval: 0,
      fire: (_overrun, by) => k.signalProcess(p, { signo, code: 0x80 /* SI_KERNEL */ }, by),
    });
    pair = [make(CPUCLOCK_VIRT, SIGVTALRM), make(CPUCLOCK_PROF, SIGPROF)];
    cpuItimers.set(p, pair);
  }
  return pair[which === ITIMER_VIRTUAL ? 0 : 1];
}

/** [value left, interval] of an itimer, ns. */
function itimerNow(k: Kernel, p: Process, which: number): [number, number] {
  if (which === ITIMER_REAL) return remainingNs(k, p);
  k.settleCpuTime();
  const tm = cpuItimer(k, p, which);
  return [cpuTimerLeft(tm), tm.interval];
}

sys('getitimer', ['int', 'ptr'], (k, t, a) => {
  const which = a.int(0);
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -E.EINVAL;
  const [left, iv] = itimerNow(k, t.proc, which);
  t.proc.mem.writeBytes(a.ptr(1), timevalBytes(left, iv));
  return 0;
});

/** A struct itimerval's [interval, value] in ns, or -EINVAL (timeval_valid: no negative fields, usec < 1e6). */
function readItimerval(t: Task, addr: number): [number, number] | number {
  const b = t.proc.mem.readBytes(addr, 32);
  const dv = new DataView(b.buffer);
  const field = (off: number): number => dv.getInt32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
  const [is, ius, vs, vus] = [field(0), field(8), field(16), field(24)];
  if (is < 0 || vs < 0 || ius < 0 || vus < 0 || ius >= 1e6 || vus >= 1e6) return -E.EINVAL;
  return [is * 1e9 + ius * 1000, vs * 1e9 + vus * 1000];
}

sys('setitimer', ['int', 'ptr', 'ptr'], (k, t, a) => {
  const which = a.int(0), p = t.proc;
  // A NULL new value disarms (a Linux misfeature programs still rely on).
  const next = a.ptr(1) ? readItimerval(t, a.ptr(1)) : [0, 0];
  if (typeof next === 'number') return next;
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -E.EINVAL;
  if (a.ptr(2)) {
    const [left, iv] = itimerNow(k, p, which);
    p.mem.writeBytes(a.ptr(2), timevalBytes(left, iv));
  }
  const [interval, value] = next;
  if (which === ITIMER_REAL) armTimer(k, p, value, interval);
  else {
    const tm = cpuItimer(k, p, which);
    k.settleCpuTime();
    armCpuTimer(tm, value > 0 ? cpuClock(p, null, tm.which) + value + TICK_NS : 0, interval);
  }
  return 0;
});
