// The real maintainer-script runner: each script runs inside the root as a
// child `node <repo>/bin/rustos run GUEST-PATH ARGS...`, like dpkg's chroot +
// execve. For the default root (the overlay's upper layer) the child runs
// without --root and with RUSTOS_ROOT=<root>, so the script sees the host's /
// with the upper layer over it; for an explicit --root DIR it runs with
// `--root DIR`, and the root must hold the script's interpreter itself (a bare
// root fails the way `dpkg --root` does: "unable to execute ...", status 2).

import { spawn, type StdioOptions } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, chmodSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep, isAbsolute, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScriptCall, ScriptResult, ScriptRunner } from '../../pkg/scripts.js';
import { resolveInRoot } from '../../pkg/paths.js';

export const SCRIPT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** bin/rustos of this checkout ($RUSTOS_BIN overrides): found by walking up from this module. */
export function findRustosBin(): string | null {
  const env = process.env.RUSTOS_BIN;
  if (env) return existsSync(env) ? resolve(env) : null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bin = join(dir, 'bin/rustos');
    if (existsSync(bin) && existsSync(join(dir, 'dist/src/cli/rustos.js'))) return bin;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export interface EmuRunnerOpts {
  /** The package root (host path). */
  root: string;
  /** true: the default overlay root (run without --root, RUSTOS_ROOT=root). */
  overlay: boolean;
  /** The launcher (default: findRustosBin()). */
  bin?: string;
  /** Child stdio (default: inherit, so scripts talk to the user directly). */
  stdio?: StdioOptions;
  /** Where dpkg-style "(subprocess)" errors go (default: stderr). */
  warn?: (line: string) => void;
}

export class EmuRunner implements ScriptRunner {
  readonly canRun: boolean;
  readonly unavailable?: string;
  private readonly bin: string | null;

  constructor(private readonly o: EmuRunnerOpts) {
    this.bin = o.bin ?? findRustosBin();
    this.canRun = this.bin !== null;
    if (!this.bin) this.unavailable = 'the rustos emulator (bin/rustos with a built dist/) was not found; set RUSTOS_BIN';
  }

  async run(call: ScriptCall): Promise<ScriptResult> {
    const root = resolve(this.o.root);
    const warn = this.o.warn ?? ((l: string) => void process.stderr.write(l + '\n'));
    const label = call.label ?? `${call.pkg} ${call.script} script`;
    // Scripts outside the root (an --admindir elsewhere) are copied in, as the guest cannot see them.
    let guest = guestPath(root, call.path);
    let copied: string | null = null;
    if (guest === null) {
      const dir = join(root, 'var/lib/dpkg/tmp.ci');
      mkdirSync(dir, { recursive: true });
      copied = join(dir, `${call.pkg}.${call.script}`);
      copyFileSync(call.path, copied);
      chmodSync(copied, lstatSync(call.path).mode & 0o777);
      guest = guestPath(root, copied)!;
    }
    try {
      // Without the overlay the root is all the guest has: check the interpreter as execve would.
      if (!this.o.overlay) {
        const why = execProblem(root, guest);
        if (why) {
          warn(`rustos-pkg (subprocess): unable to execute ${label} (${guest}): ${why}`);
          return 2; // dpkg's child exits with 2 after ohshite()
        }
      }
      const env: NodeJS.ProcessEnv = { ...process.env, ...call.env, PATH: SCRIPT_PATH };
      const args = [this.bin!, 'run'];
      if (this.o.overlay) env.RUSTOS_ROOT = root;
      else args.push('--root', root);
      args.push(guest, ...call.args);
      return await new Promise<ScriptResult>((done, fail) => {
        const child = spawn(process.execPath, args, { cwd: '/', env, stdio: this.o.stdio ?? 'inherit' });
        child.on('error', fail);
        child.on('close', (code, signal) => done(signal ? { signal } : code ?? 0));
      });
    } finally {
      if (copied) rmSync(copied, { force: true });
    }
  }
}

/** The script's path as the guest sees it, or null if it lies outside the root. */
export function guestPath(root: string, hostPath: string): string | null {
  const rel = relative(root, resolve(hostPath));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return '/' + rel.split(sep).join('/');
}

/** Why execve(guest) would fail inside a chroot at root (ENOENT for a missing #! interpreter), or null. */
export function execProblem(root: string, guest: string): string | null {
  const host = followInRoot(root, guest);
  if (!host) return 'No such file or directory';
  let head = '';
  try {
    const fd = openSync(host, 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    head = buf.subarray(0, n).toString('latin1');
  } catch {
    return 'Permission denied';
  }
  if (!head.startsWith('#!')) return null; // ELF or other: let the emulator decide
  const interp = head.slice(2).split('\n')[0].trim().split(/[ \t]+/)[0];
  if (!interp) return 'Exec format error';
  return followInRoot(root, interp.startsWith('/') ? interp : posix.join(posix.dirname(guest), interp)) ? null : 'No such file or directory';
}

/** Resolve a guest path inside root, following symlinks (also the last one) chroot-style; null if missing. */
function followInRoot(root: string, guest: string): string | null {
  let p = guest;
  for (let hops = 0; hops < 40; hops++) {
    let host: string;
    try {
      host = resolveInRoot(root, p);
    } catch {
      return null;
    }
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return null;
    }
    if (!st.isSymbolicLink()) return host;
    const t = readlinkSync(host);
    p = t.startsWith('/') ? t : posix.join(posix.dirname(p), t);
  }
  return null;
}
