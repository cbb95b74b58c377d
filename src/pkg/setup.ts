// Builds the operation context from CLI options: the root (default
// $RUSTOS_ROOT or ~/.local/share/rustos/root, the overlay's upper layer), the
// admin dir, the host database (only for the default root), the script runner
// (the emulator; for the default root it runs over the overlay)
// and the progress display (a cli-progress bar on a terminal only).

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Database } from '../../pkg/db.js';
import type { Ctx } from '../../pkg/context.js';
import { SkipRunner, type ScriptRunner } from '../../pkg/scripts.js';
import { EmuRunner } from './emurunner.js';
import type { ConfPolicy } from '../../pkg/conffiles.js';

export interface CommonOpts {
  root?: string;
  admindir?: string;
  scripts?: boolean; // commander turns --no-scripts into scripts=false
  forceConfold?: boolean;
  forceConfnew?: boolean;
  forceDepends?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
}

export function defaultRoot(): string {
  return process.env.RUSTOS_ROOT || join(homedir(), '.local/share/rustos/root');
}

export function rootOf(o: CommonOpts): { root: string; admindir: string; isDefault: boolean } {
  const root = resolve(o.root ?? defaultRoot());
  const admindir = resolve(o.admindir ?? join(root, 'var/lib/dpkg'));
  return { root, admindir, isDefault: o.root === undefined };
}

/** Runner hook (tests); by default scripts run under the emulator (EmuRunner), --no-scripts skips them. */
let pluggedRunner: ScriptRunner | null = null;
export function setScriptRunner(r: ScriptRunner | null): void {
  pluggedRunner = r;
}

export function makeCtx(o: CommonOpts, opts: { write: boolean }): Ctx & { progress: Progress } {
  const { root, admindir, isDefault } = rootOf(o);
  if (opts.write) mkdirSync(root, { recursive: true });
  const db = Database.load(admindir, { create: opts.write, allowMissing: true });
  // The host's own packages count as installed for the default overlay root.
  const hostStatus = '/var/lib/dpkg';
  const host = isDefault && existsSync(join(hostStatus, 'status')) && resolve(admindir) !== hostStatus ? Database.load(hostStatus) : null;
  const progress = new Progress(!o.quiet && process.stderr.isTTY === true);
  const runner = o.scripts === false ? new SkipRunner() : pluggedRunner ?? withProgress(new EmuRunner({ root, overlay: isDefault }), progress);
  const policy: ConfPolicy = o.forceConfnew ? 'confnew' : o.forceConfold ? 'confold' : 'default';
  return {
    root, db, host, runner, policy,
    forceDepends: !!o.forceDepends,
    log: (m) => {
      if (o.quiet) return;
      progress.interrupt(() => process.stdout.write(m + '\n'));
    },
    warn: (m) => progress.interrupt(() => process.stderr.write(`rustos-pkg: ${m}\n`)),
    onBytes: (n) => progress.add(n),
    progress,
  };
}

/** Scripts write to the terminal themselves: clear the bar's line first, redraw it after. */
function withProgress(inner: ScriptRunner, progress: Progress): ScriptRunner {
  return {
    canRun: inner.canRun,
    unavailable: inner.unavailable,
    run: async (call) => {
      progress.clear();
      return inner.run(call);
    },
  };
}

/** A byte-count progress bar, drawn only on a terminal. */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private value = 0;
  private total = 1;
  constructor(private readonly enabled: boolean) {}
  start(total: number, label: string): void {
    if (!this.enabled) return;
    this.stop();
    this.value = 0;
    this.bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} KiB`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    this.total = Math.max(1, Math.round(total / 1024));
    this.bar.start(this.total, 0);
  }
  add(bytes: number): void {
    if (!this.bar) return;
    this.value += bytes;
    const kib = Math.round(this.value / 1024);
    if (kib > this.total) this.bar.setTotal((this.total = kib)); // Installed-Size was an estimate
    this.bar.update(kib);
  }
  /** Clear the bar's line (redrawn at the next update). */
  clear(): void {
    if (this.bar) process.stderr.write('\r\x1b[K');
  }
  interrupt(fn: () => void): void {
    if (this.bar) {
      // Keep log lines from being drawn over by the bar.
      process.stderr.write('\r\x1b[K');
      fn();
      this.bar.render();
    } else fn();
  }
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
