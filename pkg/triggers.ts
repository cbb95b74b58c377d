// Triggers, as far as interest files and dpkg-trigger need: a package's
// control 'triggers' file declares interests (recorded in <admindir>/triggers/
// as dpkg does: File for path interests, one file per named trigger) and
// activations. Activating a trigger marks the interested installed packages
// with Triggers-Pending in status; processing runs `postinst triggered`.

import { existsSync, readFileSync, readdirSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './db.js';
import { isConfigured, parseStatus } from './db.js';

export interface TriggerDecl {
  kind: 'interest' | 'interest-await' | 'interest-noawait' | 'activate' | 'activate-await' | 'activate-noawait';
  name: string;
}

export function parseTriggersFile(text: string): TriggerDecl[] {
  const out: TriggerDecl[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [kind, name] = line.split(/\s+/);
    if (name && /^(interest|activate)(-await|-noawait)?$/.test(kind)) out.push({ kind: kind as TriggerDecl['kind'], name });
  }
  return out;
}

function trigDir(db: Database): string {
  const d = join(db.admindir, 'triggers');
  mkdirSync(d, { recursive: true });
  if (!existsSync(join(d, 'Unincorp'))) writeFileSync(join(d, 'Unincorp'), '');
  return d;
}

/** Replace `pkg`'s interests in the triggers/ interest files. */
export function recordInterests(db: Database, pkg: string, decls: TriggerDecl[]): void {
  const dir = trigDir(db);
  // Drop the old ones first (upgrade / removal).
  for (const f of readdirSync(dir)) {
    if (f === 'Unincorp' || f === 'Lock') continue;
    const p = join(dir, f);
    const lines = readFileSync(p, 'utf8').split('\n').filter((l) => l && !isPkgLine(l, pkg, f === 'File'));
    if (lines.length) writeFileSync(p, lines.join('\n') + '\n');
    else rmSync(p);
  }
  for (const d of decls.filter((x) => x.kind.startsWith('interest'))) {
    const suffix = d.kind === 'interest-noawait' ? '/noawait' : '';
    const file = d.name.startsWith('/') ? join(dir, 'File') : join(dir, d.name);
    const line = d.name.startsWith('/') ? `${d.name} ${pkg}${suffix}` : `${pkg}${suffix}`;
    const cur = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (!cur.split('\n').includes(line)) writeFileSync(file, cur + line + '\n');
  }
}

function isPkgLine(l: string, pkg: string, fileInterest: boolean): boolean {
  const who = fileInterest ? l.split(' ')[1] : l;
  return who === pkg || who === `${pkg}/noawait`;
}

/** Packages interested in a named trigger or in a path (file triggers). */
export function interested(db: Database, trigger: string): string[] {
  const dir = join(db.admindir, 'triggers');
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  if (trigger.startsWith('/')) {
    const f = join(dir, 'File');
    if (!existsSync(f)) return [];
    for (const l of readFileSync(f, 'utf8').split('\n')) {
      const [path, who] = l.split(' ');
      if (who && (trigger === path || trigger.startsWith(path.endsWith('/') ? path : path + '/'))) out.push(who.replace(/\/noawait$/, ''));
    }
  } else {
    const f = join(dir, trigger);
    if (!/^[!-~]+$/.test(trigger) || !existsSync(f)) return [];
    for (const l of readFileSync(f, 'utf8').split('\n')) if (l) out.push(l.replace(/\/noawait$/, ''));
  }
  return out;
}

/** Activate a trigger: interested, configured packages get it in Triggers-Pending. */
export function activate(db: Database, trigger: string, by: string | null): string[] {
  const hit: string[] = [];
  for (const pkg of interested(db, trigger)) {
    if (pkg === by) continue;
    const p = db.get(pkg);
    if (!p) continue;
    const st = parseStatus(p.get('Status'));
    if (!isConfigured(st.state)) continue; // it will run its postinst anyway when configured
    const pend = new Set((p.get('Triggers-Pending') ?? '').split(/\s+/).filter(Boolean));
    // A file trigger is recorded under the interest path, not the file.
    pend.add(trigger);
    p.set('Triggers-Pending', [...pend].join(' '));
    db.put(p);
    db.setStatus(pkg, { state: 'triggers-pending' });
    hit.push(pkg);
  }
  return hit;
}

/** Activate file triggers for a set of paths (deduplicated by interest path). */
export function activateForFiles(db: Database, files: string[], by: string): string[] {
  const dir = join(db.admindir, 'triggers');
  const f = join(dir, 'File');
  if (!existsSync(f)) return [];
  const hits = new Set<string>();
  const interests = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
  for (const path of new Set(interests)) {
    if (files.some((x) => x === path || x.startsWith(path + '/'))) for (const p of activate(db, path, by)) hits.add(p);
  }
  return [...hits];
}
