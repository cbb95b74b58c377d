// deb822 control-file parsing and formatting (DEBIAN/control, status,
// available, Packages, Release). Field order is kept as read; field lookups
// are case-insensitive as in dpkg. Continuation lines keep their leading
// space so formatting round-trips byte for byte.

import { PkgError } from './errors.js';

export class Paragraph {
  private readonly fields: [string, string][] = [];
  /** Lower-cased name -> position, so lookups stay O(1) on big status files. */
  private readonly pos = new Map<string, number>();

  constructor(entries: Iterable<[string, string]> = []) {
    for (const [k, v] of entries) this.set(k, v);
  }

  private index(name: string): number {
    return this.pos.get(name.toLowerCase()) ?? -1;
  }
  get(name: string): string | undefined {
    const i = this.index(name);
    return i < 0 ? undefined : this.fields[i][1];
  }
  has(name: string): boolean {
    return this.index(name) >= 0;
  }
  set(name: string, value: string): void {
    const i = this.index(name);
    if (i < 0) {
      this.pos.set(name.toLowerCase(), this.fields.length);
      this.fields.push([name, value]);
    } else this.fields[i] = [this.fields[i][0], value];
  }
  delete(name: string): void {
    const i = this.index(name);
    if (i < 0) return;
    this.fields.splice(i, 1);
    this.pos.clear();
    this.fields.forEach(([k], n) => this.pos.set(k.toLowerCase(), n));
  }
  entries(): [string, string][] {
    return this.fields.map(([k, v]) => [k, v]);
  }
  clone(): Paragraph {
    return new Paragraph(this.entries());
  }
  /** The first line of a field's value (e.g. the Description synopsis). */
  first(name: string): string {
    return (this.get(name) ?? '').split('\n')[0];
  }
  toString(): string {
    return formatParagraph(this.fields);
  }
}

/** Format one paragraph (without the blank separator line). */
export function formatParagraph(fields: Iterable<[string, string]>): string {
  let out = '';
  for (const [k, v] of fields) {
    out += v.startsWith('\n') || v === '' ? `${k}:${v}\n` : `${k}: ${v}\n`;
  }
  return out;
}

/**
 * Parse deb822 text into paragraphs. `what` names the source for error messages.
 * Comment lines ('#' in column 0) are skipped, as dpkg-deb does for control files.
 */
export function parseControl(text: string, what = 'control data'): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let cur: Paragraph | null = null;
  let lastField: string | null = null;
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].endsWith('\r') ? lines[n].slice(0, -1) : lines[n];
    if (line.trim() === '') {
      if (cur) paragraphs.push(cur);
      cur = null;
      lastField = null;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!cur || lastField === null) {
        throw new PkgError(`${what}: line ${n + 1}: continuation line without a field`);
      }
      cur.set(lastField, (cur.get(lastField) ?? '') + '\n' + line);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new PkgError(`${what}: line ${n + 1}: missing ':' after field name`);
    const name = line.slice(0, colon);
    if (!/^[!-9;-~]+$/.test(name) || name.startsWith('-')) {
      throw new PkgError(`${what}: line ${n + 1}: invalid field name '${name}'`);
    }
    if (!cur) cur = new Paragraph();
    if (cur.has(name)) throw new PkgError(`${what}: line ${n + 1}: duplicate field '${name}'`);
    cur.set(name, line.slice(colon + 1).trim());
    lastField = name;
  }
  if (cur) paragraphs.push(cur);
  return paragraphs;
}

export function parseSingle(text: string, what = 'control file'): Paragraph {
  const ps = parseControl(text, what);
  if (ps.length !== 1) throw new PkgError(`${what}: expected one paragraph, found ${ps.length}`);
  return ps[0];
}

/**
 * dpkg's known fields in the order it writes them to status/available
 * (lib/dpkg/parse.c fieldinfos[]). Unknown fields follow in their own order.
 */
export const DPKG_FIELD_ORDER = [
  'Package', 'Essential', 'Protected', 'Status', 'Priority', 'Section', 'Installed-Size',
  'Origin', 'Maintainer', 'Bugs', 'Architecture', 'Multi-Arch', 'Source', 'Version',
  'Revision', 'Config-Version', 'Replaces', 'Provides', 'Depends', 'Pre-Depends',
  'Recommends', 'Suggests', 'Breaks', 'Conflicts', 'Enhances', 'Conffiles', 'Filename',
  'Size', 'MD5sum', 'MSDOS-Filename', 'Description', 'Triggers-Pending', 'Triggers-Awaited',
];

/** Fields dpkg drops from a binary control file when recording it in status. */
const NOT_IN_STATUS = new Set(['filename', 'size', 'md5sum', 'msdos-filename']);

/** Reorder a paragraph the way dpkg writes a status entry. */
export function dpkgOrder(p: Paragraph, forStatus = true): Paragraph {
  const out = new Paragraph();
  const known = new Set(DPKG_FIELD_ORDER.map((f) => f.toLowerCase()));
  for (const f of DPKG_FIELD_ORDER) {
    if (forStatus && NOT_IN_STATUS.has(f.toLowerCase())) continue;
    const v = p.get(f);
    if (v !== undefined) out.set(f, v);
  }
  for (const [k, v] of p.entries()) {
    if (!known.has(k.toLowerCase())) out.set(k, v);
  }
  return out;
}
