/**
 * Builds the guest's mount table. With `--root DIR` the guest root is DIR alone; by default it is
 * an overlay of rustos's own upper directory over the host's "/" (read-only), with the user's
 * places bound straight through, read-write: $HOME, /tmp, the current directory and each
 * `--bind HOST[:GUEST]`. procfs, devfs (with a tmpfs on /dev/shm) and sysfs are mounted on top,
 * and a tmpfs on /tmp when asked.
 */

import type { Kernel } from '../kernel.js';
import { HostFs } from './hostfs.js';
import { OverlayFs } from './overlay.js';
import { ProcFs } from './procfs.js';
import { DevFs } from './devfs.js';
import { SysFs } from './sysfs.js';
import { TmpFs } from './tmpfs.js';
import { S_IFMT, S_IFDIR } from './file.js';

export interface Bind {
  host: string;
  guest: string;
}

export interface NamespaceOptions {
  /** --root DIR: the guest root is this host directory alone. */
  root?: string;
  /** The overlay's upper directory (default mode). */
  upper?: string;
  /** Host directories passed through read-write at their guest paths. */
  binds: Bind[];
  /** Mount a fresh tmpfs on /tmp instead of the host's. */
  tmpfsTmp?: boolean;
}

/** Parses `HOST[:GUEST]` (GUEST defaults to HOST); both must be absolute. */
export function parseBind(spec: string, cwd: string): Bind | string {
  const k = spec.indexOf(':');
  let host = k < 0 ? spec : spec.slice(0, k);
  let guest = k < 0 ? host : spec.slice(k + 1);
  if (!host.startsWith('/')) host = cwd.replace(/\/$/, '') + '/' + host;
  if (!guest.startsWith('/')) return `--bind ${spec}: the guest path must be absolute`;
  host = normalize(host);
  guest = normalize(guest);
  return { host, guest };
}

/** Removes ".", "..", repeated and trailing slashes from an absolute path (lexically). */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return '/' + out.join('/');
}

export function setupNamespace(k: Kernel, o: NamespaceOptions): void {
  const host = k.host;
  if (o.root === undefined) {
    if (!o.upper) throw new Error('the overlay needs an upper directory');
    mkdirs(k, o.upper);
    k.vfs.mount('/', new OverlayFs(host, o.upper, '/'));
  } else k.vfs.mount('/', new HostFs(host, o.root));
  for (const b of o.binds) {
    const st = host.stat(b.host);
    if (typeof st === 'number' || (st.mode & S_IFMT) !== S_IFDIR) continue; // binds of missing dirs are skipped
    if (b.guest === '/') continue; // the root is --root's business
    k.vfs.mount(b.guest, new HostFs(host, b.host));
  }
  k.vfs.mount('/proc', new ProcFs(k));
  k.vfs.mount('/dev', new DevFs(k));
  k.vfs.mount('/dev/shm', new TmpFs(host, 0o1777));
  k.vfs.mount('/sys', new SysFs(host));
  if (o.tmpfsTmp) k.vfs.mount('/tmp', new TmpFs(host, 0o1777));
}

function mkdirs(k: Kernel, dir: string): void {
  const parts = dir.split('/').filter((s) => s);
  let p = '';
  for (const c of parts) {
    p += '/' + c;
    if (typeof k.host.stat(p) === 'number') k.host.mkdir(p, 0o755);
  }
}
