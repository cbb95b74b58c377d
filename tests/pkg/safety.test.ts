// Hostile and broken archives: nothing may be written outside the root, the
// database must stay consistent, and errors are one-line PkgErrors.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pkg/db.js';
import { installDebs } from '../../pkg/install.js';
import { PkgError } from '../../pkg/errors.js';
import { SkipRunner } from '../../pkg/scripts.js';
import type { Ctx } from '../../pkg/context.js';
import { buildDeb, emptyRoot, rawDeb, tmp } from './helpers.js';

function ctx(root: string): Ctx {
  return { root, db: Database.load(join(root, 'var/lib/dpkg'), { create: true }), host: null, runner: new SkipRunner(), policy: 'default', forceDepends: false, log: () => undefined };
}

/** Files under root other than the admin dir. */
function userFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (r.startsWith('/var')) continue;
      out.push(r);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(join(d, e.name), r);
    }
  };
  walk(root, '');
  return out.sort();
}

describe('hostile archives', () => {
  const cases: [string, Parameters<typeof rawDeb>[1], RegExp][] = [
    ['dotdot', [{ name: './', type: 'directory' }, { name: './usr/../../../escape', content: 'x' }], /contains '\.\.'/],
    ['absolute', [{ name: '/tmp/abs-escape', content: 'x' }], /absolute path/],
    ['device', [{ name: './dev/', type: 'directory' }, { name: './dev/null', type: 'character-device' }], /device nodes/],
    ['fifo', [{ name: './p', type: 'fifo' }], /not supported/],
    ['badlink', [{ name: './evil', type: 'symlink', linkname: '../../../../../../etc' }], /points outside the root/],
    ['through-link', [{ name: './usr/', type: 'directory' }, { name: './usr/ok', content: 'fine' }, { name: './lnk', type: 'symlink', linkname: '../..' }, { name: './lnk/escape', content: 'x' }], /outside the root/],
  ];
  for (const [name, entries, msg] of cases) {
    it(`refuses ${name} without writing outside the root and rolls back`, async () => {
      const outside = tmp('rpkg-outside-');
      const root = join(outside, 'root');
      mkdirSync(root);
      Object.assign(root, {});
      const r = emptyRoot();
      const deb = await rawDeb(`evil-${name}`, entries);
      const before = readdirSync(outside);
      const err = await installDebs(ctx(r), [deb]).catch((e) => e);
      expect(err).toBeInstanceOf(PkgError);
      expect(String(err.message)).toMatch(msg);
      expect(err.message.split('\n').length).toBe(1);
      expect(readdirSync(outside)).toEqual(before);
      expect(existsSync('/tmp/abs-escape')).toBe(false);
      expect(userFiles(r)).toEqual([]);
      // Nothing of it was renamed into place, so the failed package is forgotten again.
      const st = Database.load(join(r, 'var/lib/dpkg')).status(`evil-${name}`);
      expect(st.state).toBe('not-installed');
    });
  }

  it('an absolute symlink target is fine and is interpreted inside the root', async () => {
    const r = emptyRoot();
    mkdirSync(join(r, 'usr/lib64'), { recursive: true });
    symlinkSync('/usr/lib64', join(r, 'lib64')); // absolute link already in the root
    const deb = await rawDeb('abslink', [{ name: './lib64/', type: 'directory' }, { name: './lib64/libx.so', content: 'lib' }, { name: './usr/', type: 'directory' }, { name: './usr/lnk', type: 'symlink', linkname: '/usr/lib/x' }]);
    await installDebs(ctx(r), [deb]);
    expect(readFileSync(join(r, 'usr/lib64/libx.so'), 'utf8')).toBe('lib');
  });

  it('a pre-existing symlink in the root pointing outside is not written through', async () => {
    const r = emptyRoot();
    const victim = tmp('rpkg-victim-');
    symlinkSync(`../../../../../../../../..${victim}`, join(r, 'opt'));
    const deb = await rawDeb('through', [{ name: './opt/', type: 'directory' }, { name: './opt/file', content: 'x' }]);
    await expect(installDebs(ctx(r), [deb])).rejects.toThrow(/outside the root/);
    expect(readdirSync(victim)).toEqual([]);
  });

  it('a stale NAME.dpkg-new symlink (from a killed run) is replaced, never written through', async () => {
    const r = emptyRoot();
    const victim = join(tmp('rpkg-victim-'), 'target');
    writeFileSync(victim, 'precious');
    mkdirSync(join(r, 'usr/share'), { recursive: true });
    symlinkSync(victim, join(r, 'usr/share/f.dpkg-new'));
    await installDebs(ctx(r), [buildDeb({ name: 'stale', files: { 'usr/share/f': 'new' } })]);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(r, 'usr/share/f'), 'utf8')).toBe('new');
  });

  it('truncated and corrupt packages give one-line errors and change nothing', async () => {
    const r = emptyRoot();
    const deb = buildDeb({ name: 'trunc', files: { 'usr/share/trunc/big': 'x'.repeat(200000) + Math.random() } , compress: 'gzip' });
    const buf = readFileSync(deb);
    const cut = join(tmp(), 'cut.deb');
    writeFileSync(cut, buf.subarray(0, buf.length - 500));
    const e1 = await installDebs(ctx(r), [cut]).catch((e) => e);
    expect(e1).toBeInstanceOf(PkgError);
    expect(e1.message).toMatch(/truncated/);
    const junk = join(tmp(), 'junk.deb');
    writeFileSync(junk, Buffer.concat([buf.subarray(0, 200), Buffer.alloc(5000, 7)]));
    const e2 = await installDebs(ctx(r), [junk]).catch((e) => e);
    expect(e2).toBeInstanceOf(PkgError);
    expect(readFileSync(join(r, 'var/lib/dpkg/status'), 'utf8')).toBe('');
    expect(userFiles(r)).toEqual([]);
  });
});
