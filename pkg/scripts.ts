// Maintainer scripts (preinst, postinst, prerm, postrm): the ScriptRunner
// interface, dpkg's script environment and the runners that need no emulator.
// The real runner (src/pkg/emurunner.ts) runs each script inside the root under
// `rustos run`; `--no-scripts` skips them (they still land in info/).

import { PkgError, EXIT_ERROR } from './errors.js';

export const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'] as const;
export type ScriptName = (typeof MAINTAINER_SCRIPTS)[number] | 'config';

export interface ScriptCall {
  pkg: string;
  script: ScriptName;
  /** Host path of the script (in the deb's control area or info/). */
  path: string;
  /** dpkg's arguments, e.g. ['configure', '1.0-1'] or ['upgrade', '2.0']. */
  args: string[];
  root: string;
  /** Environment dpkg provides (DPKG_MAINTSCRIPT_PACKAGE, ..._NAME, DPKG_ROOT...). */
  env: Record<string, string>;
  /** dpkg's description, e.g. "new foo package pre-installation script" (for messages). */
  label?: string;
}

/** How a script ended: an exit status, or the signal that killed it (Node's name, e.g. SIGTERM). */
export type ScriptResult = number | { signal: string; coreDumped?: boolean };

export interface ScriptRunner {
  /** Whether this runner can execute anything (false: caller must refuse early). */
  readonly canRun: boolean;
  /** Why it cannot run (shown when refusing); only meaningful when canRun is false. */
  readonly unavailable?: string;
  /** Run a script; resolve to its exit status (or the signal that killed it). */
  run(call: ScriptCall): Promise<ScriptResult>;
}

/** A runner that refuses everything (e.g. when the emulator is not built). */
export class UnavailableRunner implements ScriptRunner {
  readonly canRun = false;
  constructor(readonly unavailable = 'the rustos emulator is not available') {}
  async run(call: ScriptCall): Promise<number> {
    throw new PkgError(`cannot run ${call.pkg}'s ${call.script}: ${this.unavailable}; use --no-scripts`, EXIT_ERROR);
  }
}

/** --no-scripts: pretend every script succeeded. */
export class SkipRunner implements ScriptRunner {
  readonly canRun = true;
  readonly skipped: ScriptCall[] = [];
  async run(call: ScriptCall): Promise<number> {
    this.skipped.push(call);
    return 0;
  }
}

export function scriptEnv(pkg: string, script: string, version: string, _root: string, arch: string): Record<string, string> {
  return {
    DPKG_MAINTSCRIPT_PACKAGE: pkg,
    DPKG_MAINTSCRIPT_NAME: script,
    DPKG_MAINTSCRIPT_ARCH: arch,
    DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT: '1',
    DPKG_RUNNING_VERSION: version,
    // Scripts run inside the root (dpkg chroots for --root), so DPKG_ROOT is empty there.
    DPKG_ROOT: '',
    DPKG_ADMINDIR: '/var/lib/dpkg',
  };
}

/** Refuse up front (before touching anything) when scripts would be needed. */
export function requireRunnable(runner: ScriptRunner, pkg: string, scripts: string[]): void {
  if (runner.canRun || scripts.length === 0) return;
  throw new PkgError(
    `package ${pkg} has maintainer scripts (${scripts.join(', ')}), which cannot be run: ${runner.unavailable ?? 'no script runner'}.\n` +
      `Re-run with --no-scripts to skip them (they are still recorded in var/lib/dpkg/info/).`,
    EXIT_ERROR,
  );
}
