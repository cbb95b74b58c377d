// Builds tests/diff/avx-harness.c (cached in os.tmpdir() by source hash) and runs a batch of AVX
// records (avx-record.ts) through one harness process.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREC_SIZE } from './avx-record.js';

const here = dirname(fileURLToPath(import.meta.url));
let binary: string | null = null;

export function avxHarnessBinary(): string {
  if (binary) return binary;
  const src = join(here, 'avx-harness.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `rustos-avx-harness-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}`;
    execFileSync('gcc', ['-O1', '-o', tmp, src], { stdio: 'inherit' });
    renameSync(tmp, out);
  }
  binary = out;
  return out;
}

export function runAvxNative(input: Buffer): Buffer {
  const r = spawnSync(avxHarnessBinary(), [], { input, maxBuffer: input.length + 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`avx harness exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  if (r.stdout.length !== input.length) throw new Error(`avx harness returned ${r.stdout.length} bytes for ${input.length / AREC_SIZE} records`);
  return r.stdout;
}
