// Dependency checking and ordering for a set of packages being installed or
// removed, against the database (and, for the default overlay root, the
// host's own dpkg status). Messages follow dpkg's wording so users see the
// exact unmet relation.

import type { Paragraph } from './control.js';
import { isConfigured, isPresent, parseStatus, type Database } from './db.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import { formatGroup, formatRelation, parseRelationField, provideMatches, relationMatches, type Relation, type RelationGroup } from './relations.js';

export interface Candidate {
  name: string;
  version: string;
  control: Paragraph;
}

interface WorldPkg {
  name: string;
  version: string;
  configured: boolean;
  provides: Relation[];
  from: 'db' | 'host' | 'new';
}

export class World {
  private readonly byName = new Map<string, WorldPkg>();
  private readonly providers = new Map<string, WorldPkg[]>();

  constructor(db: Database, host: Database | null, news: Candidate[], removing: Set<string> = new Set()) {
    const add = (p: Paragraph, from: WorldPkg['from']) => {
      const name = p.get('Package')!;
      const st = parseStatus(p.get('Status'));
      if (from !== 'new' && !isPresent(st.state)) return;
      if (removing.has(name)) return;
      const w: WorldPkg = {
        name,
        version: p.get('Version') ?? '',
        configured: from === 'new' ? false : isConfigured(st.state),
        provides: parseRelationField(p.get('Provides'), 'Provides').map((g) => g[0]),
        from,
      };
      this.byName.set(name, w);
    };
    if (host) for (const p of host.all()) add(p, 'host');
    for (const p of db.all()) add(p, 'db');
    for (const c of news) add(c.control, 'new');
    for (const w of this.byName.values()) {
      for (const pr of w.provides) {
        const l = this.providers.get(pr.name) ?? [];
        l.push(w);
        this.providers.set(pr.name, l);
      }
    }
  }

  get(name: string): WorldPkg | undefined {
    return this.byName.get(name);
  }
  /** Packages satisfying a relation (real or through Provides). */
  satisfiers(r: Relation): WorldPkg[] {
    const out: WorldPkg[] = [];
    const real = this.byName.get(r.name);
    if (real && relationMatches(r, real.name, real.version)) out.push(real);
    for (const w of this.providers.get(r.name) ?? []) {
      if (w.provides.some((pr) => provideMatches(r, pr)) && !out.includes(w)) out.push(w);
    }
    return out;
  }
  /** Explain why a single relation is unsatisfied, the way dpkg does. */
  why(r: Relation): string {
    const real = this.byName.get(r.name);
    if (!real) {
      const prov = this.providers.get(r.name);
      if (prov?.length) return `  Package ${r.name} is a virtual package provided by ${prov.map((p) => p.name).join(', ')}, which do not satisfy the version constraint.`;
      return `  Package ${r.name} is not installed.`;
    }
    return `  Version of ${r.name} on system is ${real.version}.`;
  }
}

export function depGroups(p: Paragraph): { field: string; group: RelationGroup }[] {
  const out: { field: string; group: RelationGroup }[] = [];
  for (const field of ['Pre-Depends', 'Depends']) {
    for (const group of parseRelationField(p.get(field), field)) out.push({ field, group });
  }
  return out;
}

/**
 * Check an install set. Returns dpkg-style problem descriptions (empty = ok).
 * Dependencies may be satisfied by packages in the set (they are configured in order).
 */
export function checkInstall(db: Database, host: Database | null, news: Candidate[]): string[] {
  const world = new World(db, host, news);
  const problems: string[] = [];
  const newNames = new Set(news.map((c) => c.name));
  for (const c of news) {
    const lines: string[] = [];
    for (const { field, group } of depGroups(c.control)) {
      // Pre-Depends need a configured package (or one configured earlier in this run).
      const ok = (r: Relation) => world.satisfiers(r).some((w) => field !== 'Pre-Depends' || w.configured || w.from === 'new');
      if (group.some(ok)) continue;
      const verb = field === 'Pre-Depends' ? 'pre-depends on' : 'depends on';
      lines.push(` ${c.name} ${verb} ${formatGroup(group)}; however:`);
      for (const r of group) {
        const w = world.get(r.name);
        lines.push(w && !w.configured && world.satisfiers(r).length ? `  Package ${r.name} is not configured yet.` : world.why(r));
      }
    }
    if (lines.length) problems.push(`dependency problems prevent configuration of ${c.name}:\n${lines.join('\n')}`);
    const replacing = conflictRemovals(db, [c]).get(c.name) ?? [];
    for (const field of ['Conflicts', 'Breaks'] as const) {
      for (const [r] of parseRelationField(c.control.get(field), field)) {
        for (const w of world.satisfiers(r)) {
          if (w.name === c.name || replacing.includes(w.name)) continue;
          problems.push(`${c.name} ${field === 'Conflicts' ? 'conflicts with' : 'breaks'} ${formatRelation(r)}\n  ${w.name} (version ${w.version}) is ${w.from === 'new' ? 'to be installed' : 'present and installed'}.`);
        }
      }
    }
  }
  // Installed packages that conflict with or break what we install (unless they are replaced away).
  const goners = new Set([...conflictRemovals(db, news).values()].flat());
  for (const p of [...db.all(), ...(host?.all() ?? [])]) {
    const name = p.get('Package')!;
    if (newNames.has(name) || goners.has(name) || !isPresent(parseStatus(p.get('Status')).state)) continue;
    for (const field of ['Conflicts', 'Breaks'] as const) {
      for (const [r] of parseRelationField(p.get(field), field)) {
        for (const c of news) {
          if (relationMatches(r, c.name, c.version) || parseRelationField(c.control.get('Provides'), 'Provides').some(([pr]) => provideMatches(r, pr))) {
            problems.push(`${name} ${field === 'Conflicts' ? 'conflicts with' : 'breaks'} ${formatRelation(r)}\n  ${c.name} (version ${c.version}) is to be installed.`);
          }
        }
      }
    }
  }
  if (goners.size) problems.push(...checkRemove(db, host, goners, news));
  return problems;
}

/**
 * dpkg removes an installed package that a new one both Conflicts with and
 * Replaces (a rename or a split). Returns candidate -> packages to remove.
 */
export function conflictRemovals(db: Database, news: Candidate[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const newNames = new Set(news.map((c) => c.name));
  for (const c of news) {
    const replaces = parseRelationField(c.control.get('Replaces'), 'Replaces').map((g) => g[0]);
    for (const [r] of parseRelationField(c.control.get('Conflicts'), 'Conflicts')) {
      const x = db.get(r.name);
      if (!x || newNames.has(r.name) || !isPresent(parseStatus(x.get('Status')).state)) continue;
      const v = x.get('Version') ?? '';
      if (x.get('Essential') === 'yes' || !relationMatches(r, r.name, v)) continue;
      if (!replaces.some((rp) => relationMatches(rp, r.name, v))) continue;
      out.set(c.name, [...(out.get(c.name) ?? []), r.name]);
    }
  }
  return out;
}

/** Check removing `names`: nothing that stays installed may lose a dependency
 *  (packages being installed at the same time count, e.g. a renamed package). */
export function checkRemove(db: Database, host: Database | null, names: Set<string>, news: Candidate[] = []): string[] {
  const before = new World(db, host, []);
  const after = new World(db, host, news, names);
  const problems: string[] = [];
  for (const p of db.all()) {
    const name = p.get('Package')!;
    if (names.has(name) || !isPresent(parseStatus(p.get('Status')).state)) continue;
    for (const { group } of depGroups(p)) {
      const was = group.flatMap((r) => before.satisfiers(r));
      if (was.length === 0 || group.some((r) => after.satisfiers(r).length > 0)) continue;
      const victim = was.find((w) => names.has(w.name))?.name ?? group[0].name;
      problems.push(`dependency problems prevent removal of ${victim}:\n ${name} depends on ${formatGroup(group)}.`);
    }
  }
  return problems;
}

/** Order candidates so that (pre-)dependencies come first; cycles are broken by input order. */
export function orderForInstall<T extends Candidate>(news: T[]): T[] {
  const byName = new Map(news.map((c) => [c.name, c]));
  const provided = new Map<string, string>();
  for (const c of news) for (const [pr] of parseRelationField(c.control.get('Provides'), 'Provides')) provided.set(pr.name, c.name);
  const out: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: T) => {
    if (state.get(c.name)) return; // done, or a cycle: leave it where it is
    state.set(c.name, 'visiting');
    for (const { group } of depGroups(c.control)) {
      for (const r of group) {
        const dep = byName.get(r.name) ?? byName.get(provided.get(r.name) ?? '');
        if (dep && dep !== c) visit(dep);
      }
    }
    state.set(c.name, 'done');
    out.push(c);
  };
  for (const c of news) visit(c);
  return out;
}

export function failIfProblems(problems: string[], what: string): void {
  if (problems.length === 0) return;
  throw new PkgError(`${problems.join('\n')}\n${what}`, EXIT_ERROR);
}
