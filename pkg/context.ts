// The state shared by one rustos-pkg operation: root, database, the host's
// database (for the default overlay root), the script runner and policies.

import { existsSync, mkdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './db.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import type { ConfPolicy } from './conffiles.js';
import { scriptEnv, type ScriptName, type ScriptRunner } from './scripts.js';
import { NATIVE_ARCH } from './db.js';

export interface Ctx {
  root: string;
  db: Database;
  host: Database | null;
  runner: ScriptRunner;
  policy: ConfPolicy;
  forceDepends: boolean;
  log: (msg: string) => void;
  /** Warnings to stderr (dpkg's "error while cleaning up", script fallbacks); optional. */
  warn?: (msg: string) => void;
  onBytes?: (n: number) => void;
}

/** Run one maintainer script if present; a non-zero exit or a signal becomes a PkgError (dpkg's wording). */
export async function runScript(ctx: Ctx, pkg: string, script: ScriptName, path: string, args: string[], version: string): Promise<void> {
  if (!existsSync(path)) return;
  const label = scriptLabel(pkg, script, path, args);
  const rc = await ctx.runner.run({ pkg, script, path, args, root: ctx.root, env: scriptEnv(pkg, script, version, ctx.root, NATIVE_ARCH), label });
  if (typeof rc === 'object') {
    throw new PkgError(`${pkg}: ${label} subprocess was killed by signal (${signalDescription(rc.signal)})${rc.coreDumped ? ', core dumped' : ''}`, EXIT_ERROR);
  }
  if (rc !== 0) throw new PkgError(`${pkg}: ${label} subprocess returned error exit status ${rc}`, EXIT_ERROR);
}

/** dpkg's "new/old/installed PKG package pre-installation script" descriptions. */
export function scriptLabel(pkg: string, s: ScriptName, path: string, args: string[]): string {
  const what = { preinst: 'pre-installation', postinst: 'post-installation', prerm: 'pre-removal', postrm: 'post-removal', config: 'config' }[s];
  const kind = /(^|\/)tmp\.ci\//.test(path) ? 'new' : (s === 'prerm' || s === 'postrm') && args[0] === 'upgrade' ? 'old' : 'installed';
  return `${kind} ${pkg} package ${what} script`;
}

/** strsignal(3) as glibc words it, which dpkg prints for a killed script. */
export function signalDescription(sig: string): string {
  const d: Record<string, string> = {
    SIGHUP: 'Hangup', SIGINT: 'Interrupt', SIGQUIT: 'Quit', SIGILL: 'Illegal instruction', SIGTRAP: 'Trace/breakpoint trap',
    SIGABRT: 'Aborted', SIGBUS: 'Bus error', SIGFPE: 'Floating point exception', SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1',
    SIGSEGV: 'Segmentation fault', SIGUSR2: 'User defined signal 2', SIGPIPE: 'Broken pipe', SIGALRM: 'Alarm clock', SIGTERM: 'Terminated',
    SIGSTKFLT: 'Stack fault', SIGCHLD: 'Child exited', SIGCONT: 'Continued', SIGSTOP: 'Stopped (signal)', SIGTSTP: 'Stopped',
    SIGTTIN: 'Stopped (tty input)', SIGTTOU: 'Stopped (tty output)', SIGURG: 'Urgent I/O condition', SIGXCPU: 'CPU time limit exceeded',
    SIGXFSZ: 'File size limit exceeded', SIGVTALRM: 'Virtual timer expired', SIGPROF: 'Profiling timer expired', SIGWINCH: 'Window changed',
    SIGIO: 'I/O possible', SIGPWR: 'Power failure', SIGSYS: 'Bad system call',
  };
  return d[sig] ?? sig;
}

/** Stage a .deb's control files in <admindir>/tmp.ci so its scripts can run before they are installed. */
export function stageControl(ctx: Ctx, files: Map<string, { data: Buffer; mode: number }>): string {
  const dir = join(ctx.db.admindir, 'tmp.ci');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, f] of files) {
    writeFileSync(join(dir, name), f.data);
    chmodSync(join(dir, name), f.mode & 0o777);
  }
  return dir;
}
