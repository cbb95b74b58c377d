/**
 * Process lifecycle: fork/vfork/clone of a process (copy-on-write or shared address space),
 * exit with zombies and SIGCHLD, reparenting (to the nearest PR_SET_CHILD_SUBREAPER ancestor, or
 * init), orphaned process groups, and wait4/waitid's search for a child to reap.
 * Threads (CLONE_THREAD) are tasks of one process and come with futexes.
 */

import type { Kernel } from './kernel.js';
import { Process, Task, ExitInfo, TASK_DEAD, SIG_IGN } from './process.js';
import { SIGCHLD, SA_NOCLDWAIT, SIGHUP, SIGCONT, SI_KERNEL } from './signal.js';
import { inheritSched, noteRss } from './cputime.js';
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
  inheritSched(t, ct);
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
 * Bookkeeping when p has ended (Linux's exit_notify): close its files, free its memory, give its
 * children to the nearest subreaper ancestor or init, send SIGHUP+SIGCONT to process groups this
 * exit orphans while they have stopped members, and become a zombie for the parent to reap (or
 * vanish if nobody will).
 */
export function retireProcess(k: Kernel, p: Process): void {
  for (const t of p.tasks) t.state = TASK_DEAD;
  noteRss(p);
  // Timers on its clocks are dead (timer_gettime reads them as disarmed).
  for (const tm of p.cpuTimers) tm.expires = 0;
  p.cpuTimers.clear();
  p.fds.closeAll();
  p.releaseMem();
  k.releaseVfork(p);
  const reaper = newReaper(p);
  for (const c of p.children) {
    c.parent = reaper;
    c.ppid = reaper ? reaper.pid : 1;
    reaper?.children.add(c);
    if (c.pdeathsig) k.signalProcess(c, { signo: c.pdeathsig, code: 0 });
    if (c.exit) {
      if (reaper) notifyExit(k, c, reaper);
      else k.procs.delete(c.pid); // init reaps it
    }
    killOrphanedPgrp(k, c, p, null);
  }
  p.children.clear();
  const parent = p.parent;
  if (!parent || parent.exit) {
    k.procs.delete(p.pid);
    return;
  }
  killOrphanedPgrp(k, p, parent, p);
  notifyExit(k, p, parent);
}

/** Where p's children go when it dies: its nearest living subreaper ancestor, or init (null). */
function newReaper(p: Process): Process | null {
  for (let a = p.parent; a; a = a.parent) if (a.childSubreaper && !a.exit) return a;
  return null;
}

/**
 * Tells the parent that child p has exited (do_notify_parent): SIGCHLD, and a wake-up for its
 * waits. A parent that ignores SIGCHLD, or set SA_NOCLDWAIT, has the child reaped at once (POSIX);
 * with SA_NOCLDWAIT and a handler the signal is still sent, as Linux does.
 */
function notifyExit(k: Kernel, p: Process, parent: Process): void {
  const act = parent.sigactions[SIGCHLD];
  if (act.handler === SIG_IGN || act.flags & SA_NOCLDWAIT) {
    parent.children.delete(p);
    k.procs.delete(p.pid);
  }
  if (act.handler !== SIG_IGN) {
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

/**
 * Linux's will_become_orphaned_pgrp: true if no member of process group pgid (other than
 * `ignored`, and not counting zombies) has a parent in a different group of the same session.
 * A member whose parent is init (null here: outside the run) does not connect the group.
 */
export function willBecomeOrphaned(k: Kernel, pgid: number, ignored: Process | null): boolean {
  for (const q of k.procs.values()) {
    if (q.pgid !== pgid || q === ignored || q.exit) continue;
    if (q === k.init) {
      // The first process stands for the program rustos replaces: its group is linked to the
      // outside when rustos's own group is (asked of the host when first needed).
      if (typeof k.initLinked === 'function') k.initLinked = k.initLinked();
      if (k.initLinked) return false;
    }
    const par = q.parent;
    if (par && par.pgid !== pgid && par.sid === q.sid) return false;
  }
  return true;
}

/**
 * Linux's kill_orphaned_pgrp: p's group was connected to its session through `parent` (p's
 * parent, exiting or just left); if the group is now orphaned and has a stopped member, every
 * member gets SIGHUP then SIGCONT, so stopped jobs nobody can resume are not left behind (POSIX).
 */
function killOrphanedPgrp(k: Kernel, p: Process, parent: Process | null, ignored: Process | null): void {
  if (!parent || parent.pgid === p.pgid || parent.sid !== p.sid) return;
  if (!willBecomeOrphaned(k, p.pgid, ignored)) return;
  const members = [...k.procs.values()].filter((q) => q.pgid === p.pgid && !q.exit);
  if (!members.some((q) => q.stopped)) return;
  for (const q of members) k.signalProcess(q, { signo: SIGHUP, code: SI_KERNEL });
  for (const q of members) k.signalProcess(q, { signo: SIGCONT, code: SI_KERNEL });
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
  k.settleCpuTime();
  parent.children.delete(c);
  // Only waited-for descendants count in RUSAGE_CHILDREN and times' cutime (wait_task_zombie).
  parent.cutimeNs += c.utimeNs + c.cutimeNs;
  parent.cstimeNs += c.stimeNs + c.cstimeNs;
  parent.cmaxRssKb = Math.max(parent.cmaxRssKb, c.maxRssKb, c.cmaxRssKb);
  k.procs.delete(c.pid);
}
