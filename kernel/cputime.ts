/**
 * CPU time: what each thread and process has used, the CPU-time clocks that read it, the timers
 * those clocks drive (ITIMER_VIRTUAL/PROF, POSIX timers and clock_nanosleep on CPU clocks), and
 * the CFS weights that decide how the scheduler divides the core.
 *
 * How time is measured: the scheduler reads the host's monotonic clock around each slice; the
 * time inside the interpreter/compiled code is the task's user time, the time in the synchronous
 * part of its syscall (and fault/signal handling) its system time. We chose the host clock over
 * counting retired instructions because instructions cost very different amounts (a compiled
 * ALU op vs. an interpreted AVX2 gather vs. block compilation), syscalls retire no instructions
 * at all, and programs compare CPU time with wall time. It is cheap: one clock read per slice
 * more than the scheduler already did (~40 ns), and slices are thousands of instructions or a
 * syscall. A task that waits is off the core (its syscall returned a Promise), so blocked time is
 * never charged. What the monotonic clock cannot tell is that the host preempted us (a loaded
 * machine): the kernel reads the host thread's run-queue delay every few milliseconds of running
 * and before any guest reads a CPU clock, and takes that much back from the time charged since
 * the last reading (Kernel.checkpoint).
 */

import type { Kernel } from './kernel.js';
import type { Process, Task } from './process.js';
import type { AddressSpace } from './mm/aspace.js';

/** The three clocks of a CPU-clock id (Linux's CPUCLOCK_WHICH): user+system, user only, runtime. */
export const CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1, CPUCLOCK_SCHED = 2;

/** A timer on a CPU-time clock: a thread's (task set) or the whole process's. */
export interface CpuTimer {
  proc: Process;
  task: Task | null;
  which: number;
  /** Expiry in that clock's nanoseconds (0 = disarmed) and the reload interval (0 = one-shot). */
  expires: number;
  interval: number;
  /**
   * Called at expiry with the number of further whole intervals that also elapsed (the overrun)
   * and the thread whose running made it expire (Linux signals that one first).
   */
  fire: (overrun: number, by: Task) => void;
}

/** The value of a thread's or process's CPU clock, in ns. */
export function cpuClock(p: Process, t: Task | null, which: number): number {
  const u = t ? t.utimeNs : p.utimeNs;
  const s = t ? t.stimeNs : p.stimeNs;
  return which === CPUCLOCK_VIRT ? u : u + s;
}

/** Charges a slice to t and its process; true if one of the process's CPU timers may be due. */
export function charge(t: Task, userNs: number, sysNs: number): boolean {
  const p = t.proc;
  t.utimeNs += userNs;
  t.stimeNs += sysNs;
  p.utimeNs += userNs;
  p.stimeNs += sysNs;
  if (p.cpuTimers.size === 0) return false;
  for (const tm of p.cpuTimers) if (cpuClock(p, tm.task, tm.which) >= tm.expires) return true;
  return false;
}

/**
 * Takes back part of what was charged (the host thread was preempted while we measured): the
 * kernel does this only for time no guest has read yet, so the clocks never run backwards.
 */
export function uncharge(t: Task, userNs: number, sysNs: number): void {
  const p = t.proc;
  t.utimeNs -= userNs;
  t.stimeNs -= sysNs;
  p.utimeNs -= userNs;
  p.stimeNs -= sysNs;
}

/** Fires p's CPU timers that are due (by: the thread whose running made them so). */
export function runTimers(p: Process, by: Task): void {
  for (const tm of [...p.cpuTimers]) {
    const now = cpuClock(p, tm.task, tm.which);
    if (now < tm.expires) continue;
    let overrun = 0;
    if (tm.interval > 0) {
      overrun = Math.floor((now - tm.expires) / tm.interval);
      tm.expires += (overrun + 1) * tm.interval;
    } else {
      tm.expires = 0;
      p.cpuTimers.delete(tm);
    }
    tm.fire(overrun, by);
  }
}

/** Arms (expires > 0) or disarms a CPU timer; expires is absolute on the timer's clock. */
export function armCpuTimer(tm: CpuTimer, expires: number, interval: number): void {
  tm.expires = expires;
  tm.interval = interval;
  if (expires > 0) tm.proc.cpuTimers.add(tm);
  else tm.proc.cpuTimers.delete(tm);
}

/** Nanoseconds left before a CPU timer expires (0 if disarmed; 1 if due but not yet run). */
export function cpuTimerLeft(tm: CpuTimer): number {
  if (tm.expires === 0) return 0;
  return Math.max(1, tm.expires - cpuClock(tm.proc, tm.task, tm.which));
}

/** What a CPU-clock id names: a process or thread and which of its clocks. */
export interface CpuClockRef {
  proc: Process;
  task: Task | null;
  which: number;
}

const CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;

/**
 * Decodes a CPU clock id as Linux's pid_for_clock: the fixed ids 2 (this process) and 3 (this
 * thread), or the ids clock_getcpuclockid/pthread_getcpuclockid build, ((~pid) << 3) | thread<<2
 * | which. A thread clock must name a thread of the caller's process; a process clock a thread
 * group leader (or, for reading, the calling thread). Null means EINVAL.
 */
export function cpuClockRef(k: Kernel, t: Task, clock: number, gettime: boolean): CpuClockRef | null {
  if (clock === CLOCK_PROCESS_CPUTIME_ID) return { proc: t.proc, task: null, which: CPUCLOCK_SCHED };
  if (clock === CLOCK_THREAD_CPUTIME_ID) return { proc: t.proc, task: t, which: CPUCLOCK_SCHED };
  if (clock >= 0) return null;
  const which = clock & 3, thread = (clock & 4) !== 0, pid = ~(clock >> 3);
  if (which >= 3) return null; // CLOCKFD: dynamic (device) clocks, none here
  if (pid === 0) return thread ? { proc: t.proc, task: t, which } : { proc: t.proc, task: null, which };
  if (thread) {
    const x = t.proc.tasks.find((y) => y.tid === pid && y.state !== 2 /* TASK_DEAD */);
    return x ? { proc: t.proc, task: x, which } : null;
  }
  if (gettime && pid === t.tid) return { proc: t.proc, task: null, which };
  const p = k.procs.get(pid);
  return p ? { proc: p, task: null, which } : null;
}

/** Resident memory of an address space in kB (populated pages). */
export function residentKb(mem: AddressSpace): number {
  let n = 0;
  for (const e of mem.pt.map.values()) if (e >= 16) n++; // frame 0 = mapped, not yet touched
  return n * 4;
}

/**
 * Records the current resident set in p's peak and returns the peak (called when it is read, and
 * before an address space goes away at exec and exit; peaks in between may be missed).
 */
export function noteRss(p: Process): number {
  p.maxRssKb = Math.max(p.maxRssKb, residentKb(p.mem));
  return p.maxRssKb;
}

/** Linux's sched_prio_to_weight: nice -20..19; each step is ~10% of CPU against a nice-0 task. */
const NICE_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
  9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
  1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
  110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];
/** WEIGHT_IDLEPRIO: a SCHED_IDLE task runs only when nothing else wants the core, nearly. */
const IDLE_WEIGHT = 3;
const SCHED_IDLE = 5;

/** The CFS load weight of a task (its nice value, or SCHED_IDLE's). */
export function taskWeight(t: Task): number {
  return t.policy === SCHED_IDLE ? IDLE_WEIGHT : NICE_WEIGHT[t.nice + 20];
}

/**
 * A new task starts this far (in nice-0 nanoseconds) behind its creator, as CFS's START_DEBIT
 * places it: the parent goes on after fork (a shell's setpgid/tcsetpgrp for its new job come
 * before the job runs), and the child runs once the parent has had about a slice.
 */
const START_DEBIT_NS = 3e6;

/** A new thread or process inherits its creator's nice value and policy (sched_fork). */
export function inheritSched(from: Task, to: Task): void {
  to.vruntime = from.vruntime + (START_DEBIT_NS * 1024) / taskWeight(from);
  to.policy = from.policy;
  to.nice = from.nice;
  to.resetOnFork = from.resetOnFork;
  if (from.resetOnFork) {
    // SCHED_RESET_ON_FORK: a real-time policy becomes SCHED_OTHER and a negative nice 0.
    if (to.policy === 1 || to.policy === 2 || to.policy === 6) to.policy = 0;
    if (to.nice < 0) to.nice = 0;
    to.resetOnFork = false;
  }
}
