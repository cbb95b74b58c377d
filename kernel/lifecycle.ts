/**
 * Process lifecycle: fork/vfork/clone of a process (copy-on-write or shared address space),
 * exit with zombies and SIGCHLD, reparenting, and wait4/waitid's search for a child to reap.
 * Threads (CLONE_THREAD) are tasks of one process and come with futexes.
 */

import type { Kernel } from './kernel.js';
import { Process, Task, ExitInfo, TASK_DEAD, SIG_IGN } from './process.js';
import { SIGCHLD, SA_NOCLDWAIT } from './signal.js';
import { procRoot, setProcRoot } from './vfs/vfs.js';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800;
export const CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000;
export const CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000;
export const CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000;

/** wait status words, as <sys/wait.h> decodes them. */
export function waitStatus(e: ExitInfo): number {
  if (e.signal !== null) return (e.signal & 0x7f) | (e.core ? 0x80 : 0);
  return (e.code! & 0xff) << 8;
}

export interface CloneArgs {
  flags: number;
  stack: number;
  parentTid: number;
  childTid: number;
  tls: number;
}

/** Creates the child process of a fork-like clone; the parent task is on the core. */
export function forkProcess(k: Kernel, t: Task, a: CloneArgs): Process {
  const parent = t.proc;
  const pid = k.allocPid();
  const shareVm = (a.flags & CLONE_VM) !== 0;
  const mem = shareVm ? parent.mem : parent.mem.fork();
  const fds = a.flags & CLONE_FILES ? parent.fds : parent.fds.clone();
  const child = new Process(pid, parent.pid, mem, fds, shareVm ? parent.code : undefined);
  const realParent = a.flags & CLONE_PARENT && parent.parent ? parent.parent : parent;
  child.parent = realParent;
  child.ppid = realParent.pid;
  realParent.children.add(child);
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  child.ctty = parent.ctty;
  child.cwd = parent.cwd;
  setProcRoot(child, procRoot(parent)); // the chroot is inherited
  child.umask = parent.umask;
  child.exe = parent.exe;
  child.comm = parent.comm;
  child.argv = parent.argv;
  child.envp = parent.envp;
  child.auxv = parent.auxv;
  parent.sigactions.forEach((s, i) => Object.assign(child.sigactions[i], s));
  for (const [r, l] of parent.rlimits) child.rlimits.set(r, { ...l });
  const ct = new Task(pid, child);
  child.tasks.push(ct);
  k.copyCoreRegs(ct);
  ct.sigmaskLo = t.sigmaskLo;
  ct.sigmaskHi = t.sigmaskHi;
  ct.altStack = { ...t.altStack };
  k.setTaskReg(ct, 0, 0); // the child sees 0 from the syscall
  if (a.stack) k.setTaskReg(ct, 4, a.stack);
  if (a.flags & CLONE_SETTLS) ct.regs.fsBase = a.tls;
  if (a.flags & CLONE_PARENT_SETTID && a.parentTid) parent.mem.write32(a.parentTid, pid);
  if (a.flags & CLONE_CHILD_SETTID && a.childTid) child.mem.write32(a.childTid, pid);
  if (a.flags & CLONE_CHILD_CLEARTID) ct.clearChildTid = a.childTid;
  k.procs.set(pid, child);
  return child;
}

/**
 * Bookkeeping when p has ended: close its files, free its memory, give its children away,
 * and become a zombie for the parent to reap (or vanish if nobody will).
 */
export function retireProcess(k: Kernel, p: Process): void {
  for (const t of p.tasks) t.state = TASK_DEAD;
  p.fds.closeAll();
  p.releaseMem();
  k.releaseVfork(p);
  for (const c of p.children) {
    c.parent = null;
    c.ppid = 1;
    if (c.pdeathsig) k.signalProcess(c, { signo: c.pdeathsig, code: 0 });
    if (c.exit) k.procs.delete(c.pid); // nobody will reap it now
  }
  p.children.clear();
  const parent = p.parent;
  if (!parent || parent.exit) {
    k.procs.delete(p.pid);
    return;
  }
  const act = parent.sigactions[SIGCHLD];
  if (act.handler === SIG_IGN || act.flags & SA_NOCLDWAIT) {
    // Children of a parent ignoring SIGCHLD are reaped at once (POSIX.1-2001).
    parent.children.delete(p);
    k.procs.delete(p.pid);
  } else {
    const e = p.exit!;
    k.signalProcess(parent, {
      signo: SIGCHLD,
      code: e.signal === null ? 1 /* CLD_EXITED */ : e.core ? 3 /* CLD_DUMPED */ : 2 /* CLD_KILLED */,
      pid: p.pid,
      uid: k.host.uid,
      status: e.signal === null ? e.code! : e.signal,
    });
  }
  parent.childWait.notify();
}

/** The children of p a wait for `pid` (wait4's convention) may report. */
export function matchingChildren(p: Process, pid: number): Process[] {
  const all = [...p.children];
  if (pid > 0) return all.filter((c) => c.pid === pid);
  if (pid === 0) return all.filter((c) => c.pgid === p.pgid);
  if (pid === -1) return all;
  return all.filter((c) => c.pgid === -pid);
}

/** Removes a zombie child for good. */
export function reap(k: Kernel, parent: Process, c: Process): void {
  parent.children.delete(c);
  parent.childCpuNs += c.cpuNs + c.childCpuNs;
  k.procs.delete(c.pid);
}
