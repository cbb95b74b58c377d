/**
 * `npm run bench`: speed, measured on the same inputs natively, under rustos and under
 * qemu-x86_64 in one run. Two kinds of workload:
 *  - our CPU-bound static C programs (bench/*.c, compiled with gcc -static -O2): guest MIPS from
 *    rustos's retired-instruction count (RUSTOS_STATS) and the wall time;
 *  - the reference workloads of bench/workloads.sh (Debian's own dynamically linked programs).
 * Each row prints wall times, rustos/native and rustos/qemu ratios, and whether outputs matched.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

const ROOT = repoRoot();
const RUSTOS = [process.execPath, join(ROOT, 'bin/rustos'), 'run'];
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const skipShared = args.includes('--no-shared');
const haveQemu = spawnSync('sh', ['-c', 'command -v qemu-x86_64'], { encoding: 'utf8' }).status === 0;

interface Timed {
  ms: number;
  /** CPU time (user + system) of the command and its children: fair on a busy machine. */
  cpuMs: number;
  out: string;
  status: number | null;
  err: string;
}

/**
 * Runs cmd, measuring wall time and, through the shell's `times` (children's user and system
 * time, printed last on stderr), CPU time.
 */
function timed(cmd: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const t0 = process.hrtime.bigint();
  const wrap = ['/bin/sh', '-c', '"$@"; s=$?; times >&2; exit $s', 'sh', ...cmd];
  const r = spawnSync(wrap[0], wrap.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = (r.stderr ?? '').trimEnd().split('\n');
  const kids = lines.pop() ?? '';
  lines.pop();
  const sec = (t: string): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  };
  const cpuMs = kids.split(/\s+/).reduce((n, t) => n + sec(t), 0) * 1000;
  return { ms, cpuMs, out: r.stdout ?? '', status: r.status, err: lines.join('\n') };
}

function compile(src: string): string {
  const dir = join(tmpdir(), 'rustos-bench');
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16);
  const out = join(dir, `${hash}-${src.split('/').pop()!.replace(/\.c$/, '')}`);
  if (!existsSync(out)) execFileSync('gcc', ['-static', '-O2', '-o', out, src]);
  return out;
}

const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(1) + 'x' : '-').padStart(8);

console.log('Times in seconds: wall, then CPU (user+system, children included) in brackets; ratios of CPU time.');
console.log(`${'workload'.padEnd(14)} ${'native'.padStart(15)} ${'qemu'.padStart(15)} ${'rustos'.padStart(17)} ${'vs nat'.padStart(8)} ${'vs qemu'.padStart(8)} ${'MIPS'.padStart(7)}  result`);
const both = (t: Timed, w = 15): string => `${(t.ms / 1000).toFixed(2)} [${(t.cpuMs / 1000).toFixed(2)}]`.padStart(w);

for (const file of readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.c')).sort()) {
  const name = file.replace(/\.c$/, '');
  if (only && !only.includes(name)) continue;
  const bin = compile(join(ROOT, 'bench', file));
  const nat = timed([bin]);
  const qemu = haveQemu ? timed(['qemu-x86_64', bin]) : null;
  const emu = timed([...RUSTOS, bin], { ...process.env, RUSTOS_STATS: '1' });
  const m = /retired=(\d+) ms=(\d+)/.exec(emu.err);
  // MIPS per CPU second of the emulator (its wall time stretches when the machine is busy).
  const mips = m ? Number(m[1]) / 1e6 / ((emu.cpuMs || Number(m[2])) / 1000) : 0;
  const ok = emu.status === nat.status && emu.out === nat.out;
  console.log(`${name.padEnd(14)} ${both(nat)} ${qemu ? both(qemu) : '-'.padStart(15)} ${both(emu, 17)} ${ratio(emu.cpuMs, nat.cpuMs)} ${qemu ? ratio(emu.cpuMs, qemu.cpuMs) : '       -'} ${mips.toFixed(1).padStart(7)}  ${ok ? 'output matches' : 'MISMATCH ' + emu.err.split('\n')[0]}`);
}

if (!skipShared) {
  const script = join(ROOT, 'bench/workloads.sh');
  const list = execFileSync(script, ['--list'], { encoding: 'utf8' }).trim().split(/\s+/);
  // The first use generates the input data (slow, native Python): do it before timing anything.
  timed([script, 'true'], { ...process.env, EMU: '' });
  for (const w of list) {
    if (only && !only.includes(w)) continue;
    const run = (emu: string): Timed => timed([script, w], { ...process.env, EMU: emu });
    const nat = run('');
    const qemu = haveQemu ? run('qemu-x86_64') : null;
    const emu = run(`${process.execPath} ${join(ROOT, 'bin/rustos')} run --root /`);
    const ok = emu.status === nat.status && emu.out === nat.out;
    const why = ok ? 'output matches' : `FAILS: ${emu.err.split('\n').find((l) => l.trim()) ?? 'exit ' + emu.status}`;
    console.log(`${w.padEnd(14)} ${both(nat)} ${qemu ? both(qemu) : '-'.padStart(15)} ${both(emu, 17)} ${ok ? ratio(emu.cpuMs, nat.cpuMs) : '       -'} ${ok && qemu ? ratio(emu.cpuMs, qemu.cpuMs) : '       -'} ${'-'.padStart(7)}  ${why}`);
  }
}
if (!haveQemu) console.log('qemu-x86_64 not found: install Debian\'s qemu-user to compare against it');
