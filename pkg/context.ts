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
  onBytes?: (n: number) => void;
}

/** Run one maintainer script if present; a non-zero exit becomes a PkgError. */
export async function runScript(ctx: Ctx, pkg: string, script: ScriptName, path: string, args: string[], version: string): Promise<void> {
  if (!existsSync(path)) return;
  const rc = await ctx.runner.run({ pkg, script, path, args, root: ctx.root, env: scriptEnv(pkg, script, version, ctx.root, NATIVE_ARCH) });
  if (rc !== 0) {
    throw new PkgError(`${pkg}: ${scriptLabel(script)} subprocess returned error exit status ${rc}`, EXIT_ERROR);
  }
}

function scriptLabel(s: ScriptName): string {
  return { preinst: 'new pre-installation script', postinst: 'installed post-installation script', prerm: 'installed pre-removal script', postrm: 'installed post-removal script', config: 'config script' }[s];
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
