// Package repositories: `index DIR` writes a Packages index (+ .gz and a
// Release with SHA256 sums) for a directory of .debs; `update` reads a sources
// file (apt one-line format; file:, http:, https:) and downloads Release /
// InRelease and Packages(.xz|.gz), checking sizes and SHA256 against Release.
// OpenPGP signatures are NOT verified (said so on every update).

import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, createWriteStream, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Paragraph, parseControl, dpkgOrder } from './control.js';
import { inspectDeb } from './deb.js';
import { decompressStream } from './decompress.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import { NATIVE_ARCH } from './db.js';
import { compareVersions } from './version.js';

export interface Source {
  uri: string;
  dist: string;
  components: string[];
  trusted: boolean;
  line: string;
}

export function parseSources(text: string): Source[] {
  const out: Source[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) {
      if (line.startsWith('deb-src')) continue;
      throw new PkgError(`malformed sources line: '${line}'`);
    }
    const opts = m[1] ?? '';
    out.push({ uri: m[2].replace(/\/+$/, ''), dist: m[3], components: m[4].split(/\s+/).filter(Boolean), trusted: /trusted=yes/.test(opts), line });
    if (!m[3].endsWith('/') && out[out.length - 1].components.length === 0) throw new PkgError(`sources line needs components: '${line}'`);
  }
  return out;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}
async function hashFile(path: string, algo: string): Promise<string> {
  const h = createHash(algo);
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

// ---------- index ----------
export async function writeIndex(dir: string): Promise<number> {
  const debs: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.deb')) debs.push(join(d, e.name));
    }
  };
  walk(dir);
  const paras: string[] = [];
  for (const f of debs) {
    const d = await inspectDeb(f);
    const p = dpkgOrder(d.control, false);
    const desc = p.get('Description');
    p.delete('Description');
    p.set('Filename', relative(dir, f));
    p.set('Size', String(statSync(f).size));
    p.set('MD5sum', await hashFile(f, 'md5'));
    p.set('SHA256', await hashFile(f, 'sha256'));
    if (desc !== undefined) p.set('Description', desc);
    paras.push(p.toString());
  }
  const text = Buffer.from(paras.join('\n'));
  writeFileSync(join(dir, 'Packages'), text);
  const gz = gzipSync(text);
  writeFileSync(join(dir, 'Packages.gz'), gz);
  const release = [
    'Origin: rustos-pkg', 'Label: rustos-pkg local', `Date: ${new Date().toUTCString()}`, `Architectures: ${NATIVE_ARCH} all`, 'SHA256:',
    ` ${sha256(text)} ${String(text.length).padStart(8)} Packages`,
    ` ${sha256(gz)} ${String(gz.length).padStart(8)} Packages.gz`,
  ].join('\n') + '\n';
  writeFileSync(join(dir, 'Release'), release);
  return debs.length;
}

// ---------- fetching ----------
export async function fetchBytes(url: string): Promise<Buffer | null> {
  if (url.startsWith('file:')) {
    const p = fileURLToPath(url.startsWith('file://') ? url : 'file://' + url.slice(5));
    return existsSync(p) ? readFileSync(p) : null;
  }
  if (!/^https?:/.test(url)) throw new PkgError(`unsupported URI scheme in '${url}'`);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PkgError(`failed to fetch ${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`, EXIT_ERROR);
  }
  if (res.status === 404) return null;
  if (!res.ok) throw new PkgError(`failed to fetch ${url}: HTTP ${res.status}`, EXIT_ERROR);
  return Buffer.from(await res.arrayBuffer());
}

/** Download to a file, verifying size and SHA256; calls onBytes for progress. */
export async function download(url: string, dest: string, want: { size?: number; sha256?: string }, onBytes?: (n: number) => void): Promise<void> {
  const tmp = dest + '.partial';
  const h = createHash('sha256');
  let n = 0;
  let body: Readable;
  if (url.startsWith('file:')) {
    body = createReadStream(fileURLToPath(url.startsWith('file://') ? url : 'file://' + url.slice(5)));
  } else {
    const res = await fetch(url).catch((e: Error) => {
      throw new PkgError(`failed to fetch ${url}: ${e.message}`, EXIT_ERROR);
    });
    if (!res.ok || !res.body) throw new PkgError(`failed to fetch ${url}: HTTP ${res.status}`, EXIT_ERROR);
    body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }
  body.on('data', (c: Buffer) => {
    h.update(c);
    n += c.length;
    onBytes?.(c.length);
  });
  await pipeline(body, createWriteStream(tmp)).catch((e: Error) => {
    rmSync(tmp, { force: true });
    throw new PkgError(`failed to fetch ${url}: ${e.message}`, EXIT_ERROR);
  });
  if (want.size !== undefined && n !== want.size) {
    rmSync(tmp, { force: true });
    throw new PkgError(`size mismatch for ${url}: expected ${want.size}, got ${n}`, EXIT_ERROR);
  }
  if (want.sha256 && h.digest('hex') !== want.sha256) {
    rmSync(tmp, { force: true });
    throw new PkgError(`hash sum mismatch for ${url} (SHA256)`, EXIT_ERROR);
  }
  renameSync(tmp, dest);
}

/** Strip an OpenPGP clearsigned wrapper (the signature itself is not checked). */
export function stripClearsign(text: string): string {
  if (!text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) return text;
  const body = text.split(/\n\n/).slice(1).join('\n\n');
  return body.split('\n-----BEGIN PGP SIGNATURE-----')[0].replace(/^- /gm, '');
}

function releaseSums(release: Paragraph): Map<string, { size: number; sha256: string }> {
  const m = new Map<string, { size: number; sha256: string }>();
  for (const l of (release.get('SHA256') ?? '').split('\n')) {
    const [h, size, name] = l.trim().split(/\s+/);
    if (name) m.set(name, { size: Number(size), sha256: h });
  }
  return m;
}

export function listsDir(root: string): string {
  return join(root, 'var/lib/rustos-pkg/lists');
}

function listName(s: Source, comp: string): string {
  return (s.uri + '_' + s.dist + '_' + comp).replace(/^[a-z]+:\/*/, '').replace(/[^A-Za-z0-9.+-]+/g, '_') + '_Packages';
}

/** Fetch the indexes of every source into <root>/var/lib/rustos-pkg/lists. */
export async function update(root: string, sources: Source[], log: (m: string) => void): Promise<number> {
  const dir = listsDir(root);
  mkdirSync(dir, { recursive: true });
  let count = 0;
  for (const s of sources) {
    const flat = s.dist.endsWith('/');
    const base = flat ? `${s.uri}/${s.dist.replace(/^\.\/$/, '').replace(/\/$/, '')}`.replace(/\/$/, '') : `${s.uri}/dists/${s.dist}`;
    let relText = await fetchBytes(`${base}/InRelease`);
    relText ??= await fetchBytes(`${base}/Release`);
    const release = relText ? parseControl(stripClearsign(relText.toString('utf8')), `${base}/Release`)[0] : null;
    if (!release && !flat) throw new PkgError(`${base}: no Release or InRelease file`, EXIT_ERROR);
    if (!release && !s.trusted) log(`W: ${base}: no Release file; index integrity not checked`);
    log(`Get: ${base} (OpenPGP signature not verified)`);
    const sums = release ? releaseSums(release) : new Map();
    for (const comp of flat ? [''] : s.components) {
      const prefix = flat ? '' : `${comp}/binary-${NATIVE_ARCH}/`;
      let text: Buffer | null = null;
      for (const ext of ['.xz', '.gz', '']) {
        const name = `${prefix}Packages${ext}`;
        if (release && !sums.has(name)) continue;
        const data = await fetchBytes(`${base}/${name}`);
        if (!data) continue;
        const want = sums.get(name);
        if (want && (data.length !== want.size || sha256(data) !== want.sha256)) {
          throw new PkgError(`hash sum mismatch for ${base}/${name} (SHA256 or size differs from Release)`, EXIT_ERROR);
        }
        text = ext === '' ? data : await decompressBuffer(data, ext === '.xz' ? 'xz' : 'gzip');
        break;
      }
      if (!text) throw new PkgError(`${base}: no Packages index found for '${comp || s.dist}'`, EXIT_ERROR);
      const base2 = flat ? `${s.uri}/${s.dist.replace(/^\.\/$/, '')}`.replace(/\/$/, '') : s.uri;
      writeFileSync(join(dir, listName(s, comp)), `X-Base-URI: ${base2}\n\n` + text.toString('utf8'));
      count += parseControl(text.toString('utf8')).length;
    }
  }
  return count;
}

async function decompressBuffer(data: Buffer, c: 'xz' | 'gzip'): Promise<Buffer> {
  if (c === 'gzip') return gunzipSync(data);
  const chunks: Buffer[] = [];
  for await (const ch of decompressStream(Readable.from([data]), 'xz')) chunks.push(Buffer.from(ch as Uint8Array));
  return Buffer.concat(chunks);
}

export interface RepoPackage {
  p: Paragraph;
  name: string;
  version: string;
  url: string;
}

/** Everything the downloaded indexes offer for this architecture. */
export function loadAvailable(root: string): RepoPackage[] {
  const dir = listsDir(root);
  if (!existsSync(dir)) return [];
  const out: RepoPackage[] = [];
  for (const f of readdirSync(dir).sort()) {
    const paras = parseControl(readFileSync(join(dir, f), 'utf8'), f);
    const baseUri = paras.shift()?.get('X-Base-URI') ?? '';
    for (const p of paras) {
      const arch = p.get('Architecture');
      if (arch !== 'all' && arch !== NATIVE_ARCH) continue;
      out.push({ p, name: p.get('Package')!, version: p.get('Version')!, url: `${baseUri}/${p.get('Filename')}` });
    }
  }
  return out;
}

/** Write dpkg's `available` file (as `dpkg --update-avail` would) from the indexes. */
export function writeAvailable(admindir: string, avail: RepoPackage[]): void {
  const best = new Map<string, RepoPackage>();
  for (const r of avail) {
    const cur = best.get(r.name);
    if (!cur || compareVersions(r.version, cur.version) > 0) best.set(r.name, r);
  }
  const names = [...best.keys()].sort();
  const text = names.map((n) => dpkgOrder(best.get(n)!.p, false).toString()).join('\n');
  mkdirSync(admindir, { recursive: true });
  writeFileSync(join(admindir, 'available'), text + (text ? '\n' : ''));
}
