// Host programs under rustos: each case of cases.ts runs natively and as `node bin/rustos run`
// in its own fresh fixture directory (the current directory, passed through the overlay), with
// the same argv, stdin and environment; stdout, stderr and the exit status must be identical.
// The overlay's upper layer is a temporary RUSTOS_ROOT. Cases whose programs are missing on the
// host are skipped. RUSTOS_HOSTPROGS_FILTER narrows the cases by name.

import { describe, it, expect, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CASES, type HostCase } from './cases.js';

const RUSTOS = new URL('../../bin/rustos', import.meta.url).pathname;
const filter = process.env.RUSTOS_HOSTPROGS_FILTER;
const upper = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-hostprogs-upper-'));
const PATH = '/usr/local/bin:/usr/bin:/bin';

function which(prog: string): boolean {
  return PATH.split(':').some((d) => fs.existsSync(path.join(d, prog)));
}

/** The fixture tree: fixed contents and mtimes, so listings are the same on every run. */
function fixtures(dir: string): void {
  const w = (p: string, s: string): void => fs.writeFileSync(path.join(dir, p), s);
  w('in.txt', 'banana\napple\ncherry\napple\n');
  w('nums.txt', '10\n2\n33\n4\n');
  w('table.txt', 'x 3\ny 1\nz 2\n');
  fs.mkdirSync(path.join(dir, 'data/sub'), { recursive: true });
  w('data/a.txt', 'alpha x\n');
  w('data/b.bin', '\x00\x01\x02binary');
  w('data/sub/c.txt', 'gamma x\nx\n');
  fs.symlinkSync('a.txt', path.join(dir, 'data/link'));
  const t = new Date('2020-05-06T07:08:09Z');
  for (const p of ['data/sub/c.txt', 'data/sub', 'data/a.txt', 'data/b.bin', 'in.txt', 'nums.txt', 'table.txt', 'data']) {
    fs.utimesSync(path.join(dir, p), t, t);
  }
  fs.lutimesSync(path.join(dir, 'data/link'), t, t);
  fs.utimesSync(dir, t, t);
}

interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function run(argv: string[], c: HostCase, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const env = { PATH, LC_ALL: 'C', TZ: 'UTC', HOME: cwd, RUSTOS_ROOT: upper, PYTHONHASHSEED: '0', TERM: 'dumb' };
    const p = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') });
    });
    p.stdin.on('error', () => {}); // a program that exits without reading its stdin
    p.stdin.end(c.stdin ?? '');
  });
}

/** Runs in a fresh fixture directory at `dir` (the same path for both runs: programs print it). */
async function runCase(c: HostCase, emulated: boolean, dir: string): Promise<Run> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  try {
    fixtures(dir);
    return await run(emulated ? ['node', RUSTOS, 'run', ...c.argv] : c.argv, c, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

afterAll(() => fs.rmSync(upper, { recursive: true, force: true }));

// Each case may wait its turn behind others (maxConcurrency) on a busy two-core CI machine.
describe.concurrent('host programs', { timeout: 600_000 }, () => {
  it('has at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });
  CASES.forEach((c, index) => {
    if (filter && !c.name.includes(filter)) return;
    const missing = (c.needs ?? [c.argv[0]]).filter((p) => !which(p));
    it.skipIf(missing.length > 0)(c.name, async () => {
      const dir = path.join(os.tmpdir(), `rustos-hostprog-${process.pid}-${index}`);
      const n = await runCase(c, false, dir);
      const e = await runCase(c, true, dir);
      expect({ status: e.status, signal: e.signal }).toEqual({ status: n.status, signal: n.signal });
      expect(e.stdout).toBe(n.stdout);
      expect(e.stderr).toBe(n.stderr);
    }, 300_000);
  });
});
