/**
 * `rustos`: run x86-64 Linux programs (`rustos run`), list the syscall table (`rustos syscalls`)
 * and run the conformance suite (`rustos conformance`). `rustos run` ends as the guest ended: the
 * same exit status, or killed by the same signal, so a shell sees what it would see natively.
 */

import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { runProgram, StartError } from '../run.js';
import { TABLE } from '../../compat/syscalls/index.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const SIGNAL_NAMES = Object.fromEntries(Object.entries(constants.signals).map(([n, v]) => [v, n])) as Record<number, NodeJS.Signals>;

function die(info: { code: number | null; signal: number | null }): never {
  if (info.signal !== null) {
    const name = SIGNAL_NAMES[info.signal];
    if (name) {
      // Node ignores SIGPIPE and may handle others; restore the default action, then re-raise.
      process.removeAllListeners(name);
      try {
        process.kill(process.pid, name);
      } catch {
        /* fall through to the shell's convention */
      }
      // Some signals cannot be re-raised with their default action from Node (SIGPIPE is ignored
      // by the runtime): end with the status a shell would report for the signal.
      setTimeout(() => process.exit(128 + info.signal!), 50);
      return undefined as never;
    }
    process.exit(128 + info.signal);
  }
  process.exit(info.code ?? 0);
}

const program = new Command();
program.enablePositionalOptions().name('rustos').description('Run x86-64 Linux programs on an emulated CPU and kernel').version(pkg.version);

program
  .command('run')
  .description('run a Linux x86-64 program')
  .option('--root <dir>', 'host directory used as the guest root, alone (default: an overlay over the host\'s /)')
  .option('--bind <host[:guest]>', 'pass a host directory through read-write (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--strace', 'print each system call to stderr, as strace does')
  .option('--cpu <level>', 'CPU level reported by cpuid: x86-64 (v1), v2 or v3 (default: the highest complete level)')
  .argument('<program>', 'program to run (a path, or a name looked up in PATH)')
  .argument('[args...]', 'arguments for the program')
  .passThroughOptions()
  .allowUnknownOption()
  .action(async (prog: string, args: string[], opts: { root?: string; bind: string[]; strace?: boolean; cpu?: string }) => {
    try {
      const info = await runProgram({
        cpu: opts.cpu,
        root: opts.root,
        binds: opts.bind,
        strace: !!opts.strace,
        program: prog,
        args,
        env: process.env,
        cwd: process.cwd(),
        log: (l) => process.stderr.write(l + '\n'),
      });
      die(info);
    } catch (e) {
      if (e instanceof StartError) {
        process.stderr.write(e.message + '\n');
        process.exit(e.status);
      }
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`rustos: internal error: ${msg}${process.env.RUSTOS_DEBUG ? '\n' + (e as Error).stack : ' (set RUSTOS_DEBUG=1 for details)'}\n`);
      process.exit(70);
    }
  });

program
  .command('syscalls')
  .description('print the syscall table with each call\'s support status')
  .action(() => {
    const counts = { supported: 0, partial: 0, enosys: 0 };
    for (const row of TABLE) {
      if (!row) continue;
      counts[row.status]++;
      const note = row.note ? `  ${row.note}` : '';
      process.stdout.write(`${String(row.nr).padStart(3)}  ${row.name.padEnd(24)} ${row.status.padEnd(9)}${note}\n`);
    }
    process.stdout.write(`${counts.supported} supported, ${counts.partial} partial, ${counts.enosys} ENOSYS\n`);
  });

program
  .command('conformance')
  .description('run the conformance suite: each program natively and under rustos, compared')
  .option('--filter <text>', 'only cases whose name contains text')
  .option('-j, --jobs <n>', 'cases run in parallel', '2')
  .action(async (opts: { filter?: string; jobs: string }) => {
    const { runConformance } = await import('../conformance/runner.js');
    const { formatResult, formatSummary } = await import('../conformance/report.js');
    const results = await runConformance({
      filter: opts.filter,
      jobs: Number(opts.jobs),
      onResult: (r) => process.stdout.write(formatResult(r) + '\n'),
    });
    process.stdout.write(formatSummary(results) + '\n');
    process.exit(results.every((r) => r.pass) ? 0 : 1);
  });

program.parseAsync(process.argv);
