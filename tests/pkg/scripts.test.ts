// Maintainer scripts through the ScriptRunner interface (no emulator here; the
// real runner is tested in emurunner.test.ts): refused with a clear message by a
// runner that cannot run, skipped-but-recorded with --no-scripts, and called
// with dpkg's arguments and unwinding.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pkg/db.js';
import { installDebs } from '../../pkg/install.js';
import { removePackages } from '../../pkg/remove.js';
import { UnavailableRunner, type ScriptCall, type ScriptResult, type ScriptRunner } from '../../pkg/scripts.js';
import type { Ctx } from '../../pkg/context.js';
import { buildDeb, ctxFor, emptyRoot, tmp } from './helpers.js';

class Recorder implements ScriptRunner {
  readonly canRun = true;
  calls: string[] = [];
  constructor(private readonly fail: (c: ScriptCall) => boolean | ScriptResult = () => false) {}
  async run(c: ScriptCall): Promise<ScriptResult> {
    this.calls.push(`${c.pkg} ${c.script} ${c.args.join(' ')}`.trim());
    const f = this.fail(c);
    return typeof f === 'boolean' ? (f ? 1 : 0) : f;
  }
}

const scripts = { preinst: '#!/bin/sh\nexit 0\n', postinst: '#!/bin/sh\nexit 0\n', prerm: '#!/bin/sh\nexit 0\n', postrm: '#!/bin/sh\nexit 0\n' };

function withRunner(root: string, runner: ScriptRunner): Ctx {
  return { ...ctxFor(root), runner };
}

describe('maintainer scripts', () => {
  it('refuses to install a package with scripts when the runner cannot run (no emulator), changing nothing', async () => {
    const deb = buildDeb({ name: 'scripted', files: { 'usr/share/s/f': 'x' }, scripts });
    const r = emptyRoot();
    const err = await installDebs(withRunner(r, new UnavailableRunner('no emulator here')), [deb]).catch((e) => e);
    expect(err.message).toMatch(/has maintainer scripts \(preinst, postinst, prerm, postrm\), which cannot be run: no emulator here/);
    expect(err.message).toMatch(/--no-scripts/);
    expect(existsSync(join(r, 'usr'))).toBe(false);
    await installDebs(ctxFor(r), [deb]); // SkipRunner = --no-scripts
    expect(readFileSync(join(r, 'var/lib/dpkg/info/scripted.postinst'), 'utf8')).toBe(scripts.postinst);
    await expect(removePackages(withRunner(r, new UnavailableRunner()), ['scripted'], false)).rejects.toThrow(/cannot be run: the rustos emulator is not available/);
  });

  it('calls scripts with dpkg arguments for install, upgrade, remove and purge', async () => {
    const d = tmp();
    const v1 = buildDeb({ name: 'sc', version: '1.0', files: { 'etc/sc.conf': 'a\n' }, conffiles: ['/etc/sc.conf'], scripts }, d);
    const v2 = buildDeb({ name: 'sc', version: '2.0', files: { 'etc/sc.conf': 'a\n' }, conffiles: ['/etc/sc.conf'], scripts }, d);
    const r = emptyRoot();
    const rec = new Recorder();
    await installDebs(withRunner(r, rec), [v1]);
    await installDebs(withRunner(r, rec), [v2]);
    await removePackages(withRunner(r, rec), ['sc'], true);
    expect(rec.calls).toEqual([
      'sc preinst install', 'sc postinst configure',
      'sc prerm upgrade 2.0', 'sc preinst upgrade 1.0 2.0', 'sc postrm upgrade 2.0', 'sc postinst configure 1.0',
      'sc prerm remove', 'sc postrm remove', 'sc postrm purge',
    ]);
  });

  it('configures a Pre-Depends before unpacking the package that needs it', async () => {
    const d = tmp();
    const base = buildDeb({ name: 'pdbase', scripts }, d);
    const user = buildDeb({ name: 'pduser', fields: { 'Pre-Depends': 'pdbase' }, scripts }, d);
    const rec = new Recorder();
    await installDebs(withRunner(emptyRoot(), rec), [user, base]);
    expect(rec.calls).toEqual(['pdbase preinst install', 'pdbase postinst configure', 'pduser preinst install', 'pduser postinst configure']);
  });

  it('unwinds a failing preinst with postrm abort-install and a failing postinst leaves half-configured', async () => {
    const d = tmp();
    const deb = buildDeb({ name: 'bad', files: { 'usr/share/bad/f': 'x' }, scripts }, d);
    const r = emptyRoot();
    const rec = new Recorder((c) => c.script === 'preinst');
    await expect(installDebs(withRunner(r, rec), [deb])).rejects.toThrow(/new bad package pre-installation script subprocess returned error exit status 1/);
    expect(rec.calls).toEqual(['bad preinst install', 'bad postrm abort-install']);
    expect(Database.load(join(r, 'var/lib/dpkg')).get('bad')?.get('Status')).toBe('install ok not-installed');
    expect(existsSync(join(r, 'usr/share/bad/f'))).toBe(false);
    const rec2 = new Recorder((c) => c.script === 'postinst');
    await expect(installDebs(withRunner(r, rec2), [deb])).rejects.toThrow(/post-installation script/);
    expect(Database.load(join(r, 'var/lib/dpkg')).status('bad').state).toBe('half-configured');
  });

  it('reports signals in dpkg wording, falls back to the new prerm/postrm with failed-upgrade', async () => {
    const d = tmp();
    const v1 = buildDeb({ name: 'fb', version: '1', scripts }, d);
    const v2 = buildDeb({ name: 'fb', version: '2', scripts }, d);
    const r = emptyRoot();
    const sig = new Recorder((c) => (c.script === 'postinst' ? { signal: 'SIGTERM' } : false));
    await expect(installDebs(withRunner(r, sig), [v1])).rejects.toThrow(/installed fb package post-installation script subprocess was killed by signal \(Terminated\)$/);
    await installDebs(withRunner(r, new Recorder()), [v1]);
    const rec = new Recorder((c) => (c.script === 'prerm' || c.script === 'postrm') && c.args[0] === 'upgrade');
    await installDebs(withRunner(r, rec), [v2]);
    expect(rec.calls).toEqual(['fb prerm upgrade 2', 'fb prerm failed-upgrade 1 2', 'fb preinst upgrade 1 2', 'fb postrm upgrade 2', 'fb postrm failed-upgrade 1 2', 'fb postinst configure 1']);
  });
});
