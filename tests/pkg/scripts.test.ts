// Maintainer scripts: refused (with a clear message) while the emulator cannot
// run them, skipped-but-recorded with --no-scripts, and called with dpkg's
// arguments and unwinding through the ScriptRunner interface.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pkg/db.js';
import { installDebs } from '../../pkg/install.js';
import { removePackages } from '../../pkg/remove.js';
import { UnavailableRunner, type ScriptCall, type ScriptRunner } from '../../pkg/scripts.js';
import type { Ctx } from '../../pkg/context.js';
import { buildDeb, ctxFor, emptyRoot, tmp } from './helpers.js';

class Recorder implements ScriptRunner {
  readonly canRun = true;
  calls: string[] = [];
  constructor(private readonly fail: (c: ScriptCall) => boolean = () => false) {}
  async run(c: ScriptCall): Promise<number> {
    this.calls.push(`${c.pkg} ${c.script} ${c.args.join(' ')}`.trim());
    return this.fail(c) ? 1 : 0;
  }
}

const scripts = { preinst: '#!/bin/sh\nexit 0\n', postinst: '#!/bin/sh\nexit 0\n', prerm: '#!/bin/sh\nexit 0\n', postrm: '#!/bin/sh\nexit 0\n' };

function withRunner(root: string, runner: ScriptRunner): Ctx {
  return { ...ctxFor(root), runner };
}

describe('maintainer scripts', () => {
  it('refuses to install a package with scripts unless --no-scripts, changing nothing', async () => {
    const deb = buildDeb({ name: 'scripted', files: { 'usr/share/s/f': 'x' }, scripts });
    const r = emptyRoot();
    const err = await installDebs(withRunner(r, new UnavailableRunner()), [deb]).catch((e) => e);
    expect(err.message).toMatch(/has maintainer scripts \(preinst, postinst, prerm, postrm\), which cannot be run yet/);
    expect(err.message).toMatch(/--no-scripts/);
    expect(existsSync(join(r, 'usr'))).toBe(false);
    await installDebs(ctxFor(r), [deb]); // SkipRunner = --no-scripts
    expect(readFileSync(join(r, 'var/lib/dpkg/info/scripted.postinst'), 'utf8')).toBe(scripts.postinst);
    await expect(removePackages(withRunner(r, new UnavailableRunner()), ['scripted'], false)).rejects.toThrow(/cannot be run yet/);
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
      'sc prerm upgrade 2.0', 'sc preinst upgrade 1.0', 'sc postrm upgrade 2.0', 'sc postinst configure 1.0',
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
    await expect(installDebs(withRunner(r, rec), [deb])).rejects.toThrow(/pre-installation script subprocess returned error exit status 1/);
    expect(rec.calls).toEqual(['bad preinst install', 'bad postrm abort-install']);
    expect(existsSync(join(r, 'usr/share/bad/f'))).toBe(false);
    const rec2 = new Recorder((c) => c.script === 'postinst');
    await expect(installDebs(withRunner(r, rec2), [deb])).rejects.toThrow(/post-installation script/);
    expect(Database.load(join(r, 'var/lib/dpkg')).status('bad').state).toBe('half-configured');
  });
});
