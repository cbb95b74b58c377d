// rustos's own descriptors. Input from host pipes arriving late: reads wait interruptibly (a
// signal gives EINTR, or a restart with SA_RESTART, and nothing is lost), poll/select see the data
// come. Each program runs natively and under rustos behind the same slow writer; outputs must
// match. And an inherited stdout file shares its offset with the shell that opened it.

import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUSTOS = new URL('../bin/rustos', import.meta.url).pathname;
const SRC = new URL('./host-input/', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-host-input-'));

/** The program's stdout when its stdin is a pipe that gets "data\n" after `delay` seconds. */
function run(prefix: string, exe: string, delay: number): { out: string; status: number | null } {
  const script = `(sleep ${delay}; echo data) | ${prefix} ${exe}`;
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'latin1', timeout: 120_000 });
  return { out: r.stdout, status: r.status };
}

describe('host input', () => {
  beforeAll(() => {
    for (const f of fs.readdirSync(SRC)) {
      if (f.endsWith('.c')) execFileSync('gcc', ['-O1', '-o', path.join(dir, f.slice(0, -2)), path.join(SRC, f)]);
    }
  });
  for (const [name, delay] of [['read_eintr', 5], ['poll_pipe', 3]] as const) {
    it(`${name}: the same as natively`, () => {
      const exe = path.join(dir, name);
      const native = run('', exe, delay);
      const emu = run(`node ${RUSTOS} run`, exe, delay);
      expect(emu).toEqual(native);
    }, 150_000);
  }

  it('on a terminal (script(1) gives a pty): termios and window size as natively', (ctx) => {
    const exe = path.join(dir, 'tty_termios');
    const pty = (cmd: string): string => spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'latin1', timeout: 120_000 }).stdout ?? '';
    const native = pty(exe);
    if (!native.includes('isatty 1')) ctx.skip(); // no script(1) or no ptys on this machine
    expect(native).toContain('canary intact');
    expect(pty(`node ${RUSTOS} run ${exe}`)).toBe(native);
  }, 150_000);

  it('stdout is a file shared with the shell: cat (copy_file_range) lands between its writes', () => {
    fs.writeFileSync(path.join(dir, 'in.txt'), 'middle\n');
    const script = (prefix: string): string =>
      `cd ${dir} && (echo first; ${prefix} /bin/cat in.txt; ${prefix} /bin/sh -c 'echo sh; cat in.txt'; echo last) > out.txt; cat out.txt`;
    const native = spawnSync('/bin/sh', ['-c', script('')], { encoding: 'latin1' }).stdout;
    const emu = spawnSync('/bin/sh', ['-c', script(`node ${RUSTOS} run`)], { encoding: 'latin1', timeout: 120_000 }).stdout;
    expect(native).toBe('first\nmiddle\nsh\nmiddle\nlast\n');
    expect(emu).toBe(native);
  }, 150_000);
});
