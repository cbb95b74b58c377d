// Debian version parsing and comparison, exactly as dpkg's lib/dpkg/version.c
// (epoch:upstream-revision, '~' sorting before everything, digits compared
// numerically). Fuzzed against `dpkg --compare-versions` in tests/pkg.

export interface Version {
  epoch: number;
  upstream: string;
  revision: string;
}

export class VersionError extends Error {}

export function parseVersion(text: string): Version {
  const s = text.trim();
  if (s === '') throw new VersionError('version string is empty');
  if (/\s/.test(s)) throw new VersionError(`version '${s}' has embedded spaces`);
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) throw new VersionError(`epoch in version '${s}' is not a number`);
    epoch = Number(e);
    if (epoch > 2147483647) throw new VersionError(`epoch in version '${s}' is too big`);
    rest = s.slice(colon + 1);
  }
  let upstream = rest;
  let revision = '';
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) {
    upstream = rest.slice(0, dash);
    revision = rest.slice(dash + 1);
    if (revision === '') throw new VersionError(`revision number is empty in '${s}'`);
  }
  if (upstream === '') throw new VersionError(`version number is empty in '${s}'`);
  if (!/^[0-9]/.test(upstream)) throw new VersionError(`version '${s}' does not start with a digit`);
  if (!/^[A-Za-z0-9.+~:-]*$/.test(upstream)) throw new VersionError(`invalid character in version number '${s}'`);
  if (!/^[A-Za-z0-9.+~]*$/.test(revision)) throw new VersionError(`invalid character in revision number '${s}'`);
  return { epoch, upstream, revision };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
/** dpkg's order(): '~' sorts before the end of string, letters before other chars. */
function order(c: number): number {
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1; // '~'
  if (c) return c + 256;
  return 0;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const ca = (k: number) => (k < a.length ? a.charCodeAt(k) : 0);
  const cb = (k: number) => (k < b.length ? b.charCodeAt(k) : 0);
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(ca(i))) || (j < b.length && !isDigit(cb(j)))) {
      const ac = order(ca(i));
      const bc = order(cb(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (ca(i) === 48) i++;
    while (cb(j) === 48) j++;
    while (isDigit(ca(i)) && isDigit(cb(j))) {
      if (!firstDiff) firstDiff = ca(i) - cb(j);
      i++;
      j++;
    }
    if (isDigit(ca(i))) return 1;
    if (isDigit(cb(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** <0, 0, >0 like dpkg's dpkg_version_compare. */
export function compareVersions(a: Version | string, b: Version | string): number {
  const va = typeof a === 'string' ? parseVersion(a) : a;
  const vb = typeof b === 'string' ? parseVersion(b) : b;
  if (va.epoch !== vb.epoch) return va.epoch > vb.epoch ? 1 : -1;
  const r = verrevcmp(va.upstream, vb.upstream);
  if (r) return r;
  return verrevcmp(va.revision, vb.revision);
}

export type VersionOp = '<<' | '<=' | '=' | '>=' | '>>';

/** Does `v` satisfy `v op ref`? (`<` and `>` are dpkg's deprecated <= and >=.) */
export function versionSatisfies(v: string, op: VersionOp, ref: string): boolean {
  const c = compareVersions(v, ref);
  switch (op) {
    case '<<': return c < 0;
    case '<=': return c <= 0;
    case '=': return c === 0;
    case '>=': return c >= 0;
    case '>>': return c > 0;
  }
}

export function formatVersion(v: Version): string {
  return (v.epoch ? `${v.epoch}:` : '') + v.upstream + (v.revision ? `-${v.revision}` : '');
}
