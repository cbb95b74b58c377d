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
import { AddressSpace } from './mm/aspace.js';
import { Cpu, STOP_SYSCALL, CPU_STATE_BYTES } from './cpu/state.js';
import { run } from './cpu/interp.js';
import { getFlags, setFlags } from './cpu/flags.js';
import { GuestFault } from './cpu/fault.js';
import { features } from './cpu/cpuid.js';
import { Vfs } from './vfs/vfs.js';
import { Process, Task, TASK_RUNNABLE, TASK_BLOCKED, TASK_DEAD, ExitInfo, SIG_DFL, SIG_IGN } from './process.js';
import { FdTable } from './fdtable.js';
import { loadElf } from './loader/load.js';
import { ExecFormatError } from './loader/elf.js';
import { S_IFMT, S_IFREG } from './vfs/file.js';
import { E } from '../compat/errno.js';

/** Instructions a task runs before the scheduler looks at others. */
const SLICE = 200_000;
/** Milliseconds of guest execution before yielding to Node's event loop. */
const YIELD_MS = 10;

export type SyscallResult = number | Promise<number>;
export type SyscallDispatcher = (k: Kernel, t: Task, nr: number) => SyscallResult;

/** Signals whose default action dumps core (shells print "(core dumped)"). */
const CORE_SIGNALS = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);
/** Signals whose default action is to do nothing. */
const IGNORED_BY_DEFAULT = new Set([17, 18, 23, 28]);

export interface KernelOptions {
  host: Host;
  /** Host directory that is the guest's root. */
  root: string;
  syscalls: SyscallDispatcher;
  /** Physical memory size in MiB. */
  memoryMb?: number;
}

export class Kernel {
  readonly host: Host;
  readonly phys: PhysMem;
  readonly cpu: Cpu;
  readonly vfs: Vfs;
  readonly procs = new Map<number, Process>();
  private readonly runq: Task[] = [];
  private readonly dispatch: SyscallDispatcher;
  private onCore: Task | null = null;
  private loopQueued = false;
  private nextPid = 1000;
  private initExit: ((e: ExitInfo) => void) | null = null;
  /** Called for each syscall when --strace is on (set by the CLI). */
  strace: ((t: Task, nr: number, result: number) => void) | null = null;
  /** Diagnostics sink (RUSTOS_DEBUG): guest faults are described here. */
  debug: ((msg: string) => void) | null = null;
  /** Optional per-syscall hook before dispatch (strace of calls that block). */
  straceEnter: ((t: Task, nr: number) => void) | null = null;

  constructor(o: KernelOptions) {
    this.host = o.host;
    this.phys = new PhysMem(o.memoryMb ?? 2048);
    this.vfs = new Vfs(o.host, o.root);
    this.cpu = new Cpu(this.phys, new AddressSpace(this.phys));
    this.dispatch = o.syscalls;
  }

  /** Reads a whole guest file for exec; -errno on failure. */
  readExecutable(path: string, cwd: string): { data: Uint8Array; guest: string } | number {
    const r = this.vfs.resolve(path, cwd, true);
    if (typeof r === 'number') return r;
    if (typeof r.st === 'number') return r.st;
    if ((r.st.mode & S_IFMT) !== S_IFREG) return -E.EACCES;
    if ((r.st.mode & 0o111) === 0) return -E.EACCES;
    const fd = this.host.open(r.host, 0, 0);
    if (fd < 0) return fd;
    try {
      const data = new Uint8Array(r.st.size);
      let off = 0;
      while (off < data.length) {
        const n = this.host.read(fd, data.subarray(off), off);
        if (n <= 0) break;
        off += n;
      }
      return { data: data.subarray(0, off), guest: r.guest };
    } finally {
      this.host.close(fd);
    }
  }

  /**
   * Creates the first process running `path`. Throws ExecFormatError for a file that is not a
   * runnable program, or returns -errno when it can't be read.
   */
  spawn(path: string, argv: Uint8Array[], envp: Uint8Array[], cwd: string, fds: FdTable): Process | number {
    const file = this.readExecutable(path, cwd);
    if (typeof file === 'number') return file;
    const pid = this.nextPid++;
    const mem = new AddressSpace(this.phys);
    const proc = new Process(pid, this.host.pid, mem, fds);
    proc.cwd = cwd;
    this.loadImage(proc, file.data, file.guest, argv, envp);
    const t = new Task(pid, proc);
    proc.tasks.push(t);
    this.saveInitialRegs(t, proc);
    this.procs.set(pid, proc);
    this.makeRunnable(t);
    return proc;
  }

  private pendingEntry = new Map<Process, { entry: number; sp: number }>();

  private loadImage(proc: Process, data: Uint8Array, guest: string, argv: Uint8Array[], envp: Uint8Array[]): void {
    const random16 = new Uint8Array(16);
    this.host.randomBytes(random16);
    const img = loadElf(proc.mem, data, {
      argv,
      envp,
      execfn: argv.length > 0 ? argv[0] : new TextEncoder().encode(guest),
      path: guest,
      uid: this.host.uid,
      gid: this.host.gid,
      hwcap: features.leaf1Edx,
      random16,
      readFile: (path) => {
        const f = this.readExecutable(path, '/');
        return typeof f === 'number' ? f : f.data;
      },
    });
    proc.exe = guest;
    proc.comm = guest.slice(guest.lastIndexOf('/') + 1).slice(0, 15);
    proc.argv = argv;
    proc.envp = envp;
    proc.auxv = img.auxv;
    this.pendingEntry.set(proc, { entry: img.entry, sp: img.sp });
  }

  private saveInitialRegs(t: Task, proc: Process): void {
    const e = this.pendingEntry.get(proc)!;
    this.pendingEntry.delete(proc);
    t.regs.bytes.fill(0);
    const dv = new DataView(t.regs.bytes.buffer);
    dv.setUint32(4 * 8, e.sp % 4294967296, true);
    dv.setUint32(4 * 8 + 4, Math.floor(e.sp / 4294967296), true);
    t.regs.rip = e.entry;
    t.regs.eflags = 0x202;
    t.regs.fsBase = 0;
    t.regs.gsBase = 0;
    t.regs.mxcsr = 0x1f80;
    if (this.onCore === t) this.onCore = null;
  }

  /** Resolves with the first process's exit, once it and the scheduler are done. */
  waitInit(): Promise<ExitInfo> {
    return new Promise((resolve) => {
      this.initExit = resolve;
    });
  }

  makeRunnable(t: Task): void {
    t.state = TASK_RUNNABLE;
    this.runq.push(t);
    this.kick();
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
    while (this.runq.length > 0) {
      const t = this.runq.shift()!;
      if (t.state !== TASK_RUNNABLE) continue;
      this.switchTo(t);
      const fault = run(this.cpu, t.proc.code, SLICE);
      if (fault !== null) this.onFault(t, fault);
      else if (this.cpu.stop === STOP_SYSCALL) this.onSyscall(t);
      if (t.state === TASK_RUNNABLE) this.runq.push(t);
      if (this.host.monotonicNs() - start > YIELD_MS * 1e6) {
        if (this.runq.length > 0) this.kick();
        return;
      }
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
      this.strace?.(t, nr, res);
      this.setReturn(t, res);
      return;
    }
    t.state = TASK_BLOCKED;
    res.then(
      (v) => {
        if (t.state === TASK_DEAD) return;
        this.strace?.(t, nr, v);
        this.setReturn(t, v);
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

  /**
   * A synchronous fault. Delivering it to a guest handler needs signal frames (the process
   * issue); until then, as when the signal is blocked or ignored, the default action applies.
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
    this.killProcess(t.proc, f.signo);
  }

  /** Sends sig to a process (kill/tgkill/raise): the default action or nothing if ignored. */
  signalProcess(p: Process, sig: number): number {
    if (sig === 0) return 0;
    const act = p.sigactions[sig];
    if (act.handler === SIG_IGN || (act.handler === SIG_DFL && IGNORED_BY_DEFAULT.has(sig))) return 0;
    this.killProcess(p, sig);
    return 0;
  }

  killProcess(p: Process, sig: number): void {
    this.exitProcess(p, { code: null, signal: sig, core: CORE_SIGNALS.has(sig) });
  }

  /** Ends every task of p (exit_group, a fatal signal). */
  exitProcess(p: Process, info: ExitInfo): void {
    if (p.exit) return;
    p.exit = info;
    for (const t of p.tasks) t.state = TASK_DEAD;
    if (this.onCore && this.onCore.proc === p) this.onCore = null;
    p.fds.closeAll();
    p.mem.destroy();
    this.procs.delete(p.pid);
    if (this.procs.size === 0 && this.initExit) this.initExit(info);
  }
}

export { ExecFormatError };
