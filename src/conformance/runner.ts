// Conformance runner: builds every tests/conformance/*.c case (see build.ts), runs each binary
// natively and under the emulator with identical argv, environment, stdin and a fresh cwd, and
// compares stdout, stderr and exit status/signal byte for byte. Used by `rustos conformance`
// (with report.ts) and by tests/conformance.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildCase, defaultCacheDir, findRepoRoot, listCases, type CaseSpec, type Expectation, type Variant, VARIANTS } from './build.js';

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  signal: string | null;
  timedOut: boolean;
}

export interface CaseResult {
  name: string;
  variant: 'static' | 'static-pie';
  native: RunResult;
  emulated: RunResult;
  pass: boolean;
  diff?: string;
}

export interface ConformanceOptions {
  /** Substring of case names to run. */
  filter?: string;
  variants?: Variant[];
  /** Command prefix; the binary path and its arguments are appended. */
  emulator?: string[];
  /** Cases run in parallel (default 2). */
  jobs?: number;
  onResult?: (r: CaseResult) => void;
  cacheDir?: string;
  /** Per-run timeouts in ms (defaults: 10 s native, 30 s emulated). */
  nativeTimeoutMs?: number;
  emulatedTimeoutMs?: number;
  cc?: string;
}

/** The same for every case and both runs. */
export const FIXED_ARGS: readonly string[] = ['arg1', 'arg two', 'x=y'];
export const FIXED_ENV: Readonly<Record<string, string>> = { CONF_VAR: 'conformance', LC_ALL: 'C', PATH: '/usr/bin:/bin' };
export const FIXED_STDIN: Buffer = Buffer.from('hello\nworld\n');

export function defaultEmulator(): string[] {
  return [process.execPath, path.join(findRepoRoot(), 'bin', 'rustos'), 'run'];
}

const OUTPUT_LIMIT = 64 << 20;

/**
 * Spawns `cmd` with exactly `env`, feeds `stdin`, collects output, and kills the whole process
 * group on timeout (the emulator may have children). Never rejects: spawn failures become a
 * status-127 result with the error on stderr.
 */
export function runProcess(
  cmd: string[],
  opts: { cwd: string; env?: Record<string, string>; stdin?: Buffer; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let timedOut = false;
    let settled = false;
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? { ...FIXED_ENV },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const collect = (arr: Buffer[]) => (b: Buffer) => {
      outLen += b.length;
      if (outLen > OUTPUT_LIMIT) killGroup();
      else arr.push(b);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    // A program that exits without reading stdin makes this write fail with EPIPE; that's fine.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? FIXED_STDIN);
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    child.on('error', (e) => {
      finish({ stdout: Buffer.alloc(0), stderr: Buffer.from(`spawn ${cmd[0]}: ${e.message}\n`), status: 127, signal: null, timedOut: false });
    });
    child.on('close', (status, signal) => {
      finish({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, signal, timedOut });
    });
  });
}

export function describeStatus(r: RunResult): string {
  if (r.timedOut) return 'timeout';
  if (r.signal) return `signal ${r.signal}`;
  return `exit ${r.status}`;
}

function preview(buf: Buffer, at: number): string {
  const s = buf.subarray(at, at + 40).toString('latin1');
  return JSON.stringify(s) + (buf.length > at + 40 ? '…' : '');
}

/** Where two byte streams first differ, as one line; undefined when equal. */
export function describeStreamDiff(label: string, a: Buffer, b: Buffer): string | undefined {
  if (a.equals(b)) return undefined;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < i; k++) {
    if (a[k] === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  const sizes = `native ${a.length} bytes, emulated ${b.length} bytes`;
  const from = Math.max(lineStart, i - 20);
  return `${label} differs at byte ${i} (line ${line}; ${sizes}): native ${preview(a, from)} vs emulated ${preview(b, from)}`;
}

/** Compact description of how emulated differs from native; undefined when identical. */
export function compareRuns(native: RunResult, emulated: RunResult): string | undefined {
  const lines: string[] = [];
  const ns = describeStatus(native);
  const es = describeStatus(emulated);
  if (ns !== es) lines.push(`status: native ${ns}, emulated ${es}`);
  const o = describeStreamDiff('stdout', native.stdout, emulated.stdout);
  if (o) lines.push(o);
  const e = describeStreamDiff('stderr', native.stderr, emulated.stderr);
  if (e) lines.push(e);
  if (emulated.timedOut && lines.length === 0) lines.push('emulated run timed out');
  return lines.length ? lines.join('\n') : undefined;
}

/** Whether a native run is what the case says it should be (so no case passes vacuously). */
export function checkExpectation(expect: Expectation, native: RunResult): string | undefined {
  const got = describeStatus(native);
  const want = expect.kind === 'exit' ? `exit ${expect.code}` : `signal ${expect.signal}`;
  if (got !== want) return `native run does not meet the case's expectation: want ${want}, got ${got}`;
  if (native.stdout.length + native.stderr.length === 0) return 'native run printed nothing';
  return undefined;
}

const EMPTY: RunResult = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), status: null, signal: null, timedOut: false };

async function runInFreshDir(cmd: string[], timeoutMs: number): Promise<RunResult> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'rustos-conf-cwd-'));
  try {
    return await runProcess(cmd, { cwd, env: { ...FIXED_ENV }, stdin: FIXED_STDIN, timeoutMs });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

export async function runCase(
  spec: CaseSpec,
  variant: Variant,
  opts: { emulator: string[]; cacheDir: string; nativeTimeoutMs: number; emulatedTimeoutMs: number; cc?: string },
): Promise<CaseResult> {
  const built = await buildCase(spec, variant, { cacheDir: opts.cacheDir, cc: opts.cc });
  if (!built.ok) return { name: spec.name, variant, native: EMPTY, emulated: EMPTY, pass: false, diff: `compile failed: ${built.error}` };
  const native = await runInFreshDir([built.binary, ...FIXED_ARGS], opts.nativeTimeoutMs);
  const emulated = await runInFreshDir([...opts.emulator, built.binary, ...FIXED_ARGS], opts.emulatedTimeoutMs);
  const problems = [checkExpectation(spec.expect, native), compareRuns(native, emulated)].filter((x): x is string => !!x);
  return { name: spec.name, variant, native, emulated, pass: problems.length === 0, ...(problems.length ? { diff: problems.join('\n') } : {}) };
}

/** Runs the selected cases × variants with a small worker pool; results come back in case order. */
export async function runConformance(opts: ConformanceOptions = {}): Promise<CaseResult[]> {
  const specs = listCases(undefined, opts.filter);
  const variants = opts.variants ?? [...VARIANTS];
  const cacheDir = opts.cacheDir ?? (await defaultCacheDir(opts.cc));
  const emulator = opts.emulator ?? defaultEmulator();
  const tasks = specs.flatMap((spec) => variants.map((variant) => ({ spec, variant })));
  const results: CaseResult[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const { spec, variant } = tasks[i];
      const r = await runCase(spec, variant, {
        emulator,
        cacheDir,
        nativeTimeoutMs: opts.nativeTimeoutMs ?? 10_000,
        emulatedTimeoutMs: opts.emulatedTimeoutMs ?? 30_000,
        cc: opts.cc,
      });
      results[i] = r;
      opts.onResult?.(r);
    }
  };
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, tasks.length || 1));
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}
