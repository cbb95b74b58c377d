/**
 * Clocks and sleeping. Sleeps park the task on a host timer and return through the event loop;
 * nothing waits by spinning. The CPU-time clocks (CLOCK_PROCESS/THREAD_CPUTIME_ID and the ids of
 * clock_getcpuclockid/pthread_getcpuclockid) read the accounting in kernel/cputime.ts, and a sleep
 * on one waits for that CPU time to be used (by other threads, or another process).
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import { writeTimespec, readTimespec, StructBuf } from '../structs.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { cpuClock, cpuClockRef, armCpuTimer, CpuClockRef, CpuTimer, CPUCLOCK_SCHED } from '../../kernel/cputime.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;

/** The clock's time as [sec, nsec], or null for an invalid clock id. */
function now(k: Kernel, t: Task, clock: number): [number, number] | null {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case 8: /* REALTIME_ALARM */
    case 11: /* TAI */
      return k.host.realtime();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case 9: /* BOOTTIME_ALARM */ {
      const ns = k.host.monotonicNs();
      return [Math.floor(ns / 1e9), ns % 1e9];
    }
    default: {
      const ref = cpuClockRef(k, t, clock, true);
      if (!ref) return null;
      k.settleCpuTime();
      const ns = cpuClock(ref.proc, ref.task, ref.which);
      return [Math.floor(ns / 1e9), ns % 1e9];
    }
  }
}

sys('clock_gettime', ['clockid', 'ptr'], (k, t, a) => {
  const ts = now(k, t, a.int(0));
  if (!ts) return -E.EINVAL;
  writeTimespec(t.proc.mem, a.ptr(1), ts[0], ts[1]);
  return 0;
});

/** One tick (HZ = 250, Debian's): the coarse clocks' and the PROF/VIRT CPU clocks' resolution. */
const TICK_NS = 4000000;

sys('clock_getres', ['clockid', 'ptr'], (k, t, a) => {
  const c = a.int(0);
  let res = 1;
  if (c === CLOCK_REALTIME_COARSE || c === CLOCK_MONOTONIC_COARSE) res = TICK_NS;
  else if (c < 0 || c === CLOCK_PROCESS_CPUTIME_ID || c === CLOCK_THREAD_CPUTIME_ID) {
    const ref = cpuClockRef(k, t, c, false);
    if (!ref) return -E.EINVAL;
    if (ref.which !== CPUCLOCK_SCHED) res = TICK_NS; // sampled at ticks on Linux
  } else if (!now(k, t, c)) return -E.EINVAL;
  if (a.ptr(1)) writeTimespec(t.proc.mem, a.ptr(1), 0, res);
  return 0;
});

sys('gettimeofday', ['ptr', 'ptr'], (k, t, a) => {
  const [s, ns] = k.host.realtime();
  if (a.ptr(0)) t.proc.mem.writeBytes(a.ptr(0), new StructBuf(16).u64(0, s).u64(8, Math.floor(ns / 1000)).bytes);
  if (a.ptr(1)) t.proc.mem.writeBytes(a.ptr(1), new StructBuf(8).bytes);
  return 0;
});

sys('time', ['ptr'], (k, t, a) => {
  const s = k.host.realtime()[0];
  if (a.ptr(0)) t.proc.mem.writeU64(a.ptr(0), s);
  return s;
});

/** Parks the task for ns nanoseconds; a signal ends the sleep early with EINTR. */
function sleepNs(k: Kernel, t: Task, ns: number, remAddr: number): Promise<number> {
  const end = k.host.monotonicNs() + ns;
  return k.waitInterruptible(t, (done) => k.host.setTimer(ns / 1e6, () => done(0))).then((v) => {
    if (v === -E.EINTR && remAddr) {
      const left = Math.max(0, end - k.host.monotonicNs());
      writeTimespec(t.proc.mem, remAddr, Math.floor(left / 1e9), left % 1e9);
    }
    return v;
  });
}

function validTs(ts: [number, number]): boolean {
  return ts[0] >= 0 && ts[1] >= 0 && ts[1] < 1e9;
}

sys('nanosleep', ['ptr', 'ptr'], (k, t, a) => {
  const ts = readTimespec(t.proc.mem, a.ptr(0));
  if (!validTs(ts)) return -E.EINVAL;
  return sleepNs(k, t, ts[0] * 1e9 + ts[1], a.ptr(1));
});

/**
 * Sleeps until a CPU clock reaches `target` (ns): a timer on that clock wakes the task. Only other
 * threads or another process can move the clock meanwhile, as on Linux.
 */
function sleepCpu(k: Kernel, t: Task, ref: CpuClockRef, target: number, remAddr: number): Promise<number> {
  const tm: CpuTimer = { ...ref, expires: 0, interval: 0, fire: () => {} };
  return k.waitInterruptible(t, (done) => {
    tm.fire = () => done(0);
    armCpuTimer(tm, target, 0);
    return () => armCpuTimer(tm, 0, 0);
  }).then((v) => {
    if (v === -E.EINTR && remAddr) {
      const left = Math.max(0, target - cpuClock(ref.proc, ref.task, ref.which));
      writeTimespec(t.proc.mem, remAddr, Math.floor(left / 1e9), left % 1e9);
    }
    return v;
  });
}

sys('clock_nanosleep', ['clockid', 'hex', 'ptr', 'ptr'], (k, t, a) => {
  const clock = a.int(0), abs = (a.int(1) & TIMER_ABSTIME) !== 0;
  // A thread cannot sleep on its own CPU clock (it would never advance).
  if (clock === CLOCK_THREAD_CPUTIME_ID || (clock < 0 && clock & 4 && (~(clock >> 3) === 0 || ~(clock >> 3) === t.tid))) return -E.EINVAL;
  const cur = now(k, t, clock);
  if (!cur) return -E.EINVAL;
  const ts = readTimespec(t.proc.mem, a.ptr(2));
  if (!validTs(ts)) return -E.EINVAL;
  let ns = ts[0] * 1e9 + ts[1];
  if (abs) ns -= cur[0] * 1e9 + cur[1];
  if (ns <= 0) return 0;
  if (clock === CLOCK_PROCESS_CPUTIME_ID || clock < 0) {
    const ref = cpuClockRef(k, t, clock, false);
    if (!ref) return -E.EINVAL;
    return sleepCpu(k, t, ref, cur[0] * 1e9 + cur[1] + ns, abs ? 0 : a.ptr(3));
  }
  return sleepNs(k, t, ns, abs ? 0 : a.ptr(3));
});
