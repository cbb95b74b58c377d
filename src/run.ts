/**
 * The glue that makes a runnable system: a Kernel on the Node host with the Linux syscall table,
 * the first process with the caller's stdio, and the mapping of its end back to ours.
 */

import { constants as osConstants } from 'node:os';
import { Kernel, ExecFormatError } from '../kernel/kernel.js';
import { NodeHost } from '../kernel/host/node.js';
import { setJitThreshold, setHotThreshold, setRegions } from '../kernel/cpu/interp.js';
import { setFallbackProfile, fallbackProfile } from '../kernel/cpu/jit/compile.js';
import { dispatch } from '../compat/syscalls/index.js';
import { formatSyscall } from '../compat/strace.js';
import { FdTable } from '../kernel/fdtable.js';
import { HostFile, O_RDONLY, O_WRONLY, O_RDWR } from '../kernel/vfs/file.js';
import { ERRNO_TEXT } from '../compat/errno.js';
import { setupNamespace, parseBind, normalize, type Bind } from '../kernel/vfs/namespace.js';
import { homedir } from 'node:os';
import { levelIndex, missingForLevel, selectCpuLevel } from '../kernel/cpu/cpuid.js';
import type { ExitInfo, Task } from '../kernel/process.js';
import { HostTermDriver } from '../kernel/tty/hostterm.js';
import { TtyFile } from '../kernel/tty/file.js';
import { setCtty } from '../kernel/tty/jobctl.js';

export interface RunOptions {
  /** --root DIR: run in DIR alone. Absent: the default overlay over the host's "/". */
  root?: string;
  /** --bind HOST[:GUEST] specs. */
  binds?: string[];
  strace: boolean;
  /** --cpu LEVEL (x86-64/v1, v2, v3); else RUSTOS_CPU; else the highest complete level. */
  cpu?: string;
  program: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Host working directory (mapped into the root). */
  cwd: string;
  /** Where diagnostics go (stderr). */
  log: (line: string) => void;
}

/** A failure to start the program, with the exit status a shell would give (126, 127). */
export class StartError {
  constructor(readonly message: string, readonly status: number) {}
}

const enc = new TextEncoder();

function guestCwd(root: string, cwd: string): string {
  if (root === '/' || root === '') return cwd;
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  if (cwd === r) return '/';
  return cwd.startsWith(r + '/') ? cwd.slice(r.length) : '/';
}

export async function runProgram(o: RunOptions): Promise<ExitInfo> {
  const cpu = o.cpu ?? o.env.RUSTOS_CPU;
  if (cpu) {
    const level = levelIndex(cpu);
    if (level < 0) throw new StartError(`rustos: unknown --cpu level '${cpu}' (x86-64, v2, v3)`, 2);
    const missing = missingForLevel(level);
    if (missing.length) o.log(`rustos: warning: --cpu ${cpu} is not complete here (missing ${missing.join(', ')}); those bits stay off`);
    selectCpuLevel(level);
  }
  // RUSTOS_JIT: executions before a block is compiled ("off" or "0" disables the block compiler).
  const jit = o.env.RUSTOS_JIT;
  if (jit !== undefined) setJitThreshold(jit === 'off' || jit === '0' ? Infinity : Math.max(1, Number(jit) || 5000));
  // RUSTOS_JIT_HOT: executions before a compiled block is compiled again, hot ("off": never);
  // RUSTOS_JIT_REGION=1: the hot compile takes in the hot blocks that follow (a region).
  const hot = o.env.RUSTOS_JIT_HOT;
  if (hot !== undefined) setHotThreshold(hot === 'off' ? Infinity : Math.max(1, Number(hot) || 400000));
  if (o.env.RUSTOS_JIT_REGION !== undefined) setRegions(o.env.RUSTOS_JIT_REGION === '1');
  // RUSTOS_JIT_FALLBACKS=1 (or a number of rows): at exit, the forms compiled blocks left to
  // the interpreter's handlers, by executions.
  const fallbacks = o.env.RUSTOS_JIT_FALLBACKS;
  if (fallbacks) setFallbackProfile(true);
  const host = new NodeHost();
  const memMb = Number(o.env.RUSTOS_MEM_MB) > 0 ? Number(o.env.RUSTOS_MEM_MB) : 2048;
  // A relative --root is relative to the directory rustos was started in.
  if (o.root !== undefined) o = { ...o, root: normalize(o.root.startsWith('/') ? o.root : `${o.cwd}/${o.root}`) };
  const k = new Kernel({ host, root: o.root ?? '/', syscalls: dispatch, memoryMb: memMb });
  const binds: Bind[] = [];
  if (o.root === undefined) {
    // The user's own places pass straight through the overlay, read-write.
    const home = o.env.HOME;
    if (home && home.startsWith('/') && normalize(home) !== '/') binds.push({ host: normalize(home), guest: normalize(home) });
    binds.push({ host: '/tmp', guest: '/tmp' });
    if (normalize(o.cwd) !== '/') binds.push({ host: normalize(o.cwd), guest: normalize(o.cwd) });
  }
  for (const spec of o.binds ?? []) {
    const b = parseBind(spec, o.cwd);
    if (typeof b === 'string') throw new StartError(`rustos: ${b}`, 125);
    binds.push(b);
  }
  const upper = o.env.RUSTOS_ROOT || `${o.env.HOME || homedir()}/.local/share/rustos/root`;
  setupNamespace(k, { root: o.root, upper: o.root === undefined ? upper : undefined, binds, tmpfsTmp: o.env.RUSTOS_TMPFS_TMP === '1' });
  // The host terminal, when rustos runs on one: a kernel terminal with its own line discipline
  // (kernel/tty/hostterm.ts) behind every standard descriptor that is that terminal.
  const rdevOf = (fd: number): number => {
    const st = host.fstat(fd);
    return typeof st === 'number' || !host.isatty(fd) ? -1 : st.rdev;
  };
  const ttyFds = [0, 1, 2].filter((fd) => rdevOf(fd) >= 0);
  const onTerm = ttyFds.filter((fd) => rdevOf(fd) === rdevOf(ttyFds[0]));
  let term: HostTermDriver | null = null;
  if (onTerm.length) {
    term = new HostTermDriver(k, host, onTerm.includes(0) ? 0 : -1, onTerm.find((fd) => fd !== 0) ?? 0);
    term.tty.rdev = rdevOf(onTerm[0]);
    k.hostTty = term.tty;
    k.hostTtyRdev = term.tty.rdev;
  }
  // Diagnostics on a terminal in raw mode need their carriage returns.
  const log = (l: string): void => o.log(term?.isRaw() && onTerm.includes(2) ? l.replace(/\n/g, '\r\n') + '\r' : l);
  if (o.strace) {
    // Arguments are captured per task at entry: a call that blocks is printed when it returns,
    // after other tasks' calls have come and gone.
    const regsOf = new WeakMap<Task, bigint[]>();
    k.straceEnter = (t: Task) => {
      regsOf.set(t, [7, 6, 2, 10, 8, 9].map((r) => (BigInt(k.cpu.R[2 * r + 1] >>> 0) << 32n) | BigInt(k.cpu.R[2 * r] >>> 0)));
    };
    k.strace = (t: Task, nr: number, result: number) => log(formatSyscall(k, t, nr, regsOf.get(t) ?? [], result));
  }
  if (o.env.RUSTOS_DEBUG) k.debug = (m) => log('rustos: ' + m);
  const fds = new FdTable();
  const modes = [O_RDONLY, O_WRONLY, O_WRONLY];
  for (let fd = 0; fd < 3; fd++) {
    if (typeof host.fstat(fd) === 'number') continue; // not open in the host either
    if (term && onTerm.includes(fd)) {
      const link = (): string => {
        const t = host.readlink(`/proc/self/fd/${fd}`);
        return typeof t === 'number' ? `/dev/fd/${fd}` : new TextDecoder().decode(t);
      };
      fds.install(fd, new TtyFile(k, term.tty, O_RDWR, `/dev/fd/${fd}`, { stat: () => host.fstat(fd), link }), false);
      continue;
    }
    const flags = host.isatty(fd) ? O_RDWR : modes[fd];
    fds.install(fd, new HostFile(host, fd, flags, `/dev/fd/${fd}`, `/dev/fd/${fd}`, false), false);
  }
  const cwd = o.root === undefined ? normalize(o.cwd) : guestCwd(o.root, o.cwd);
  const path = o.program.includes('/') ? o.program : findInPath(k, o.program, o.env.PATH ?? '/usr/bin:/bin', cwd);
  const argv = [o.program, ...o.args].map((s) => enc.encode(s));
  const envp = Object.entries(o.env).filter(([, v]) => v !== undefined).map(([kk, v]) => enc.encode(`${kk}=${v}`));
  let proc;
  try {
    proc = k.spawn(path, argv, envp, cwd, fds);
  } catch (e) {
    if (e instanceof ExecFormatError) throw new StartError(`rustos: ${o.program}: cannot execute: ${e.message}`, 126);
    throw e;
  }
  if (typeof proc === 'number') {
    const status = proc === -2 ? 127 : 126;
    if (proc === -8) throw new StartError(`rustos: ${o.program}: cannot execute: ${k.lastExecError}`, 126);
    throw new StartError(`rustos: ${o.program}: ${ERRNO_TEXT[-proc] ?? 'error ' + -proc}`, status);
  }
  // The first process's group is orphaned exactly when rustos's is (asked when first needed).
  k.initLinked = () => !host.processGroupOrphaned();
  const init = proc;
  if (term) {
    setCtty(proc, term.tty); // the host terminal is the first session's controlling terminal
  }
  // The first process stopping is rustos stopping, as the program would stop natively: the
  // terminal goes back to the host shell. SIGCONT (fg, bg) continues it.
  k.onInitStop = (stopped) => {
    if (!stopped) return;
    term?.suspend();
    process.kill(process.pid, 'SIGSTOP');
  };
  // Signals sent to rustos (kill, or the host terminal's when it is not raw) go to the guest's
  // foreground processes, as the terminal would send them to a native program. A resize updates
  // the kernel's copy of the window size (SIGWINCH to the foreground group if it changed).
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH', 'SIGUSR1', 'SIGUSR2', 'SIGTSTP', 'SIGCONT'] as const;
  const forward = (name: (typeof forwarded)[number]) => () => {
    if (name === 'SIGWINCH' && term) term.updateWinsize(true);
    else if (name === 'SIGCONT') {
      term?.resume();
      if (!init.exit) k.signalGroup(init.pgid, osConstants.signals.SIGCONT);
    } else k.signalForeground(osConstants.signals[name]);
  };
  const handlers = forwarded.map((name) => [name, forward(name)] as const);
  for (const [name, h] of handlers) process.on(name, h);
  const restoreTerm = (): void => term?.restore();
  process.on('exit', restoreTerm);
  // A guest that waits for a signal or a child keeps rustos alive, as the process would live on.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const t0 = Date.now();
  const code = proc.code;
  const info = await k.waitInit();
  // Processes still running when init ends (daemons) may have stores in shared file mappings.
  k.pageCache.flushAll();
  for (const [name, h] of handlers) process.off(name, h);
  term?.restore();
  process.off('exit', restoreTerm);
  k.onInitStop = null;
  clearInterval(keepAlive);
  if (o.env.RUSTOS_STATS) {
    o.log(`rustos: stats: retired=${k.cpu.retired} ms=${Date.now() - t0} blocks=${code.translated} invalidated=${code.invalidated} compiled=${code.compiled} recompiled=${code.recompiled}`);
  }
  if (fallbacks) {
    const p = fallbackProfile();
    const rows = Math.max(1, Number(fallbacks) > 1 ? Number(fallbacks) : 40);
    const total = p.forms.reduce((a, f) => a + f[1], 0);
    const pct = (n: number): string => (k.cpu.retired ? ((100 * n) / k.cpu.retired).toFixed(2) : '0') + '%';
    o.log(`rustos: jit: retired=${k.cpu.retired} compiled=${p.compiled} (${pct(p.compiled)}) fallbacks=${total} (${pct(total)})`);
    for (const [form, n] of p.forms.slice(0, rows)) o.log(`rustos: jit fallback ${n.toString().padStart(12)} ${pct(n).padStart(7)}  ${form}`);
  }
  return info;
}

function findInPath(k: Kernel, name: string, pathVar: string, cwd: string): string {
  for (const dir of pathVar.split(':')) {
    const p = (dir || '.') + '/' + name;
    const r = k.vfs.resolve(p, cwd, true);
    if (typeof r !== 'number' && typeof r.st !== 'number') return p;
  }
  return name;
}
