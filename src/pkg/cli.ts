// The rustos-pkg command line (commander). Subcommands mirror dpkg/apt, and
// dpkg's action spellings (-i, -r, -P, -l, -L, -S, -s, -I, -c, -V, -C,
// --configure) are accepted as aliases. Errors print one line and exit with
// dpkg's codes; no stack traces reach the user.

import { Command } from 'commander';
import { statSync } from 'node:fs';
import { describeError, PkgError, EXIT_ERROR, EXIT_FATAL } from '../../pkg/errors.js';
import { installDebs, configurePending, configureOne, processTriggers, loadCandidates, unpackOne } from '../../pkg/install.js';
import { removePackages } from '../../pkg/remove.js';
import { listPackages, searchFiles, verify, audit, contents } from '../../pkg/query.js';
import { inspectDeb } from '../../pkg/deb.js';
import { makeCtx, type CommonOpts } from './setup.js';
import { addRepoCommands } from './repo-cli.js';
import { runTool, TOOLS } from './tools.js';

const DPKG_ALIASES: Record<string, string[]> = {
  '-i': ['install'], '--install': ['install'], '-r': ['remove'], '--remove': ['remove'],
  '-P': ['purge'], '--purge': ['purge'], '-l': ['list'], '--list': ['list'], '-L': ['files'],
  '--listfiles': ['files'], '-S': ['search'], '--search': ['search'], '-s': ['status'],
  '--status': ['status'], '-I': ['info'], '--info': ['info'], '-c': ['contents'],
  '--contents': ['contents'], '-V': ['verify'], '--verify': ['verify'], '-C': ['audit'],
  '--audit': ['audit'], '--configure': ['configure'], '--unpack': ['unpack'], '-a': ['--pending'],
};

/** Move a dpkg-style action flag (anywhere in argv) to the front as a subcommand. */
export function translateArgs(args: string[], commands: string[] = []): string[] {
  const i = args.findIndex((a) => a in DPKG_ALIASES && a !== '-a');
  if (i < 0) {
    // Options may come before the subcommand (`--root X install ...`): move the command first.
    const c = args.findIndex((a) => commands.includes(a));
    if (c > 0 && args[0].startsWith('-')) return [args[c], ...args.slice(0, c), ...args.slice(c + 1)];
    return args;
  }
  const rest = args.filter((_, k) => k !== i).map((a) => (a === '-a' ? '--pending' : a));
  return [...DPKG_ALIASES[args[i]], ...rest];
}

function common(cmd: Command): Command {
  return cmd
    .option('--root <dir>', 'install root (default: $RUSTOS_ROOT or ~/.local/share/rustos/root)')
    .option('--admindir <dir>', 'dpkg database directory (default: <root>/var/lib/dpkg)')
    .option('--no-scripts', 'do not run maintainer scripts (they are still recorded)')
    .option('--force-confold', 'keep modified conffiles, install new ones as .dpkg-dist')
    .option('--force-confnew', 'install new conffiles, keep modified ones as .dpkg-old')
    .option('--force-depends', 'turn dependency problems into warnings')
    .option('--dry-run', 'print what would be done, change nothing')
    .option('-q, --quiet', 'no progress output');
}

export function buildProgram(out: (s: string) => void): Command {
  const program = new Command('rustos-pkg')
    .description('Debian package manager for RustOS (dpkg-compatible database)')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (s) => process.stderr.write(s) });

  common(program.command('install').description('install .deb files or packages from the configured sources (dpkg -i)').argument('<items...>'))
    .option('--no-install-recommends', 'do not install recommended packages')
    .option('--sources <file>', 'sources file (default: <root>/etc/rustos/sources.list)')
    .action(async (items: string[], o: CommonOpts & { sources?: string; installRecommends?: boolean }) => {
      const files = items.filter((x) => x.endsWith('.deb') || isFile(x));
      const names = items.filter((x) => !files.includes(x));
      if (names.length) {
        const { installFromRepos } = await import('./repo-cli.js');
        await installFromRepos(names, files, o, out);
        return;
      }
      const ctx = makeCtx(o, { write: !o.dryRun });
      if (o.dryRun) {
        const cands = await loadCandidates(files);
        for (const c of cands) out(`Inst ${c.name} (${c.version} ${c.path})\n`);
        for (const c of cands) out(`Conf ${c.name} (${c.version})\n`);
        return;
      }
      ctx.db.lock();
      try {
        const cands = await loadCandidates(files);
        const total = cands.reduce((s, c) => s + (Number(c.control.get('Installed-Size') ?? 0) * 1024 || c.layout.data.size * 4), 0);
        ctx.progress.start(total, 'Unpacking');
        await installDebs(ctx, files);
      } finally {
        ctx.progress.stop();
        ctx.db.unlock();
      }
    });

  common(program.command('unpack').description('unpack .deb files without configuring them (dpkg --unpack)').argument('<debs...>'))
    .option('--no-triggers', 'leave activated triggers pending')
    .action(async (debs: string[], o: CommonOpts & { triggers?: boolean }) => {
      const ctx = makeCtx(o, { write: true });
      ctx.db.lock();
      try {
        const cands = await loadCandidates(debs);
        for (const c of cands) await unpackOne(ctx, c);
        // Like dpkg, pending triggers are processed at the end of the run (unless --no-triggers).
        if (o.triggers !== false) await processTriggers(ctx);
      } finally {
        ctx.db.unlock();
      }
    });

  common(program.command('configure').description('configure unpacked packages (dpkg --configure)').argument('[packages...]'))
    .option('--pending', 'configure all unpacked but unconfigured packages (-a)')
    .action(async (pkgs: string[], o: CommonOpts & { pending?: boolean }) => {
      const ctx = makeCtx(o, { write: true });
      if (!o.pending && !pkgs.length) throw new PkgError('--configure needs at least one package name argument (or --pending)', EXIT_FATAL);
      ctx.db.lock();
      try {
        if (o.pending) await configurePending(ctx);
        else {
          for (const p of pkgs) await configureOne(ctx, p);
          await processTriggers(ctx);
        }
      } finally {
        ctx.db.unlock();
      }
    });

  for (const [name, purge] of [['remove', false], ['purge', true]] as const) {
    common(program.command(name).description(purge ? 'remove packages and their configuration (dpkg -P)' : 'remove packages, keep configuration (dpkg -r)').argument('<packages...>'))
      .action(async (pkgs: string[], o: CommonOpts) => {
        const ctx = makeCtx(o, { write: true });
        if (o.dryRun) {
          for (const p of pkgs) out(`${purge ? 'Purg' : 'Remv'} ${p}\n`);
          return;
        }
        ctx.db.lock();
        try {
          await removePackages(ctx, pkgs, purge);
        } finally {
          ctx.db.unlock();
        }
      });
  }

  common(program.command('list').description('list packages (dpkg -l)').argument('[patterns...]'))
    .action((patterns: string[], o: CommonOpts) => {
      const ctx = makeCtx(o, { write: false });
      const r = listPackages(ctx.db, patterns);
      if (!r.found && patterns.length) throw new PkgError(`no packages found matching ${patterns.join(' ')}`, EXIT_ERROR);
      out(r.text);
    });

  common(program.command('files').description('list files owned by packages (dpkg -L)').argument('<packages...>'))
    .action((pkgs: string[], o: CommonOpts) => {
      const ctx = makeCtx(o, { write: false });
      for (const p of pkgs) {
        const st = ctx.db.status(p);
        if (!ctx.db.get(p) || st.state === 'not-installed') throw new PkgError(`package '${p}' is not installed`, EXIT_ERROR);
        out(ctx.db.files(p).join('\n') + '\n');
      }
    });

  common(program.command('search').description('find packages owning files (dpkg -S)').argument('<patterns...>'))
    .action((patterns: string[], o: CommonOpts) => {
      const ctx = makeCtx(o, { write: false });
      let missing = false;
      for (const pat of patterns) {
        const hits = searchFiles(ctx.db, pat);
        if (!hits.length) {
          process.stderr.write(`rustos-pkg: no path found matching pattern ${pat}\n`);
          missing = true;
        }
        for (const h of hits) out(h + '\n');
      }
      if (missing) process.exitCode = EXIT_ERROR;
    });

  common(program.command('status').description('show the status of packages (dpkg -s)').argument('<packages...>'))
    .action((pkgs: string[], o: CommonOpts) => {
      const ctx = makeCtx(o, { write: false });
      const parts: string[] = [];
      for (const p of pkgs) {
        const e = ctx.db.get(p);
        if (!e) throw new PkgError(`package '${p}' is not installed and no information is available`, EXIT_ERROR);
        parts.push(e.toString());
      }
      out(parts.join('\n'));
    });

  for (const name of ['info', 'show']) {
    program.command(name).description('show the control fields of a .deb (dpkg -I)').argument('<deb>')
      .action(async (deb: string) => {
        const d = await inspectDeb(deb);
        const size = statSync(deb).size;
        out(` new Debian package, version 2.0.\n size ${size} bytes: control archive=${d.layout.control.size} bytes.\n`);
        // dpkg-deb -I: " %7d bytes, %5d lines   %c  %-20s %s" with the #! line of scripts.
        for (const f of [...d.files.keys()].sort()) {
          const v = d.files.get(f)!;
          const text = v.data.toString('latin1');
          const lines = text.split('\n').length - 1;
          const interp = text.startsWith('#!') ? text.split('\n')[0].split(/[ \t]/)[0] : '';
          out(` ${String(v.data.length).padStart(7)} bytes, ${String(lines).padStart(5)} lines   ${v.mode & 0o111 ? '*' : ' '}  ${f.padEnd(20)} ${interp}\n`);
        }
        out(d.control.toString().split('\n').filter(Boolean).map((l) => ' ' + l).join('\n') + '\n');
      });
  }

  program.command('contents').description('list the contents of a .deb (dpkg -c)').argument('<deb>')
    .action(async (deb: string) => out(await contents(deb)));

  common(program.command('verify').description('verify installed files against md5sums (dpkg -V)').argument('[packages...]'))
    .action(async (pkgs: string[], o: CommonOpts) => {
      const ctx = makeCtx(o, { write: false });
      const probs = await verify(ctx.root, ctx.db, pkgs);
      for (const l of probs) out(l + '\n');
      if (probs.length) process.exitCode = EXIT_ERROR;
    });

  common(program.command('audit').description('report packages in a broken state (dpkg -C)'))
    .action((o: CommonOpts) => {
      const ctx = makeCtx(o, { write: false });
      const a = audit(ctx.db);
      if (a.length) {
        out(a.join('\n') + '\n');
        process.exitCode = EXIT_ERROR;
      }
    });

  addRepoCommands(program, common, out);
  program.addHelpText('after', `
Helpers for maintainer scripts (dpkg's own argument syntax):
  rustos-pkg update-alternatives [--root DIR] --install|--remove|--set|--auto|--display|--query|--list ...
  rustos-pkg divert [--root DIR] [--package P|--local] [--divert TO] [--rename] --add|--remove FILE
  rustos-pkg trigger [--root DIR] [--by-package P] TRIGGER

dpkg spellings are accepted: -i -r -P -l -L -S -s -I -c -V -C --unpack --configure [-a].
Maintainer scripts run inside the root under rustos run (--root DIR needs its own /bin/sh); --no-scripts skips them.`);
  return program;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const out = (s: string) => void process.stdout.write(s);
  const program = buildProgram(out);
  try {
    if (TOOLS.includes(argv[0])) return runTool(argv[0], argv.slice(1), out);
    await program.parseAsync(translateArgs(argv, program.commands.map((c) => c.name())), { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      return ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? 0 : EXIT_FATAL;
    }
    process.stderr.write(`rustos-pkg: error: ${describeError(e)}\n`);
    return e instanceof PkgError ? e.exitCode : EXIT_FATAL;
  }
}

