// Install the same packages with rustos-pkg and with the real dpkg into two
// fresh roots and compare the status database, info/ files and file trees.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installDebs } from '../../pkg/install.js';
import { removePackages } from '../../pkg/remove.js';
import { buildDeb, ctxFor, emptyRoot, fixture, fixtures, rawDeb, sh, snapshot, tmp } from './helpers.js';

const have = fixtures() !== null;


function dpkg(root: string, args: string): string {
  return sh(`dpkg --root='${root}' --force-script-chrootless --force-not-root ${args} 2>&1`);
}

function infoDir(root: string): Record<string, string> {
  const dir = join(root, 'var/lib/dpkg/info');
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

function compareRoots(a: string, b: string): void {
  expect(readFileSync(join(a, 'var/lib/dpkg/status'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/status'), 'utf8'));
  expect(infoDir(a)).toEqual(infoDir(b));
  expect([...snapshot(a)]).toEqual([...snapshot(b)]);
  const q = (r: string) => sh(`dpkg-query --admindir='${r}/var/lib/dpkg' -W -f='\${binary:Package} \${Version} \${db:Status-Abbrev}\\n'`);
  expect(q(a)).toBe(q(b));
}

describe.skipIf(!have)('database equivalence with dpkg', () => {
  let debs: string[] = [];
  beforeAll(() => {
    // Stand-in for libc6 so the real dependency chain is satisfiable inside an empty root.
    const libc = buildDeb({ name: 'libc6', version: '2.36-9+deb12u14', arch: 'amd64', fields: { 'Multi-Arch': 'same', Section: 'libs', Priority: 'optional' }, files: { 'usr/share/doc/libc6/README': 'stand-in\n' } });
    debs = [libc, fixture('libonig5'), fixture('libjq1'), fixture('jq'), fixture('hello'), fixture('tree'), fixture('sensible-utils')];
  });

  it('install, remove and purge give the same status, info/ and files as dpkg', async () => {
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), debs);
    dpkg(b, `-i ${debs.map((d) => `'${d}'`).join(' ')}`);
    compareRoots(a, b);

    await removePackages(ctxFor(a), ['jq', 'hello'], false);
    dpkg(b, '-r jq hello');
    compareRoots(a, b);

    await removePackages(ctxFor(a), ['tree'], true);
    dpkg(b, '-P tree');
    compareRoots(a, b);
  }, 60_000);

  it('conffiles: fresh install, upgrade with user edits, remove and purge match dpkg --force-confold', async () => {
    const out = tmp();
    const v1 = buildDeb({ name: 'conftest', version: '1.0-1', files: { 'etc/conftest/a.conf': 'a1\n', 'etc/conftest/b.conf': 'b1\n', 'etc/conftest/c.conf': 'c1\n', 'usr/share/conftest/data': 'd1\n' }, conffiles: ['/etc/conftest/a.conf', '/etc/conftest/b.conf', '/etc/conftest/c.conf'] }, out);
    const v2 = buildDeb({ name: 'conftest', version: '2.0-1', files: { 'etc/conftest/a.conf': 'a2\n', 'etc/conftest/b.conf': 'b1\n', 'etc/conftest/c.conf': 'c2\n', 'usr/share/conftest/new': 'n2\n' }, conffiles: ['/etc/conftest/a.conf', '/etc/conftest/b.conf', '/etc/conftest/c.conf'] }, out);
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), [v1]);
    dpkg(b, `-i '${v1}'`);
    compareRoots(a, b);
    for (const r of [a, b]) {
      writeFileSync(join(r, 'etc/conftest/a.conf'), 'user edit\n'); // both changed -> keep + .dpkg-dist
      writeFileSync(join(r, 'etc/conftest/b.conf'), 'user b\n'); // only user changed -> keep
    }
    await installDebs(ctxFor(a), [v2]); // default = confold
    dpkg(b, `--force-confold -i '${v2}'`);
    compareRoots(a, b);
    expect(readFileSync(join(a, 'etc/conftest/a.conf'), 'utf8')).toBe('user edit\n');
    expect(readFileSync(join(a, 'etc/conftest/a.conf.dpkg-dist'), 'utf8')).toBe('a2\n');
    expect(readFileSync(join(a, 'etc/conftest/c.conf'), 'utf8')).toBe('c2\n');
    expect(existsSync(join(a, 'usr/share/conftest/data'))).toBe(false);

    await removePackages(ctxFor(a), ['conftest'], false);
    dpkg(b, '-r conftest');
    compareRoots(a, b);
    await removePackages(ctxFor(a), ['conftest'], true);
    dpkg(b, '-P conftest');
    compareRoots(a, b);
  }, 60_000);

  it('a conffile deleted by the user stays deleted on upgrade; hard links and symlinks match dpkg', async () => {
    const out = tmp();
    const v1 = buildDeb({ name: 'del', version: '1', files: { 'etc/del.conf': 'one\n' }, conffiles: ['/etc/del.conf'] }, out);
    const v2 = buildDeb({ name: 'del', version: '2', files: { 'etc/del.conf': 'two\n' }, conffiles: ['/etc/del.conf'] }, out);
    const hl = await rawDeb('hardlinks', [
      { name: './', type: 'directory' }, { name: './usr/', type: 'directory' }, { name: './usr/bin/', type: 'directory' },
      { name: './usr/bin/prog', content: '#!/bin/sh\n', mode: 0o755 },
      { name: './usr/bin/prog-alias', type: 'link', linkname: './usr/bin/prog' },
      { name: './usr/bin/prog-sym', type: 'symlink', linkname: 'prog' },
    ]);
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), [v1, hl]);
    dpkg(b, `-i '${v1}' '${hl}'`);
    for (const r of [a, b]) rmSync(join(r, 'etc/del.conf'));
    await installDebs(ctxFor(a), [v2]);
    dpkg(b, `--force-confold -i '${v2}'`);
    compareRoots(a, b);
    expect(existsSync(join(a, 'etc/del.conf'))).toBe(false);
    expect(statSync(join(a, 'usr/bin/prog-alias')).ino).toBe(statSync(join(a, 'usr/bin/prog')).ino);
  }, 30_000);

  it('--force-confnew keeps the user version as .dpkg-old like dpkg', async () => {
    const out = tmp();
    const v1 = buildDeb({ name: 'cn', version: '1', files: { 'etc/cn.conf': 'one\n' }, conffiles: ['/etc/cn.conf'] }, out);
    const v2 = buildDeb({ name: 'cn', version: '2', files: { 'etc/cn.conf': 'two\n' }, conffiles: ['/etc/cn.conf'] }, out);
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), [v1]);
    dpkg(b, `-i '${v1}'`);
    for (const r of [a, b]) writeFileSync(join(r, 'etc/cn.conf'), 'mine\n');
    await installDebs(ctxFor(a, 'confnew'), [v2]);
    dpkg(b, `--force-confnew -i '${v2}'`);
    compareRoots(a, b);
    expect(readFileSync(join(a, 'etc/cn.conf.dpkg-old'), 'utf8')).toBe('mine\n');
  }, 30_000);
});
