/**
 * Processes and tasks. A Process is a thread group: one address space, its translated code, the
 * file descriptor table, cwd, umask, signal dispositions and limits. A Task is a schedulable
 * thread of it with its own registers (saved while off the CPU), signal mask and TID.
 */

import { AddressSpace } from './mm/aspace.js';
import { CodeCache } from './cpu/interp.js';
import { TaskRegs } from './cpu/state.js';
import { FdTable } from './fdtable.js';
import type { SigInfo } from './signal.js';
import { WaitQueue } from './waitqueue.js';
import type { CpuTimer } from './cputime.js';

/** /proc/sys/kernel/pid_max: Linux's PID_MAX_DEFAULT; PIDs wrap there. */
export const PID_MAX = 32768;
import type { Tty } from './tty/tty.js';

export const NSIG = 64;
export const SIG_DFL = 0, SIG_IGN = 1;

export interface SigAction {
  /** Handler address, or SIG_DFL / SIG_IGN. */
  handler: number;
  flags: number;
  restorer: number;
  maskLo: number;
  maskHi: number;
}

export const RLIM_INFINITY = -1;
export interface Rlimit {
  cur: number;
  max: number;
}

/** How a process ended: an exit status, or the signal that killed it. */
export interface ExitInfo {
  code: number | null;
  signal: number | null;
  core: boolean;
}

export const TASK_RUNNABLE = 0, TASK_BLOCKED = 1, TASK_DEAD = 2;

export class Task {
  readonly tid: number;
  readonly proc: Process;
  readonly regs = new TaskRegs();
  state = TASK_RUNNABLE;
  sigmaskLo = 0;
  sigmaskHi = 0;
  /** set_tid_address / CLONE_CHILD_CLEARTID: cleared and futex-woken at exit. */
  clearChildTid = 0;
  robustList = 0;
  robustLen = 0;
  /** Signals sent to this task and not yet delivered, oldest first. */
  pending: SigInfo[] = [];
  /** A syscall interrupted by a signal that may be restarted when the signal is handled. */
  restart: { nr: number; code: number } | null = null;
  /** The mask to restore after the next handler (rt_sigsuspend's temporary mask). */
  savedMask: [number, number] | null = null;
  /** Signals an rt_sigtimedwait is waiting for (lo, hi), even though they are blocked. */
  sigwait: [number, number] | null = null;
  /** Woken whenever a signal is queued for this task (signalfd readers wait here). */
  readonly signalQueue = new WaitQueue();
  /** Set while the task waits interruptibly: ends the wait early (a signal arrived). */
  interrupt: (() => void) | null = null;
  /** sigaltstack. */
  altStack = { sp: 0, flags: 2 /* SS_DISABLE */, size: 0 };
  /** CPU time this thread ran guest code (user) and syscalls (system), in ns (see cputime.ts). */
  utimeNs = 0;
  stimeNs = 0;
  /** Charged since the kernel's last run-delay reading (may still be corrected, see checkpoint). */
  ckUser = 0;
  ckSys = 0;
  /** Scheduling: nice value, policy (SCHED_OTHER/BATCH/IDLE), SCHED_RESET_ON_FORK, CFS virtual runtime. */
  nice = 0;
  policy = 0;
  resetOnFork = false;
  vruntime = 0;
  /** True while the task has an entry in the kernel's run queue (no duplicates). */
  queued = false;

  constructor(tid: number, proc: Process) {
    this.tid = tid;
    this.proc = proc;
  }
}

export class Process {
  readonly pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  mem: AddressSpace;
  code: CodeCache;
  fds: FdTable;
  cwd = '/';
  umask = 0o022;
  /** Guest path of the executable (/proc/self/exe), the name (comm) and the command line. */
  exe = '';
  comm = '';
  argv: Uint8Array[] = [];
  envp: Uint8Array[] = [];
  auxv: [number, number][] = [];
  readonly sigactions: SigAction[] = [];
  readonly rlimits = new Map<number, Rlimit>();
  tasks: Task[] = [];
  exit: ExitInfo | null = null;
  /** The parent process (null for the first process and for orphans, which are reaped at exit). */
  parent: Process | null = null;
  readonly children = new Set<Process>();
  /** Woken when a child exits (wait4/waitid wait here). */
  readonly childWait = new WaitQueue();
  /** Set while a vfork parent waits for this child to exec or exit. */
  vforkDone: (() => void) | null = null;
  /**
   * CPU time of all its threads, live and exited (ns), and of its waited-for descendants
   * (Linux's signal->cutime/cstime: a child's own and its own children's, added when reaped).
   */
  utimeNs = 0;
  stimeNs = 0;
  cutimeNs = 0;
  cstimeNs = 0;
  /** Peak resident set (kB) seen so far, and the largest of its reaped descendants' (ru_maxrss). */
  maxRssKb = 0;
  cmaxRssKb = 0;
  /** Armed timers on this process's or its threads' CPU-time clocks (itimers, POSIX CPU timers). */
  readonly cpuTimers = new Set<CpuTimer>();
  /** POSIX timers (timer_create), by id; deleted at exec, not inherited by fork. */
  readonly posixTimers = new Map<number, { disarm(): void }>();
  /** PR_SET_CHILD_SUBREAPER: orphaned descendants are reparented here instead of to init. */
  childSubreaper = false;
  /** Job control: stopped by a stop signal; the stop/continue not yet reported to wait. */
  stopped = false;
  stopReport = 0;
  contReport = false;
  /** Signal sent to this process when its parent dies (PR_SET_PDEATHSIG). */
  pdeathsig = 0;
  /** The controlling terminal of its session (kernel/tty/jobctl.ts), inherited by fork. */
  ctty: Tty | null = null;

  constructor(pid: number, ppid: number, mem: AddressSpace, fds: FdTable, code?: CodeCache) {
    this.pid = pid;
    this.ppid = ppid;
    this.pgid = pid;
    this.sid = pid;
    this.mem = mem;
    this.code = code ?? new CodeCache(mem);
    this.fds = fds;
    mem.users++;
    for (let s = 0; s <= NSIG; s++) this.sigactions.push({ handler: SIG_DFL, flags: 0, restorer: 0, maskLo: 0, maskHi: 0 });
  }

  /** Replaces the address space (execve); a space still shared with a vfork parent survives. */
  setMem(mem: AddressSpace): void {
    this.releaseMem();
    this.mem = mem;
    mem.users++;
    this.code = new CodeCache(mem);
  }

  releaseMem(): void {
    if (--this.mem.users === 0) this.mem.destroy();
  }
}
