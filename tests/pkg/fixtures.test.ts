// Every real fixture package, installed by rustos-pkg, must produce exactly the
// files, modes, symlinks and contents that `dpkg-deb -x` extracts, an info/
// list matching `dpkg-deb -c`, and pass `verify` against its md5sums.
import { describe, it, expect } from 'vitest';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pkg/db.js';
import { installDebs, loadCandidates, unpackOne } from '../../pkg/install.js';
import { verify } from '../../pkg/query.js';
import { SkipRunner } from '../../pkg/scripts.js';
import type { Ctx } from '../../pkg/context.js';
import { emptyRoot, fixtures, sh, snapshot, tmp } from './helpers.js';

const dir = fixtures();

function ctx(root: string, host: Database | null): Ctx {
  return { root, db: Database.load(join(root, 'var/lib/dpkg'), { create: true }), host, runner: new SkipRunner(), policy: 'default', forceDepends: false, log: () => undefined };
}

describe.skipIf(!dir)('real fixture packages', () => {
  it('install all fixtures (host packages satisfy libc6 etc.) and match dpkg-deb -x / -c', async () => {
    const debs = readdirSync(dir!).filter((f) => f.endsWith('.deb')).map((f) => join(dir!, f));
    expect(debs.length).toBeGreaterThanOrEqual(9);
    const root = emptyRoot();
    const c = ctx(root, Database.load('/var/lib/dpkg'));
    await installDebs(c, debs);
    const ref = tmp('rpkg-x-');
    for (const d of debs) sh(`dpkg-deb -x '${d}' '${ref}'`);
    const got = snapshot(root);
    const want = snapshot(ref);
    for (const d of ['/var', '/var/lib']) if (!want.has(d)) got.delete(d); // created for the admin dir
    // Conffiles are installed at configure time; everything else straight from data.tar.
    expect([...got]).toEqual([...want]);
    const db = Database.load(join(root, 'var/lib/dpkg'));
    for (const d of debs) {
      const name = sh(`dpkg-deb -f '${d}' Package`).trim();
      const listed = sh(`dpkg-deb -c '${d}'`).split('\n').filter(Boolean).map((l) => l.replace(/^.{48}/, '').split(' -> ')[0].replace(/^\.\/?/, '/').replace(/\/$/, '') || '/.');
      expect(db.files(name)).toEqual(listed);
      expect(db.status(name).state).toBe('installed');
    }
    expect(await verify(root, db, [])).toEqual([]);
    const w = sh(`dpkg-query --admindir='${root}/var/lib/dpkg' -W -f='\${Package}\\n'`).split('\n').filter(Boolean).sort();
    expect(w.length).toBe(debs.length);
    // Tamper with a binary, a conffile and delete a file: same findings as dpkg --verify.
    writeFileSync(join(root, 'usr/bin/jq'), 'tampered');
    writeFileSync(join(root, 'etc/nanorc'), 'edited');
    rmSync(join(root, 'usr/bin/tree'));
    const ours = (await verify(root, db, [])).sort();
    const theirs = sh(`dpkg --root='${root}' --verify || true`).split('\n').filter(Boolean).sort();
    expect(ours).toEqual(theirs);
    expect(ours.length).toBe(3);
  }, 120_000);

  it('unpack-only gives the same database as dpkg --unpack (and reports throughput)', async () => {
    const debs = readdirSync(dir!).filter((f) => f.endsWith('.deb')).map((f) => join(dir!, f));
    const a = emptyRoot();
    const b = emptyRoot();
    const c = ctx(a, null);
    const cands = await loadCandidates(debs);
    const t0 = performance.now();
    for (const cand of cands) await unpackOne(c, cand);
    const ours = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    sh(`dpkg --root='${b}' --force-depends --force-script-chrootless --unpack ${debs.map((d) => `'${d}'`).join(' ')} >/dev/null 2>&1`);
    const theirs = (performance.now() - t1) / 1000;
    const bytes = Number(sh(`du -sb --exclude=var '${a}' | cut -f1`).trim());
    const mb = bytes / 1e6;
    console.log(`unpack throughput: rustos-pkg ${(mb / ours).toFixed(1)} MB/s (${ours.toFixed(2)} s), dpkg --unpack ${(mb / theirs).toFixed(1)} MB/s (${theirs.toFixed(2)} s) for ${mb.toFixed(2)} MB in ${debs.length} packages`);
    expect(readFileSync2(a)).toBe(readFileSync2(b));
    expect(statSync(a).isDirectory()).toBe(true);
  }, 120_000);
});

function readFileSync2(root: string): string {
  // Compare the unpacked-state databases (status with 'unpacked' and newconffile hashes).
  return sh(`cat '${root}/var/lib/dpkg/status'`);
}
