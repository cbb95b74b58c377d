// dpkg-divert's database (<admindir>/diversions: triples of lines "from",
// "to", "package" where ":" means a local diversion). The unpacker consults it
// so a diverted file of another package lands at its divert-to name.

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from './db.js';
import { PkgError } from './errors.js';
import { resolveInRoot } from './paths.js';

export interface Diversion {
  from: string;
  to: string;
  /** Package that made the diversion, or ':' for a local one. */
  by: string;
}

export function readDiversions(admindir: string): Diversion[] {
  const f = join(admindir, 'diversions');
  if (!existsSync(f)) return [];
  const lines = readFileSync(f, 'utf8').split('\n');
  const out: Diversion[] = [];
  for (let i = 0; i + 2 < lines.length; i += 3) out.push({ from: lines[i], to: lines[i + 1], by: lines[i + 2] });
  return out;
}

export function writeDiversions(admindir: string, ds: Diversion[]): void {
  atomicWrite(join(admindir, 'diversions'), ds.map((d) => `${d.from}\n${d.to}\n${d.by}\n`).join(''));
}

/** Where does package `pkg`'s file `path` go, given the diversions? */
export function divertedPath(ds: Diversion[], path: string, pkg: string): string {
  const d = ds.find((x) => x.from === path);
  if (!d || d.by === pkg) return path;
  return d.to;
}

/** dpkg-divert --add/--remove [--rename]; `pkg` null means --local. */
export function divert(admindir: string, root: string, op: { add?: string; remove?: string; to?: string; pkg: string | null; rename: boolean }): void {
  const ds = readDiversions(admindir);
  const by = op.pkg ?? ':';
  const file = op.add ?? op.remove!;
  if (!file.startsWith('/')) throw new PkgError(`filename "${file}" is not absolute`);
  const existing = ds.find((d) => d.from === file);
  if (op.add) {
    const to = op.to ?? `${file}.distrib`;
    if (existing) {
      if (existing.to === to && existing.by === by) return;
      throw new PkgError(`'${file}' is already diverted to '${existing.to}' by ${existing.by}`);
    }
    ds.push({ from: file, to, by });
    if (op.rename) moveIfPresent(root, file, to);
  } else {
    if (!existing) return;
    ds.splice(ds.indexOf(existing), 1);
    if (op.rename) moveIfPresent(root, existing.to, file);
  }
  writeDiversions(admindir, ds);
}

function moveIfPresent(root: string, from: string, to: string): void {
  const src = resolveInRoot(root, from);
  if (existsSync(src)) renameSync(src, resolveInRoot(root, to));
}
