/**
 * Scheduling and POSIX timers: nice values and priorities, the sched_* policy calls (one policy,
 * SCHED_OTHER, is what runs; the others are accepted only where an unprivileged Linux user could
 * set them), affinity, and timer_create/settime/gettime/getoverrun/delete driven by host timers.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Process, Task } from '../../kernel/process.js';
import { StructBuf, readTimespec } from '../structs.js';

// ---- nice values ----

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const nice = new WeakMap<Process, number>();

function targetsOf(k: Kernel, t: Task, which: number, who: number): Process[] | number {
  const all = [...k.procs.values()].filter((p) => !p.exit);
  if (which === PRIO_PROCESS) return all.filter((p) => p.pid === (who || t.proc.pid) || p.tasks.some((x) => x.tid === who));
  if (which === PRIO_PGRP) return all.filter((p) => p.pgid === (who || t.proc.pgid));
  if (which === PRIO_USER) return who === 0 || who === k.host.uid ? all : [];
  return -E.EINVAL;
}

sys('getpriority', ['int', 'int'], (k, t, a) => {
  const ps = targetsOf(k, t, a.int(0), a.int(1));
  if (typeof ps === 'number') return ps;
  if (ps.length === 0) return -E.ESRCH;
  // The kernel returns 20 - nice so that the result is never negative.
  return 20 - Math.min(...ps.map((p) => nice.get(p) ?? 0));
});

sys('setpriority', ['int', 'int', 'int'], (k, t, a) => {
  const ps = targetsOf(k, t, a.int(0), a.int(1));
  if (typeof ps === 'number') return ps;
  if (ps.length === 0) return -E.ESRCH;
  const v = Math.max(-20, Math.min(19, a.int(2)));
  for (const p of ps) {
    const cur = nice.get(p) ?? 0;
    if (v < cur && k.host.uid !== 0) return -E.EACCES; // lowering nice needs CAP_SYS_NICE
    nice.set(p, v);
  }
  return 0;
});

// ---- scheduling policy ----

const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;
const policy = new WeakMap<Task, number>();

function taskOf(k: Kernel, t: Task, pid: number): Task | undefined {
  if (pid === 0) return t;
  for (const p of k.procs.values()) for (const x of p.tasks) if (x.tid === pid) return x;
  return undefined;
}

sys('sched_getscheduler', ['int'], (k, t, a) => {
  if (a.int(0) < 0) return -E.EINVAL;
  const x = taskOf(k, t, a.int(0));
  return x ? policy.get(x) ?? SCHED_OTHER : -E.ESRCH;
});

function setScheduler(k: Kernel, t: Task, pid: number, pol: number, prioAddr: number): number {
  if (pid < 0 || !prioAddr) return -E.EINVAL;
  const x = taskOf(k, t, pid);
  if (!x) return -E.ESRCH;
  const prio = t.proc.mem.read32(prioAddr);
  const base = pol & ~0x40000000; // SCHED_RESET_ON_FORK
  if (base === SCHED_FIFO || base === SCHED_RR) {
    if (prio < 1 || prio > 99) return -E.EINVAL;
    if (k.host.uid !== 0) return -E.EPERM;
  } else if (base === SCHED_OTHER || base === SCHED_BATCH || base === SCHED_IDLE) {
    if (prio !== 0) return -E.EINVAL;
  } else return -E.EINVAL;
  policy.set(x, base);
  return 0;
}

sys('sched_setscheduler', ['int', 'int', 'ptr'], (k, t, a) => setScheduler(k, t, a.int(0), a.int(1), a.ptr(2)),
  { status: 'partial', note: 'policies are recorded; every task is scheduled round-robin' });
sys('sched_getparam', ['int', 'ptr'], (k, t, a) => {
  if (a.int(0) < 0 || !a.ptr(1)) return -E.EINVAL;
  if (!taskOf(k, t, a.int(0))) return -E.ESRCH;
  t.proc.mem.writeBytes(a.ptr(1), new StructBuf(4).bytes);
  return 0;
});
sys('sched_setparam', ['int', 'ptr'], (k, t, a) => {
  const x = taskOf(k, t, a.int(0));
  if (!x) return -E.ESRCH;
  return setScheduler(k, t, a.int(0), policy.get(x) ?? SCHED_OTHER, a.ptr(1));
});
sys('sched_get_priority_max', ['int'], (k, t, a) => {
  const p = a.int(0);
  return p === SCHED_FIFO || p === SCHED_RR ? 99 : p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE ? 0 : -E.EINVAL;
});
sys('sched_get_priority_min', ['int'], (k, t, a) => {
  const p = a.int(0);
  return p === SCHED_FIFO || p === SCHED_RR ? 1 : p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE ? 0 : -E.EINVAL;
});
sys('sched_rr_get_interval', ['int', 'ptr'], (k, t, a) => {
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

interface PosixTimer {
  clock: number;
  notify: number;
  signo: number;
  value: [number, number]; // sigev_value as two int32 halves
  tid: number;
  due: number;
  interval: number;
  overrun: number;
  cancel: () => void;
}
const timers = new WeakMap<Process, Map<number, PosixTimer>>();

function table(p: Process): Map<number, PosixTimer> {
  let m = timers.get(p);
  if (!m) timers.set(p, (m = new Map()));
  return m;
}

sys('timer_create', ['clockid', 'ptr', 'ptr'], (k, t, a) => {
  const clock = a.int(0);
  if (![0, 1, 2, 3, 4, 5, 6, 7].includes(clock)) return -E.EINVAL;
  const m = t.proc.mem;
  let notify = SIGEV_SIGNAL, signo = 14, value: [number, number] = [0, 0], tid = t.tid;
  if (a.ptr(1)) {
    const b = m.readBytes(a.ptr(1), 64);
    const dv = new DataView(b.buffer);
    value = [dv.getInt32(0, true), dv.getInt32(4, true)];
    signo = dv.getInt32(8, true);
    notify = dv.getInt32(12, true);
    tid = dv.getInt32(16, true);
    if (notify !== SIGEV_NONE && (signo < 1 || signo > 64)) return -E.EINVAL;
    if (notify === SIGEV_THREAD) return -E.EINVAL; // glibc implements SIGEV_THREAD with SIGEV_THREAD_ID
    if (notify !== SIGEV_SIGNAL && notify !== SIGEV_NONE && notify !== SIGEV_THREAD_ID) return -E.EINVAL;
  }
  const tb = table(t.proc);
  let id = 0;
  while (tb.has(id)) id++;
  tb.set(id, { clock, notify, signo, value, tid, due: 0, interval: 0, overrun: 0, cancel: () => {} });
  m.writeBytes(a.ptr(2), new StructBuf(4).i32(0, id).bytes);
  return 0;
});

function arm(k: Kernel, t: Task, id: number, tm: PosixTimer, ns: number): void {
  tm.cancel();
  if (ns <= 0) {
    tm.due = 0;
    return;
  }
  tm.due = k.host.monotonicNs() + ns;
  tm.cancel = k.host.setTimer(ns / 1e6, () => {
    const p = t.proc;
    if (p.exit) return;
    if (tm.notify !== SIGEV_NONE) {
      const info = { signo: tm.signo, code: SI_TIMER, pid: id, uid: tm.overrun, status: tm.value[0] };
      const target = tm.notify === SIGEV_THREAD_ID ? p.tasks.find((x) => x.tid === tm.tid) : undefined;
      const already = p.tasks.some((x) => x.pending.some((y) => y.signo === tm.signo && y.code === SI_TIMER && y.pid === id));
      if (already) tm.overrun++;
      else if (target) k.sendSignal(target, info);
      else k.signalProcess(p, info);
    }
    if (tm.interval > 0) arm(k, t, id, tm, tm.interval);
    else tm.due = 0;
  });
}

function itimerspec(intervalNs: number, valueNs: number): Uint8Array {
  const b = new StructBuf(32);
  b.u64(0, Math.floor(intervalNs / 1e9)).u64(8, intervalNs % 1e9);
  b.u64(16, Math.floor(valueNs / 1e9)).u64(24, valueNs % 1e9);
  return b.bytes;
}

sys('timer_settime', ['int', 'hex', 'ptr', 'ptr'], (k, t, a) => {
  const tm = table(t.proc).get(a.int(0));
  if (!tm) return -E.EINVAL;
  const m = t.proc.mem;
  const iv = readTimespec(m, a.ptr(2));
  const val = readTimespec(m, a.ptr(2) + 16);
  for (const ts of [iv, val]) if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1e9) return -E.EINVAL;
  if (a.ptr(3)) m.writeBytes(a.ptr(3), itimerspec(tm.interval, tm.due ? Math.max(1, tm.due - k.host.monotonicNs()) : 0));
  let ns = val[0] * 1e9 + val[1];
  if (a.int(1) & TIMER_ABSTIME && ns > 0) {
    const now = tm.clock === 0 ? k.host.realtime()[0] * 1e9 + k.host.realtime()[1] : k.host.monotonicNs();
    ns = Math.max(1, ns - now);
  }
  tm.interval = iv[0] * 1e9 + iv[1];
  tm.overrun = 0;
  arm(k, t, a.int(0), tm, ns);
  return 0;
});

sys('timer_gettime', ['int', 'ptr'], (k, t, a) => {
  const tm = table(t.proc).get(a.int(0));
  if (!tm) return -E.EINVAL;
  t.proc.mem.writeBytes(a.ptr(1), itimerspec(tm.interval, tm.due ? Math.max(1, tm.due - k.host.monotonicNs()) : 0));
  return 0;
});

sys('timer_getoverrun', ['int'], (k, t, a) => {
  const tm = table(t.proc).get(a.int(0));
  return tm ? tm.overrun : -E.EINVAL;
});

sys('timer_delete', ['int'], (k, t, a) => {
  const tb = table(t.proc);
  const tm = tb.get(a.int(0));
  if (!tm) return -E.EINVAL;
  tm.cancel();
  tb.delete(a.int(0));
  return 0;
});
