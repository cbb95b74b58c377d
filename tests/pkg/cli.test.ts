// The rustos-pkg command line, run as a real process (compiled with
// tests/pkg/tsconfig.cli.json): dpkg-style output and exit codes, and
// robustness against kill -9 at any point of an install.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, buildDeb, emptyRoot, fixture, fixtures, sh, snapshot, tmp } from './helpers.js';

// A private build of the CLI (dist/ may be rewritten by a concurrent project-wide tsc).
const BUILD = tmp('rpkg-build-');
const BIN = join(BUILD, 'rustos-pkg.mjs');

beforeAll(() => {
  const r = spawnSync('npx', ['tsc', '-p', join(REPO, 'tests/pkg/tsconfig.cli.json'), '--outDir', BUILD], { cwd: REPO, encoding: 'utf8' });
  if (!existsSync(join(BUILD, 'src/pkg/cli.js'))) throw new Error(`cannot build the CLI: ${r.stdout}${r.stderr}`);
  symlinkSync(join(REPO, 'node_modules'), join(BUILD, 'node_modules'));
  writeFileSync(join(BUILD, 'package.json'), '{"type":"module"}\n');
  // Same as bin/rustos-pkg, pointing at the private build.
  writeFileSync(BIN, "import { main } from './src/pkg/cli.js';\nmain().then((c) => { process.exitCode = c; });\n");
  writeFileSync(join(BUILD, 'rss.mjs'), "import { main } from './src/pkg/cli.js';\nconst c = await main();\nprocess.stderr.write(`MAXRSS ${process.resourceUsage().maxRSS}\\n`);\nprocess.exitCode = c;\n");
}, 120_000);

function run(args: string[], env: Record<string, string> = {}): { out: string; err: string; code: number } {
  const r = spawnSync('node', [BIN, ...args], { encoding: 'utf8', env: { ...process.env, RUSTOS_BIN: join(REPO, 'bin/rustos'), ...env } });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

describe('rustos-pkg CLI', () => {
  it('install, query and remove with dpkg spellings and exit codes', () => {
    const d = tmp();
    const deb = buildDeb({ name: 'clitest', version: '1.2-3', files: { 'usr/bin/clitest': { content: '#!/bin/sh\n', mode: 0o755 }, 'etc/clitest.conf': 'c\n', 'usr/share/doc/clitest/l': { link: '../../../bin/clitest' } }, conffiles: ['/etc/clitest.conf'] }, d);
    const root = tmp('rpkg-cliroot-');
    const R = ['--root', root];
    expect(run(['-i', ...R, deb]).code).toBe(0);
    const l = run(['-l', ...R]);
    expect(l.out).toMatch(/^ii  clitest\s+1\.2-3\s+all\s+test package clitest$/m);
    expect(run(['-L', ...R, 'clitest']).out).toContain('/usr/bin/clitest\n');
    expect(run(['-S', ...R, 'bin/clitest']).out).toBe('clitest: /usr/bin/clitest\n');
    const miss = run(['-S', ...R, 'nonexistent-file']);
    expect(miss.code).toBe(1);
    expect(run(['-s', ...R, 'clitest']).out).toMatch(/^Status: install ok installed$/m);
    expect(run(['-s', ...R, 'nope']).code).toBe(1);
    expect(run(['-c', deb]).out).toBe(sh(`dpkg-deb -c '${deb}'`));
    expect(run(['-I', deb]).out).toMatch(/^ Package: clitest$/m);
    if (fixtures()) expect(run(['-I', fixture('netbase')]).out).toBe(sh(`dpkg-deb -I '${fixture('netbase')}'`));
    expect(run(['-V', ...R]).out).toBe('');
    writeFileSync(join(root, 'usr/bin/clitest'), 'tampered');
    const v = run(['-V', ...R]);
    expect(v.out).toBe('??5??????   /usr/bin/clitest\n');
    expect(v.code).toBe(1);
    expect(run(['-C', ...R]).code).toBe(0);
    expect(sh(`dpkg-query --admindir='${root}/var/lib/dpkg' -W clitest`)).toBe('clitest\t1.2-3\n');
    expect(run(['-r', ...R, 'clitest']).code).toBe(0);
    expect(run(['-l', ...R, 'clitest']).out).toMatch(/^rc  clitest/m);
    expect(run(['-P', ...R, 'clitest']).code).toBe(0);
    expect(existsSync(join(root, 'etc/clitest.conf'))).toBe(false);
  });

  it('errors are one line with dpkg exit codes, never a stack trace', () => {
    const root = tmp('rpkg-cliroot-');
    const bad = join(tmp(), 'bad.deb');
    writeFileSync(bad, 'garbage');
    const r = run(['install', '--root', root, bad]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').length).toBe(1);
    expect(r.err).not.toMatch(/at .*\.js:\d+/);
    // A root without its own /bin/sh: the script cannot be executed, as with dpkg --root (chroot).
    const s = buildDeb({ name: 'withscripts', scripts: { postinst: '#!/bin/sh\n' } });
    const r2 = run(['-i', '--root', root, s]);
    expect(r2.code).toBe(1);
    expect(r2.err).toBe(
      'rustos-pkg (subprocess): unable to execute installed withscripts package post-installation script (/var/lib/dpkg/info/withscripts.postinst): No such file or directory\n' +
        'rustos-pkg: error: withscripts: installed withscripts package post-installation script subprocess returned error exit status 2\n',
    );
    expect(run(['-s', '--root', root, 'withscripts']).out).toMatch(/^Status: install ok half-configured$/m);
    expect(run(['-i', '--root', root, '--no-scripts', s]).code).toBe(0);
    expect(run(['--root', root, 'install', '--dry-run', s]).out).toMatch(/^Inst withscripts/m);
    expect(run(['bogus-command']).code).toBe(2);
  });

  it.skipIf(!fixtures())('the default root counts the host packages as installed', () => {
    const root = tmp('rpkg-default-');
    const r = run(['-i', fixture('libonig5'), fixture('libjq1'), fixture('jq')], { RUSTOS_ROOT: root });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(run(['-l', 'jq'], { RUSTOS_ROOT: root }).out).toMatch(/^ii  jq /m);
    // Query output is dpkg-query's, byte for byte (-S owner order aside).
    const q = (a: string) => sh(`dpkg-query --admindir='${root}/var/lib/dpkg' ${a}`);
    const env = { RUSTOS_ROOT: root };
    expect(run(['-l'], env).out).toBe(q('-l'));
    for (const p of ['jq', 'libjq1:amd64', 'libonig5']) {
      expect(run(['-s', p], env).out).toBe(q(`-s ${p}`));
      expect(run(['-L', p], env).out).toBe(q(`-L ${p}`));
    }
    const norm = (t: string) => t.split('\n').filter(Boolean).map((l) => { const i = l.lastIndexOf(': '); return l.slice(0, i).split(', ').sort().join(', ') + l.slice(i); }).sort();
    for (const pat of ['/usr/lib', 'lib', 'jq*', '/usr/share/doc/*']) expect(norm(run(['-S', pat], env).out)).toEqual(norm(q(`-S '${pat}'`)));
  });
});

describe('streaming', () => {
  it('installs a 300 MB file with bounded memory (gzip, zstd and xz)', () => {
    for (const z of ['gzip', 'zstd', 'xz']) {
      const src = tmp('rpkg-huge-');
      sh(`mkdir -p '${src}/DEBIAN' '${src}/usr/share/huge' && printf 'Package: huge\\nVersion: 1\\nArchitecture: all\\nMaintainer: t <t@e>\\nDescription: big\\n' > '${src}/DEBIAN/control' && head -c 300M /dev/zero > '${src}/usr/share/huge/blob'`);
      const deb = join(tmp(), 'huge.deb');
      sh(`dpkg-deb -Z${z} -z1 -b '${src}' '${deb}' >/dev/null && rm -rf '${src}'`);
      const root = tmp('rpkg-hroot-');
      const r = spawnSync('node', [join(BUILD, 'rss.mjs'), '-i', '-q', '--root', root, deb], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const kb = Number(/MAXRSS (\d+)/.exec(r.stderr)![1]);
      expect(kb).toBeLessThan(200 * 1024); // far below the 300 MB payload
      expect(statSync(join(root, 'usr/share/huge/blob')).size).toBe(300 * 1024 * 1024);
      sh(`rm -rf '${root}' '${deb}'`);
    }
  }, 120_000);
});

describe.skipIf(!fixtures())('corrupt archives through the CLI', () => {
  it('give a one-line error and no stack trace in every compression', async () => {
    const { recompress } = await import('./helpers.js');
    let seed = 7;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % k);
    for (const z of ['xz', 'gzip', 'zstd', 'bzip2', 'none'] as const) {
      const deb = z === 'xz' ? fixture('tree') : recompress(fixture('tree'), z);
      const orig = readFileSync(deb);
      for (let i = 0; i < 3; i++) {
        const b = Buffer.from(orig);
        let buf: Buffer = b;
        if (i === 0) buf = b.subarray(0, 100 + rnd(b.length - 100));
        else if (i === 1) for (let k = 0; k < 5; k++) b[rnd(b.length)] ^= 1 + rnd(255);
        else {
          const o = rnd(b.length - 300);
          b.fill(rnd(256), o, o + 200);
        }
        const f = join(tmp(), 'c.deb');
        writeFileSync(f, buf);
        const r = run(['-i', '--root', tmp('rpkg-fz-'), '--force-depends', f]);
        expect(r.err, `${z} #${i}`).not.toMatch(/\n\s+at /);
        expect(r.err.trim().split('\n').filter(Boolean).length, `${z} #${i}: ${r.err}`).toBeLessThanOrEqual(1);
        if (r.code !== 0) expect(r.err).toMatch(/^rustos-pkg: error: /);
      }
    }
  }, 120_000);
});

describe('kill -9 during install', () => {
  function bigDeb(version: string, salt: string): string {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`usr/share/big/d${i % 30}/f${i}`] = `${salt}${i}`.repeat(1500);
    files['etc/big.conf'] = `conf ${salt}\n`;
    return buildDeb({ name: 'big', version, files, conffiles: ['/etc/big.conf'], compress: 'gzip' });
  }

  it('leaves a database dpkg understands, and a re-run finishes the job', async () => {
    const v1 = bigDeb('1.0', 'a');
    const v2 = bigDeb('2.0', 'b');
    const ref = tmp('rpkg-ref-');
    sh(`dpkg-deb -x '${v2}' '${ref}'`);
    const states = new Set<string>();
    for (const delay of [80, 200, 350, 500, 700]) {
      const root = emptyRoot();
      expect(run(['-i', '--root', root, v1]).code).toBe(0);
      const child = spawn('node', [BIN, '-i', '--root', root, v2], { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      // The real dpkg tools read the database in whatever state it was left.
      const st = sh(`dpkg-query --admindir='${root}/var/lib/dpkg' -W -f='\${db:Status-Status} \${Version}' big`);
      states.add(st);
      expect(st).toMatch(/^(installed 1\.0|half-installed 2\.0|unpacked 2\.0|half-configured 2\.0|installed 2\.0)$/);
      const again = run(['-i', '--root', root, v2]);
      expect(again.err).toBe('');
      expect(run(['-C', '--root', root]).out).toBe('');
      expect(run(['-V', '--root', root]).out).toBe('');
      const got = snapshot(root);
      for (const p of ['/var', '/var/lib', '/var/lib/dpkg']) got.delete(p);
      expect([...got].filter(([p]) => !p.startsWith('/var/lib'))).toEqual([...snapshot(ref)]);
    }
    console.log(`kill -9 states observed: ${[...states].join(', ')}`);
  }, 120_000);

  it('an interrupted remove is finished by running it again', async () => {
    const v1 = bigDeb('1.0', 'r');
    for (const delay of [60, 200]) {
      const root = emptyRoot();
      expect(run(['-i', '--root', root, v1]).code).toBe(0);
      const child = spawn('node', [BIN, '-r', '--root', root, 'big'], { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      expect(sh(`dpkg-query --admindir='${root}/var/lib/dpkg' -W -f='\${db:Status-Status}' big`)).toMatch(/^(installed|half-installed|config-files)$/);
      expect(run(['-r', '--root', root, 'big']).err).toBe('');
      expect(sh(`dpkg-query --admindir='${root}/var/lib/dpkg' -W -f='\${db:Status-Abbrev}' big`)).toBe('rc ');
      expect(existsSync(join(root, 'usr/share/big'))).toBe(false);
      expect(readFileSync(join(root, 'etc/big.conf'), 'utf8')).toBe('conf r\n');
    }
  }, 60_000);

  it('unpack, audit and configure --pending', () => {
    const root = emptyRoot();
    const deb = buildDeb({ name: 'later', files: { 'etc/later.conf': 'x\n' }, conffiles: ['/etc/later.conf'] });
    expect(run(['--unpack', '--root', root, deb]).code).toBe(0);
    expect(existsSync(join(root, 'etc/later.conf.dpkg-new'))).toBe(true);
    const a = run(['-C', '--root', root]);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/unpacked but not yet configured[\s\S]* later /);
    expect(run(['--configure', '-a', '--root', root]).code).toBe(0);
    expect(readFileSync(join(root, 'etc/later.conf'), 'utf8')).toBe('x\n');
    expect(run(['-C', '--root', root]).out).toBe('');
  });
});

export { mkdirSync, readFileSync };
