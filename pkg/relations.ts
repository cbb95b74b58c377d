// Relationship fields (Depends, Pre-Depends, Recommends, Suggests, Conflicts,
// Breaks, Provides, Replaces, Enhances): parsing of alternatives, version
// constraints, architecture qualifiers (:any, :native, :arch) and the
// source-only [arch] / <profile> restrictions, plus formatting for messages.

import { PkgError } from './errors.js';
import { parseVersion, versionSatisfies, VersionError, type VersionOp } from './version.js';

export interface Relation {
  name: string;
  /** Architecture qualifier after ':' (any, native, or an arch name). */
  archQual?: string;
  op?: VersionOp;
  version?: string;
  /** Build-relation architecture restriction list, kept for round-tripping. */
  archList?: string[];
}

/** One comma-separated item: a list of alternatives joined by '|'. */
export type RelationGroup = Relation[];

export const RELATION_FIELDS = [
  'Pre-Depends', 'Depends', 'Recommends', 'Suggests', 'Enhances',
  'Breaks', 'Conflicts', 'Provides', 'Replaces',
] as const;

const OPS: Record<string, VersionOp> = {
  '<<': '<<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>>',
  '<': '<=', '>': '>=', // obsolete spellings that dpkg still accepts
};

const NAME_RE = /^[a-z0-9][a-z0-9+.-]*$/;

export function parseRelationField(text: string | undefined, field = 'Depends'): RelationGroup[] {
  if (text === undefined) return [];
  const flat = text.replace(/\n/g, ' ').trim();
  if (flat === '') return [];
  const groups: RelationGroup[] = [];
  for (const item of flat.split(',')) {
    const it = item.trim();
    if (it === '') throw new PkgError(`${field}: empty relation in '${flat}'`);
    groups.push(it.split('|').map((alt) => parseOne(alt.trim(), field, flat)));
  }
  if (field === 'Provides' || field === 'Replaces' || field === 'Conflicts' || field === 'Breaks') {
    for (const g of groups) {
      if (g.length > 1) throw new PkgError(`${field}: alternatives ('|') are not allowed in '${flat}'`);
    }
  }
  return groups;
}

function parseOne(s: string, field: string, whole: string): Relation {
  const m = /^([^\s:(\[<]+)(?::([a-z0-9-]+))?\s*(?:\(\s*([<>=]{1,2})\s*([^)\s]+)\s*\))?\s*(?:\[([^\]]*)\])?\s*(?:<[^>]*>\s*)*$/.exec(s);
  if (!m) throw new PkgError(`${field}: cannot parse relation '${s}' in '${whole}'`);
  const [, name, archQual, opText, version, archs] = m;
  if (!NAME_RE.test(name)) throw new PkgError(`${field}: invalid package name '${name}' in '${whole}'`);
  const rel: Relation = { name };
  if (archQual) rel.archQual = archQual;
  if (opText) {
    const op = OPS[opText];
    if (!op) throw new PkgError(`${field}: invalid version operator '${opText}' in '${whole}'`);
    try {
      parseVersion(version);
    } catch (e) {
      throw new PkgError(`${field}: ${(e as VersionError).message} in '${whole}'`);
    }
    rel.op = op;
    rel.version = version;
  }
  if (archs !== undefined) rel.archList = archs.trim().split(/\s+/);
  return rel;
}

export function formatRelation(r: Relation): string {
  let s = r.name + (r.archQual ? `:${r.archQual}` : '');
  if (r.op) s += ` (${r.op} ${r.version})`;
  return s;
}

export function formatGroup(g: RelationGroup): string {
  return g.map(formatRelation).join(' | ');
}

/** Does a concrete package (name, version, architecture) satisfy relation `r`? */
export function relationMatches(r: Relation, name: string, version: string): boolean {
  if (r.name !== name) return false;
  if (!r.op) return true;
  return versionSatisfies(version, r.op, r.version!);
}

/** Does a Provides entry satisfy `r`? Versioned provides match versioned relations. */
export function provideMatches(r: Relation, prov: Relation): boolean {
  if (r.name !== prov.name) return false;
  if (!r.op) return true;
  if (prov.op !== '=') return false; // an unversioned provide never satisfies a versioned relation
  return versionSatisfies(prov.version!, r.op, r.version!);
}
