// Shared helpers for the pkg tests: fixture fetching, building small .debs
// with dpkg-deb, and creating empty dpkg admin directories.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, readdirSync, chmodSync, symlinkSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Database } from '../../pkg/db.js';
import { buildAr } from '../../pkg/ar.js';
import { SkipRunner } from '../../pkg/scripts.js';
import type { Ctx } from '../../pkg/context.js';
import type { ConfPolicy } from '../../pkg/conffiles.js';

/** A --no-scripts context on a root (optionally with the host's database). */
export function ctxFor(root: string, policy: ConfPolicy = 'default', host: Database | null = null): Ctx {
  return { root, db: Database.load(join(root, 'var/lib/dpkg'), { create: true }), host, runner: new SkipRunner(), policy, forceDepends: false, log: () => undefined };
}

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../..');

let fixtureDir: string | null | undefined;
/** Run fixtures/fetch-debs.sh once; null (skip) only if apt-get download is unavailable. */
export function fixtures(): string | null {
  if (fixtureDir !== undefined) return fixtureDir;
  const r = spawnSync('sh', [join(REPO, 'fixtures/fetch-debs.sh')], { encoding: 'utf8' });
  if (r.status === 3 && !process.env.CI) {
    console.warn(`SKIP fixture tests: apt-get download unavailable: ${r.stderr.trim()}`);
    fixtureDir = null;
  } else if (r.status !== 0) {
    throw new Error(`fixtures/fetch-debs.sh failed: ${r.stderr}`);
  } else {
    fixtureDir = r.stdout.trim().split('\n').pop()!;
  }
  return fixtureDir;
}
export function fixture(name: string): string {
  const dir = fixtures();
  if (!dir) throw new Error('no fixtures');
  const f = readdirSync(dir).find((x) => x.startsWith(name + '_') && x.endsWith('.deb'));
  if (!f) throw new Error(`fixture ${name} missing`);
  return join(dir, f);
}

export function tmp(prefix = 'rpkg-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An empty dpkg admin dir inside a root, as dpkg expects it. */
export function emptyRoot(): string {
  const root = tmp('rpkg-root-');
  mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg/updates'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  writeFileSync(join(root, 'var/lib/dpkg/available'), '');
  return root;
}

export interface DebSpec {
  name: string;
  version?: string;
  arch?: string;
  fields?: Record<string, string>;
  /** path -> content (string) | {link} | {dir} | {mode, content} */
  files?: Record<string, string | { link: string } | { dir: true } | { content: string; mode: number }>;
  conffiles?: string[];
  scripts?: Record<string, string>;
  compress?: 'gzip' | 'xz' | 'zstd' | 'none';
}

/** Build a small .deb with dpkg-deb --build; returns its path. */
export function buildDeb(spec: DebSpec, outDir = tmp('rpkg-deb-')): string {
  const src = tmp('rpkg-src-');
  mkdirSync(join(src, 'DEBIAN'));
  const fields: Record<string, string> = {
    Package: spec.name,
    Version: spec.version ?? '1.0',
    Architecture: spec.arch ?? 'all',
    Maintainer: 'Test <test@example.org>',
    ...spec.fields,
  };
  fields.Description ??= `test package ${spec.name}\n Long description.`;
  writeFileSync(join(src, 'DEBIAN/control'), Object.entries(fields).map(([k, v]) => `${k}: ${v}\n`).join(''));
  for (const [p, c] of Object.entries(spec.files ?? {})) {
    const full = join(src, p);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof c === 'string') writeFileSync(full, c);
    else if ('link' in c) symlinkSync(c.link, full);
    else if ('dir' in c) mkdirSync(full, { recursive: true });
    else {
      writeFileSync(full, c.content);
      chmodSync(full, c.mode);
    }
  }
  if (spec.conffiles) writeFileSync(join(src, 'DEBIAN/conffiles'), spec.conffiles.map((c) => c + '\n').join(''));
  for (const [s, body] of Object.entries(spec.scripts ?? {})) {
    writeFileSync(join(src, 'DEBIAN', s), body);
    chmodSync(join(src, 'DEBIAN', s), 0o755);
  }
  const out = join(outDir, `${spec.name}_${fields.Version.replace(/^\d+:/, '')}_${fields.Architecture}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Z', spec.compress ?? 'xz', '--build', src, out], { stdio: 'pipe' });
  return out;
}

/** Re-pack an existing .deb with another compressor. */
export function recompress(deb: string, z: 'gzip' | 'xz' | 'zstd' | 'none' | 'bzip2', outDir = tmp('rpkg-rz-')): string {
  const src = tmp('rpkg-raw-');
  execFileSync('dpkg-deb', ['-R', deb, src]);
  const out = join(outDir, deb.split('/').pop()!.replace(/\.deb$/, `.${z}.deb`));
  if (z === 'bzip2') {
    // dpkg-deb cannot write bzip2 members; assemble the ar ourselves (no binutils needed).
    const ctl = tmp('rpkg-ctl-');
    execFileSync('sh', ['-c', `cd "${src}/DEBIAN" && tar --owner=0 --group=0 -czf "${ctl}/control.tar.gz" . && cd "${src}" && tar --owner=0 --group=0 --exclude=./DEBIAN -cjf "${ctl}/data.tar.bz2" .`]);
    writeFileSync(out, buildAr([
      { name: 'debian-binary', data: Buffer.from('2.0\n') },
      { name: 'control.tar.gz', data: readFileSync(join(ctl, 'control.tar.gz')) },
      { name: 'data.tar.bz2', data: readFileSync(join(ctl, 'data.tar.bz2')) },
    ]));
    return out;
  }
  execFileSync('dpkg-deb', ['-Z', z, '--build', src, out], { stdio: 'pipe' });
  return out;
}

export function sh(cmd: string, opts: { cwd?: string } = {}): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', cwd: opts.cwd, maxBuffer: 64 << 20 });
}

/** Run the CLI in-process-free (as a user would): node on the TS sources is not
 *  possible without a loader, so tests call the library; this runs the built bin. */
export function cliPath(): string {
  return join(REPO, 'bin/rustos-pkg');
}

export interface TreeEntry {
  type: string;
  mode: number;
  size: number;
  md5?: string;
  link?: string;
}

/** Snapshot a directory tree (excluding var/lib/dpkg) for comparisons. */
export function snapshot(root: string, skip = /^\/var\/lib\/(dpkg|rustos-pkg)(\/|$)/): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const text = sh(`cd '${root}' && find . -mindepth 1 -printf '%y %m %s %p\\t%l\\n' | sort`);
  for (const line of text.split('\n').filter(Boolean)) {
    const [head, link] = line.split('\t');
    const m = /^(\S) (\d+) (\d+) \.(.*)$/.exec(head)!;
    const path = m[4];
    if (skip.test(path)) continue;
    const e: TreeEntry = { type: m[1], mode: parseInt(m[2], 8), size: m[1] === 'f' ? Number(m[3]) : 0 };
    if (m[1] === 'l') e.link = link;
    if (m[1] === 'f') e.md5 = createHash('md5').update(readFileSync(join(root, path))).digest('hex');
    out.set(path, e);
  }
  return out;
}

export interface RawEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string;
  linkname?: string;
  mode?: number;
}

/** Build a .deb by hand (tar-stream + ar) so tests can craft archives dpkg-deb refuses to build. */
export async function rawDeb(name: string, entries: RawEntry[], control: Record<string, string> = {}): Promise<string> {
  const tarStream = await import('tar-stream');
  const { gzipSync } = await import('node:zlib');
  const { buildAr } = await import('../../pkg/ar.js');
  const mk = async (items: RawEntry[]) => {
    const pack = tarStream.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => pack.on('end', r));
    for (const e of items) {
      const type = e.type ?? 'file';
      const body = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
      pack.entry({ name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), linkname: e.linkname, size: body?.length ?? 0, uname: 'root', gname: 'root' }, body);
    }
    pack.finalize();
    await done;
    return gzipSync(Buffer.concat(chunks));
  };
  const ctl = { Package: name, Version: '1.0', Architecture: 'all', Maintainer: 'T <t@example.org>', Description: 'crafted', ...control };
  const controlTar = await mk([{ name: './', type: 'directory' }, { name: './control', content: Object.entries(ctl).map(([k, v]) => `${k}: ${v}\n`).join('') }]);
  const dataTar = await mk(entries);
  const out = join(tmp('rpkg-raw-'), `${name}.deb`);
  writeFileSync(out, buildAr([{ name: 'debian-binary', data: Buffer.from('2.0\n') }, { name: 'control.tar.gz', data: controlTar }, { name: 'data.tar.gz', data: dataTar }]));
  return out;
}
