// The host terminal under rustos: programs run natively and as `node bin/rustos run` on a fresh
// pseudo-terminal each (tests/tty/drive.py, an expect-like driver on python3's pty support), with
// the same keys typed at the same points; what the terminal shows and the exit status must be
// identical, byte for byte. This covers the kernel's line discipline on the host terminal
// (canonical editing, echo, raw mode with VMIN/VTIME, ^C/^Z), job control (SIGTTOU/SIGTTIN,
// bash -i with Ctrl-Z and fg, rustos itself stopped and continued by the host shell) and window
// size changes. Skipped when the machine has no python3 or no ptys. RUSTOS_TTY_FILTER narrows
// the cases by name.

import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUSTOS = new URL('../bin/rustos', import.meta.url).pathname;
const SRC = new URL('./tty/', import.meta.url).pathname;
const DRIVE = path.join(SRC, 'drive.py');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-tty-'));
const upper = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-tty-upper-'));
const filter = process.env.RUSTOS_TTY_FILTER;
const PATH = '/usr/local/bin:/usr/bin:/bin';

type Step = ['expect', string] | ['send', string] | ['sleep', number] | ['winsz', number, number];

interface Result {
  out: string;
  status: number;
  error: string | null;
}

function drive(cmd: string[], steps: Step[], env: Record<string, string>): Result | null {
  const spec = { cmd, steps, env: { PATH, LC_ALL: 'C', HOME: dir, RUSTOS_ROOT: upper, ...env }, cwd: dir, timeout: 200 };
  const r = spawnSync('python3', [DRIVE, JSON.stringify(spec)], { encoding: 'latin1', timeout: 300_000 });
  if (r.status === 77 || r.error) return null; // no ptys, no python3
  return JSON.parse(r.stdout) as Result;
}

interface Case {
  name: string;
  /** The command run natively; under rustos it is `node bin/rustos run` + the same. */
  cmd: string[];
  steps: Step[];
  env?: Record<string, string>;
  /** Environment that differs between the runs (the command a host shell starts). */
  envOf?: (emulated: boolean) => Record<string, string>;
  /** Run the command as it is in both runs (it starts rustos itself through envOf). */
  hostShell?: boolean;
}

const exe = (name: string): string => path.join(dir, name);
const emu = (cmd: string[]): string[] => [process.execPath, RUSTOS, 'run', ...cmd];

const CASES: Case[] = [
  {
    name: 'canonical editing and echo',
    cmd: [exe('tty_canon')],
    steps: [
      ['expect', 'ready\r\n'], ['send', 'abc\x7fd\n'], ['expect', 'next'],
      ['send', 'hello wor\x17world\n'], ['expect', 'next'],
      ['send', 'gone\x15kept\n'], ['expect', 'next'],
      ['send', 'a\x16\x03b\n'], ['expect', 'next'],
      ['send', 'ta\tb\x7f\x7f\x7fc\n'], ['expect', 'next'],
      ['send', 'ctl\x01\x7f!\n'], ['expect', 'next'],
      ['send', 'x\x12y\n'], ['expect', 'next'],
      ['send', 'part\x04'], ['expect', 'next'],
      ['send', '\x04'],
    ],
  },
  {
    name: 'echo off and ECHONL',
    cmd: [exe('tty_noecho')],
    steps: [
      ['expect', 'password:\r\n'], ['send', 'secret\n'], ['expect', 'again:\r\n'],
      ['send', 'hidden\n'], ['expect', 'visible:\r\n'], ['send', 'shown\n'],
    ],
  },
  {
    name: 'raw mode with VMIN and VTIME',
    cmd: [exe('tty_raw')],
    steps: [
      ['expect', 'TIME 3'], ['expect', 'three'], ['sleep', 0.3], ['send', 'ab'], ['sleep', 0.5], ['send', 'cd'],
      ['expect', 'keys'], ['sleep', 0.3], ['send', '\x03\r'],
    ],
  },
  {
    name: '^C in a foreground child',
    cmd: [exe('tty_intr')],
    steps: [
      ['expect', 'child reading\r\n'], ['send', 'junk'], ['sleep', 0.5], ['send', '\x03'],
      ['expect', 'parent reading\r\n'], ['send', 'ok\n'],
    ],
  },
  {
    name: 'controlling terminal, SIGTTOU, SIGTTIN, ^Z',
    cmd: [exe('tty_jobs')],
    steps: [['expect', 'job reading\r\n'], ['send', '\x1a'], ['expect', 'stopped 20'], ['send', 'after fg\n']],
  },
  {
    name: 'window size and SIGWINCH',
    cmd: [exe('tty_winch')],
    steps: [['expect', 'resize me\r\n'], ['sleep', 0.3], ['winsz', 30, 100]],
  },
  {
    name: 'stty: attributes shown and changed',
    cmd: ['/bin/sh', '-c', 'stty -a; stty raw -echo; stty -a; echo "raw\n"; stty sane; stty cols 100 rows 20 -iexten tostop; stty -a; stty -g'],
    steps: [],
  },
  {
    name: 'bash -i: ^Z, jobs, fg',
    cmd: ['/bin/bash', '--norc', '--noprofile', '-i'],
    env: { PS1: '$ ', TERM: 'dumb' },
    steps: [
      ['expect', '$ '], ['send', "sh -c 'echo go; exec sleep 3'\n"], ['expect', 'go\r\n'], ['sleep', 0.5], ['send', '\x1a'],
      ['expect', 'Stopped'], ['expect', '$ '], ['send', 'jobs\n'], ['expect', '$ '],
      ['send', 'fg\n'], ['expect', '$ '], ['send', 'echo done\n'], ['expect', 'done\r\n'], ['expect', '$ '], ['send', 'exit\n'],
    ],
  },
  {
    name: 'python3 REPL: editing, ^C',
    cmd: ['/usr/bin/python3', '-q'],
    env: { TERM: 'xterm', PYTHONHASHSEED: '0' },
    steps: [
      ['expect', '>>> '], ['send', '1+1\n'], ['expect', '>>> '], ['send', 'x=[1,2\n'], ['expect', '... '], ['send', ']\n'],
      ['expect', '>>> '], ['send', 'y\x02\x02x\n'], ['expect', '>>> '], ['send', 'while True: pass\n'], ['expect', '... '],
      ['send', '\n'], ['sleep', 1], ['send', '\x03'], ['expect', 'KeyboardInterrupt'], ['expect', '>>> '],
      ['send', 'print(x)\n'], ['expect', '>>> '], ['send', '\x04'],
    ],
  },
  {
    name: 'less',
    cmd: ['/usr/bin/less', '/etc/services'],
    env: { TERM: 'xterm' },
    steps: [['expect', 'tcpmux'], ['sleep', 0.5], ['send', ' '], ['sleep', 0.5], ['send', '/http\n'], ['sleep', 0.5], ['send', 'q']],
  },
  {
    name: 'a host shell stops and continues rustos (^Z, fg)',
    cmd: ['/bin/bash', '--norc', '--noprofile', '-i'],
    hostShell: true,
    env: { PS1: '$ ', TERM: 'dumb' },
    envOf: (emulated) => ({ CMD: emulated ? `${process.execPath} ${RUSTOS} run /bin/cat` : '/bin/cat' }),
    steps: [
      ['expect', '$ '], ['send', '$CMD\n'], ['sleep', 3], ['send', '\x1a'], ['expect', 'Stopped'], ['expect', '$ '],
      ['send', 'fg\n'], ['expect', '$CMD\r\n'], ['sleep', 2], ['send', 'hello\n'], ['expect', 'hello\r\nhello\r\n'],
      ['send', '\x04'], ['expect', '$ '], ['send', 'exit\n'],
    ],
  },
  {
    name: '^C to a program that never reads',
    cmd: ['/bin/sleep', '60'],
    steps: [['sleep', 3], ['send', '\x03']],
  },
];

describe('host terminal', () => {
  let ok = true;
  beforeAll(() => {
    if (spawnSync('python3', ['-c', 'import os; os.openpty()']).status !== 0) {
      ok = false;
      return;
    }
    for (const f of fs.readdirSync(SRC)) {
      if (f.endsWith('.c')) execFileSync('gcc', ['-O1', '-o', exe(f.slice(0, -2)), path.join(SRC, f)]);
    }
  });
  for (const c of CASES) {
    if (filter && !c.name.includes(filter)) continue;
    it(c.name, (ctx) => {
      const prog = c.cmd[0];
      if (!ok || (!prog.startsWith(dir) && !fs.existsSync(prog))) return ctx.skip(); // no ptys, or a host program missing
      const native = drive(c.cmd, c.steps, { ...c.env, ...c.envOf?.(false) });
      if (!native) return ctx.skip();
      expect(native.error, native.out).toBeNull();
      const emulated = drive(c.hostShell ? c.cmd : emu(c.cmd), c.steps, { ...c.env, ...c.envOf?.(true) });
      expect(emulated).not.toBeNull();
      expect(emulated!.out).toBe(native.out);
      expect(emulated!.status).toBe(native.status);
      expect(emulated!.error).toBeNull();
    }, 600_000);
  }
});
