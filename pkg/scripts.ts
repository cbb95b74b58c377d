// Maintainer scripts (preinst, postinst, prerm, postrm). They must run inside
// the root under `rustos run`, which cannot start processes yet, so running is
// behind the ScriptRunner interface: the emulator plugs in later; today the
// default runner refuses and `--no-scripts` skips (scripts still land in info/).

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
}

export interface ScriptRunner {
  /** Whether this runner can execute anything (false: caller must refuse early). */
  readonly canRun: boolean;
  /** Run a script; resolve to its exit status. */
  run(call: ScriptCall): Promise<number>;
}

/** The runner used until the emulator can run a shell. */
export class UnavailableRunner implements ScriptRunner {
  readonly canRun = false;
  async run(call: ScriptCall): Promise<number> {
    throw new PkgError(`cannot run ${call.pkg}'s ${call.script}: maintainer scripts cannot be run yet (the rustos emulator cannot start processes); use --no-scripts`, EXIT_ERROR);
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

export function scriptEnv(pkg: string, script: string, version: string, root: string, arch: string): Record<string, string> {
  return {
    DPKG_MAINTSCRIPT_PACKAGE: pkg,
    DPKG_MAINTSCRIPT_NAME: script,
    DPKG_MAINTSCRIPT_ARCH: arch,
    DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT: '1',
    DPKG_RUNNING_VERSION: version,
    DPKG_ROOT: root === '/' ? '' : root,
    DPKG_ADMINDIR: '/var/lib/dpkg',
  };
}

/** Refuse up front (before touching anything) when scripts would be needed. */
export function requireRunnable(runner: ScriptRunner, pkg: string, scripts: string[]): void {
  if (runner.canRun || scripts.length === 0) return;
  throw new PkgError(
    `package ${pkg} has maintainer scripts (${scripts.join(', ')}), which cannot be run yet: the rustos emulator cannot start processes or shells.\n` +
      `Re-run with --no-scripts to skip them (they are still recorded in var/lib/dpkg/info/).`,
    EXIT_ERROR,
  );
}
