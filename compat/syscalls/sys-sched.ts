/**
 * Scheduling and POSIX timers: nice values and priorities (per thread, as Linux), the sched_*
 * policy calls with an unprivileged user's rules (SCHED_OTHER/BATCH/IDLE may be chosen,
 * SCHED_FIFO/RR/DEADLINE need CAP_SYS_NICE), affinity, and timer_create/settime/gettime/
 * getoverrun/delete, driven by host timers or, on a CPU-time clock, by the CPU-time accounting.
 * The scheduler (kernel.ts) shares the core by CFS weights of nice and SCHED_IDLE.
 */

import { sys, noSys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Process, Task } from '../../kernel/process.js';
import { RLIM_INFINITY } from '../../kernel/process.js';
import { StructBuf, readTimespec } from '../structs.js';
import { armCpuTimer, cpuClock, cpuClockRef, cpuTimerLeft, CpuTimer } from '../../kernel/cputime.js';

// ---- nice values ----

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14;

const live = (k: Kernel): Process[] => [...k.procs.values()].filter((p) => !p.exit);

/** The threads a PRIO_* selector names (who = 0: the caller's own thread, group or user). */
function targetsOf(k: Kernel, t: Task, which: number, who: number): Task[] | number {
  if (which === PRIO_PROCESS) {
    if (who === 0) return [t];
    return live(k).flatMap((p) => p.tasks.filter((x) => x.tid === who && x.state !== 2));
  }
  if (which === PRIO_PGRP) return live(k).filter((p) => p.pgid === (who || t.proc.pgid)).flatMap((p) => p.tasks);
  if (which === PRIO_USER) return who === 0 || who === k.host.uid ? live(k).flatMap((p) => p.tasks) : [];
  return -E.EINVAL;
}

/** A soft rlimit of p, RLIM_INFINITY as Infinity (NICE and RTPRIO default to 0). */
function rlimit(p: Process, res: number): number {
  const l = p.rlimits.get(res);
  if (!l) return 0;
  return l.cur === RLIM_INFINITY ? Infinity : l.cur;
}

/** Linux's is_nice_reduction/can_nice: RLIMIT_NICE allows nice values down to 20 - limit; root any. */
function mayNice(k: Kernel, p: Process, nice: number): boolean {
  return k.host.uid === 0 || 20 - nice <= rlimit(p, RLIMIT_NICE);
}

sys('getpriority', ['int', 'int'], (k, t, a) => {
  const ts = targetsOf(k, t, a.int(0), a.int(1));
  if (typeof ts === 'number') return ts;
  if (ts.length === 0) return -E.ESRCH;
  // The kernel returns 20 - nice so that the result is never negative; the highest wins.
  return 20 - Math.min(...ts.map((x) => x.nice));
});

sys('setpriority', ['int', 'int', 'int'], (k, t, a) => {
  const ts = targetsOf(k, t, a.int(0), a.int(1));
  if (typeof ts === 'number') return ts;
  const v = Math.max(-20, Math.min(19, a.int(2)));
  // As set_one_prio: every target is tried; the result is the last failure, else 0.
  let err = -E.ESRCH;
  for (const x of ts) {
    if (v < x.nice && !mayNice(k, x.proc, v)) {
      err = -E.EACCES;
      continue;
    }
    x.nice = v;
    if (err === -E.ESRCH) err = 0;
  }
  return err;
});

// ---- scheduling policy ----

const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5, SCHED_DEADLINE = 6;
const SCHED_RESET_ON_FORK = 0x40000000;
const isRt = (pol: number): boolean => pol === SCHED_FIFO || pol === SCHED_RR;
const validPolicy = (pol: number): boolean => isRt(pol) || pol === SCHED_OTHER || pol === SCHED_BATCH || pol === SCHED_IDLE || pol === SCHED_DEADLINE;

/** find_process_by_pid: any thread by its TID, 0 for the caller. */
function taskOf(k: Kernel, t: Task, pid: number): Task | undefined {
  if (pid === 0) return t;
  for (const p of k.procs.values()) for (const x of p.tasks) if (x.tid === pid && x.state !== 2) return x;
  return undefined;
}

sys('sched_getscheduler', ['int'], (k, t, a) => {
  if (a.int(0) < 0) return -E.EINVAL;
  const x = taskOf(k, t, a.int(0));
  if (!x) return -E.ESRCH;
  return x.policy | (x.resetOnFork ? SCHED_RESET_ON_FORK : 0);
});

/**
 * sched_setscheduler/sched_setparam (policy -1 = keep the current one), in Linux's order of
 * checks: arguments (EINVAL), the task (ESRCH), priority ranges (EINVAL), then what an
 * unprivileged user may do (EPERM): no real-time or deadline policy (RLIMIT_RTPRIO is 0), no
 * leaving SCHED_IDLE unless RLIMIT_NICE allows the current nice, no clearing RESET_ON_FORK.
 * Only the policy matters to our scheduler (SCHED_IDLE's weight); real-time ones are recorded.
 */
function setScheduler(k: Kernel, t: Task, pid: number, policy: number, prioAddr: number): number {
  if (!prioAddr || pid < 0) return -E.EINVAL;
  const prio = t.proc.mem.read32(prioAddr) >>> 0;
  const x = taskOf(k, t, pid);
  if (!x) return -E.ESRCH;
  let reset = x.resetOnFork;
  if (policy === -1) policy = x.policy;
  else {
    reset = (policy & SCHED_RESET_ON_FORK) !== 0;
    policy &= ~SCHED_RESET_ON_FORK;
    if (!validPolicy(policy)) return -E.EINVAL;
  }
  if (prio > 99) return -E.EINVAL;
  if (policy === SCHED_DEADLINE || isRt(policy) !== (prio !== 0)) return -E.EINVAL; // a deadline needs sched_setattr
  if (k.host.uid !== 0) {
    const rtprio = rlimit(x.proc, RLIMIT_RTPRIO);
    if (isRt(policy) && ((policy !== x.policy && !rtprio) || prio > rtprio)) return -E.EPERM;
    if (x.policy === SCHED_IDLE && policy !== SCHED_IDLE && !mayNice(k, x.proc, x.nice)) return -E.EPERM;
    if (x.resetOnFork && !reset) return -E.EPERM;
  }
  x.policy = policy;
  x.resetOnFork = reset;
  return 0;
}

sys('sched_setscheduler', ['int', 'int', 'ptr'], (k, t, a) => (a.int(1) < 0 ? -E.EINVAL : setScheduler(k, t, a.int(0), a.int(1), a.ptr(2))),
  { status: 'partial', note: 'OTHER/BATCH/IDLE as an unprivileged user; FIFO/RR (root only) are recorded, scheduled as OTHER' });
sys('sched_setparam', ['int', 'ptr'], (k, t, a) => setScheduler(k, t, a.int(0), -1, a.ptr(1)));
sys('sched_getparam', ['int', 'ptr'], (k, t, a) => {
  if (a.int(0) < 0 || !a.ptr(1)) return -E.EINVAL;
  if (!taskOf(k, t, a.int(0))) return -E.ESRCH;
  t.proc.mem.writeBytes(a.ptr(1), new StructBuf(4).bytes); // sched_priority 0: not real-time
  return 0;
});
sys('sched_get_priority_max', ['int'], (k, t, a) => {
  const p = a.int(0);
  return isRt(p) ? 99 : validPolicy(p) ? 0 : -E.EINVAL;
});
sys('sched_get_priority_min', ['int'], (k, t, a) => {
  const p = a.int(0);
  return isRt(p) ? 1 : validPolicy(p) ? 0 : -E.EINVAL;
});
sys('sched_rr_get_interval', ['int', 'ptr'], (k, t, a) => {
  if (a.int(0) < 0) return -E.EINVAL;
  if (!taskOf(k, t, a.int(0))) return -E.ESRCH;
  t.proc.mem.writeBytes(a.ptr(1), new StructBuf(16).u64(8, 100000000).bytes);
  return 0;
});
sys('sched_setaffinity', ['int', 'size', 'ptr'], (k, t, a) => {
  if (!taskOf(k, t, a.int(0))) return -E.ESRCH;
  const b = t.proc.mem.readBytes(a.ptr(2), Math.min(a.u64(1), 128));
  return b.some((x) => x !== 0) ? 0 : -E.EINVAL;
}, { status: 'partial', note: 'accepted; guest tasks share one host thread' });

// ---- POSIX timers ----

const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
const TIMER_ABSTIME = 1;
const SI_TIMER = -2;
const CLOCK_REALTIME = 0, CLOCK_TAI = 11;

interface PosixTimer {
  clock: number;
  notify: number;
  signo: number;
  value: [number, number]; // sigev_value as two int32 halves
  tid: number;
  /** Wall-clock timers: absolute monotonic expiry (0 = disarmed) and the host timer's cancel. */
  due: number;
  cancel: () => void;
  /** CPU-clock timers: the timer on that clock (kernel/cputime.ts). */
  cpu: CpuTimer | null;
  interval: number;
  overrun: number;
  disarm(): void;
}

/** Queues the timer's signal; one still pending only counts an overrun, as Linux's SIGQUEUE_PREALLOC. */
function notify(k: Kernel, p: Process, id: number, tm: PosixTimer, missed: number): void {
  if (p.exit || tm.notify === SIGEV_NONE) return;
  const already = p.tasks.some((x) => x.pending.some((y) => y.signo === tm.signo && y.code === SI_TIMER && y.pid === id));
  if (already) {
    tm.overrun += 1 + missed;
    return;
  }
  tm.overrun = missed;
  const info = { signo: tm.signo, code: SI_TIMER, pid: id, uid: tm.overrun, status: tm.value[0] };
  const target = tm.notify === SIGEV_THREAD_ID ? p.tasks.find((x) => x.tid === tm.tid) : undefined;
  if (target) k.sendSignal(target, info);
  else k.signalProcess(p, info);
}

sys('timer_create', ['clockid', 'ptr', 'ptr'], (k, t, a) => {
  const clock = a.int(0);
  let cpu: CpuTimer | null = null;
  if (clock === 4 || clock === 5 || clock === 6) return -E.EOPNOTSUPP; // MONOTONIC_RAW and the coarse clocks have no timers
  if (clock === 2 || clock === 3 || clock < 0) {
    const ref = cpuClockRef(k, t, clock, false);
    if (!ref) return -E.EINVAL;
    cpu = { ...ref, expires: 0, interval: 0, fire: () => {} };
  } else if (![0, 1, 7, CLOCK_TAI].includes(clock)) return -E.EINVAL;
  const m = t.proc.mem;
  let how = SIGEV_SIGNAL, signo = 14, value: [number, number] = [0, 0], tid = t.tid;
  if (a.ptr(1)) {
    const b = m.readBytes(a.ptr(1), 64);
    const dv = new DataView(b.buffer);
    value = [dv.getInt32(0, true), dv.getInt32(4, true)];
    signo = dv.getInt32(8, true);
    how = dv.getInt32(12, true);
    tid = dv.getInt32(16, true);
    if (how !== SIGEV_NONE && (signo < 1 || signo > 64)) return -E.EINVAL;
    if (how === SIGEV_THREAD) return -E.EINVAL; // glibc implements SIGEV_THREAD with SIGEV_THREAD_ID
    if (how !== SIGEV_SIGNAL && how !== SIGEV_NONE && how !== SIGEV_THREAD_ID) return -E.EINVAL;
  }
  const tb = t.proc.posixTimers as Map<number, PosixTimer>;
  let id = 0;
  while (tb.has(id)) id++;
  const tm: PosixTimer = {
    clock, notify: how, signo, value, tid, due: 0, cancel: () => {}, cpu, interval: 0, overrun: 0,
    disarm() {
      this.cancel();
      this.due = 0;
      if (this.cpu) armCpuTimer(this.cpu, 0, 0);
    },
  };
  if (cpu) cpu.fire = (missed) => notify(k, t.proc, id, tm, missed);
  tb.set(id, tm);
  m.writeBytes(a.ptr(2), new StructBuf(4).i32(0, id).bytes);
  return 0;
});

/** Arms a wall-clock timer on a host timer, ns from now; it re-arms itself by its interval. */
function arm(k: Kernel, p: Process, id: number, tm: PosixTimer, ns: number): void {
  tm.cancel();
  if (ns <= 0) {
    tm.due = 0;
    return;
  }
  tm.due = k.host.monotonicNs() + ns;
  tm.cancel = k.host.setTimer(ns / 1e6, () => {
    notify(k, p, id, tm, 0);
    if (tm.interval > 0) arm(k, p, id, tm, tm.interval);
    else tm.due = 0;
  });
}

/** Time left before a timer expires (ns; 0 if disarmed). */
function left(k: Kernel, tm: PosixTimer): number {
  if (tm.cpu) return cpuTimerLeft(tm.cpu);
  return tm.due ? Math.max(1, tm.due - k.host.monotonicNs()) : 0;
}

function itimerspec(intervalNs: number, valueNs: number): Uint8Array {
  const b = new StructBuf(32);
  b.u64(0, Math.floor(intervalNs / 1e9)).u64(8, intervalNs % 1e9);
  b.u64(16, Math.floor(valueNs / 1e9)).u64(24, valueNs % 1e9);
  return b.bytes;
}

const timerOf = (k: Kernel, t: Task, id: number): PosixTimer | undefined => {
  k.settleCpuTime(); // a CPU-clock timer's times are read against up-to-date clocks
  return (t.proc.posixTimers as Map<number, PosixTimer>).get(id);
};

sys('timer_settime', ['int', 'hex', 'ptr', 'ptr'], (k, t, a) => {
  const tm = timerOf(k, t, a.int(0));
  if (!tm) return -E.EINVAL;
  const m = t.proc.mem;
  const iv = readTimespec(m, a.ptr(2));
  const val = readTimespec(m, a.ptr(2) + 16);
  for (const ts of [iv, val]) if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1e9) return -E.EINVAL;
  if (a.ptr(3)) m.writeBytes(a.ptr(3), itimerspec(tm.interval, left(k, tm)));
  const abs = (a.int(1) & TIMER_ABSTIME) !== 0;
  let ns = val[0] * 1e9 + val[1];
  tm.interval = iv[0] * 1e9 + iv[1];
  tm.overrun = 0;
  if (tm.cpu) {
    // On a CPU clock the expiry is a point of that clock; one already passed fires at once.
    const c = tm.cpu;
    const now = cpuClock(c.proc, c.task, c.which);
    armCpuTimer(c, ns === 0 ? 0 : abs ? Math.max(1, ns) : now + ns, tm.interval);
    return 0;
  }
  if (abs && ns > 0) {
    const now = tm.clock === CLOCK_REALTIME || tm.clock === CLOCK_TAI ? k.host.realtime()[0] * 1e9 + k.host.realtime()[1] : k.host.monotonicNs();
    ns = Math.max(1, ns - now);
  }
  arm(k, t.proc, a.int(0), tm, ns);
  return 0;
});

sys('timer_gettime', ['int', 'ptr'], (k, t, a) => {
  const tm = timerOf(k, t, a.int(0));
  if (!tm) return -E.EINVAL;
  t.proc.mem.writeBytes(a.ptr(1), itimerspec(tm.interval, left(k, tm)));
  return 0;
});

sys('timer_getoverrun', ['int'], (k, t, a) => {
  const tm = timerOf(k, t, a.int(0));
  return tm ? tm.overrun : -E.EINVAL;
});

sys('timer_delete', ['int'], (k, t, a) => {
  const tb = t.proc.posixTimers as Map<number, PosixTimer>;
  const tm = tb.get(a.int(0));
  if (!tm) return -E.EINVAL;
  tm.disarm();
  tb.delete(a.int(0));
  return 0;
});

noSys('sched_setattr', 'not provided (SCHED_DEADLINE, uclamp); sched_setscheduler and setpriority are');
noSys('sched_getattr', 'not provided (SCHED_DEADLINE, uclamp); sched_getscheduler and getpriority are');
