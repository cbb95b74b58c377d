/**
 * Clocks and sleeping. Sleeps park the task on a host timer and return through the event loop;
 * nothing waits by spinning.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import { writeTimespec, readTimespec, StructBuf } from '../structs.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;

/** The clock's time as [sec, nsec], or null for an invalid clock id. */
function now(k: Kernel, clock: number): [number, number] | null {
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
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID: {
      const ns = k.host.cpuTimeNs();
      return [Math.floor(ns / 1e9), ns % 1e9];
    }
    default:
      return null;
  }
}

sys('clock_gettime', ['clockid', 'ptr'], (k, t, a) => {
  const ts = now(k, a.int(0));
  if (!ts) return -E.EINVAL;
  writeTimespec(t.proc.mem, a.ptr(1), ts[0], ts[1]);
  return 0;
});

sys('clock_getres', ['clockid', 'ptr'], (k, t, a) => {
  const c = a.int(0);
  if (!now(k, c)) return -E.EINVAL;
  if (a.ptr(1)) writeTimespec(t.proc.mem, a.ptr(1), 0, c === CLOCK_REALTIME_COARSE || c === CLOCK_MONOTONIC_COARSE ? 4000000 : 1);
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

sys('clock_nanosleep', ['clockid', 'hex', 'ptr', 'ptr'], (k, t, a) => {
  const clock = a.int(0);
  if (clock === CLOCK_THREAD_CPUTIME_ID) return -E.EINVAL;
  const cur = now(k, clock);
  if (!cur) return -E.EINVAL;
  const ts = readTimespec(t.proc.mem, a.ptr(2));
  if (!validTs(ts)) return -E.EINVAL;
  let ns = ts[0] * 1e9 + ts[1];
  if (a.int(1) & TIMER_ABSTIME) ns -= cur[0] * 1e9 + cur[1];
  return ns <= 0 ? 0 : sleepNs(k, t, ns, a.int(1) & TIMER_ABSTIME ? 0 : a.ptr(3));
});
