import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRelationField, formatGroup } from '../../pkg/relations.js';
import { installDebs } from '../../pkg/install.js';
import { removePackages } from '../../pkg/remove.js';
import { PkgError } from '../../pkg/errors.js';
import { buildDeb, ctxFor, emptyRoot, fixture, fixtures, sh, snapshot, tmp } from './helpers.js';

function dpkg(root: string, args: string): { out: string; ok: boolean } {
  try {
    return { out: sh(`dpkg --root='${root}' --force-script-chrootless --force-not-root ${args} 2>&1`), ok: true };
  } catch (e) {
    return { out: String((e as { stdout?: string }).stdout ?? e), ok: false };
  }
}
function same(a: string, b: string): void {
  expect(readFileSync(join(a, 'var/lib/dpkg/status'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/status'), 'utf8'));
  expect([...snapshot(a)]).toEqual([...snapshot(b)]);
  for (const r of [a, b]) expect(existsSync(join(r, 'var/lib/dpkg/info'))).toBe(true);
  const lists = (r: string) => sh(`cd '${r}/var/lib/dpkg/info' && cat *.list 2>/dev/null || true`);
  expect(lists(a)).toBe(lists(b));
}

describe('relation parsing', () => {
  it('parses alternatives, versions, arch qualifiers and restrictions', () => {
    const g = parseRelationField('libc6 (>= 2.34), awk | mawk:any (<< 2), python3:native, foo [amd64] <!nocheck>, bar (> 1)');
    expect(g.map(formatGroup)).toEqual(['libc6 (>= 2.34)', 'awk | mawk:any (<< 2)', 'python3:native', 'foo', 'bar (>= 1)']);
    expect(g[1][1]).toEqual({ name: 'mawk', archQual: 'any', op: '<<', version: '2' });
    expect(() => parseRelationField('a (>= )')).toThrow(PkgError);
    expect(() => parseRelationField('a, , b')).toThrow(/empty relation/);
    expect(() => parseRelationField('a | b', 'Conflicts')).toThrow(/alternatives/);
    expect(parseRelationField('foo,\n bar (= 1:2.0-1)').length).toBe(2);
  });
});

describe('install-set checks', () => {
  it.skipIf(!fixtures())('a missing dependency fails with the exact relation and changes nothing', async () => {
    const r = emptyRoot();
    const err = await installDebs(ctxFor(r), [fixture('jq')]).catch((e) => e);
    expect(err).toBeInstanceOf(PkgError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain(' jq depends on libjq1 (= 1.6-2.1+deb12u3); however:\n  Package libjq1 is not installed.');
    expect(readFileSync(join(r, 'var/lib/dpkg/status'), 'utf8')).toBe('');
    expect(existsSync(join(r, 'usr'))).toBe(false);
  });

  it('reports the installed version when it is too old, and honours Provides', async () => {
    const d = tmp();
    const lib1 = buildDeb({ name: 'libz', version: '1.0' }, d);
    const app = buildDeb({ name: 'app', fields: { Depends: 'libz (>= 2.0), awk' } }, d);
    const awk = buildDeb({ name: 'myawk', fields: { Provides: 'awk' } }, d);
    const r = emptyRoot();
    await installDebs(ctxFor(r), [lib1]);
    const err = await installDebs(ctxFor(r), [app, awk]).catch((e) => e);
    expect(err.message).toContain('app depends on libz (>= 2.0); however:\n  Version of libz on system is 1.0.');
    expect(err.message).not.toContain('awk;');
    const lib2 = buildDeb({ name: 'libz', version: '2.0' }, d);
    await installDebs(ctxFor(r), [app, awk, lib2]);
    expect(ctxFor(r).db.status('app').state).toBe('installed');
    // Removing the provider of a needed virtual package is refused.
    await expect(removePackages(ctxFor(r), ['myawk'], false)).rejects.toThrow(/app depends on awk/);
  });

  it('refuses Conflicts and Breaks in both directions', async () => {
    const d = tmp();
    const a = buildDeb({ name: 'aa', fields: { Conflicts: 'bb' } }, d);
    const b = buildDeb({ name: 'bb', version: '1.5' }, d);
    const c = buildDeb({ name: 'cc', fields: { Breaks: 'bb (<< 2)' } }, d);
    const r = emptyRoot();
    await installDebs(ctxFor(r), [b]);
    await expect(installDebs(ctxFor(r), [a])).rejects.toThrow(/aa conflicts with bb/);
    await expect(installDebs(ctxFor(r), [c])).rejects.toThrow(/cc breaks bb \(<< 2\)/);
    const r2 = emptyRoot();
    await installDebs(ctxFor(r2), [a]);
    await expect(installDebs(ctxFor(r2), [b])).rejects.toThrow(/aa conflicts with bb/);
  });
});

describe('file conflicts, Replaces, upgrades and downgrades (compared with dpkg)', () => {
  it('refuses overwriting another package file, allows it with Replaces', async () => {
    const d = tmp();
    const own = buildDeb({ name: 'owner', version: '1.0', files: { 'usr/share/common/file': 'owner\n', 'usr/share/common/other': 'o\n' } }, d);
    const thief = buildDeb({ name: 'thief', files: { 'usr/share/common/file': 'thief\n' } }, d);
    const taker = buildDeb({ name: 'taker', fields: { Replaces: 'owner (<< 2)' }, files: { 'usr/share/common/file': 'taker\n' } }, d);
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), [own]);
    dpkg(b, `-i '${own}'`);
    const err = await installDebs(ctxFor(a), [thief]).catch((e) => e);
    expect(err.message).toBe("trying to overwrite '/usr/share/common/file', which is also in package owner 1.0");
    expect(dpkg(b, `-i '${thief}'`).ok).toBe(false);
    expect(readFileSync(join(a, 'usr/share/common/file'), 'utf8')).toBe('owner\n');
    same(a, b); // both keep 'thief' as "install ok not-installed"
    await installDebs(ctxFor(a), [taker]);
    dpkg(b, `-i '${taker}'`);
    same(a, b);
    expect(readFileSync(join(a, 'usr/share/common/file'), 'utf8')).toBe('taker\n');
    expect(readFileSync(join(a, 'var/lib/dpkg/info/owner.list'), 'utf8')).not.toContain('/usr/share/common/file\n');
  });

  it('Conflicts + Replaces removes the old package in favour of the new one, like dpkg', async () => {
    const d = tmp();
    const old = buildDeb({ name: 'oldname', version: '1.0', files: { 'usr/bin/tool': 'old tool', 'usr/share/oldname/data': 'x', 'etc/oldname.conf': 'c\n' }, conffiles: ['/etc/oldname.conf'] }, d);
    const user = buildDeb({ name: 'usesold', fields: { Depends: 'oldname' } }, d);
    const renamed = buildDeb({ name: 'newname', version: '2.0', fields: { Conflicts: 'oldname', Replaces: 'oldname', Provides: 'oldname' }, files: { 'usr/bin/tool': 'new tool' } }, d);
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), [old, user]);
    dpkg(b, `-i '${old}' '${user}'`);
    await installDebs(ctxFor(a), [renamed]);
    dpkg(b, `-i '${renamed}'`);
    same(a, b);
    expect(readFileSync(join(a, 'usr/bin/tool'), 'utf8')).toBe('new tool');
    expect(ctxFor(a).db.status('oldname').state).toBe('config-files');
  });

  it('upgrade and downgrade replace, add and remove files like dpkg', async () => {
    const d = tmp();
    const v1 = buildDeb({ name: 'up', version: '1.0-1', files: { 'usr/bin/up': { content: '#!/bin/sh\necho 1\n', mode: 0o755 }, 'usr/share/up/old': 'old\n', 'usr/share/up/link': { link: 'old' } } }, d);
    const v2 = buildDeb({ name: 'up', version: '1:0.5-1', compress: 'zstd', files: { 'usr/bin/up': { content: '#!/bin/sh\necho 2\n', mode: 0o750 }, 'usr/share/up/new': 'new\n', 'usr/share/up/link': { link: 'new' } } }, d);
    const a = emptyRoot();
    const b = emptyRoot();
    for (const deb of [v1, v2, v1]) {
      await installDebs(ctxFor(a), [deb]);
      dpkg(b, `-i '${deb}'`);
      same(a, b);
    }
    expect(readFileSync(join(a, 'usr/bin/up'), 'utf8')).toContain('echo 1');
    expect(existsSync(join(a, 'usr/share/up/new'))).toBe(false);
  });
});
