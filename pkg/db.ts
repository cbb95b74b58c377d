// The package database in dpkg's own layout under <root>/var/lib/dpkg:
// status (deb822, sorted, written atomically via status-new + status-old),
// info/<pkg>.{list,md5sums,conffiles,preinst,...}, available, updates/,
// triggers/, diversions and the lock files, so that real dpkg-query/dpkg
// --root read what we write (and we read what they write).

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, unlinkSync, linkSync, openSync, closeSync, fsyncSync, writeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dpkgOrder, Paragraph, parseControl } from './control.js';
import { PkgError, EXIT_FATAL } from './errors.js';

export const NATIVE_ARCH = process.env.RUSTOS_ARCH ?? 'amd64';

export type Want = 'unknown' | 'install' | 'hold' | 'deinstall' | 'purge';
export type State =
  | 'not-installed' | 'config-files' | 'half-installed' | 'unpacked'
  | 'half-configured' | 'triggers-awaited' | 'triggers-pending' | 'installed';

export interface Status {
  want: Want;
  flag: 'ok' | 'reinstreq';
  state: State;
}

export function parseStatus(s: string | undefined): Status {
  const [want, flag, state] = (s ?? 'unknown ok not-installed').trim().split(/\s+/);
  return { want: want as Want, flag: flag as Status['flag'], state: state as State };
}

/** States in which a package's files are on disk. */
export function isPresent(st: State): boolean {
  return st !== 'not-installed' && st !== 'config-files';
}
/** States that satisfy a dependency for configuration (dpkg: installed or triggers-*). */
export function isConfigured(st: State): boolean {
  return st === 'installed' || st === 'triggers-pending' || st === 'triggers-awaited';
}

export interface ConffileEntry {
  path: string;
  hash: string;
  /** 'obsolete' / 'remove-on-upgrade' flags dpkg may append. */
  flags: string[];
}

export function parseConffilesField(v: string | undefined): ConffileEntry[] {
  if (!v) return [];
  const out: ConffileEntry[] = [];
  for (const line of v.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2 || parts[0] === '') continue;
    out.push({ path: parts[0], hash: parts[1], flags: parts.slice(2) });
  }
  return out;
}
export function formatConffilesField(cs: ConffileEntry[]): string {
  return cs.map((c) => `\n ${[c.path, c.hash, ...c.flags].join(' ')}`).join('');
}

export class Database {
  readonly admindir: string;
  private readonly pkgs = new Map<string, Paragraph>();
  private lockFd: number | null = null;

  private constructor(admindir: string) {
    this.admindir = admindir;
  }

  /** Load status (and any journal entries in updates/ left by an interrupted dpkg). */
  static load(admindir: string, opts: { create?: boolean; allowMissing?: boolean } = {}): Database {
    const db = new Database(admindir);
    const statusPath = join(admindir, 'status');
    if (!existsSync(statusPath)) {
      if (opts.allowMissing && !opts.create) return db; // an empty, not yet created root
      if (!opts.create) throw new PkgError(`no package database at ${admindir} (status file missing)`, EXIT_FATAL);
      db.initLayout();
    }
    const read = (file: string) => {
      for (const p of parseControl(readFileSync(file, 'utf8'), file)) {
        const name = p.get('Package');
        if (!name) throw new PkgError(`${file}: entry without a Package field`);
        db.pkgs.set(db.keyOf(name, p.get('Architecture')), p);
      }
    };
    read(statusPath);
    const upd = join(admindir, 'updates');
    if (existsSync(upd)) {
      for (const f of readdirSync(upd).filter((x) => /^\d+$/.test(x)).sort()) read(join(upd, f));
    }
    return db;
  }

  initLayout(): void {
    for (const d of ['', 'info', 'updates', 'triggers', 'alternatives']) mkdirSync(join(this.admindir, d), { recursive: true });
    for (const f of ['status', 'available']) {
      if (!existsSync(join(this.admindir, f))) writeFileSync(join(this.admindir, f), '');
    }
    if (!existsSync(join(this.admindir, 'info/format'))) writeFileSync(join(this.admindir, 'info/format'), '1\n');
  }

  /** dpkg names foreign-arch Multi-Arch packages name:arch; we key the same way. */
  keyOf(name: string, arch?: string): string {
    return !arch || arch === 'all' || arch === NATIVE_ARCH ? name : `${name}:${arch}`;
  }

  /** Take the database lock. dpkg uses fcntl locks we cannot take from Node, so we
   *  also create dpkg's lock files and hold our own O_EXCL lock with our pid. */
  lock(): void {
    this.initLayout();
    for (const f of ['lock', 'lock-frontend']) if (!existsSync(join(this.admindir, f))) writeFileSync(join(this.admindir, f), '', { mode: 0o640 });
    const p = join(this.admindir, 'lock-rustos');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(p, 'wx');
        writeSync(fd, `${process.pid}\n`);
        this.lockFd = fd;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(readFileSync(p, 'utf8').trim());
        if (pid && pidAlive(pid)) throw new PkgError(`dpkg status database is locked by another process (pid ${pid})`, EXIT_FATAL);
        unlinkSync(p); // stale lock from a killed run
      }
    }
    throw new PkgError('unable to lock the dpkg status database');
  }
  unlock(): void {
    if (this.lockFd === null) return;
    closeSync(this.lockFd);
    this.lockFd = null;
    rmSync(join(this.admindir, 'lock-rustos'), { force: true });
  }

  all(): Paragraph[] {
    return [...this.pkgs.values()];
  }
  get(name: string): Paragraph | undefined {
    // Accept dpkg's pkg:arch spelling for the native architecture too.
    const m = /^(.*):([a-z0-9-]+)$/.exec(name);
    if (m && (m[2] === NATIVE_ARCH || m[2] === 'all' || m[2] === 'any')) name = m[1];
    return this.pkgs.get(name) ?? [...this.pkgs.values()].find((p) => p.get('Package') === name);
  }
  /** dpkg's ${binary:Package}: name:arch for Multi-Arch: same packages. */
  displayName(p: Paragraph): string {
    return p.get('Multi-Arch') === 'same' ? `${p.get('Package')}:${p.get('Architecture')}` : p.get('Package')!;
  }
  status(name: string): Status {
    return parseStatus(this.get(name)?.get('Status'));
  }
  /** Replace (or add) a package entry, normalised to dpkg's field order. */
  put(p: Paragraph): void {
    this.pkgs.set(this.keyOf(p.get('Package')!, p.get('Architecture')), dpkgOrder(p));
  }
  drop(name: string): void {
    const p = this.get(name);
    if (p) this.pkgs.delete(this.keyOf(name, p.get('Architecture')));
  }
  setStatus(name: string, st: Partial<Status>): void {
    const p = this.get(name);
    if (!p) throw new Error(`setStatus: unknown package ${name}`);
    const cur = parseStatus(p.get('Status'));
    const n = { ...cur, ...st };
    p.set('Status', `${n.want} ${n.flag} ${n.state}`);
    this.put(p);
  }

  /** Write status atomically (status-new, fsync, keep status-old, rename). */
  commit(): void {
    const entries = this.all()
      .filter((p) => {
        // dpkg forgets packages that are not installed and not wanted.
        const s = parseStatus(p.get('Status'));
        return !(s.state === 'not-installed' && s.want !== 'install' && s.want !== 'hold' && s.flag === 'ok');
      })
      .sort((a, b) => {
        const na = a.get('Package')!, nb = b.get('Package')!;
        return na < nb ? -1 : na > nb ? 1 : (a.get('Architecture') ?? '').localeCompare(b.get('Architecture') ?? '');
      });
    const text = entries.map((p) => p.toString()).join('\n');
    const fmt = join(this.admindir, 'info/format');
    if (!existsSync(fmt)) {
      mkdirSync(join(this.admindir, 'info'), { recursive: true });
      writeFileSync(fmt, '1\n');
    }
    const status = join(this.admindir, 'status');
    atomicWrite(status, text + (text ? '\n' : ''), () => {
      rmSync(join(this.admindir, 'status-old'), { force: true });
      if (existsSync(status)) linkSync(status, join(this.admindir, 'status-old'));
    });
    const upd = join(this.admindir, 'updates');
    if (existsSync(upd)) for (const f of readdirSync(upd)) if (/^\d+$/.test(f)) rmSync(join(upd, f), { force: true });
  }

  // ---- info/ files ----
  infoName(name: string): string {
    const p = this.get(name);
    // dpkg names info files pkg:arch for Multi-Arch: same packages.
    if (p && p.get('Multi-Arch') === 'same') return `${p.get('Package')}:${p.get('Architecture')}`;
    return p ? p.get('Package')! : name;
  }
  infoPath(name: string, ext: string): string {
    return join(this.admindir, 'info', `${this.infoName(name)}.${ext}`);
  }
  readInfo(name: string, ext: string): string | null {
    try {
      return readFileSync(this.infoPath(name, ext), 'utf8');
    } catch {
      return null;
    }
  }
  files(name: string): string[] {
    const t = this.readInfo(name, 'list');
    return t ? t.split('\n').filter((l) => l !== '') : [];
  }
  /** info files that belong to a package (for removal on purge). */
  infoFiles(name: string): string[] {
    const prefix = this.infoName(name) + '.';
    const dir = join(this.admindir, 'info');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('.')).map((f) => join(dir, f));
  }

  /** Map of every path to the packages listing it (directories may have several). */
  fileOwners(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const p of this.all()) {
      const name = p.get('Package')!;
      if (!isPresent(parseStatus(p.get('Status')).state) && parseStatus(p.get('Status')).state !== 'config-files') continue;
      for (const f of this.files(name)) {
        const l = m.get(f);
        if (l) l.push(name);
        else m.set(f, [name]);
      }
    }
    return m;
  }
}

export function atomicWrite(path: string, data: string | Buffer, beforeRename?: () => void): void {
  const tmp = path + '-new';
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  beforeRename?.();
  renameSync(tmp, path);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
