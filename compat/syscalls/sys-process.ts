/**
 * Processes: fork, vfork, clone (process forms; threads come with futexes), execve/execveat,
 * wait4/waitid, pipes, process groups and sessions, prctl basics, getrusage and times.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import { KEEP_REGS, ERESTARTSYS } from '../../kernel/kernel.js';
import type { Task, Process } from '../../kernel/process.js';
import {
  forkProcess, matchingChildren, reap, waitStatus, CloneArgs, CLONE_VM, CLONE_VFORK, CLONE_THREAD,
  CLONE_SIGHAND, CLONE_NEWNS,
} from '../../kernel/lifecycle.js';
import { prepareExec, commitExec } from '../../kernel/exec.js';
import { Pipe, PipeReader, PipeWriter } from '../../kernel/pipe.js';
import { O_CLOEXEC, O_NONBLOCK, O_DIRECT } from '../../kernel/vfs/file.js';
import { StructBuf } from '../structs.js';
import { pathArg, dirOf, AT_EMPTY_PATH, AT_FDCWD } from './paths.js';
import { infoBytes, SIGCHLD } from '../../kernel/signal.js';
import { noteRss } from '../../kernel/cputime.js';

const CSIGNAL = 0xff;

/** Starts the child of a fork-like clone; the parent gets its pid (after it execs, for vfork). */
function doClone(k: Kernel, t: Task, a: CloneArgs): number | Promise<number> {
  if (a.flags & CLONE_THREAD) {
    if (!(a.flags & CLONE_SIGHAND) || !(a.flags & CLONE_VM)) return -E.EINVAL;
    return k.cloneThread(t, a);
  }
  if (a.flags & CLONE_SIGHAND && !(a.flags & CLONE_VM)) return -E.EINVAL;
  if (a.flags & CLONE_NEWNS) return -E.EPERM;
  const child = forkProcess(k, t, a);
  k.makeRunnable(child.tasks[0]);
  if (a.flags & CLONE_VFORK) {
    return new Promise((resolve) => {
      child.vforkDone = () => resolve(child.pid);
      if (child.exit) k.releaseVfork(child);
    });
  }
  return child.pid;
}

sys('fork', [], (k, t) => doClone(k, t, { flags: SIGCHLD, stack: 0, parentTid: 0, childTid: 0, tls: 0 }));
sys('vfork', [], (k, t) => doClone(k, t, { flags: CLONE_VM | CLONE_VFORK | SIGCHLD, stack: 0, parentTid: 0, childTid: 0, tls: 0 }));
sys('clone', ['hex', 'ptr', 'ptr', 'ptr', 'hex'], (k, t, a) =>
  doClone(k, t, { flags: a.u64(0) % 2 ** 32, stack: a.ptr(1), parentTid: a.ptr(2), childTid: a.ptr(3), tls: a.u64(4) }),
  { status: 'partial', note: 'processes and threads; no namespaces, no ptrace' });
sys('clone3', ['ptr', 'size'], (k, t, a) => {
  const m = t.proc.mem;
  const p = a.ptr(0);
  if (a.u64(1) < 64) return -E.EINVAL;
  const flags = m.readU64(p);
  const stack = m.readU64(p + 40), size = m.readU64(p + 48);
  const exitSignal = m.readU64(p + 32);
  return doClone(k, t, {
    flags: (flags % 2 ** 32) | (exitSignal & CSIGNAL),
    stack: stack ? stack + size : 0,
    parentTid: m.readU64(p + 24),
    childTid: m.readU64(p + 16),
    tls: m.readU64(p + 56),
  });
}, { status: 'partial', note: 'as clone' });

/** Reads a NULL-terminated array of string pointers (argv, envp). */
function stringArray(t: Task, addr: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (addr === 0) return out;
  let total = 0;
  for (let k = 0; ; k++) {
    const p = t.proc.mem.readU64(addr + 8 * k);
    if (p === 0) return out;
    const s = t.proc.mem.readCString(p, 131072);
    if (s === null) return -E.E2BIG;
    total += s.length + 1 + 8;
    if (total > 2 * 1024 * 1024) return -E.E2BIG;
    out.push(s);
  }
}

function doExecve(k: Kernel, t: Task, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): number {
  let path = pathArg(t, pathAddr);
  if (typeof path === 'number') return path;
  if (path === '' && flags & AT_EMPTY_PATH) {
    const f = t.proc.fds.get(dirfd);
    if (!f) return -E.EBADF;
    path = f.path;
  } else if (!path.startsWith('/') && dirfd !== AT_FDCWD) {
    const d = dirOf(t, dirfd, path);
    if (typeof d === 'number') return d;
    path = d + '/' + path;
  }
  if (path === '') return -E.ENOENT;
  const argv = stringArray(t, argvAddr);
  if (typeof argv === 'number') return argv;
  const envp = stringArray(t, envpAddr);
  if (typeof envp === 'number') return envp;
  const prep = prepareExec(k, path, argv, envp, t.proc.cwd, t.proc);
  if (typeof prep === 'number') return prep;
  commitExec(k, t.proc, t, prep);
  return KEEP_REGS;
}

sys('execve', ['path', 'ptr', 'ptr'], (k, t, a) => doExecve(k, t, AT_FDCWD, a.ptr(0), a.ptr(1), a.ptr(2), 0));
sys('execveat', ['atfd', 'path', 'ptr', 'ptr', 'atflags'], (k, t, a) => doExecve(k, t, a.int(0), a.ptr(1), a.ptr(2), a.ptr(3), a.int(4)));

const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
const __WALL = 0x40000000, __WCLONE = 0x80000000, __WNOTHREAD = 0x20000000;

/** What a wait reports about a child. */
type Change = 'exited' | 'stopped' | 'continued';

/**
 * Waits for a child matching `pid` to have exited (or, with WUNTRACED/WCONTINUED, stopped or
 * continued); `report` consumes the change.
 */
function waitChild(k: Kernel, t: Task, pid: number, options: number, report: (c: Process, what: Change) => number, exits = true): number | Promise<number> {
  const p = t.proc;
  const attempt = (): number | null => {
    const kids = matchingChildren(p, pid);
    if (kids.length === 0) return -E.ECHILD;
    const z = exits ? kids.find((c) => c.exit) : undefined;
    if (z) return report(z, 'exited');
    const s = options & WUNTRACED ? kids.find((c) => c.stopReport) : undefined;
    if (s) return report(s, 'stopped');
    const cont = options & WCONTINUED ? kids.find((c) => c.contReport) : undefined;
    if (cont) return report(cont, 'continued');
    if (options & WNOHANG) return 0;
    return null;
  };
  const first = attempt();
  if (first !== null) return first;
  const again = (): Promise<number> =>
    k.waitInterruptible(t, (done) => p.childWait.add(() => done(0)), -ERESTARTSYS).then((v) => {
      if (v < 0) return v;
      const r = attempt();
      return r !== null ? r : again();
    });
  return again();
}

sys('wait4', ['int', 'ptr', 'hex', 'ptr'], (k, t, a) => {
  const options = a.int(2);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD)) return -E.EINVAL;
  const statusAddr = a.ptr(1), ruAddr = a.ptr(3);
  return waitChild(k, t, a.int(0), options, (c, what) => {
    k.settleCpuTime();
    const status = what === 'exited' ? waitStatus(c.exit!) : what === 'stopped' ? 0x7f | (c.stopReport << 8) : 0xffff;
    if (statusAddr) t.proc.mem.writeBytes(statusAddr, new StructBuf(4).u32(0, status).bytes);
    if (ruAddr) t.proc.mem.writeBytes(ruAddr, rusageBoth(c));
    if (what === 'exited') reap(k, t.proc, c);
    else if (what === 'stopped') c.stopReport = 0;
    else c.contReport = false;
    return c.pid;
  });
});

const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
sys('waitid', ['int', 'int', 'ptr', 'hex', 'ptr'], (k, t, a) => {
  const ruAddr = a.ptr(4);
  const idtype = a.int(0), id = a.int(1), options = a.int(3);
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -E.EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) pid = id > 0 ? id : -(2 ** 31);
  else if (idtype === P_PGID) pid = id > 0 ? -id : 0;
  else return idtype === P_PIDFD ? -E.EINVAL : -E.EINVAL;
  const infoAddr = a.ptr(2);
  const wantExit = (options & WEXITED) !== 0;
  const r = waitChild(k, t, pid, options & (WNOHANG | WUNTRACED | WCONTINUED), (c, what) => {
    k.settleCpuTime();
    const e = c.exit;
    const info = what === 'exited'
      ? { signo: SIGCHLD, code: e!.signal === null ? 1 : e!.core ? 3 : 2, pid: c.pid, uid: k.host.uid, status: e!.signal === null ? e!.code! : e!.signal }
      : what === 'stopped'
        ? { signo: SIGCHLD, code: 5, pid: c.pid, uid: k.host.uid, status: c.stopReport }
        : { signo: SIGCHLD, code: 6, pid: c.pid, uid: k.host.uid, status: 18 };
    if (infoAddr) t.proc.mem.writeBytes(infoAddr, infoBytes(info));
    if (ruAddr) t.proc.mem.writeBytes(ruAddr, rusageBoth(c));
    if (!(options & WNOWAIT)) {
      if (what === 'exited') reap(k, t.proc, c);
      else if (what === 'stopped') c.stopReport = 0;
      else c.contReport = false;
    }
    return 0;
  }, wantExit);
  // With WNOHANG and nothing to report, the info is zeroed (si_pid 0).
  if (r === 0 && options & WNOHANG && infoAddr) t.proc.mem.writeBytes(infoAddr, new Uint8Array(128));
  if (r === 0 && options & WNOHANG && ruAddr) t.proc.mem.writeBytes(ruAddr, new Uint8Array(144));
  return r;
});

function doPipe(k: Kernel, t: Task, addr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -E.EINVAL;
  const pipe = new Pipe();
  const r = new PipeReader(pipe, flags);
  const w = new PipeWriter(pipe, flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = t.proc.fds.alloc(r, cloexec);
  if (rfd < 0) {
    r.release();
    w.release();
    return rfd;
  }
  const wfd = t.proc.fds.alloc(w, cloexec);
  if (wfd < 0) {
    t.proc.fds.close(rfd);
    w.release();
    return wfd;
  }
  try {
    t.proc.mem.writeBytes(addr, new StructBuf(8).i32(0, rfd).i32(4, wfd).bytes);
  } catch (e) {
    t.proc.fds.close(rfd);
    t.proc.fds.close(wfd);
    throw e;
  }
  return 0;
}
sys('pipe', ['ptr'], (k, t, a) => doPipe(k, t, a.ptr(0), 0));
sys('pipe2', ['ptr', 'oflags'], (k, t, a) => doPipe(k, t, a.ptr(0), a.int(1)));

sys('setpgid', ['int', 'int'], (k, t, a) => {
  const pid = a.int(0) === 0 ? t.proc.pid : a.int(0);
  const pgid = a.int(1) === 0 ? pid : a.int(1);
  if (pgid < 0) return -E.EINVAL;
  const p = k.procs.get(pid);
  if (!p || (p !== t.proc && p.parent !== t.proc)) return -E.ESRCH;
  if (p.sid !== t.proc.sid) return -E.EPERM;
  if (p.pid === p.sid) return -E.EPERM; // a session leader
  if (pgid !== pid && ![...k.procs.values()].some((q) => q.pgid === pgid && q.sid === t.proc.sid)) return -E.EPERM;
  p.pgid = pgid;
  return 0;
});

sys('setsid', [], (k, t) => {
  const p = t.proc;
  if ([...k.procs.values()].some((q) => q.pgid === p.pid)) return -E.EPERM;
  p.sid = p.pid;
  p.pgid = p.pid;
  p.ctty = null; // a new session starts without a controlling terminal
  return p.pid;
});

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37;
const PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
sys('prctl', ['int', 'hex', 'hex', 'hex', 'hex'], (k, t, a) => {
  const p = t.proc;
  switch (a.int(0)) {
    case PR_SET_PDEATHSIG:
      if (a.u64(1) > 64) return -E.EINVAL;
      p.pdeathsig = a.int(1);
      return 0;
    case PR_GET_PDEATHSIG:
      t.proc.mem.writeBytes(a.ptr(1), new StructBuf(4).i32(0, p.pdeathsig).bytes);
      return 0;
    case PR_GET_DUMPABLE:
      return 1;
    case PR_SET_DUMPABLE:
      return a.u64(1) > 1 ? -E.EINVAL : 0;
    case PR_SET_NAME: {
      const b = t.proc.mem.readBytes(a.ptr(1), 16);
      const n = b.indexOf(0);
      p.comm = new TextDecoder().decode(b.subarray(0, n < 0 ? 15 : Math.min(n, 15)));
      return 0;
    }
    case PR_GET_NAME: {
      const b = new Uint8Array(16);
      b.set(new TextEncoder().encode(p.comm).subarray(0, 15));
      t.proc.mem.writeBytes(a.ptr(1), b);
      return 0;
    }
    case PR_SET_CHILD_SUBREAPER:
      p.childSubreaper = a.u64(1) !== 0; // orphaned descendants come here (lifecycle.ts)
      return 0;
    case PR_SET_NO_NEW_PRIVS:
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      t.proc.mem.writeBytes(a.ptr(1), new StructBuf(4).i32(0, p.childSubreaper ? 1 : 0).bytes);
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      return 0;
    default:
      return -E.EINVAL;
  }
}, { status: 'partial', note: 'PDEATHSIG, DUMPABLE, NAME, CHILD_SUBREAPER, NO_NEW_PRIVS' });

/**
 * struct rusage (144 bytes): user and system time, ru_maxrss in kB; the fault, block-I/O, IPC and
 * context-switch counters stay 0 (nothing here counts them).
 */
function rusage(userNs: number, sysNs: number, maxRssKb: number): Uint8Array {
  const b = new StructBuf(144);
  b.u64(0, Math.floor(userNs / 1e9)).u64(8, Math.floor((userNs % 1e9) / 1000));
  b.u64(16, Math.floor(sysNs / 1e9)).u64(24, Math.floor((sysNs % 1e9) / 1000));
  b.u64(32, maxRssKb);
  return b.bytes;
}

/** What wait4/waitid report for a child: its own usage plus its waited-for children's (RUSAGE_BOTH). */
function rusageBoth(c: Process): Uint8Array {
  const rss = Math.max(c.exit ? c.maxRssKb : noteRss(c), c.cmaxRssKb);
  return rusage(c.utimeNs + c.cutimeNs, c.stimeNs + c.cstimeNs, rss);
}

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
sys('getrusage', ['int', 'ptr'], (k, t, a) => {
  const who = a.int(0), p = t.proc;
  k.settleCpuTime();
  let r: Uint8Array;
  if (who === RUSAGE_SELF) r = rusage(p.utimeNs, p.stimeNs, noteRss(p));
  else if (who === RUSAGE_CHILDREN) r = rusage(p.cutimeNs, p.cstimeNs, p.cmaxRssKb);
  else if (who === RUSAGE_THREAD) r = rusage(t.utimeNs, t.stimeNs, noteRss(p)); // maxrss is the process's
  else return -E.EINVAL;
  p.mem.writeBytes(a.ptr(1), r);
  return 0;
});

/** Clock ticks (USER_HZ = 100) of a nanosecond count, as Linux's nsec_to_clock_t. */
const ticks = (ns: number): number => Math.floor(ns / 1e7);

sys('times', ['ptr'], (k, t, a) => {
  const p = t.proc;
  k.settleCpuTime();
  if (a.ptr(0)) {
    const b = new StructBuf(32).u64(0, ticks(p.utimeNs)).u64(8, ticks(p.stimeNs));
    b.u64(16, ticks(p.cutimeNs)).u64(24, ticks(p.cstimeNs));
    p.mem.writeBytes(a.ptr(0), b.bytes);
  }
  // Elapsed real time in ticks since an arbitrary point (our monotonic clock's zero).
  return ticks(k.host.monotonicNs());
});
