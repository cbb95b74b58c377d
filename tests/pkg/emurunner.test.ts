// Maintainer scripts run for real under the emulator (src/pkg/emurunner.ts):
// arguments, environment, exit statuses, signals and a root without a shell;
// dpkg's unwinding compared with real `dpkg --root` on the same small .debs
// (a tiny root holding dash + libc, so dpkg's chroot works too); and real
// packages whose postinst calls update-alternatives (mawk, nano), both in an
// explicit root (compared with dpkg) and in the default overlay root.
import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, lstatSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pkg/db.js';
import { installDebs } from '../../pkg/install.js';
import { removePackages } from '../../pkg/remove.js';
import { EmuRunner, execProblem, guestPath } from '../../src/pkg/emurunner.js';
import type { Ctx } from '../../pkg/context.js';
import { scriptEnv } from '../../pkg/scripts.js';
import { buildDeb, ctxFor, fixture, fixtures, tmp } from './helpers.js';

const HOST_LIBS = ['/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/libc.so.6'];
const canBuildRoot = HOST_LIBS.every((l) => existsSync(l)) && existsSync('/bin/dash');
const hasRealDpkg = spawnSync('dpkg', ['--version']).status === 0 && process.getuid?.() === 0; // dpkg --root chroots

/** A root with dash as /bin/sh and libc (and optionally update-alternatives), plus an empty dpkg database. */
function miniRoot(withAlternatives = false): string {
  const r = tmp('rpkg-mini-');
  for (const d of ['bin', 'lib64', 'lib/x86_64-linux-gnu', 'usr/bin', 'var/lib/dpkg/info', 'var/lib/dpkg/updates', 'tmp']) mkdirSync(join(r, d), { recursive: true });
  copyFileSync('/bin/dash', join(r, 'bin/sh'));
  chmodSync(join(r, 'bin/sh'), 0o755);
  for (const l of HOST_LIBS) copyFileSync(l, join(r, l));
  writeFileSync(join(r, 'var/lib/dpkg/status'), '');
  if (withAlternatives) {
    copyFileSync('/usr/bin/update-alternatives', join(r, 'usr/bin/update-alternatives'));
    chmodSync(join(r, 'usr/bin/update-alternatives'), 0o755);
    mkdirSync(join(r, 'etc/alternatives'), { recursive: true });
    mkdirSync(join(r, 'var/lib/dpkg/alternatives'), { recursive: true });
  }
  return r;
}

function emuCtx(root: string, overlay = false, host: Database | null = null): Ctx & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...ctxFor(root, 'default', host), runner: new EmuRunner({ root, overlay, stdio: ['ignore', 'pipe', 'pipe'] }), warn: (m) => warnings.push(m), warnings };
}

describe.skipIf(!canBuildRoot)('EmuRunner', () => {
  it('passes dpkg arguments, environment, cwd and exit status; reports signals; fails like dpkg without a shell', async () => {
    const r = miniRoot();
    const script = join(r, 'var/lib/dpkg/info/t.postinst');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = kill ] && kill -TERM $$\nfor a in "$@"; do echo "arg[$a]"; done > /out\n' +
      'echo "$DPKG_MAINTSCRIPT_PACKAGE $DPKG_MAINTSCRIPT_NAME $DPKG_MAINTSCRIPT_ARCH $DPKG_RUNNING_VERSION root[$DPKG_ROOT] $DPKG_ADMINDIR" >> /out\necho "$PATH $PWD" >> /out\nexit 7\n');
    chmodSync(script, 0o755);
    const runner = new EmuRunner({ root: r, overlay: false, stdio: ['ignore', 'pipe', 'pipe'] });
    const call = { pkg: 't', script: 'postinst' as const, path: script, root: r, env: scriptEnv('t', 'postinst', '1.0', r, 'amd64') };
    expect(await runner.run({ ...call, args: ['configure', '', 'two words'] })).toBe(7);
    expect(readFileSync(join(r, 'out'), 'utf8')).toBe('arg[configure]\narg[]\narg[two words]\nt postinst amd64 1.0 root[] /var/lib/dpkg\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /\n');
    expect(await runner.run({ ...call, args: ['kill'] })).toEqual({ signal: 'SIGTERM' });
    // A script outside the root (--admindir elsewhere) is copied into the root's tmp.ci for the run.
    const outside = join(tmp('rpkg-admin-'), 'preinst');
    writeFileSync(outside, '#!/bin/sh\necho "$0 $*" > /out\n');
    chmodSync(outside, 0o755);
    expect(await runner.run({ ...call, script: 'preinst', path: outside, args: ['install'] })).toBe(0);
    expect(readFileSync(join(r, 'out'), 'utf8')).toBe('/var/lib/dpkg/tmp.ci/t.preinst install\n');
    expect(existsSync(join(r, 'var/lib/dpkg/tmp.ci/t.preinst'))).toBe(false);
    // A root without /bin/sh: execve's ENOENT, dpkg's child exit status 2.
    const bare = tmp('rpkg-bare-');
    mkdirSync(join(bare, 'var/lib/dpkg/info'), { recursive: true });
    copyFileSync(script, join(bare, 'var/lib/dpkg/info/t.postinst'));
    expect(execProblem(bare, '/var/lib/dpkg/info/t.postinst')).toBe('No such file or directory');
    const lines: string[] = [];
    const bareRunner = new EmuRunner({ root: bare, overlay: false, warn: (l) => lines.push(l) });
    expect(await bareRunner.run({ ...call, path: join(bare, 'var/lib/dpkg/info/t.postinst'), root: bare, args: ['configure', ''], label: 'installed t package post-installation script' })).toBe(2);
    expect(lines).toEqual(['rustos-pkg (subprocess): unable to execute installed t package post-installation script (/var/lib/dpkg/info/t.postinst): No such file or directory']);
    expect(guestPath('/a/b', '/a/b/var/x')).toBe('/var/x');
    expect(guestPath('/a/b', '/a/c')).toBeNull();
  }, 300_000);

  it('unwinds failing scripts exactly as real dpkg does (logs and status compared)', async () => {
    const d = tmp();
    // Each script logs "script version args" to /log and fails if its name is in `fail`.
    const mk = (name: string, version: string, fail: string[]) =>
      buildDeb({
        name, version, files: { [`usr/share/${name}/f`]: version },
        scripts: Object.fromEntries(['preinst', 'postinst', 'prerm', 'postrm'].map((s) => [s, `#!/bin/sh\necho "${s} ${version} $*" >> /log\nexit ${fail.includes(s) ? 1 : 0}\n`])),
      }, d);
    const steps: { op: 'i' | 'r'; debs?: string[]; names?: string[] }[] = [
      { op: 'i', debs: [mk('a', '1', ['preinst'])] }, // preinst fails: postrm abort-install, not-installed
      { op: 'i', debs: [mk('b', '1', ['postinst'])] }, // postinst fails: half-configured
      { op: 'i', debs: [mk('c', '1', ['prerm'])] },
      { op: 'r', names: ['c'] }, // prerm fails: postinst abort-remove, back to installed
      { op: 'i', debs: [mk('e', '1', [])] },
      { op: 'i', debs: [mk('e', '2', ['preinst'])] }, // upgrade preinst fails: postrm abort-upgrade, postinst abort-upgrade
    ];
    const ours = miniRoot();
    const codes: number[] = [];
    for (const s of steps) {
      const ctx = emuCtx(ours);
      const p = s.op === 'i' ? installDebs(ctx, s.debs!) : removePackages(ctx, s.names!, false);
      codes.push(await p.then(() => 0, () => 1));
    }
    const log = readFileSync(join(ours, 'log'), 'utf8');
    expect(log).toBe([
      'preinst 1 install', 'postrm 1 abort-install',
      'preinst 1 install', 'postinst 1 configure ',
      'preinst 1 install', 'postinst 1 configure ', 'prerm 1 remove', 'postinst 1 abort-remove',
      'preinst 1 install', 'postinst 1 configure ', 'prerm 1 upgrade 2', 'preinst 2 upgrade 1 2', 'postrm 2 abort-upgrade 1 2', 'postinst 1 abort-upgrade 2', '',
    ].join('\n'));
    expect(codes).toEqual([1, 1, 0, 1, 0, 1]);
    const db = Database.load(join(ours, 'var/lib/dpkg'));
    expect(db.get('a')?.get('Status')).toBe('install ok not-installed');
    expect(db.get('b')?.get('Status')).toBe('install ok half-configured');
    expect(db.get('c')?.get('Status')).toBe('deinstall ok installed');
    expect(db.get('e')?.get('Version')).toBe('1');
    expect(existsSync(join(ours, 'usr/share/a'))).toBe(false);
    expect(readFileSync(join(ours, 'usr/share/e/f'), 'utf8')).toBe('1');
    if (!hasRealDpkg) return;
    const real = miniRoot();
    const realCodes = steps.map((s) => spawnSync('dpkg', ['--root', real, s.op === 'i' ? '-i' : '-r', ...(s.debs ?? s.names!)], { stdio: 'ignore' }).status);
    expect(realCodes).toEqual(codes);
    expect(readFileSync(join(real, 'log'), 'utf8')).toBe(log);
    expect(readFileSync(join(ours, 'var/lib/dpkg/status'), 'utf8')).toBe(readFileSync(join(real, 'var/lib/dpkg/status'), 'utf8'));
  }, 300_000);
});

/** Every path under root/sub: type, mode and link target (what update-alternatives writes). */
function links(root: string, subs: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const full = join(root, rel);
    const st = lstatSync(full, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(full)}`);
    else if (st.isDirectory()) for (const e of readdirSync(full).sort()) walk(join(rel, e));
    else out.push(`${rel} ${(st.mode & 0o7777).toString(8)} ${readFileSync(full, 'utf8').replace(/\n/g, '|')}`);
  };
  for (const s of subs) walk(s);
  return out.sort();
}

const ALT_PATHS = ['etc/alternatives', 'var/lib/dpkg/alternatives', 'usr/bin/awk', 'usr/bin/nawk', 'usr/bin/editor', 'usr/bin/pico',
  'usr/share/man/man1/awk.1.gz', 'usr/share/man/man1/nawk.1.gz', 'usr/share/man/man1/editor.1.gz', 'usr/share/man/man1/pico.1.gz'];

describe.skipIf(!canBuildRoot || !fixtures())('real maintainer scripts (update-alternatives)', () => {
  it('mawk and nano in an explicit root: the same links, alternatives and status as real dpkg --root', async () => {
    const ours = miniRoot(true);
    const ctx = { ...emuCtx(ours), forceDepends: true };
    await installDebs(ctx, [fixture('mawk'), fixture('nano')]);
    const got = links(ours, ALT_PATHS);
    expect(got).toContain('etc/alternatives/awk -> /usr/bin/mawk');
    expect(got).toContain('etc/alternatives/editor -> /bin/nano');
    expect(got).toContain('usr/bin/pico -> /etc/alternatives/pico');
    expect(got.find((l) => l.startsWith('var/lib/dpkg/alternatives/pico '))).toBe('var/lib/dpkg/alternatives/pico 644 auto|/usr/bin/pico|pico.1.gz|/usr/share/man/man1/pico.1.gz||/bin/nano|10|/usr/share/man/man1/nano.1.gz||');
    // prerm: update-alternatives --remove.
    await removePackages(emuCtx(ours), ['nano'], false);
    await removePackages(emuCtx(ours), ['mawk'], true);
    const afterRemove = links(ours, ALT_PATHS);
    expect(afterRemove.filter((l) => /pico|editor|awk/.test(l))).toEqual([]);
    if (!hasRealDpkg) return;
    const real = miniRoot(true);
    execFileSync('dpkg', ['--root', real, '--force-depends', '-i', fixture('mawk'), fixture('nano')], { stdio: 'ignore' });
    expect(got).toEqual(links(real, ALT_PATHS));
    expect(readFileSync(join(ours, 'var/lib/dpkg/status'), 'utf8')).not.toBe('');
    const statusAfterInstall = readFileSync(join(real, 'var/lib/dpkg/status'), 'utf8');
    execFileSync('dpkg', ['--root', real, '-r', 'nano'], { stdio: 'ignore' });
    execFileSync('dpkg', ['--root', real, '-P', 'mawk'], { stdio: 'ignore' });
    expect(afterRemove).toEqual(links(real, ALT_PATHS));
    expect(readFileSync(join(ours, 'var/lib/dpkg/status'), 'utf8')).toBe(readFileSync(join(real, 'var/lib/dpkg/status'), 'utf8'));
    expect(statusAfterInstall).toMatch(/^Package: nano\nStatus: install ok installed$/m);
  }, 300_000);

  it('mawk and nano in the default overlay root: update-alternatives writes the upper layer only, host untouched', async () => {
    const upper = tmp('rpkg-upper-');
    const hostBefore = links('/', ALT_PATHS);
    const ctx = emuCtx(upper, true, Database.load('/var/lib/dpkg'));
    await installDebs(ctx, [fixture('mawk'), fixture('nano')]);
    expect(links('/', ALT_PATHS)).toEqual(hostBefore);
    const db = Database.load(join(upper, 'var/lib/dpkg'));
    expect(db.status('mawk').state).toBe('installed');
    expect(db.status('nano').state).toBe('installed');
    const alt = (n: string) => readFileSync(join(upper, 'var/lib/dpkg/alternatives', n), 'utf8');
    // pico is new unless the host has it: then the file is exactly the fresh one.
    if (!existsSync('/var/lib/dpkg/alternatives/pico')) {
      expect(alt('pico')).toBe('auto\n/usr/bin/pico\npico.1.gz\n/usr/share/man/man1/pico.1.gz\n\n/bin/nano\n10\n/usr/share/man/man1/nano.1.gz\n\n');
      expect(readlinkSync(join(upper, 'etc/alternatives/pico'))).toBe('/bin/nano');
      expect(readlinkSync(join(upper, 'usr/bin/pico'))).toBe('/etc/alternatives/pico');
    }
    // editor: nano (priority 40) joins whatever the host has.
    expect(alt('editor')).toMatch(/\n\/bin\/nano\n40\n\/usr\/share\/man\/man1\/nano\.1\.gz\n/);
    // awk: the host's own group already has mawk; otherwise it is the fresh one.
    if (existsSync('/var/lib/dpkg/alternatives/awk') && readFileSync('/var/lib/dpkg/alternatives/awk', 'utf8').includes('\n/usr/bin/mawk\n5\n')) {
      if (existsSync(join(upper, 'var/lib/dpkg/alternatives/awk'))) expect(alt('awk')).toBe(readFileSync('/var/lib/dpkg/alternatives/awk', 'utf8'));
    } else expect(alt('awk')).toMatch(/^auto\n\/usr\/bin\/awk\n/);
    // Removing nano takes it out of the upper layer's groups again.
    await removePackages(emuCtx(upper, true, Database.load('/var/lib/dpkg')), ['nano'], false);
    expect(existsSync(join(upper, 'var/lib/dpkg/alternatives/editor')) ? alt('editor') : '').not.toMatch(/\/bin\/nano/);
    if (!existsSync('/var/lib/dpkg/alternatives/pico')) expect(existsSync(join(upper, 'var/lib/dpkg/alternatives/pico'))).toBe(false);
    // netbase: postinst (heredocs) and postrm purge (md5sum, sed, rm) with the host's tools.
    await installDebs(emuCtx(upper, true, Database.load('/var/lib/dpkg')), [fixture('netbase')]);
    await removePackages(emuCtx(upper, true, Database.load('/var/lib/dpkg')), ['netbase'], true);
    expect(Database.load(join(upper, 'var/lib/dpkg')).get('netbase')).toBeUndefined();
    expect(links('/', ALT_PATHS)).toEqual(hostBefore);
  }, 300_000);
});
