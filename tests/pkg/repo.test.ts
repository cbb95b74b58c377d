// Repositories: a local directory indexed by `rustos-pkg index`, and an HTTP
// Debian archive (dists/ + pool/, Release with SHA256, Packages.xz/.gz) served
// by a server this test starts on 127.0.0.1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { writeIndex, parseSources } from '../../pkg/repo.js';
import { installFromRepos } from '../../src/pkg/repo-cli.js';
import { buildProgram } from '../../src/pkg/cli.js';
import { Database } from '../../pkg/db.js';
import { Paragraph } from '../../pkg/control.js';
import { Planner } from '../../pkg/plan.js';
import { buildDeb, sh, tmp } from './helpers.js';

function makeDebs(dir: string): void {
  buildDeb({ name: 'rapp', version: '1.0', fields: { Depends: 'rlib (>= 1.5) | rlib-alt, vthing', Recommends: 'rrec, rmissing' }, files: { 'usr/bin/rapp': 'app' } }, dir);
  buildDeb({ name: 'rlib', version: '1.0', files: { 'usr/lib/rlib': 'v1' } }, dir);
  buildDeb({ name: 'rlib', version: '2.0', files: { 'usr/lib/rlib': 'v2' } }, dir);
  buildDeb({ name: 'rlib-alt', version: '9.0' }, dir);
  buildDeb({ name: 'rrec', version: '1.0' }, dir);
  buildDeb({ name: 'rprov', version: '1.0', fields: { Provides: 'vthing' } }, dir);
  buildDeb({ name: 'unrelated', version: '1.0' }, dir);
}

async function cli(args: string[]): Promise<string> {
  let out = '';
  const p = buildProgram((s) => (out += s));
  await p.parseAsync(args, { from: 'user' });
  return out;
}

describe('local directory repository', () => {
  it('index + update + install NAME chooses versions, alternatives, providers and recommends like apt', async () => {
    const repo = tmp('rpkg-repo-');
    makeDebs(repo);
    expect(await writeIndex(repo)).toBe(7);
    expect(readFileSync(join(repo, 'Packages'), 'utf8')).toMatch(/^Filename: rlib_2\.0_all\.deb$/m);
    const root = tmp('rpkg-rroot-');
    const sources = join(tmp(), 'sources.list');
    writeFileSync(sources, `# local\ndeb [trusted=yes] file:${repo} ./\n`);
    await cli(['update', '--root', root, '--sources', sources]);
    // `available` is what dpkg --update-avail makes of the same index.
    const ref = tmp('rpkg-avail-');
    sh(`mkdir -p '${ref}/info' && touch '${ref}/status' '${ref}/available' && dpkg --admindir='${ref}' --update-avail '${repo}/Packages' >/dev/null`);
    expect(readFileSync(join(root, 'var/lib/dpkg/available'), 'utf8')).toBe(readFileSync(join(ref, 'available'), 'utf8'));
    const plan = await cli(['install', '--root', root, '--sources', sources, '--dry-run', 'rapp']);
    expect(plan).toContain('Inst rapp (1.0 ');
    expect(plan).toContain('Inst rlib (2.0 ');
    expect(plan).toContain('Inst rprov (1.0 ');
    expect(plan).toContain('Inst rrec (1.0 ');
    expect(plan).not.toContain('rlib-alt');
    expect(plan).not.toContain('unrelated');
    expect(existsSync(join(root, 'usr'))).toBe(false);
    await installFromRepos(['rapp'], [], { root, sources, scripts: false, quiet: true }, () => undefined);
    const db = Database.load(join(root, 'var/lib/dpkg'));
    for (const p of ['rapp', 'rlib', 'rprov', 'rrec']) expect(db.status(p).state).toBe('installed');
    expect(db.get('rlib')!.get('Version')).toBe('2.0');
    expect(sh(`dpkg-query --admindir='${root}/var/lib/dpkg' -W -f='\${Package} '`)).toBe('rapp rlib rprov rrec ');
    await expect(installFromRepos(['nosuch'], [], { root, sources, scripts: false }, () => undefined)).rejects.toThrow(/unable to locate package nosuch/);
  });

  it('counts the host packages for the default root when planning', () => {
    const p = new Paragraph([['Package', 'needlibc'], ['Version', '1'], ['Architecture', 'all'], ['Depends', 'libc6 (>= 2.30), libc6 (<< 99) | nonexistent']]);
    const avail = [{ p, name: 'needlibc', version: '1', url: 'file:/x.deb' }];
    const empty = Database.load(join(tmp(), 'none'), { allowMissing: true });
    expect(() => new Planner(empty, null, avail).plan(['needlibc'])).toThrow(/libc6 \(>= 2\.30\) but it is not installable/);
    const plan = new Planner(empty, Database.load('/var/lib/dpkg'), avail).plan(['needlibc']);
    expect(plan.install.map((x) => x.name)).toEqual(['needlibc']);
  });

  it('parses sources lines', () => {
    const s = parseSources('deb [trusted=yes arch=amd64] http://h/debian bookworm main contrib\ndeb-src http://h/debian bookworm main\ndeb file:/x ./\n');
    expect(s.map((x) => [x.uri, x.dist, x.components.join(','), x.trusted])).toEqual([['http://h/debian', 'bookworm', 'main,contrib', true], ['file:/x', './', '', false]]);
  });
});

describe('HTTP Debian archive on 127.0.0.1', () => {
  let server: Server;
  let base = '';
  const archive = tmp('rpkg-archive-');

  // dists/bookworm/main/binary-amd64/Packages{,.xz,.gz} + Release with SHA256, like a real archive.
  async function publishAll(): Promise<void> {
    await writeIndex(archive);
    const bin = join(archive, 'dists/bookworm/main/binary-amd64');
    mkdirSync(bin, { recursive: true });
    renameSync(join(archive, 'Packages'), join(bin, 'Packages'));
    sh(`cd '${bin}' && rm -f Packages.xz Packages.gz && xz -k Packages && gzip -k Packages`);
    const sums = ['Packages', 'Packages.xz', 'Packages.gz'].map((f) => {
      const p = join(bin, f);
      const h = sh(`sha256sum '${p}'`).split(' ')[0];
      return ` ${h} ${statSync(p).size} main/binary-amd64/${f}`;
    });
    const release = `Origin: test\nSuite: bookworm\nCodename: bookworm\nArchitectures: amd64\nComponents: main\nSHA256:\n${sums.join('\n')}\n`;
    // Only a clearsigned InRelease, as current archives have (the signature itself is not checked).
    writeFileSync(join(archive, 'dists/bookworm/InRelease'), `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${release}-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCgAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n`);
  }

  beforeAll(async () => {
    const pool = join(archive, 'pool/main');
    mkdirSync(pool, { recursive: true });
    makeDebs(pool);
    await publishAll();
    server = createServer((req, res) => {
      const p = join(archive, decodeURIComponent((req.url ?? '/').replace(/^\/debian/, '').split('?')[0]));
      if (!p.startsWith(archive) || !existsSync(p) || statSync(p).isDirectory()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': statSync(p).size });
      createReadStream(p).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('updates (Release + SHA256-checked Packages.xz), installs, upgrades and detects tampering', async () => {
    const root = tmp('rpkg-hroot-');
    const sources = join(tmp(), 'sources.list');
    writeFileSync(sources, `deb ${base} bookworm main\n`);
    const upd = await cli(['update', '--root', root, '--sources', sources]);
    expect(upd).toMatch(/OpenPGP signature not verified/);
    expect(upd).toMatch(/7 packages available/);
    await installFromRepos(['rapp'], [], { root, sources, scripts: false, quiet: true, installRecommends: false }, () => undefined);
    let db = Database.load(join(root, 'var/lib/dpkg'));
    expect(db.get('rlib')!.get('Version')).toBe('2.0');
    expect(db.get('rrec')).toBeUndefined(); // --no-install-recommends

    // A newer rlib appears: update + upgrade picks it up.
    buildDeb({ name: 'rlib', version: '3.0', files: { 'usr/lib/rlib': 'v3' } }, join(archive, 'pool/main'));
    await publishAll();
    await cli(['update', '--root', root, '--sources', sources]);
    await cli(['upgrade', '--root', root, '--sources', sources, '--no-scripts', '-q']);
    db = Database.load(join(root, 'var/lib/dpkg'));
    expect(db.get('rlib')!.get('Version')).toBe('3.0');
    expect(readFileSync(join(root, 'usr/lib/rlib'), 'utf8')).toBe('v3');

    // Tampered index: SHA256 no longer matches Release.
    const xz = join(archive, 'dists/bookworm/main/binary-amd64/Packages.xz');
    const good = readFileSync(xz);
    writeFileSync(xz, Buffer.concat([good, Buffer.from('x')]));
    await expect(cli(['update', '--root', root, '--sources', sources])).rejects.toThrow(/hash sum mismatch/);
    writeFileSync(xz, good);

    // Tampered .deb: SHA256 from Packages catches it, nothing installed.
    const deb = join(archive, 'pool/main/rrec_1.0_all.deb');
    const orig = readFileSync(deb);
    const bad = Buffer.from(orig);
    bad[bad.length - 10] ^= 0xff;
    writeFileSync(deb, bad);
    await expect(installFromRepos(['rrec'], [], { root, sources, scripts: false, quiet: true }, () => undefined)).rejects.toThrow(/hash sum mismatch/);
    expect(Database.load(join(root, 'var/lib/dpkg')).get('rrec')).toBeUndefined();
    writeFileSync(deb, orig);
  }, 60_000);
});
