// Installing .deb files: check the whole set first (nothing is changed when a
// relation is unmet), then unpack each package in dependency order and
// configure them, recording every dpkg state transition in status so that an
// interrupted run is described by the database and can be finished.

import { existsSync, mkdirSync, rmSync, writeFileSync, chmodSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { inspectDeb, type ControlMembers, type DebLayout } from './deb.js';
import { Paragraph } from './control.js';
import { formatConffilesField, isPresent, isConfigured, parseConffilesField, parseStatus, NATIVE_ARCH, type ConffileEntry } from './db.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import { checkInstall, conflictRemovals, failIfProblems, orderForInstall, type Candidate } from './resolve.js';
import { removeOne } from './remove.js';
import { removeObsolete, unpackData, isRoot } from './unpack.js';
import { readDiversions } from './diversions.js';
import { processConffile } from './conffiles.js';
import { MAINTAINER_SCRIPTS, requireRunnable } from './scripts.js';
import { runScript, stageControl, type Ctx } from './context.js';
import { activate, activateForFiles, parseTriggersFile, recordInterests } from './triggers.js';
import { depGroups, World } from './resolve.js';
import { formatGroup, parseRelationField } from './relations.js';

export interface DebCandidate extends Candidate {
  path: string;
  layout: DebLayout;
  files: ControlMembers['files'];
}

export async function loadCandidates(paths: string[]): Promise<DebCandidate[]> {
  const out: DebCandidate[] = [];
  for (const path of paths) {
    const d = await inspectDeb(path);
    const arch = d.control.get('Architecture')!;
    const name = d.control.get('Package')!;
    if (arch !== 'all' && arch !== NATIVE_ARCH) {
      throw new PkgError(`package architecture (${arch}) does not match system (${NATIVE_ARCH}): ${path}`, EXIT_ERROR);
    }
    out.push({ name, version: d.control.get('Version')!, control: d.control, path, layout: d.layout, files: d.files });
  }
  return out;
}

export function scriptsOf(files: Map<string, unknown>): string[] {
  return MAINTAINER_SCRIPTS.filter((s) => files.has(s));
}

/** dpkg -i: check, unpack all, configure all. */
export async function installDebs(ctx: Ctx, paths: string[], opts: { configure?: boolean } = {}): Promise<DebCandidate[]> {
  const cands = await loadCandidates(paths);
  for (const c of cands) requireRunnable(ctx.runner, c.name, scriptsOf(c.files));
  if (!ctx.forceDepends) failIfProblems(checkInstall(ctx.db, ctx.host, cands), 'Errors were encountered; nothing was changed.');
  const ordered = orderForInstall(cands);
  const inSet = new Set(ordered.map((c) => c.name));
  const removals = conflictRemovals(ctx.db, ordered);
  for (const xs of removals.values()) for (const x of xs) requireRunnable(ctx.runner, x, ['prerm', 'postrm'].filter((s) => existsSync(ctx.db.infoPath(x, s))));
  for (const c of ordered) {
    // A Pre-Depends must be configured before the package is even unpacked.
    for (const g of parseRelationField(c.control.get('Pre-Depends'), 'Pre-Depends')) {
      for (const r of g) {
        if (inSet.has(r.name) && ctx.db.status(r.name).state === 'unpacked' && opts.configure !== false) await configureOne(ctx, r.name);
      }
    }
    await unpackOne(ctx, c);
    for (const x of removals.get(c.name) ?? []) {
      ctx.log(`Removing ${x} in favour of ${c.name} (Conflicts + Replaces) ...`);
      if (isPresent(ctx.db.status(x).state)) await removeOne(ctx, x, true);
    }
  }
  if (opts.configure !== false) {
    for (const c of ordered) await configureOne(ctx, c.name);
    await processTriggers(ctx);
  }
  return ordered;
}

export async function unpackOne(ctx: Ctx, c: DebCandidate): Promise<void> {
  const { db, root } = ctx;
  const old = db.get(c.name);
  const oldSt = parseStatus(old?.get('Status'));
  const upgrading = !!old && isPresent(oldSt.state) && oldSt.state !== 'half-installed';
  const oldVersion = old?.get('Version') ?? '';
  const configuredVersion = old ? (isConfigured(oldSt.state) ? oldVersion : old.get('Config-Version') ?? '') : '';
  const oldConffiles = parseConffilesField(old?.get('Conffiles'));
  const oldFiles = old ? db.files(c.name) : [];
  // dpkg's order: "Preparing to unpack", the preinst, then "Unpacking".
  ctx.log(`${upgrading ? '' : `Selecting previously unselected package ${c.name}.\n`}Preparing to unpack ${summarizeFilename(c.path)} ...`);

  const staged = stageControl(ctx, c.files);
  const info = (n: string) => db.infoPath(c.name, n);
  // The old prerm; if it fails, dpkg tries the new one with failed-upgrade.
  if (upgrading) await runFallback(ctx, c.name, 'prerm', info('prerm'), join(staged, 'prerm'), ['upgrade', c.version], ['failed-upgrade', oldVersion, c.version], c.version);

  // Record half-installed (before preinst for a fresh install, as dpkg does) so a kill -9 leaves a described state.
  const entry = c.control.clone();
  entry.set('Status', 'install reinstreq half-installed');
  if (oldConffiles.length) entry.set('Conffiles', formatConffilesField(oldConffiles));
  if (configuredVersion) entry.set('Config-Version', configuredVersion);
  const restoreOld = () => {
    if (old) db.put(old);
    // dpkg keeps the selection: "install ok not-installed" with the architecture.
    else db.put(new Paragraph([['Package', c.name], ['Status', 'install ok not-installed'], ['Architecture', c.control.get('Architecture')!]]));
    db.commit();
  };
  if (!upgrading) {
    db.put(entry.clone());
    db.commit();
  }
  try {
    const preArgs = upgrading ? ['upgrade', oldVersion, c.version] : configuredVersion ? ['install', configuredVersion, c.version] : ['install'];
    await runScript(ctx, c.name, 'preinst', join(staged, 'preinst'), preArgs, c.version);
  } catch (e) {
    // dpkg's unwinding: let the new postrm undo what preinst did, then the old postinst what prerm did.
    const abortArgs = upgrading ? ['abort-upgrade', oldVersion, c.version] : configuredVersion ? ['abort-install', configuredVersion, c.version] : ['abort-install'];
    const undone = await runScript(ctx, c.name, 'postrm', join(staged, 'postrm'), abortArgs, c.version).then(() => true, (e2: unknown) => (reportCleanup(ctx, e2), false));
    if (upgrading) await runScript(ctx, c.name, 'postinst', info('postinst'), ['abort-upgrade', c.version], c.version).catch((e2: unknown) => reportCleanup(ctx, e2));
    // A failed abort-install leaves dpkg's "install reinstreq half-installed".
    if (undone || upgrading) restoreOld();
    rmSync(join(db.admindir, 'tmp.ci'), { recursive: true, force: true });
    throw e;
  }
  db.put(entry);
  db.commit();
  ctx.log(`Unpacking ${c.name} (${c.version})${upgrading ? ` over (${oldVersion})` : ''} ...`);

  const conffiles = parseConffileList(c.files.get('conffiles')?.data.toString('utf8'));
  let result;
  try {
    result = await unpackData({
      root, db, layout: c.layout, pkg: c.name, version: c.version, replaces: c.control.get('Replaces'),
      conffiles, diversions: readDiversions(db.admindir), oldFiles, onProgress: ctx.onBytes,
    });
  } catch (e) {
    // Nothing of the new version was renamed into place: the old state is intact, so restore it.
    restoreOld();
    if (upgrading) await runScript(ctx, c.name, 'postinst', info('postinst'), ['abort-upgrade', c.version], c.version).catch(() => undefined);
    rmSync(join(db.admindir, 'tmp.ci'), { recursive: true, force: true });
    throw e;
  }

  // The old postrm runs before its info/ files are replaced (new postrm failed-upgrade if it fails).
  if (upgrading) await runFallback(ctx, c.name, 'postrm', info('postrm'), join(staged, 'postrm'), ['upgrade', c.version], ['failed-upgrade', oldVersion, c.version], c.version);

  // info/: drop the old version's files, install the new control members.
  for (const f of db.infoFiles(c.name)) if (!f.endsWith('.list')) rmSync(f, { force: true });
  for (const [name, f] of c.files) {
    if (name === 'control') continue;
    const dest = info(name);
    writeFileSync(dest, f.data);
    chmodSync(dest, f.mode & 0o777);
    if (f.mtime) utimesSync(dest, f.mtime, f.mtime);
  }
  if (!c.files.has('md5sums') && result.fileHashes.length) {
    writeFileSync(info('md5sums'), result.fileHashes.map(([p, h]) => `${h}  ${p.slice(1)}\n`).join(''));
  }
  writeFileSync(info('list'), result.files.join('\n') + '\n');
  // Without root we cannot chown: remember the intended owners for the emulator's view.
  const ownersFile = join(root, 'var/lib/rustos-pkg/owners', c.name);
  if (!isRoot && result.owners.length) {
    mkdirSync(join(root, 'var/lib/rustos-pkg/owners'), { recursive: true });
    writeFileSync(ownersFile, result.owners.join('\n') + '\n');
  } else rmSync(ownersFile, { force: true });
  const newSet = new Set(result.files);
  removeObsolete(root, db, c.name, oldFiles, newSet, new Set(oldConffiles.map((x) => x.path)));
  // Files taken over through Replaces leave the previous owner's list.
  const byOwner = new Map<string, Set<string>>();
  for (const [p, o] of result.takenOver) (byOwner.get(o) ?? byOwner.set(o, new Set()).get(o)!).add(p);
  for (const [o, paths] of byOwner) {
    writeFileSync(db.infoPath(o, 'list'), db.files(o).filter((f) => !paths.has(f)).map((f) => f + '\n').join(''));
  }

  const triggers = parseTriggersFile(c.files.get('triggers')?.data.toString('utf8') ?? '');
  recordInterests(db, c.name, triggers);
  activateForFiles(db, result.files, c.name);

  const cf: ConffileEntry[] = [...conffiles].map((path) => {
    const prev = oldConffiles.find((o) => o.path === path);
    return { path, hash: prev ? prev.hash : 'newconffile', flags: [] };
  });
  // Conffiles the new version dropped stay on disk, flagged obsolete, as dpkg does.
  for (const o of oldConffiles) if (!conffiles.has(o.path)) cf.push({ path: o.path, hash: o.hash, flags: ['obsolete'] });
  const done = db.get(c.name)!;
  if (cf.length) done.set('Conffiles', formatConffilesField(cf));
  else done.delete('Conffiles');
  db.put(done);
  db.setStatus(c.name, { want: 'install', flag: 'ok', state: 'unpacked' });
  db.commit();
  rmSync(join(db.admindir, 'tmp.ci'), { recursive: true, force: true });
}

/** dpkg's summarize_filename: drop leading directories while longer than 30 characters, as ".../rest". */
export function summarizeFilename(f: string): string {
  let p = f;
  while (p.length > 30 && p.includes('/')) p = p.slice(p.indexOf('/') + 1);
  return p === f ? f : `.../${p}`;
}

/** dpkg's maintscript_fallback: the old script, and if it fails the new one with failed-upgrade. */
async function runFallback(ctx: Ctx, pkg: string, script: 'prerm' | 'postrm', oldPath: string, newPath: string, args: string[], fallbackArgs: string[], version: string): Promise<void> {
  try {
    await runScript(ctx, pkg, script, oldPath, args, version);
  } catch (e) {
    if (!existsSync(newPath)) throw e;
    ctx.warn?.(`${e instanceof Error ? e.message : String(e)}\ntrying script from the new package instead ...`);
    await runScript(ctx, pkg, script, newPath, fallbackArgs, version);
  }
}

/** A failure while unwinding is reported (dpkg's "error while cleaning up") but does not replace the first error. */
function reportCleanup(ctx: Ctx, e: unknown): void {
  ctx.warn?.(`error while cleaning up:\n ${e instanceof Error ? e.message : String(e)}`);
}

export function parseConffileList(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const raw of (text ?? '').split('\n')) {
    const l = raw.trim();
    if (!l || l.startsWith('remove-on-upgrade ')) continue;
    out.add(l);
  }
  return out;
}

export async function configureOne(ctx: Ctx, name: string): Promise<void> {
  const { db } = ctx;
  const p = db.get(name);
  if (!p) throw new PkgError(`package ${name} is not installed and no information is available`, EXIT_ERROR);
  const st = parseStatus(p.get('Status'));
  if (st.state === 'installed') return;
  if (st.state === 'half-installed' || st.flag === 'reinstreq') {
    throw new PkgError(`package ${name} is in a very bad inconsistent state; you should reinstall it before attempting configuration`, EXIT_ERROR);
  }
  if (st.state !== 'unpacked' && st.state !== 'half-configured') {
    throw new PkgError(`package ${name} is not ready for configuration (current status '${st.state}')`, EXIT_ERROR);
  }
  if (!ctx.forceDepends) {
    const world = new World(db, ctx.host, []);
    const lines: string[] = [];
    for (const { field, group } of depGroups(p)) {
      if (group.some((r) => world.satisfiers(r).some((w) => w.configured))) continue;
      lines.push(` ${name} ${field === 'Pre-Depends' ? 'pre-depends on' : 'depends on'} ${formatGroup(group)}; however:`);
      for (const r of group) {
        const w = world.get(r.name);
        lines.push(w && !w.configured ? `  Package ${r.name} is not configured yet.` : world.why(r));
      }
    }
    if (lines.length) throw new PkgError(`dependency problems prevent configuration of ${name}:\n${lines.join('\n')}\nerror processing package ${name} (--configure): dependency problems - leaving unconfigured`, EXIT_ERROR);
  }
  ctx.log(`Setting up ${name} (${p.get('Version')}) ...`);
  const configVersion = p.get('Config-Version') ?? '';
  db.setStatus(name, { state: 'half-configured' });
  db.commit();
  const cf = parseConffilesField(p.get('Conffiles'));
  const out: ConffileEntry[] = [];
  for (const c of cf) {
    if (c.flags.includes('obsolete')) {
      out.push(c);
      continue;
    }
    const r = processConffile(ctx.root, c.path, c.hash, ctx.policy);
    if (r?.action === 'keep-with-dist') ctx.log(`Configuration file '${c.path}' modified by you; keeping it, new version installed as ${c.path}.dpkg-dist`);
    if (r?.action === 'replace-with-old') ctx.log(`Installing new version of config file ${c.path}; your version kept as ${c.path}.dpkg-old`);
    out.push({ path: c.path, hash: r ? r.hash : c.hash, flags: [] });
  }
  const q = db.get(name)!;
  if (out.length) q.set('Conffiles', formatConffilesField(out));
  q.delete('Config-Version');
  db.put(q);
  db.commit();
  await runScript(ctx, name, 'postinst', db.infoPath(name, 'postinst'), ['configure', configVersion], p.get('Version') ?? '');
  const triggers = parseTriggersFile(db.readInfo(name, 'triggers') ?? '');
  for (const t of triggers.filter((x) => x.kind.startsWith('activate'))) activate(db, t.name, name);
  db.setStatus(name, { state: 'installed' });
  db.commit();
}

/** Run `postinst triggered` for packages with pending triggers. */
export async function processTriggers(ctx: Ctx): Promise<void> {
  for (const p of ctx.db.all()) {
    const pend = p.get('Triggers-Pending');
    if (!pend) continue;
    const name = p.get('Package')!;
    ctx.log(`Processing triggers for ${name} (${p.get('Version')}) ...`);
    await runScript(ctx, name, 'postinst', ctx.db.infoPath(name, 'postinst'), ['triggered', pend.trim().split(/\s+/).join(' ')], p.get('Version') ?? '');
    const q = ctx.db.get(name)!;
    q.delete('Triggers-Pending');
    ctx.db.put(q);
    ctx.db.setStatus(name, { state: 'installed' });
    ctx.db.commit();
  }
}

/** configure --pending / -a: every unpacked or half-configured package, in dependency order. */
export async function configurePending(ctx: Ctx): Promise<string[]> {
  const pending = ctx.db.all().filter((p) => {
    const s = parseStatus(p.get('Status'));
    return s.state === 'unpacked' || s.state === 'half-configured';
  });
  const ordered = orderForInstall(pending.map((p) => ({ name: p.get('Package')!, version: p.get('Version')!, control: p })));
  for (const c of ordered) await configureOne(ctx, c.name);
  await processTriggers(ctx);
  return ordered.map((c) => c.name);
}
