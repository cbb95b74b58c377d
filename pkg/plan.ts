// apt-like selection from repositories: the candidate of a package is its
// highest available version; dependencies already satisfied by installed
// packages (or the host's, for the default root) are left alone; for an
// alternative "a | b" the first one already satisfied wins, else the first
// installable one; a virtual package with a single provider resolves to it.
// Recommends are followed by default (as apt does) when installable.

import { isPresent, parseStatus, type Database } from './db.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import { formatGroup, parseRelationField, provideMatches, relationMatches, type Relation } from './relations.js';
import { compareVersions } from './version.js';
import type { RepoPackage } from './repo.js';
import { World } from './resolve.js';

export interface Plan {
  install: RepoPackage[];
  /** Requested packages already at their newest version. */
  current: string[];
}

export class Planner {
  private readonly byName = new Map<string, RepoPackage[]>();
  private readonly providers = new Map<string, RepoPackage[]>();
  private readonly world: World;
  private readonly chosen = new Map<string, RepoPackage>();

  constructor(private readonly db: Database, host: Database | null, avail: RepoPackage[], private readonly recommends = true) {
    for (const r of avail) {
      (this.byName.get(r.name) ?? this.byName.set(r.name, []).get(r.name)!).push(r);
      for (const [pr] of parseRelationField(r.p.get('Provides'), 'Provides')) {
        (this.providers.get(pr.name) ?? this.providers.set(pr.name, []).get(pr.name)!).push(r);
      }
    }
    for (const l of this.byName.values()) l.sort((a, b) => compareVersions(b.version, a.version));
    this.world = new World(db, host, []);
  }

  candidate(name: string): RepoPackage | undefined {
    return this.byName.get(name)?.[0];
  }

  private installedVersion(name: string): string | null {
    const p = this.db.get(name);
    if (!p || !isPresent(parseStatus(p.get('Status')).state)) return null;
    return p.get('Version') ?? null;
  }

  private satisfiedNow(r: Relation): boolean {
    if (this.world.satisfiers(r).length) return true;
    for (const c of this.chosen.values()) {
      if (relationMatches(r, c.name, c.version)) return true;
      if (parseRelationField(c.p.get('Provides'), 'Provides').some(([pr]) => provideMatches(r, pr))) return true;
    }
    return false;
  }

  /** An installable repository package for a relation (real first, then a provider). */
  private pick(r: Relation): RepoPackage | undefined {
    const real = (this.byName.get(r.name) ?? []).find((c) => relationMatches(r, c.name, c.version));
    if (real) return real;
    const provs = (this.providers.get(r.name) ?? []).filter((c) =>
      parseRelationField(c.p.get('Provides'), 'Provides').some(([pr]) => provideMatches(r, pr)));
    return provs.sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  }

  private add(c: RepoPackage, path: string[]): void {
    if (this.chosen.has(c.name)) return;
    this.chosen.set(c.name, c);
    const fields = ['Pre-Depends', 'Depends', ...(this.recommends ? ['Recommends'] : [])];
    for (const field of fields) {
      for (const group of parseRelationField(c.p.get(field), field)) {
        if (group.some((r) => this.satisfiedNow(r))) continue;
        let target: RepoPackage | undefined;
        for (const r of group) if ((target = this.pick(r))) break;
        if (!target) {
          if (field === 'Recommends') continue;
          throw new PkgError(`unmet dependencies: ${[...path, c.name].join(' -> ')}: ${field}: ${formatGroup(group)} but it is not installable`, EXIT_ERROR);
        }
        this.add(target, [...path, c.name]);
      }
    }
  }

  /** Plan installing `names` (and upgrading those already installed). */
  plan(names: string[]): Plan {
    const current: string[] = [];
    for (const n of names) {
      let c = this.candidate(n);
      if (!c) {
        const provs = [...new Set((this.providers.get(n) ?? []).map((p) => p.name))];
        if (provs.length === 1) c = this.candidate(provs[0]);
        else if (provs.length > 1) throw new PkgError(`package ${n} is a virtual package provided by: ${provs.join(' ')}; you should explicitly select one to install`, EXIT_ERROR);
        else throw new PkgError(`unable to locate package ${n}`, EXIT_ERROR);
      }
      const inst = this.installedVersion(c!.name);
      if (inst !== null && compareVersions(inst, c!.version) >= 0) {
        current.push(c!.name);
        continue;
      }
      this.add(c!, []);
    }
    return { install: [...this.chosen.values()], current };
  }

  /** Every installed package with a newer candidate. */
  upgradable(): string[] {
    return this.db.all().filter((p) => {
      const v = this.installedVersion(p.get('Package')!);
      const c = this.candidate(p.get('Package')!);
      return v !== null && c && compareVersions(c.version, v) > 0;
    }).map((p) => p.get('Package')!);
  }
}
