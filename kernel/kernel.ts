/**
 * The kernel: owns physical memory, the one CPU core, the process table and the scheduler, and
 * connects guest execution to the syscall layer.
 *
 * Scheduling is event driven. Runnable tasks take turns on the core for a slice of instructions;
 * a syscall that must wait returns a Promise, its task parks (TASK_BLOCKED) and is put back on the
 * run queue when the promise settles. When nothing is runnable the kernel simply returns to Node's
 * event loop, and after a few milliseconds of guest execution it yields to it too, so I/O
 * callbacks (a terminal read, a timer) always get to run. Nothing spins.
 */

import type { Host } from './host/host.js';
import { PhysMem } from './mm/phys.js';
import { PageCache } from './mm/pagecache.js';
import type { ImageFile } from './loader/load.js';
import { holdFile, dropFile } from './fdtable.js';

/** How much of an executable is read for its headers (more only if they lie beyond). */
const IMAGE_HEAD = 4096;
import { AddressSpace } from './mm/aspace.js';
import { Cpu, STOP_SYSCALL, CPU_STATE_BYTES } from './cpu/state.js';
import { run } from './cpu/interp.js';
import { getFlags, setFlags } from './cpu/flags.js';
import { GuestFault } from './cpu/fault.js';
import { features } from './cpu/cpuid.js';
import { Vfs } from './vfs/vfs.js';
import { Process, Task, TASK_RUNNABLE, TASK_BLOCKED, TASK_DEAD, ExitInfo, SIG_DFL, SIG_IGN, PID_MAX } from './process.js';
import { FdTable } from './fdtable.js';
import { prepareExec, initialRegs } from './exec.js';
import { retireProcess, willBecomeOrphaned, CloneArgs, CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID } from './lifecycle.js';
import { futexWake, futexKey, exitRobustList } from './futex.js';
import { ExecFormatError } from './loader/elf.js';
import { S_IFMT, S_IFREG, O_RDONLY, fileObservers } from './vfs/file.js';
import { E } from '../compat/errno.js';
import {
  SigInfo, setupFrame, isBlocked, isIgnored, bit, DEFAULT_CORE, DEFAULT_STOP, SIGKILL, SIGSEGV,
  SA_RESETHAND, SA_NODEFER, SA_RESTART, SI_KERNEL, SIGCONT, SA_NOCLDSTOP, SIGSTOP,
} from './signal.js';
import { saveX87, loadX87 } from './cpu/x87-state.js';
import { charge, uncharge, runTimers, taskWeight, inheritSched } from './cputime.js';
import { SIGFPE as FAULT_FPE, SIGILL as FAULT_ILL, SIGTRAP as FAULT_TRAP } from './cpu/fault.js';
import { IpcNamespace } from './ipc/namespace.js';
import { exitSem } from './ipc/sem.js';
import type { Tty } from './tty/tty.js';
import { disassociateCtty } from './tty/jobctl.js';
import { PtyTable } from './tty/pty.js';

/** Signals next_signal takes before any other: the synchronous faults (SEGV, BUS, ILL, TRAP, FPE, SYS). */
const SYNCHRONOUS = new Set([11, 7, 4, 5, 8, 31]);

/** Instructions a task runs before the scheduler looks at others. */
const SLICE = 200_000;
/** Milliseconds of guest execution before yielding to Node's event loop. */
const YIELD_MS = 10;
/** Preemption correction (see checkpoint): how often to read the host's run delay while running. */
const CHECKPOINT_NS = 2_000_000;
/**
 * A slice that ran at least this many instructions before its syscall reads the clock twice to
 * split user from system time; shorter ones read it once (clock reads cost ~50 ns, a syscall-bound
 * loop makes millions of them).
 */
const SPLIT_INSNS = 4096;
/** A pause longer than this between scheduler runs voids the last reading (idle time is not ours). */
const CHECKPOINT_GAP_NS = 200_000;
/**
 * How far behind the least-run task a waking task may be placed (ns of virtual runtime): a
 * sleeper gets a little credit, not the whole time it slept (CFS's sched_latency / 2).
 */
const WAKE_CREDIT_NS = 3_000_000;

export type SyscallResult = number | Promise<number>;
export type SyscallDispatcher = (k: Kernel, t: Task, nr: number) => SyscallResult;

/** A syscall result meaning "the handler set every register itself" (rt_sigreturn, execve). */
export const KEEP_REGS = 2 ** 60;
/** Internal restart codes (never seen by the guest), as Linux's ERESTART*. */
export const ERESTARTSYS = 512, ERESTARTNOHAND = 514;

export interface KernelOptions {
  host: Host;
  /** Host directory that is the guest's root. */
  root: string;
  syscalls: SyscallDispatcher;
  /** Physical memory size in MiB. */
  memoryMb?: number;
}

/** The PIDs a wrap past PID_MAX skips (Linux's RESERVED_PIDS). */
const RESERVED_PIDS = 300;

export class Kernel {
  readonly host: Host;
  readonly phys: PhysMem;
  readonly cpu: Cpu;
  readonly vfs: Vfs;
  /** File pages shared by every mapping of a file (kernel/mm/pagecache.ts). */
  readonly pageCache: PageCache;
  readonly procs = new Map<number, Process>();
  /** System V IPC objects (semaphores, message queues): one namespace per kernel instance. */
  readonly ipc: IpcNamespace;
  /** Runnable tasks not on the core; the one with the least virtual runtime goes next (CFS). */
  private readonly runq: Task[] = [];
  /** Never decreases: the virtual runtime of the last task picked (a floor for waking tasks). */
  private minVruntime = 0;
  /**
   * The last reading of the host's run delay (with the monotonic time it was taken), and the
   * tasks charged since, with how much (Task.ckUser/ckSys): see checkpoint.
   */
  private ck: { wall: number; delay: number } | null = null;
  private charged: Task[] = [];
  /** Average cost of a guest instruction (ns), from slices that ran their budget out. */
  private nsPerInsn = 2;
  private readonly dispatch: SyscallDispatcher;
  private onCore: Task | null = null;
  private loopQueued = false;
  /** Runnable tasks of stopped processes, waiting for SIGCONT. */
  private readonly stoppedTasks = new Set<Task>();
  private nextPid = 1000;
  private initExit: ((e: ExitInfo) => void) | null = null;
  /** Called for each syscall when --strace is on (set by the CLI). */
  strace: ((t: Task, nr: number, result: number) => void) | null = null;
  /** Diagnostics sink (RUSTOS_DEBUG): guest faults are described here. */
  debug: ((msg: string) => void) | null = null;
  /** Optional per-syscall hook before dispatch (strace of calls that block). */
  straceEnter: ((t: Task, nr: number) => void) | null = null;
  /** The host's terminal as a kernel terminal (kernel/tty/hostterm.ts), when rustos runs on one. */
  hostTty: Tty | null = null;
  /** Its device number (the host's st_rdev): opening that /dev/pts node opens hostTty. */
  hostTtyRdev = 0;
  /** The guest's pseudo-terminals (devpts). */
  readonly ptys = new PtyTable();
  /**
   * Whether the first process's group has a link outside (the shell that started rustos, in
   * another group of the same session): then it is not orphaned (kernel/tty/jobctl.ts).
   */
  initLinked: boolean | (() => boolean) = false;
  /** TtyKernel: timers and the clock for VTIME reads. */
  setTimer(ms: number, fn: () => void): () => void {
    return this.host.setTimer(ms, fn);
  }
  nowMs(): number {
    return this.host.monotonicNs() / 1e6;
  }
  /** Called when the first process stops or continues (rustos suspends itself with it). */
  onInitStop: ((stopped: boolean) => void) | null = null;

  constructor(o: KernelOptions) {
    this.host = o.host;
    this.phys = new PhysMem(o.memoryMb ?? 2048);
    this.vfs = new Vfs(o.host, o.root);
    this.pageCache = new PageCache(this.phys);
    fileObservers.add(this.pageCache);
    this.cpu = new Cpu(this.phys, new AddressSpace(this.phys));
    this.dispatch = o.syscalls;
    this.ipc = new IpcNamespace(() => this.host.realtime()[0]);
  }

  /**
   * Reads a whole guest file for exec, resolved as `proc` sees paths (its chroot) and read through
   * the file system it lives on (tmpfs, overlay layers, binds); -errno on failure.
   */
  readExecutable(path: string, cwd: string, proc: Process | null = null): { data: Uint8Array; guest: string } | number {
    const r = this.vfs.resolve(path, cwd, true, proc);
    if (typeof r === 'number') return r;
    if (typeof r.st === 'number') return r.st;
    if ((r.st.mode & S_IFMT) !== S_IFREG) return -E.EACCES;
    if ((r.st.mode & 0o111) === 0) return -E.EACCES;
    const data = this.vfs.readAll(r);
    if (typeof data === 'number') return data;
    return { data, guest: r.guest };
  }

  /**
   * Opens a guest file for exec as readExecutable checks it: the headers read, the rest mapped
   * from the page cache. `close` lets go of the description once the image is mapped.
   */
  openImage(path: string, cwd: string, proc: Process | null = null): { file: ImageFile; guest: string; close: () => void } | number {
    const r = this.vfs.resolve(path, cwd, true, proc);
    if (typeof r === 'number') return r;
    if (typeof r.st === 'number') return r.st;
    if ((r.st.mode & S_IFMT) !== S_IFREG) return -E.EACCES;
    if ((r.st.mode & 0o111) === 0) return -E.EACCES;
    if (r.file) return -E.EACCES;
    const f = r.fs.open(r.rel, O_RDONLY, 0, r.guest);
    if (typeof f === 'number') return f;
    holdFile(f);
    const st = f.stat();
    const size = typeof st === 'number' ? 0 : st.size;
    const read = (off: number, len: number): Uint8Array => {
      const buf = new Uint8Array(Math.max(0, Math.min(len, size - off)));
      for (let n = 0; n < buf.length; ) {
        const k = f.read(buf.subarray(n), off + n);
        if (typeof k !== 'number' || k <= 0) return buf.subarray(0, n);
        n += k;
      }
      return buf;
    };
    const file: ImageFile = { head: read(0, IMAGE_HEAD), size, read, backing: this.pageCache.backingFor(f) };
    return { file, guest: r.guest, close: () => dropFile(f) };
  }

  /**
   * Creates the first process running `path`, or returns -errno (ENOEXEC with the reason in
   * lastExecError) when it cannot run.
   */
  spawn(path: string, argv: Uint8Array[], envp: Uint8Array[], cwd: string, fds: FdTable): Process | number {
    const prep = prepareExec(this, path, argv, envp, cwd, null);
    if (typeof prep === 'number') return prep;
    const pid = this.allocPid();
    const proc = new Process(pid, this.host.pid, prep.mem, fds);
    proc.cwd = cwd;
    proc.exe = prep.guest;
    proc.comm = prep.guest.slice(prep.guest.lastIndexOf('/') + 1).slice(0, 15);
    proc.argv = prep.argv;
    proc.envp = prep.envp;
    proc.auxv = prep.img.auxv;
    const t = new Task(pid, proc);
    proc.tasks.push(t);
    initialRegs(t, prep.img);
    this.procs.set(pid, proc);
    this.init = proc;
    this.makeRunnable(t);
    return proc;
  }

  /**
   * The next free PID (and TID), as Linux hands them out: increasing, wrapping at pid_max to
   * RESERVED_PIDS, skipping numbers still used by a task, a process group or a session.
   */
  allocPid(): number {
    for (;;) {
      const pid = this.nextPid++;
      if (this.nextPid >= PID_MAX) this.nextPid = RESERVED_PIDS;
      if (!this.pidInUse(pid)) return pid;
    }
  }

  private pidInUse(n: number): boolean {
    if (this.procs.has(n)) return true;
    for (const p of this.procs.values()) {
      if (p.pgid === n || p.sid === n || p.tasks.some((t) => t.tid === n)) return true;
    }
    return false;
  }

  /** The reason the last exec failed with ENOEXEC (for the CLI's message). */
  lastExecError = '';
  /** The first process: when it ends, the run ends (as a container's PID 1). */
  init: Process | null = null;

  /** Copies the core's registers (the running task's) into another task's saved registers. */
  copyCoreRegs(into: Task): void {
    const c = this.cpu;
    const r = into.regs;
    r.bytes.set(this.phys.u8.subarray(c.base, c.base + CPU_STATE_BYTES));
    r.rip = c.rip;
    r.fsBase = c.fsBase;
    r.gsBase = c.gsBase;
    r.mxcsr = c.mxcsr;
    r.eflags = getFlags(c);
    saveX87(c, r.x87);
  }

  /** Sets general register n of a task that is not on the core. */
  setTaskReg(t: Task, n: number, v: number): void {
    const dv = new DataView(t.regs.bytes.buffer);
    const hi = Math.floor(v / 4294967296);
    dv.setInt32(8 * n, (v - hi * 4294967296) | 0, true);
    dv.setInt32(8 * n + 4, hi | 0, true);
  }

  /** The core no longer holds t's registers: the next switch loads them from t.regs. */
  forgetCore(t: Task): void {
    if (this.onCore === t) this.onCore = null;
  }

  /** clone(CLONE_THREAD): a new task of t's process, starting where t is, on its own stack. */
  cloneThread(t: Task, a: CloneArgs): number {
    const p = t.proc;
    const tid = this.allocPid();
    const ct = new Task(tid, p);
    p.tasks.push(ct);
    inheritSched(t, ct);
    this.copyCoreRegs(ct);
    this.setTaskReg(ct, 0, 0);
    if (a.stack) this.setTaskReg(ct, 4, a.stack);
    if (a.flags & CLONE_SETTLS) ct.regs.fsBase = a.tls;
    ct.sigmaskLo = t.sigmaskLo;
    ct.sigmaskHi = t.sigmaskHi;
    if (a.flags & CLONE_PARENT_SETTID && a.parentTid) p.mem.write32(a.parentTid, tid);
    if (a.flags & CLONE_CHILD_SETTID && a.childTid) p.mem.write32(a.childTid, tid);
    if (a.flags & CLONE_CHILD_CLEARTID) ct.clearChildTid = a.childTid;
    this.makeRunnable(ct);
    return tid;
  }

  /**
   * exit(2) of one thread: its clear_child_tid word is zeroed and futex-woken (pthread_join
   * waits there); the last thread's exit ends the process.
   */
  exitTask(t: Task, code: number): void {
    const p = t.proc;
    if (p.tasks.filter((x) => x.state !== TASK_DEAD).length <= 1) {
      this.exitProcess(p, { code, signal: null, core: false });
      return;
    }
    t.state = TASK_DEAD;
    if (this.onCore === t) this.onCore = null;
    // Timers on this thread's CPU clock can never fire now.
    for (const tm of p.cpuTimers) if (tm.task === t) {
      tm.expires = 0;
      p.cpuTimers.delete(tm);
    }
    exitRobustList(t);
    if (t.clearChildTid) {
      try {
        p.mem.write32(t.clearChildTid, 0);
        futexWake(futexKey(p.mem, t.clearChildTid, false), 1);
      } catch (e) {
        if (!(e instanceof GuestFault)) throw e;
      }
    }
    p.tasks = p.tasks.filter((x) => x !== t);
  }

  /** Wakes the parent of a vfork child (the child exec'd or exited). */
  releaseVfork(p: Process): void {
    const done = p.vforkDone;
    p.vforkDone = null;
    done?.();
  }

  /** Resolves with the first process's exit, once it and the scheduler are done. */
  waitInit(): Promise<ExitInfo> {
    return new Promise((resolve) => {
      this.initExit = resolve;
    });
  }

  /**
   * Puts t on the run queue. A task that waited (or was stopped) comes back no further behind
   * than WAKE_CREDIT_NS, so a long sleep does not buy it a long monopoly of the core.
   */
  makeRunnable(t: Task): void {
    const floor = this.minVruntime - WAKE_CREDIT_NS;
    if (t.vruntime < floor) t.vruntime = floor;
    t.state = TASK_RUNNABLE;
    if (!t.queued) {
      t.queued = true;
      this.runq.push(t);
    }
    this.kick();
  }

  /**
   * The next task to run: the least virtual runtime (ties: the longest queued). Entries of tasks
   * that have since blocked or died are dropped on the way.
   */
  private pick(): Task | null {
    const q = this.runq;
    if (q.length === 1 && q[0].state === TASK_RUNNABLE) {
      // One runnable task (the common case: one busy process): no choice to make.
      const t = q.pop()!;
      t.queued = false;
      if (t.vruntime > this.minVruntime) this.minVruntime = t.vruntime;
      return t;
    }
    let best = -1;
    for (let i = 0; i < q.length; ) {
      const x = q[i];
      if (x.state !== TASK_RUNNABLE) {
        x.queued = false;
        q.splice(i, 1);
        continue;
      }
      if (best < 0 || x.vruntime < q[best].vruntime) best = i;
      i++;
    }
    if (best < 0) return null;
    const t = q[best];
    q.splice(best, 1);
    t.queued = false;
    if (t.vruntime > this.minVruntime) this.minVruntime = t.vruntime;
    return t;
  }

  /**
   * sched_yield: t goes behind every task now waiting for the core (its virtual runtime is raised
   * to theirs; at a tie the queue order puts it last).
   */
  yieldTask(t: Task): void {
    for (const x of this.runq) if (x.state === TASK_RUNNABLE && x.vruntime > t.vruntime) t.vruntime = x.vruntime;
  }

  /**
   * Charges a slice: CPU time to the task and process (cputime.ts), and virtual runtime in
   * inverse proportion to the task's CFS weight, which is how nice values share the core.
   */
  private account(t: Task, userNs: number, sysNs: number): void {
    const due = charge(t, userNs, sysNs);
    t.vruntime += ((userNs + sysNs) * 1024) / taskWeight(t);
    if (t.ckUser === 0 && t.ckSys === 0) this.charged.push(t);
    t.ckUser += userNs;
    t.ckSys += sysNs;
    if (due) {
      // Correct for preemption before a timer fires on time the guest did not use.
      this.settleCpuTime();
      runTimers(t.proc, t);
    }
  }

  /**
   * Reads the host's run delay: whatever of it grew since the last reading is time the host
   * thread was preempted while we were measuring slices, and is taken back from the tasks charged
   * since, in proportion. Those charges are still unseen by any guest (every CPU-clock read calls
   * settleCpuTime first), so no clock runs backwards. Without a previous reading (the start of a
   * run after a pause) this only sets the baseline.
   */
  private checkpoint(now: number): void {
    const delay = this.host.runDelayNs();
    if (delay < 0) return;
    const ck = this.ck;
    if (ck !== null && delay > ck.delay && now > ck.wall) {
      const f = Math.min(1, (delay - ck.delay) / (now - ck.wall));
      for (const t of this.charged) {
        const u = t.ckUser * f, s = t.ckSys * f;
        uncharge(t, u, s);
        t.vruntime -= ((u + s) * 1024) / taskWeight(t);
      }
    }
    for (const t of this.charged) t.ckUser = t.ckSys = 0;
    this.charged.length = 0;
    this.ck = { wall: now, delay };
  }

  /** Brings the CPU-time accounting up to date before a guest reads it (clocks, rusage, /proc). */
  settleCpuTime(): void {
    if (this.ck !== null) this.checkpoint(this.host.monotonicNs());
  }

  private kick(): void {
    if (this.loopQueued) return;
    this.loopQueued = true;
    this.host.defer(() => this.loop());
  }

  /** Puts t's registers on the core (saving whoever was there). */
  private switchTo(t: Task): void {
    if (this.onCore === t) return;
    if (this.onCore !== null && this.onCore.state !== TASK_DEAD) this.saveRegs(this.onCore);
    const c = this.cpu;
    const r = t.regs;
    this.phys.u8.set(r.bytes, c.base);
    c.rip = r.rip;
    c.fsBase = r.fsBase;
    c.gsBase = r.gsBase;
    c.mxcsr = r.mxcsr;
    setFlags(c, r.eflags);
    loadX87(c, r.x87);
    c.mem = t.proc.mem;
    this.onCore = t;
  }

  private saveRegs(t: Task): void {
    const c = this.cpu;
    const r = t.regs;
    r.bytes.set(this.phys.u8.subarray(c.base, c.base + CPU_STATE_BYTES));
    r.rip = c.rip;
    r.fsBase = c.fsBase;
    r.gsBase = c.gsBase;
    r.mxcsr = c.mxcsr;
    r.eflags = getFlags(c);
    saveX87(c, r.x87);
  }

  /** Sets the syscall return value of a task whether or not it is on the core. */
  setReturn(t: Task, v: number): void {
    if (this.onCore === t) this.cpu.setU64(0, v);
    else {
      const dv = new DataView(t.regs.bytes.buffer);
      const hi = Math.floor(v / 4294967296);
      dv.setInt32(0, (v - hi * 4294967296) | 0, true);
      dv.setInt32(4, hi | 0, true);
    }
  }

  private loop(): void {
    this.loopQueued = false;
    const start = this.host.monotonicNs();
    let now = start;
    // A reading from a run that ended just now still holds (back-to-back runs of a busy guest);
    // after a pause it would count the host's idle wake-up delay as ours.
    if (this.ck !== null && start - this.ck.wall > CHECKPOINT_GAP_NS) this.ck = null;
    for (let t = this.pick(); t !== null; t = this.pick()) {
      if (t.proc.stopped) {
        this.stoppedTasks.add(t); // resumes with SIGCONT
        continue;
      }
      this.switchTo(t);
      if (t.pending.length > 0) {
        this.deliverSignals(t);
        if (t.state !== TASK_RUNNABLE) continue;
        if (t.proc.stopped) {
          this.stoppedTasks.add(t); // a stop signal's default action: not one more instruction
          continue;
        }
      }
      // A temporary mask (sigsuspend, ppoll, pselect6, epoll_pwait) with no handler to carry
      // it is restored on the way back to user mode (Linux's restore_saved_sigmask).
      if (t.savedMask !== null) {
        [t.sigmaskLo, t.sigmaskHi] = t.savedMask;
        t.savedMask = null;
      }
      t.restart = null;
      const r0 = this.cpu.retired;
      const fault = run(this.cpu, t.proc.code, SLICE);
      const insns = this.cpu.retired - r0;
      if (fault === null && this.cpu.stop === STOP_SYSCALL) {
        if (insns >= SPLIT_INSNS) {
          // User time is charged before the syscall runs, so the thread's own CPU clock read
          // by that syscall includes it; the syscall itself is system time.
          const ran = this.host.monotonicNs();
          this.account(t, ran - now, 0);
          this.onSyscall(t);
          now = this.host.monotonicNs();
          this.account(t, 0, now - ran);
        } else {
          // A few instructions between syscalls (a syscall-bound program): one clock read for
          // both, the user part estimated from the instruction count.
          this.onSyscall(t);
          const end = this.host.monotonicNs();
          const user = Math.min(end - now, insns * this.nsPerInsn);
          this.account(t, user, end - now - user);
          now = end;
        }
      } else {
        if (fault !== null) this.onFault(t, fault);
        const end = this.host.monotonicNs();
        this.account(t, end - now, 0);
        if (fault === null && insns > 0) this.nsPerInsn += ((end - now) / insns - this.nsPerInsn) / 16;
        now = end;
      }
      if (t.state === TASK_RUNNABLE && !t.queued) {
        t.queued = true;
        this.runq.push(t);
      }
      // Long runs are where preemption hides: read the run delay every few ms (the first
      // reading, 1 ms in, is the baseline; the time before it stays as measured).
      if (this.ck === null ? now - start >= CHECKPOINT_NS / 2 : now - this.ck.wall >= CHECKPOINT_NS) this.checkpoint(now);
      if (now - start > YIELD_MS * 1e6) {
        if (this.runq.length > 0) this.kick();
        break;
      }
    }
    if (this.ck !== null) this.checkpoint(now);
    else {
      for (const t of this.charged) t.ckUser = t.ckSys = 0;
      this.charged.length = 0;
    }
  }

  private onSyscall(t: Task): void {
    const nr = this.cpu.R[0];
    this.straceEnter?.(t, nr);
    let res: SyscallResult;
    try {
      res = this.dispatch(this, t, nr);
    } catch (e) {
      if (e instanceof GuestFault) res = -E.EFAULT;
      else throw e;
    }
    if (t.state === TASK_DEAD) {
      this.strace?.(t, nr, NaN);
      return;
    }
    if (typeof res === 'number') {
      this.finishSyscall(t, nr, res);
      return;
    }
    t.state = TASK_BLOCKED;
    res.then(
      (v) => {
        if (t.state === TASK_DEAD) return;
        t.interrupt = null;
        this.finishSyscall(t, nr, v);
        this.makeRunnable(t);
      },
      (e) => {
        if (t.state === TASK_DEAD) return;
        const v = e instanceof GuestFault ? -E.EFAULT : -E.EIO;
        this.strace?.(t, nr, v);
        this.setReturn(t, v);
        this.makeRunnable(t);
      },
    );
  }

  private finishSyscall(t: Task, nr: number, v: number): void {
    if (v === KEEP_REGS) {
      this.strace?.(t, nr, NaN);
      return;
    }
    this.strace?.(t, nr, v);
    if (v === -ERESTARTSYS || v === -ERESTARTNOHAND) {
      t.restart = { nr, code: -v };
      v = -E.EINTR;
    }
    this.setReturn(t, v);
  }

  /**
   * A synchronous fault: the signal goes to the task's handler at once; if it is blocked or
   * ignored it cannot be, and Linux (force_sig) resets it to the default action.
   */
  private onFault(t: Task, f: GuestFault): void {
    if (this.debug) {
      let bytes = '';
      try {
        bytes = [...t.proc.mem.readBytes(this.cpu.rip, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      } catch {
        bytes = '(unreadable)';
      }
      this.debug(`fault: signal ${f.signo} code ${f.code} addr 0x${f.addr.toString(16)} at rip 0x${this.cpu.rip.toString(16)} [${bytes}] ${f.what}`);
    }
    const trapno = f.signo === SIGSEGV ? (f.code === SI_KERNEL ? 13 : 14) : f.signo === FAULT_FPE ? 0 : f.signo === FAULT_ILL ? 6 : f.signo === FAULT_TRAP ? 3 : 0;
    const info: SigInfo = { signo: f.signo, code: f.code, addr: f.addr, trapno };
    const act = t.proc.sigactions[f.signo];
    if (isBlocked(t, f.signo) || act.handler === SIG_IGN) {
      act.handler = SIG_DFL;
      const [lo, hi] = bit(f.signo);
      t.sigmaskLo &= ~lo;
      t.sigmaskHi &= ~hi;
    }
    this.deliver(t, info);
  }

  /**
   * Sends a signal to a task: queued until the task can take it (a standard signal already
   * pending is not queued twice), and an interruptible wait is cut short.
   */
  sendSignal(t: Task, info: SigInfo): void {
    const p = t.proc;
    if (p.exit || t.state === TASK_DEAD) return;
    if (info.signo === SIGKILL) {
      this.killProcess(p, SIGKILL);
      return;
    }
    // SIGCONT resumes a stopped process whatever its disposition; stop and continue cancel
    // each other's pending instances.
    if (info.signo === SIGCONT) {
      for (const x of p.tasks) x.pending = x.pending.filter((y) => !DEFAULT_STOP.has(y.signo));
      this.continueProcess(p);
    } else if (DEFAULT_STOP.has(info.signo)) {
      for (const x of p.tasks) x.pending = x.pending.filter((y) => y.signo !== SIGCONT);
    }
    if (isIgnored(p.sigactions[info.signo], info.signo) && !isBlocked(t, info.signo)) return;
    if (info.signo < 32 && t.pending.some((x) => x.signo === info.signo)) return;
    t.pending.push(info);
    t.signalQueue.notify();
    const w = t.sigwait;
    if (w && (bit(info.signo)[0] & w[0] || bit(info.signo)[1] & w[1]) && t.interrupt) {
      const wake = t.interrupt;
      t.interrupt = null;
      wake();
    } else if (!isBlocked(t, info.signo) && t.interrupt) {
      const wake = t.interrupt;
      t.interrupt = null;
      wake();
    }
    if (t.state === TASK_RUNNABLE) this.kick();
  }

  /**
   * Sends a signal to a process: to a task of it that does not block the signal, `prefer` first
   * (the thread whose CPU time fired a timer, as Linux's complete_signal tries the current one).
   */
  signalProcess(p: Process, info: SigInfo, prefer: Task | null = null): void {
    if (prefer && prefer.proc === p && prefer.state !== TASK_DEAD && !isBlocked(prefer, info.signo)) {
      this.sendSignal(prefer, info);
      return;
    }
    const live = p.tasks.filter((t) => t.state !== TASK_DEAD);
    const t = live.find((x) => !isBlocked(x, info.signo)) ?? live[0];
    if (t) this.sendSignal(t, info);
  }

  /**
   * A signal from outside (kill of rustos): to the foreground group of the host terminal, or
   * without one to the first process's process group.
   */
  signalForeground(sig: number): void {
    const pgid = this.hostTty?.pgrp || this.init?.pgid;
    if (pgid) this.signalGroup(pgid, sig);
  }

  /** Sends sig to every live process of group pgid (kill_pgrp from the kernel). */
  signalGroup(pgid: number, sig: number): void {
    for (const p of [...this.procs.values()]) if (!p.exit && p.pgid === pgid) this.signalProcess(p, { signo: sig, code: SI_KERNEL });
  }

  /**
   * Delivers t's pending, unblocked signals (t is on the core), as Linux does on the way back
   * to user mode: one after another, each handler frame stacked on the last (so the handler of
   * the signal taken last runs first), each frame's mask deciding what may follow. The order is
   * next_signal's: synchronous faults first, then the lowest number, queue order within one.
   * A stop ends the round; the rest wait for SIGCONT.
   */
  private deliverSignals(t: Task): void {
    while (t.state === TASK_RUNNABLE && !t.proc.stopped) {
      let k = -1;
      for (let i = 0; i < t.pending.length; i++) {
        const s = t.pending[i].signo;
        if (isBlocked(t, s)) continue;
        if (k < 0) k = i;
        else {
          const best = t.pending[k].signo;
          const ss = SYNCHRONOUS.has(s), bs = SYNCHRONOUS.has(best);
          if ((ss && !bs) || (ss === bs && s < best)) k = i;
        }
      }
      if (k < 0) return;
      const [info] = t.pending.splice(k, 1);
      this.deliver(t, info);
    }
  }

  /** Acts on one signal; returns true if a handler frame was set up. */
  private deliver(t: Task, info: SigInfo): boolean {
    const p = t.proc;
    const sig = info.signo;
    const act = p.sigactions[sig];
    const restart = t.restart;
    t.restart = null;
    const saved = t.savedMask;
    t.savedMask = null;
    if (act.handler === SIG_DFL) {
      if (isIgnored(act, sig) || DEFAULT_STOP.has(sig)) {
        if (restart) this.restartSyscall(t, restart.nr);
        if (saved) [t.sigmaskLo, t.sigmaskHi] = saved;
        // SIGTSTP/SIGTTIN/SIGTTOU do nothing in an orphaned process group (nobody in the
        // session could continue it); SIGSTOP always stops (get_signal's is_current_pgrp_orphaned).
        if (DEFAULT_STOP.has(sig) && (sig === SIGSTOP || !willBecomeOrphaned(this, p.pgid, null))) this.stopProcess(p, sig);
        return false;
      }
      this.killProcess(p, sig);
      return false;
    }
    if (act.handler === SIG_IGN) {
      if (restart) this.restartSyscall(t, restart.nr);
      if (saved) [t.sigmaskLo, t.sigmaskHi] = saved;
      return false;
    }
    if (restart && (restart.code === ERESTARTNOHAND ? false : act.flags & SA_RESTART)) this.restartSyscall(t, restart.nr);
    const oldLo = saved ? saved[0] : t.sigmaskLo, oldHi = saved ? saved[1] : t.sigmaskHi;
    try {
      setupFrame(this.cpu, t, act, info, oldLo, oldHi);
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      this.killProcess(p, SIGSEGV); // no room for the frame: Linux forces SIGSEGV
      return false;
    }
    t.sigmaskLo |= act.maskLo;
    t.sigmaskHi |= act.maskHi;
    if (!(act.flags & SA_NODEFER)) {
      const [lo, hi] = bit(sig);
      t.sigmaskLo |= lo;
      t.sigmaskHi |= hi;
    }
    if (act.flags & SA_RESETHAND) {
      act.handler = SIG_DFL;
      act.flags &= ~SA_RESETHAND;
    }
    return true;
  }

  /**
   * Parks t until done() is called or a signal interrupts the wait (then the promise settles with
   * `onSignal`, -EINTR by default; at once if one is already pending, as Linux checks before
   * sleeping). `start` returns a function that cancels what it started.
   */
  waitInterruptible(t: Task, start: (done: (v: number) => void) => () => void, onSignal = -E.EINTR): Promise<number> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: number): void => {
        if (settled) return;
        settled = true;
        t.interrupt = null;
        resolve(v);
      };
      const cancel = start(finish);
      if (settled) return;
      if (this.hasDeliverable(t)) {
        // A signal came while the task was between waits (woken, not yet back to sleep).
        cancel();
        finish(onSignal);
        return;
      }
      t.interrupt = () => {
        cancel();
        finish(onSignal);
      };
    });
  }

  /** True if a signal that t does not block is pending (a wait should not even start). */
  hasDeliverable(t: Task): boolean {
    return t.pending.some((x) => !isBlocked(t, x.signo));
  }

  /** A stop signal's default action: the whole process stops until SIGCONT; the parent hears. */
  stopProcess(p: Process, sig: number): void {
    if (p.stopped || p.exit) return;
    p.stopped = true;
    p.stopReport = sig;
    p.contReport = false;
    this.notifyParent(p, 5 /* CLD_STOPPED */, sig);
    if (p === this.init) this.onInitStop?.(true);
  }

  continueProcess(p: Process): void {
    if (!p.stopped) return;
    p.stopped = false;
    p.stopReport = 0;
    p.contReport = true;
    for (const t of [...this.stoppedTasks]) {
      if (t.proc !== p) continue;
      this.stoppedTasks.delete(t);
      if (t.state === TASK_RUNNABLE) this.makeRunnable(t);
    }
    this.notifyParent(p, 6 /* CLD_CONTINUED */, SIGCONT);
    if (p === this.init) this.onInitStop?.(false);
  }

  private notifyParent(p: Process, code: number, status: number): void {
    const parent = p.parent;
    if (!parent || parent.exit) return;
    if (!(parent.sigactions[17].flags & SA_NOCLDSTOP)) {
      this.signalProcess(parent, { signo: 17, code, pid: p.pid, uid: this.host.uid, status });
    }
    parent.childWait.notify();
  }

  /** Re-executes the interrupted syscall instruction (rip back over `syscall`, rax = number). */
  private restartSyscall(t: Task, nr: number): void {
    this.cpu.rip -= 2;
    this.cpu.setU64(0, nr);
  }

  killProcess(p: Process, sig: number): void {
    this.exitProcess(p, { code: null, signal: sig, core: DEFAULT_CORE.has(sig) });
  }

  /** Ends every task of p (exit_group, a fatal signal). */
  exitProcess(p: Process, info: ExitInfo): void {
    if (p.exit) return;
    p.exit = info;
    // Robust mutexes in memory shared with other processes learn that their owner died.
    if (p.mem.vmas.some((v) => v.flags & 1 /* MAP_SHARED */)) for (const t of p.tasks) exitRobustList(t);
    for (const t of p.tasks) {
      t.state = TASK_DEAD;
      t.interrupt?.();
    }
    if (this.onCore && this.onCore.proc === p) this.onCore = null;
    exitSem(this.ipc, p); // SEM_UNDO adjustments
    if (p.pid === p.sid && p.ctty) disassociateCtty(this, p, true);
    retireProcess(this, p);
    if (p === this.init) {
      // The first process is the run: like a container's PID 1, its end ends everything.
      for (const q of [...this.procs.values()]) if (!q.exit) this.exitProcess(q, { code: null, signal: SIGKILL, core: false });
      this.initExit?.(info);
    }
  }
}

export { ExecFormatError };
