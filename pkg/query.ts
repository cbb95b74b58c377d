// Read-only queries in dpkg-query's formats: -l (list), -L (files),
// -S (search), -s (status), -V (verify against md5sums), -C (audit), and
// -c (contents of a .deb, formatted like `tar tv` as dpkg-deb -c prints it).

import { createHash } from 'node:crypto';
import { createReadStream, lstatSync } from 'node:fs';
import type { Paragraph } from './control.js';
import { isPresent, parseConffilesField, parseStatus, type Database, type State } from './db.js';
import { inspectDeb, walkData } from './deb.js';
import { resolveInRoot } from './paths.js';

const WANT: Record<string, string> = { unknown: 'u', install: 'i', hold: 'h', deinstall: 'r', purge: 'p' };
const STATE: Record<State, string> = {
  'not-installed': 'n', 'config-files': 'c', 'half-installed': 'H', unpacked: 'U',
  'half-configured': 'F', 'triggers-awaited': 'W', 'triggers-pending': 'T', installed: 'i',
};

export function statusAbbrev(p: Paragraph): string {
  const s = parseStatus(p.get('Status'));
  return (WANT[s.want] ?? 'u') + (STATE[s.state] ?? 'n') + (s.flag === 'reinstreq' ? 'R' : ' ');
}

function globToRegExp(g: string): RegExp {
  return new RegExp('^' + g.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^') + '$');
}

/** dpkg -l [patterns] */
export function listPackages(db: Database, patterns: string[]): { text: string; found: boolean } {
  let pkgs = db.all().sort((a, b) => (a.get('Package')! < b.get('Package')! ? -1 : 1));
  if (patterns.length) {
    const res = patterns.map(globToRegExp);
    pkgs = pkgs.filter((p) => res.some((r) => r.test(p.get('Package')!)));
  } else {
    pkgs = pkgs.filter((p) => parseStatus(p.get('Status')).state !== 'not-installed');
  }
  const w = (f: string, min: number) => Math.max(min, ...pkgs.map((p) => (f === 'Package' ? db.displayName(p) : f === 'Description' ? p.first(f) : p.get(f) ?? '').length));
  // Not on a terminal, dpkg-query sizes every column to its widest value.
  const nw = w('Package', 14), vw = w('Version', 12), aw = w('Architecture', 12), dw = w('Description', 11);
  const head = [
    'Desired=Unknown/Install/Remove/Purge/Hold',
    '| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend',
    '|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)',
    `||/ ${'Name'.padEnd(nw)} ${'Version'.padEnd(vw)} ${'Architecture'.padEnd(aw)} Description`,
    `+++-${'='.repeat(nw)}-${'='.repeat(vw)}-${'='.repeat(aw)}-${'='.repeat(dw)}`,
  ];
  const rows = pkgs.map((p) => `${statusAbbrev(p)} ${db.displayName(p).padEnd(nw)} ${(p.get('Version') ?? '').padEnd(vw)} ${(p.get('Architecture') ?? '').padEnd(aw)} ${p.first('Description')}`);
  return { text: [...head, ...rows].join('\n') + '\n', found: pkgs.length > 0 };
}

/** dpkg -S pattern: packages owning matching paths (dpkg-query's rule: a pattern
 *  not starting with one of "*[?/" is wrapped in '*', then fnmatch on the path). */
export function searchFiles(db: Database, pattern: string): string[] {
  const re = globToRegExp('*[?/'.includes(pattern[0] ?? '') ? pattern : `*${pattern}*`);
  const hits = new Map<string, string[]>();
  for (const [path, owners] of db.fileOwners()) {
    if (path !== '/.' && re.test(path)) hits.set(path, owners);
  }
  const show = (o: string) => {
    const p = db.get(o);
    return p ? db.displayName(p) : o;
  };
  return [...hits].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, owners]) => `${owners.map(show).join(', ')}: ${path}`);
}

/** dpkg -V: verify installed files against md5sums (and conffiles against Conffiles). */
export async function verify(root: string, db: Database, names: string[]): Promise<string[]> {
  const out: string[] = [];
  const pkgs = names.length ? names : db.all().filter((p) => isPresent(parseStatus(p.get('Status')).state)).map((p) => p.get('Package')!);
  for (const name of pkgs) {
    const p = db.get(name);
    if (!p) continue;
    const conf = new Map(parseConffilesField(p.get('Conffiles')).map((c) => [c.path, c.hash]));
    const sums = new Map<string, string>();
    for (const line of (db.readInfo(name, 'md5sums') ?? '').split('\n')) {
      const m = /^([0-9a-f]{32}) +(.+)$/.exec(line);
      if (m) sums.set('/' + m[2], m[1]);
    }
    for (const [path, hash] of conf) if (hash !== 'newconffile') sums.set(path, hash);
    for (const [path, want] of sums) {
      const attr = conf.has(path) ? 'c' : ' ';
      let host: string;
      try {
        host = resolveInRoot(root, path);
        lstatSync(host);
      } catch {
        out.push(`missing   ${attr} ${path}`);
        continue;
      }
      const got = await md5Stream(host).catch(() => null);
      if (got === null) out.push(`?????????? ${attr} ${path}`.replace(/^(.{9})./, '$1'));
      else if (got !== want) out.push(`??5?????? ${attr} ${path}`);
    }
  }
  return out;
}

function md5Stream(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('md5');
    createReadStream(path).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** dpkg -C: packages left in a non-final state. */
export function audit(db: Database): string[] {
  const groups: Record<string, string> = {
    'half-installed': 'The following packages are only half installed, due to problems during\ninstallation. The installation can probably be completed by retrying it;\nthe packages can be removed using dpkg --remove:',
    unpacked: 'The following packages have been unpacked but not yet configured.\nThey must be configured using dpkg --configure or the configure\nmenu option in dselect for them to work:',
    'half-configured': 'The following packages are only half configured, probably due to problems\nconfiguring them the first time. The configuration should be retried using\ndpkg --configure <package> or the configure menu option in dselect:',
    'triggers-pending': 'The following packages have been triggered, but the trigger processing\nhas not yet been done. Trigger processing can be requested using\ndselect or dpkg --configure --pending (or dpkg --triggers-only):',
    'triggers-awaited': 'The following packages are awaiting processing of triggers that they\nhave activated in other packages. This processing can be requested using\ndselect or dpkg --configure --pending (or dpkg --triggers-only):',
  };
  const out: string[] = [];
  for (const [state, msg] of Object.entries(groups)) {
    const ps = db.all().filter((p) => parseStatus(p.get('Status')).state === state);
    if (!ps.length) continue;
    out.push(msg, ...ps.map((p) => ` ${p.get('Package')!.padEnd(20)} ${p.first('Description')}`), '');
  }
  return out;
}

function modeString(type: string, mode: number): string {
  const t = { directory: 'd', symlink: 'l', link: 'h', 'character-device': 'c', 'block-device': 'b', fifo: 'p' }[type] ?? '-';
  const rwx = (m: number, s: boolean, sc: string) => (m & 4 ? 'r' : '-') + (m & 2 ? 'w' : '-') + (s ? (m & 1 ? sc : sc.toUpperCase()) : m & 1 ? 'x' : '-');
  return (t === 'h' ? '-' : t) + rwx(mode >> 6, !!(mode & 0o4000), 's') + rwx(mode >> 3, !!(mode & 0o2000), 's') + rwx(mode, !!(mode & 0o1000), 't');
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** dpkg -c: the data archive listing in `tar tv` format. */
export async function contents(path: string): Promise<string> {
  const d = await inspectDeb(path);
  const lines: string[] = [];
  await walkData(d.layout, async (h) => {
    const ug = `${h.uname || h.uid}/${h.gname || h.gid}`;
    const size = String(h.type === 'file' ? h.size ?? 0 : 0);
    const m = h.mtime ?? new Date(0);
    const date = `${m.getFullYear()}-${pad2(m.getMonth() + 1)}-${pad2(m.getDate())} ${pad2(m.getHours())}:${pad2(m.getMinutes())}`;
    let line = `${modeString(h.type ?? 'file', h.mode ?? 0)} ${ug} ${size.padStart(Math.max(1, 18 - ug.length))} ${date} ${h.name}`;
    if (h.type === 'symlink') line += ` -> ${h.linkname}`;
    if (h.type === 'link') line += ` link to ${h.linkname}`;
    lines.push(line);
  });
  return lines.join('\n') + '\n';
}
