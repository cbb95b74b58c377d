// Builds tests/diff/harness.c with gcc (cached in os.tmpdir() by source hash) and runs a batch of
// input records through one harness process.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REC_SIZE } from './record.js';

const here = dirname(fileURLToPath(import.meta.url));

let binary: string | null = null;

/** Path of the compiled harness, building it on first use. */
export function harnessBinary(): string {
  if (binary) return binary;
  const src = join(here, 'harness.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `rustos-diff-harness-${hash}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}`;
    execFileSync('gcc', ['-O1', '-o', tmp, src], { stdio: 'inherit' });
    renameSync(tmp, out);
  }
  binary = out;
  return out;
}

/** Runs the records in `input` (a multiple of REC_SIZE bytes) natively; returns the results. */
export function runNative(input: Buffer): Buffer {
  const r = spawnSync(harnessBinary(), [], { input, maxBuffer: input.length + 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`harness exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  if (r.stdout.length !== input.length) {
    throw new Error(`harness returned ${r.stdout.length} bytes for ${input.length / REC_SIZE} records`);
  }
  return r.stdout;
}
