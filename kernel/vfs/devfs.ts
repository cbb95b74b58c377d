/**
 * devfs: /dev as a program expects it. The memory devices (null, zero, full, random, urandom) are
 * served in the kernel; tty opens the host's controlling terminal; stdin/stdout/stderr and fd are
 * symlinks into /proc/self/fd as udev makes them; ptmx is a placeholder until pseudo-terminals
 * exist (opening it says ENODEV); shm and pts are directories (a tmpfs is mounted on shm).
 */

import type { Host } from '../host/host.js';
import { SynthFs, SynthNode, dir, link } from './synth.js';
import { HostFile, OpenFile, S_IFCHR, O_CLOEXEC, O_NOCTTY } from './file.js';
import { CharDev, CharKind } from './synth-file.js';
import { E } from '../../compat/errno.js';

const makedev = (major: number, minor: number): number => ((major & 0xfff) << 8) | (minor & 0xff);

const MEM: Record<string, [CharKind, number]> = {
  null: ['null', 3], zero: ['zero', 5], full: ['full', 7], random: ['random', 8], urandom: ['random', 9],
};

export class DevFs extends SynthFs {
  readonly type = 'devtmpfs';
  readonly magic = 0x01021994;
  readonly dev = 5;

  constructor(readonly host: Host) {
    super();
    this.source = 'udev';
    this.options = 'rw,nosuid,relatime,mode=755';
    this.time = host.realtime();
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
        return dir(() => this.hostPts().map((n): [string, number] => [n, 2]), 0o755);
      case 'stdin':
        return link(() => '/proc/self/fd/0');
      case 'stdout':
        return link(() => '/proc/self/fd/1');
      case 'stderr':
        return link(() => '/proc/self/fd/2');
      case 'fd':
        return link(() => '/proc/self/fd');
      case 'tty':
        return {
          kind: 'dev', mode: S_IFCHR | 0o666, rdev: makedev(5, 0),
          open: (flags, guest) => {
            const hfd = this.host.open('/dev/tty', (flags & ~O_CLOEXEC) | O_NOCTTY, 0);
            return hfd < 0 ? hfd : new HostFile(this.host, hfd, flags, guest, '/dev/tty');
          },
        };
      case 'ptmx':
        return { kind: 'dev', mode: S_IFCHR | 0o666, rdev: makedev(5, 2), open: () => -E.ENODEV };
    }
    const pts = /^pts\/(\d+)$/.exec(name);
    if (pts && this.hostPts().includes(pts[1])) {
      // The host's pseudo-terminals (the one rustos runs on is what ttyname() finds).
      const hp = '/dev/pts/' + pts[1];
      const st = this.host.stat(hp);
      return {
        kind: 'dev', mode: typeof st === 'number' ? S_IFCHR | 0o620 : st.mode, rdev: typeof st === 'number' ? 0 : st.rdev,
        open: (flags, guest) => {
          const hfd = this.host.open(hp, (flags & ~O_CLOEXEC) | O_NOCTTY, 0);
          return hfd < 0 ? hfd : new HostFile(this.host, hfd, flags, guest, hp);
        },
      };
    }
    return -E.ENOENT;
  }

  private hostPts(): string[] {
    const l = this.host.readdir('/dev/pts');
    return typeof l === 'number' ? [] : l.map((d) => d.name).filter((n) => /^\d+$/.test(n));
  }
}
