// Compile side of the conformance suite: finds the repo and its tests/conformance/*.c cases,
// parses their header directives, and compiles them with the host gcc into a content-addressed
// build cache, so the runner only recompiles a case when its source, flags or compiler changed.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Variant = 'static' | 'static-pie';
export const VARIANTS: readonly Variant[] = ['static', 'static-pie'];

/** What a case's native run must look like for the case to be meaningful. */
export type Expectation = { kind: 'exit'; code: number } | { kind: 'signal'; signal: string };

export interface CaseSpec {
  name: string;
  sourcePath: string;
  source: string;
  /** Extra compiler/linker flags from `// cflags: ...` header lines. */
  cflags: string[];
  /** From `// expect: exit N` or `// expect: signal SIGXXX`; default exit 0. */
  expect: Expectation;
  /** First header line, the one-line description of what the case checks. */
  description: string;
}

/** Walks up from this module (src/... under vitest, dist/src/... after tsc) to the dir holding package.json. */
export function findRepoRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

export function casesDir(root: string = findRepoRoot()): string {
  return path.join(root, 'tests', 'conformance');
}

/** Parses the leading `//` comment block of a case. */
export function parseDirectives(source: string): { cflags: string[]; expect: Expectation; description: string } {
  const cflags: string[] = [];
  let expect: Expectation = { kind: 'exit', code: 0 };
  let description = '';
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('//')) break;
    const body = line.slice(2).trim();
    const m = /^(cflags|expect):\s*(.*)$/.exec(body);
    if (!m) {
      if (!description) description = body;
      continue;
    }
    if (m[1] === 'cflags') {
      cflags.push(...m[2].split(/\s+/).filter(Boolean));
    } else {
      const e = /^(exit)\s+(\d+)$|^(signal)\s+(SIG[A-Z0-9]+)$/.exec(m[2].trim());
      if (!e) throw new Error(`bad expect directive: ${body}`);
      expect = e[1] ? { kind: 'exit', code: Number(e[2]) } : { kind: 'signal', signal: e[4] };
    }
  }
  return { cflags, expect, description };
}

/** Synchronously lists the cases (sorted by name), so test files can generate one it() per case. */
export function listCases(dir: string = casesDir(), filter?: string): CaseSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => {
      const sourcePath = path.join(dir, f);
      const source = readFileSync(sourcePath, 'utf8');
      return { name: f.slice(0, -2), sourcePath, source, ...parseDirectives(source) };
    })
    .filter((c) => !filter || c.name.includes(filter));
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && !stderr ? String(err.message) : '') });
    });
  });
}

const compilerIds = new Map<string, Promise<string>>();

/** Identifies the compiler (version banner + target); part of every cache key. */
export function compilerId(cc = 'gcc'): Promise<string> {
  let p = compilerIds.get(cc);
  if (!p) {
    p = Promise.all([run(cc, ['--version']), run(cc, ['-dumpmachine'])]).then(([v, m]) => {
      if (v.code !== 0) throw new Error(`cannot run ${cc}: ${v.stderr.trim()}`);
      return `${v.stdout.split('\n')[0]}|${m.stdout.trim()}`;
    });
    compilerIds.set(cc, p);
  }
  return p;
}

export function sha256(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

export async function defaultCacheDir(cc = 'gcc'): Promise<string> {
  return path.join(os.tmpdir(), `rustos-conformance-${sha256(await compilerId(cc)).slice(0, 12)}`);
}

export function variantFlags(variant: Variant | 'dynamic'): string[] {
  switch (variant) {
    case 'static':
      return ['-static', '-O2'];
    case 'static-pie':
      return ['-static-pie', '-O2', '-fPIE'];
    case 'dynamic':
      return ['-O2'];
  }
}

export type BuildResult = { ok: true; binary: string; cached: boolean } | { ok: false; error: string };

/**
 * Compiles C source text to `<cacheDir>/<key>/<name>` (so the binary's basename is the case name),
 * reusing a previous build with the same key. Writes to a temporary name then renames, so
 * concurrent builders (parallel vitest workers) never observe a half-written binary.
 */
export async function compileC(opts: {
  name: string;
  source: string;
  flags: string[];
  cacheDir?: string;
  cc?: string;
}): Promise<BuildResult> {
  const cc = opts.cc ?? 'gcc';
  let id: string;
  try {
    id = await compilerId(cc);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const cacheDir = opts.cacheDir ?? (await defaultCacheDir(cc));
  const key = sha256(id, opts.flags.join(' '), opts.source).slice(0, 24);
  const outDir = path.join(cacheDir, key);
  const binary = path.join(outDir, opts.name);
  if (existsSync(binary)) return { ok: true, binary, cached: true };
  await mkdir(outDir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const src = path.join(outDir, `${opts.name}.${tag}.c`);
  const tmp = path.join(outDir, `${opts.name}.${tag}.tmp`);
  await writeFile(src, opts.source);
  // The library flags must follow the source for static linking to resolve them.
  const args = [...opts.flags.filter((f) => !f.startsWith('-l')), '-o', tmp, src, ...opts.flags.filter((f) => f.startsWith('-l'))];
  const r = await run(cc, args);
  await rm(src, { force: true });
  if (r.code !== 0 || !existsSync(tmp)) {
    await rm(tmp, { force: true });
    return { ok: false, error: `${cc} ${args.join(' ')} failed:\n${r.stderr.trim()}` };
  }
  await rename(tmp, binary);
  return { ok: true, binary, cached: false };
}

/** Builds one conformance case in one variant; `-lm` is always linked (harmless when unused). */
export function buildCase(spec: CaseSpec, variant: Variant, opts: { cacheDir?: string; cc?: string } = {}): Promise<BuildResult> {
  return compileC({
    name: spec.name,
    source: spec.source,
    flags: [...variantFlags(variant), ...spec.cflags.filter((f) => f !== '-lm'), '-lm'],
    cacheDir: opts.cacheDir,
    cc: opts.cc,
  });
}
