// Removing (-r) and purging (-P) packages: prerm, delete the package's files
// except conffiles (keeping anything another package still lists), postrm,
// leave config-files state with Config-Version; purge also deletes the
// conffiles and their .dpkg-* siblings and forgets the package.

import { existsSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { isPresent, parseConffilesField, parseStatus } from './db.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import { checkRemove, failIfProblems } from './resolve.js';
import { removePaths } from './unpack.js';
import { requireRunnable } from './scripts.js';
import { runScript, type Ctx } from './context.js';
import { recordInterests } from './triggers.js';
import { resolveInRoot } from './paths.js';

export async function removePackages(ctx: Ctx, names: string[], purge: boolean): Promise<void> {
  const { db } = ctx;
  for (const n of names) {
    const p = db.get(n);
    if (!p) throw new PkgError(`package ${n} is not installed`, EXIT_ERROR);
    const scripts = ['prerm', 'postrm'].filter((s) => existsSync(db.infoPath(n, s)));
    requireRunnable(ctx.runner, n, scripts);
    if (p.get('Essential') === 'yes' && isPresent(parseStatus(p.get('Status')).state)) {
      throw new PkgError(`this is an essential package - it should not be removed: ${n}`, EXIT_ERROR);
    }
  }
  if (!ctx.forceDepends) failIfProblems(checkRemove(db, ctx.host, new Set(names)), 'Errors were encountered; nothing was changed.');
  for (const n of names) {
    if (isPresent(db.status(n).state)) await removeOne(ctx, n);
    if (purge) await purgeOne(ctx, n);
  }
}

/** Remove one package; `keepWant` for dpkg's removal in favour of a replacing package (selection stays). */
export async function removeOne(ctx: Ctx, name: string, keepWant = false): Promise<void> {
  const { db, root } = ctx;
  const p = db.get(name)!;
  const version = p.get('Version') ?? '';
  ctx.log(`Removing ${name} (${version}) ...`);
  try {
    await runScript(ctx, name, 'prerm', db.infoPath(name, 'prerm'), ['remove'], version);
  } catch (e) {
    // dpkg's unwinding: half-configured while the postinst undoes the prerm; installed again if it can.
    db.setStatus(name, keepWant ? { state: 'half-configured' } : { want: 'deinstall', state: 'half-configured' });
    db.commit();
    try {
      await runScript(ctx, name, 'postinst', db.infoPath(name, 'postinst'), ['abort-remove'], version);
      db.setStatus(name, { state: 'installed' });
      db.commit();
    } catch (e2) {
      ctx.warn?.(`error while cleaning up:\n ${e2 instanceof Error ? e2.message : String(e2)}`);
    }
    throw e;
  }
  db.setStatus(name, keepWant ? { state: 'half-installed' } : { want: 'deinstall', state: 'half-installed' });
  db.commit();
  const conffiles = parseConffilesField(p.get('Conffiles'));
  const confSet = new Set(conffiles.map((c) => c.path));
  const files = db.files(name);
  const owners = db.fileOwners();
  removePaths(root, files.filter((f) => !confSet.has(f)), (f) => (owners.get(f) ?? []).some((o) => o !== name));
  await runScript(ctx, name, 'postrm', db.infoPath(name, 'postrm'), ['remove'], version);
  // dpkg keeps the list (what is still on disk and not shared) and postrm for a later purge.
  const left = files.filter((f) => existsOnDisk(root, f) && !(owners.get(f) ?? []).some((o) => o !== name));
  for (const f of db.infoFiles(name)) if (!f.endsWith('.postrm') && !f.endsWith('.list')) rmSync(f, { force: true });
  recordInterests(db, name, []);
  if (conffiles.length) {
    writeFileSync(db.infoPath(name, 'list'), left.map((f) => f + '\n').join(''));
    const q = db.get(name)!;
    q.set('Config-Version', version);
    db.put(q);
    db.setStatus(name, { flag: 'ok', state: 'config-files' });
  } else {
    for (const f of db.infoFiles(name)) rmSync(f, { force: true });
    db.setStatus(name, { flag: 'ok', state: 'not-installed' });
  }
  db.commit();
}

async function purgeOne(ctx: Ctx, name: string): Promise<void> {
  const { db, root } = ctx;
  const p = db.get(name);
  if (!p) return;
  if (parseStatus(p.get('Status')).state !== 'config-files') {
    db.setStatus(name, { want: 'purge' });
    db.commit();
    return;
  }
  ctx.log(`Purging configuration files for ${name} (${p.get('Version')}) ...`);
  const conffiles = parseConffilesField(p.get('Conffiles')).map((c) => c.path);
  const extra = conffiles.flatMap((c) => ['.dpkg-old', '.dpkg-dist', '.dpkg-new', '.dpkg-bak', '.dpkg-tmp', '.ucf-old', '.ucf-dist'].map((s) => c + s));
  const owners = db.fileOwners();
  removePaths(root, [...conffiles, ...extra, ...db.files(name)], (f) => (owners.get(f) ?? []).some((o) => o !== name));
  await runScript(ctx, name, 'postrm', db.infoPath(name, 'postrm'), ['purge'], p.get('Version') ?? '');
  for (const f of db.infoFiles(name)) rmSync(f, { force: true });
  db.setStatus(name, { want: 'purge', flag: 'ok', state: 'not-installed' });
  db.drop(name);
  db.commit();
}

function existsOnDisk(root: string, f: string): boolean {
  try {
    lstatSync(resolveInRoot(root, f));
    return true;
  } catch {
    return false;
  }
}
