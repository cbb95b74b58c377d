// The repository side of the CLI: index, update, install NAME..., upgrade.
// Downloads go to <root>/var/cache/rustos-pkg/archives (SHA256-checked) and
// are then installed exactly like local .deb files.

import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkgError, EXIT_ERROR } from '../../pkg/errors.js';
import { download, loadAvailable, parseSources, update, writeAvailable, writeIndex, type RepoPackage } from '../../pkg/repo.js';
import { Planner } from '../../pkg/plan.js';
import { installDebs } from '../../pkg/install.js';
import { makeCtx, rootOf, type CommonOpts } from './setup.js';

type Out = (s: string) => void;
type RepoOpts = CommonOpts & { sources?: string; installRecommends?: boolean };

function sourcesFile(o: RepoOpts): string {
  return o.sources ?? join(rootOf(o).root, 'etc/rustos/sources.list');
}

export function addRepoCommands(program: Command, common: (c: Command) => Command, out: Out): void {
  program.command('index').description('write a Packages index (and Release) for a directory of .debs').argument('<dir>')
    .action(async (dir: string) => {
      const n = await writeIndex(dir);
      out(`Wrote Packages for ${n} packages in ${dir}\n`);
    });

  common(program.command('update').description('download package indexes from the configured sources'))
    .option('--sources <file>', 'sources file (default: <root>/etc/rustos/sources.list)')
    .action(async (o: RepoOpts) => {
      const f = sourcesFile(o);
      if (!existsSync(f)) throw new PkgError(`no sources configured (${f} does not exist)`, EXIT_ERROR);
      const { root, admindir } = rootOf(o);
      const n = await update(root, parseSources(readFileSync(f, 'utf8')), (m) => out(m + '\n'));
      writeAvailable(admindir, loadAvailable(root));
      out(`${n} packages available\n`);
    });

  common(program.command('upgrade').description('upgrade installed packages to their newest available versions'))
    .option('--no-install-recommends', 'do not install recommended packages')
    .option('--sources <file>', 'sources file (unused: indexes come from the last update)')
    .action(async (o: RepoOpts) => {
      const ctx = makeCtx(o, { write: !o.dryRun });
      const planner = new Planner(ctx.db, ctx.host, loadAvailable(ctx.root), o.installRecommends !== false);
      await runPlan(planner.upgradable(), planner, o, out);
    });
}

export async function installFromRepos(names: string[], files: string[], o: RepoOpts, out: Out): Promise<void> {
  if (files.length) throw new PkgError('give either .deb files or package names, not both', EXIT_ERROR);
  const ctx = makeCtx(o, { write: !o.dryRun });
  const avail = loadAvailable(ctx.root);
  if (!avail.length) throw new PkgError(`no package indexes: configure ${sourcesFile(o)} and run 'rustos-pkg update'`, EXIT_ERROR);
  await runPlan(names, new Planner(ctx.db, ctx.host, avail, o.installRecommends !== false), o, out);
}

async function runPlan(names: string[], planner: Planner, o: RepoOpts, out: Out): Promise<void> {
  const plan = planner.plan(names);
  for (const c of plan.current) out(`${c} is already the newest version.\n`);
  if (!plan.install.length) {
    out('0 upgraded, 0 newly installed.\n');
    return;
  }
  if (o.dryRun) {
    for (const c of plan.install) out(`Inst ${c.name} (${c.version} ${c.url})\n`);
    for (const c of plan.install) out(`Conf ${c.name} (${c.version})\n`);
    return;
  }
  const ctx = makeCtx(o, { write: true });
  ctx.db.lock();
  try {
    const cache = join(ctx.root, 'var/cache/rustos-pkg/archives');
    mkdirSync(cache, { recursive: true });
    const total = plan.install.reduce((s, c) => s + Number(c.p.get('Size') ?? 0), 0);
    ctx.progress.start(total, 'Downloading');
    const paths: string[] = [];
    for (const c of plan.install) paths.push(await fetchDeb(c, cache, (n) => ctx.progress.add(n)));
    ctx.progress.stop();
    const unpacked = plan.install.reduce((s, c) => s + Number(c.p.get('Installed-Size') ?? 0) * 1024, 0);
    ctx.progress.start(unpacked, 'Unpacking');
    await installDebs(ctx, paths);
  } finally {
    ctx.progress.stop();
    ctx.db.unlock();
  }
}

async function fetchDeb(c: RepoPackage, cache: string, onBytes: (n: number) => void): Promise<string> {
  const dest = join(cache, `${c.name}_${c.version.replace(/:/g, '%3a')}_${c.p.get('Architecture')}.deb`);
  await download(c.url, dest, { size: c.p.has('Size') ? Number(c.p.get('Size')) : undefined, sha256: c.p.get('SHA256') }, onBytes);
  return dest;
}
