/**
 * devfs: /dev as a program expects it. The memory devices (null, zero, full, random, urandom) are
 * served in the kernel; tty is the opening process's controlling terminal (ENXIO without one);
 * ptmx makes a pseudo-terminal pair and pts/N are their slaves (devpts, kernel/tty/pty.ts), next
 * to the host's own ptys (the one rustos runs on opens the kernel's host terminal); stdin/stdout/
 * stderr and fd are symlinks into /proc/self/fd as udev makes them; shm is a directory (a tmpfs
 * is mounted on it).
 */

import type { Host } from '../host/host.js';
import type { Kernel } from '../kernel.js';
import { SynthFs, SynthNode, dir, link } from './synth.js';
import { HostFile, OpenFile, S_IFCHR, O_CLOEXEC, O_NOCTTY } from './file.js';
import { CharDev, CharKind } from './synth-file.js';
import { E } from '../../compat/errno.js';
import { TtyFile } from '../tty/file.js';
import type { Tty } from '../tty/tty.js';

const makedev = (major: number, minor: number): number => ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
/** Unix 98 pty slaves have major 136. */
const PTS_MAJOR = 136;

const MEM: Record<string, [CharKind, number]> = {
  null: ['null', 3], zero: ['zero', 5], full: ['full', 7], random: ['random', 8], urandom: ['random', 9],
};

export class DevFs extends SynthFs {
  readonly type = 'devtmpfs';
  readonly magic = 0x01021994;
  readonly dev = 5;

  readonly host: Host;
  /** Mode and group of pty slaves: the host's devpts mount options (mode=600 and the creator's group by default). */
  private ptsMode = 0o600;
  private ptsGid: number;

  constructor(readonly k: Kernel) {
    super();
    this.host = k.host;
    this.source = 'udev';
    this.options = 'rw,nosuid,relatime,mode=755';
    this.time = k.host.realtime();
    this.ptsGid = k.host.gid;
    const opts = /^devpts \/dev\/pts devpts (\S+)/m.exec(readHostFile(k.host, '/proc/self/mounts'))?.[1] ?? '';
    for (const o of opts.split(',')) {
      const [key, v] = o.split('=');
      if (key === 'mode' && /^[0-7]+$/.test(v)) this.ptsMode = parseInt(v, 8) & 0o7777;
      if (key === 'gid' && /^\d+$/.test(v)) this.ptsGid = Number(v);
    }
  }

  private chr(name: string, kind: CharKind, minor: number): SynthNode {
    return {
      kind: 'dev', mode: S_IFCHR | 0o666, rdev: makedev(1, minor),
      open: (flags, guest) => {
        const f: OpenFile = new CharDev(flags, guest, kind, () => this.lstat('/' + name), (b) => this.host.randomBytes(b));
        return f;
      },
    };
  }

  node(rel: string): SynthNode | number {
    const name = rel.slice(1);
    if (rel === '/') {
      return dir(() => [
        ['shm', 4], ['pts', 4], ...Object.keys(MEM).map((n): [string, number] => [n, 2]), ['tty', 2], ['ptmx', 2],
        ['stdin', 10], ['stdout', 10], ['stderr', 10], ['fd', 10],
      ], 0o755);
    }
    if (name in MEM) return this.chr(name, MEM[name][0], MEM[name][1]);
    switch (name) {
      case 'shm':
        return dir(() => [], 0o1777);
      case 'pts':
        return dir(() => this.ptsNames().map((n): [string, number] => [n, 2]), 0o755);
      case 'stdin':
        return link(() => '/proc/self/fd/0');
      case 'stdout':
        return link(() => '/proc/self/fd/1');
      case 'stderr':
        return link(() => '/proc/self/fd/2');
      case 'fd':
        return link(() => '/proc/self/fd');
      case 'tty':
        return { kind: 'dev', mode: S_IFCHR | 0o666, rdev: makedev(5, 0), open: (flags, guest) => this.openCtty(flags, guest) };
      case 'ptmx':
        return {
          kind: 'dev', mode: S_IFCHR | 0o666, rdev: makedev(5, 2),
          open: (flags, guest) => this.k.ptys.open(this.k, flags, guest, () => this.lstat('/ptmx'), new Set(this.hostPts().map(Number))),
        };
    }
    const pts = /^pts\/(\d+)$/.exec(name);
    if (!pts) return -E.ENOENT;
    const pty = this.k.ptys.get(Number(pts[1]));
    if (pty) {
      return {
        kind: 'dev', mode: S_IFCHR | this.ptsMode, rdev: makedev(PTS_MAJOR, pty.index),
        open: (flags) => pty.openSlave(flags, () => this.lstat(rel)),
      };
    }
    if (this.hostPts().includes(pts[1])) {
      // The host's pseudo-terminals; the one rustos runs on is the kernel's host terminal.
      const hp = '/dev/pts/' + pts[1];
      const st = this.host.stat(hp);
      const rdev = typeof st === 'number' ? 0 : st.rdev;
      const hostTty = this.k.hostTty;
      return {
        kind: 'dev', mode: typeof st === 'number' ? S_IFCHR | 0o620 : st.mode, rdev,
        // The host's own node: stat says what fstat of the terminal says (ttyname compares them).
        stat: () => this.host.stat(hp),
        open: (flags, guest) => {
          if (hostTty && rdev && rdev === this.k.hostTtyRdev) return this.ttyFile(hostTty, flags, guest, () => this.host.stat(hp), false);
          const hfd = this.host.open(hp, (flags & ~O_CLOEXEC) | O_NOCTTY, 0);
          return hfd < 0 ? hfd : new HostFile(this.host, hfd, flags, guest, hp);
        },
      };
    }
    return -E.ENOENT;
  }

  override owner(rel: string): [number, number] {
    return /^\/pts\/\d+$/.test(rel) && this.k.ptys.get(Number(rel.slice(5))) ? [this.host.uid, this.ptsGid] : [0, 0];
  }

  private ttyFile(tty: Tty, flags: number, guest: string, stat: TtyFile['stat'], noctty: boolean): OpenFile {
    return new TtyFile(this.k, tty, flags, guest, { stat, noctty });
  }

  /**
   * /dev/tty: the opening process's controlling terminal, ENXIO without one. Without a host
   * terminal in the kernel, the first session still reaches the host's own /dev/tty.
   */
  private openCtty(flags: number, guest: string): OpenFile | number {
    const p = this.k.vfs.current;
    if (p?.ctty) return this.ttyFile(p.ctty, flags, guest, () => this.lstat('/tty'), true);
    if (!this.k.hostTty && p && p.sid === this.k.init?.sid) {
      const hfd = this.host.open('/dev/tty', (flags & ~O_CLOEXEC) | O_NOCTTY, 0);
      return hfd < 0 ? hfd : new HostFile(this.host, hfd, flags, guest, '/dev/tty');
    }
    return -E.ENXIO;
  }

  /** /dev/pts: the guest's ptys and the host's (a number in use by both shows the guest's). */
  private ptsNames(): string[] {
    const names = new Set([...this.k.ptys.list().map(String), ...this.hostPts()]);
    return [...names].sort((a, b) => Number(a) - Number(b));
  }

  private hostPts(): string[] {
    const l = this.host.readdir('/dev/pts');
    return typeof l === 'number' ? [] : l.map((d) => d.name).filter((n) => /^\d+$/.test(n));
  }
}

/** A small host file's text ('' if it cannot be read). */
function readHostFile(host: Host, path: string): string {
  const fd = host.open(path, 0, 0);
  if (fd < 0) return '';
  const parts: Uint8Array[] = [];
  for (;;) {
    const b = new Uint8Array(16384);
    const n = host.read(fd, b, null);
    if (n <= 0) break;
    parts.push(b.subarray(0, n));
  }
  host.close(fd);
  return parts.map((p) => new TextDecoder().decode(p)).join('');
}
