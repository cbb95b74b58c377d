/**
 * The Host implementation for Node.js: the only kernel module that imports from Node. Node's
 * errors become negative Linux errno values here (by name, so this also holds on non-Linux hosts),
 * Linux open flags become Node's, and stat results become HostStat.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tty from 'node:tty';
import { randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { Host, HostStat, HostDirent, HostStatfs, HostTerminal, HostTermAttrs } from './host.js';
import { E } from '../../compat/errno.js';

const O = {
  WRONLY: 1, RDWR: 2, CREAT: 0x40, EXCL: 0x80, NOCTTY: 0x100, TRUNC: 0x200, APPEND: 0x400,
  NONBLOCK: 0x800, DSYNC: 0x1000, DIRECTORY: 0x10000, NOFOLLOW: 0x20000, NOATIME: 0x40000, SYNC: 0x101000,
};

function errno(e: unknown): number {
  const code = (e as NodeJS.ErrnoException)?.code;
  const v = code ? (E as Record<string, number>)[code] : undefined;
  if (v !== undefined) return -v;
  if (code === 'ERR_FS_FILE_TOO_LARGE') return -E.EFBIG;
  return -E.EIO;
}

function toNodeFlags(f: number): number {
  const C = fs.constants;
  let n = (f & 3) === O.WRONLY ? C.O_WRONLY : (f & 3) === O.RDWR ? C.O_RDWR : C.O_RDONLY;
  if (f & O.CREAT) n |= C.O_CREAT;
  if (f & O.EXCL) n |= C.O_EXCL;
  if (f & O.NOCTTY) n |= C.O_NOCTTY;
  if (f & O.TRUNC) n |= C.O_TRUNC;
  if (f & O.APPEND) n |= C.O_APPEND;
  if (f & O.DIRECTORY) n |= C.O_DIRECTORY;
  if (f & O.NOFOLLOW) n |= C.O_NOFOLLOW;
  if ((f & O.SYNC) === O.SYNC) n |= C.O_SYNC;
  else if (f & O.DSYNC) n |= C.O_DSYNC;
  return n;
}

function toStat(s: fs.BigIntStats): HostStat {
  const sec = (ns: bigint): number => Number(ns / 1000000000n);
  const nsec = (ns: bigint): number => Number(ns % 1000000000n);
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink),
    uid: Number(s.uid), gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size),
    blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeSec: sec(s.atimeNs), atimeNsec: nsec(s.atimeNs),
    mtimeSec: sec(s.mtimeNs), mtimeNsec: nsec(s.mtimeNs),
    ctimeSec: sec(s.ctimeNs), ctimeNsec: nsec(s.ctimeNs),
    ...(s.birthtimeNs > 0n ? { btimeSec: sec(s.birthtimeNs), btimeNsec: nsec(s.birthtimeNs) } : {}),
  };
}

function dtype(d: fs.Dirent): number {
  if (d.isFIFO()) return 1;
  if (d.isCharacterDevice()) return 2;
  if (d.isDirectory()) return 4;
  if (d.isBlockDevice()) return 6;
  if (d.isFile()) return 8;
  if (d.isSymbolicLink()) return 10;
  if (d.isSocket()) return 12;
  return 0;
}

function wrap(fn: () => void): number {
  try {
    fn();
    return 0;
  } catch (e) {
    return errno(e);
  }
}

/** Runs stty on a terminal fd; its output, or null if it could not (no stty, stopped, failed). */
function stty(fd: number, args: string[]): string | null {
  try {
    return execFileSync('stty', args, { stdio: [fd, 'pipe', 'ignore'], timeout: 5000, killSignal: 'SIGKILL', encoding: 'latin1' });
  } catch {
    return null;
  }
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, tty_nr, tpgid]. */
function procStat(pid: number | 'self'): number[] | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return s.slice(s.lastIndexOf(')') + 2).split(' ').slice(0, 6).map((x, i) => (i === 0 ? 0 : Number(x)));
  } catch {
    return null;
  }
}

/**
 * The host terminal on a Node tty stream: raw mode through setRawMode, then `stty -opost` so the
 * host does no output processing either (the kernel does it); restored by setRaw(false).
 */
class NodeTerminal implements HostTerminal {
  private stream: tty.ReadStream | null = null;
  private raw = false;
  onlcr = false;
  readonly rdev: number;
  private readonly initial: HostTermAttrs | null;

  constructor(private readonly fd: number, private readonly outFd: number, private readonly onInput: (d: Uint8Array) => void, private readonly onEnd: (e: number) => void) {
    this.rdev = fs.fstatSync(fd).rdev;
    this.initial = this.readAttrs();
  }

  private readAttrs(): HostTermAttrs | null {
    const g = stty(this.fd, ['-g'])?.trim();
    if (!g || !/^[0-9a-f]+(:[0-9a-f]+){20,}$/.test(g)) return null;
    const v = g.split(':').map((x) => parseInt(x, 16));
    return { iflag: v[0], oflag: v[1], cflag: v[2], lflag: v[3], cc: v.slice(4, 4 + 19) };
  }

  private ensure(): tty.ReadStream {
    if (!this.stream) {
      const s = new tty.ReadStream(this.fd);
      s.on('data', (b: Buffer) => this.onInput(new Uint8Array(b.buffer, b.byteOffset, b.length)));
      s.on('end', () => this.onEnd(0));
      s.on('error', (e) => this.onEnd(errno(e)));
      s.pause();
      this.stream = s;
    }
    return this.stream;
  }

  setRaw(raw: boolean): boolean {
    if (raw === this.raw) return true;
    try {
      this.ensure().setRawMode(raw);
    } catch {
      return false;
    }
    this.raw = raw;
    if (raw) this.onlcr = stty(this.fd, ['-opost']) === null;
    return true;
  }
  resume(): void {
    this.ensure().resume();
  }
  pause(): void {
    this.stream?.pause();
  }
  write(data: Uint8Array): number {
    for (let off = 0; ; ) {
      try {
        off += fs.writeSync(this.outFd, data, off, data.length - off);
        if (off >= data.length) return off;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return errno(e);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }
  foreground(): boolean {
    const st = procStat('self');
    if (!st) return true;
    const [, , pgrp, , ttyNr, tpgid] = st;
    if (ttyNr === 0 || ttyNr !== this.rdev) return true; // not our controlling terminal: no SIGTTOU
    return tpgid === pgrp;
  }
  attrs(): HostTermAttrs | null {
    return this.initial;
  }
  winsize(): { rows: number; cols: number } | null {
    for (const s of [process.stdout, process.stderr]) {
      if (s.isTTY && fs.fstatSync(s.fd).rdev === this.rdev) {
        const [cols, rows] = s.getWindowSize();
        return { rows, cols };
      }
    }
    const m = /^(\d+) (\d+)/.exec(stty(this.fd, ['size']) ?? '');
    return m ? { rows: Number(m[1]), cols: Number(m[2]) } : null;
  }
}

export class NodeHost implements Host {
  readonly uid = process.getuid?.() ?? 0;
  readonly gid = process.getgid?.() ?? 0;
  readonly pid = process.pid;
  readonly hostname = os.hostname();
  readonly release = os.release();
  readonly version = os.version();
  readonly totalMemory = os.totalmem();
  readonly cpuCount = os.cpus().length;
  private readonly t0 = process.hrtime.bigint();

  get freeMemory(): number {
    return os.freemem();
  }

  lstat(path: string): HostStat | number {
    try {
      return toStat(fs.lstatSync(path, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }
  stat(path: string): HostStat | number {
    try {
      return toStat(fs.statSync(path, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }
  open(path: string, flags: number, mode: number): number {
    try {
      return fs.openSync(path, toNodeFlags(flags), mode);
    } catch (e) {
      return errno(e);
    }
  }
  close(fd: number): number {
    return wrap(() => fs.closeSync(fd));
  }
  fstat(fd: number): HostStat | number {
    try {
      return toStat(fs.fstatSync(fd, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }
  read(fd: number, buf: Uint8Array, pos: number | null): number {
    try {
      return fs.readSync(fd, buf, 0, buf.length, pos);
    } catch (e) {
      return errno(e);
    }
  }
  fdOffset(fd: number): number {
    // Node has no lseek; Linux tells a descriptor's offset in /proc/self/fdinfo.
    try {
      const m = /^pos:\s*(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }
  write(fd: number, buf: Uint8Array, pos: number | null): number {
    for (;;) {
      try {
        return fs.writeSync(fd, buf, 0, buf.length, pos);
      } catch (e) {
        // A non-blocking host pipe that is full: wait for it rather than fail the guest's write.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        return errno(e);
      }
    }
  }
  readAsync(fd: number, buf: Uint8Array, done: (n: number) => void): void {
    fs.read(fd, buf, 0, buf.length, null, (err, n) => {
      if (err && (err as NodeJS.ErrnoException).code === 'EAGAIN') {
        setTimeout(() => this.readAsync(fd, buf, done), 5);
        return;
      }
      done(err ? errno(err) : n);
    });
  }
  readlink(path: string): Uint8Array | number {
    try {
      return new Uint8Array(fs.readlinkSync(path, { encoding: 'buffer' }));
    } catch (e) {
      return errno(e);
    }
  }
  readdir(path: string): HostDirent[] | number {
    // opendir/readSync walks the directory in the host's own order (readdir(3), as getdents
    // gives it); readdirSync would sort the names.
    try {
      const dir = fs.opendirSync(path);
      const out: HostDirent[] = [];
      try {
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
          let ino = 0;
          try {
            ino = Number(fs.lstatSync(path + '/' + d.name, { bigint: true }).ino);
          } catch {
            /* raced with a removal: keep 0 */
          }
          out.push({ name: d.name, type: dtype(d), ino });
        }
      } finally {
        dir.closeSync();
      }
      return out;
    } catch (e) {
      return errno(e);
    }
  }
  mkdir(path: string, mode: number): number {
    return wrap(() => fs.mkdirSync(path, { mode }));
  }
  rmdir(path: string): number {
    return wrap(() => fs.rmdirSync(path));
  }
  unlink(path: string): number {
    return wrap(() => fs.unlinkSync(path));
  }
  rename(from: string, to: string, flags = 0): number {
    if (flags & 1 /* RENAME_NOREPLACE */) {
      const st = this.lstat(to);
      if (typeof st !== 'number') return -E.EEXIST;
      if (st !== -E.ENOENT) return st;
    }
    if (flags & 2 /* RENAME_EXCHANGE */) {
      for (const p of [from, to]) {
        const st = this.lstat(p);
        if (typeof st === 'number') return st;
      }
      // Node has no renameat2: three renames through a fresh name in the target's directory.
      const tmp = `${to.slice(0, to.lastIndexOf('/') + 1)}.rustos-xchg-${process.pid}-${Date.now()}`;
      return wrap(() => {
        fs.renameSync(to, tmp);
        try {
          fs.renameSync(from, to);
        } catch (e) {
          fs.renameSync(tmp, to);
          throw e;
        }
        fs.renameSync(tmp, from);
      });
    }
    return wrap(() => fs.renameSync(from, to));
  }
  mknod(path: string, mode: number, dev: number): number {
    void dev;
    const type = mode & 0o170000;
    const perm = mode & 0o7777;
    if (type === 0o100000 || type === 0) {
      return wrap(() => fs.closeSync(fs.openSync(path, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, perm)));
    }
    if (type !== 0o010000) return -E.EPERM;
    const st = this.lstat(path);
    if (typeof st !== 'number') return -E.EEXIST;
    // Node cannot make FIFOs; the host's mkfifo(1) does (the path is already confined).
    try {
      execFileSync('mkfifo', ['-m', perm.toString(8), '--', path], { stdio: 'ignore' });
      return 0;
    } catch {
      const again = this.lstat(path);
      return typeof again === 'number' && again !== -E.ENOENT ? again : -E.EACCES;
    }
  }
  symlink(target: Uint8Array, path: string): number {
    return wrap(() => fs.symlinkSync(Buffer.from(target), path));
  }
  link(from: string, to: string): number {
    return wrap(() => fs.linkSync(from, to));
  }
  chmod(path: string, mode: number): number {
    return wrap(() => fs.chmodSync(path, mode));
  }
  lchown(path: string, uid: number, gid: number): number {
    const st = this.lstat(path);
    if (typeof st === 'number') return st;
    return wrap(() => fs.lchownSync(path, uid === -1 ? st.uid : uid, gid === -1 ? st.gid : gid));
  }
  truncate(path: string, len: number): number {
    return wrap(() => fs.truncateSync(path, len));
  }
  ftruncate(fd: number, len: number): number {
    return wrap(() => fs.ftruncateSync(fd, len));
  }
  fsync(fd: number): number {
    return wrap(() => fs.fsyncSync(fd));
  }
  utimes(path: string, atime: [number, number] | null, mtime: [number, number] | null, follow: boolean): number {
    const st = this.lstat(path);
    if (typeof st === 'number') return st;
    const a = atime ? atime[0] + atime[1] / 1e9 : st.atimeSec + st.atimeNsec / 1e9;
    const m = mtime ? mtime[0] + mtime[1] / 1e9 : st.mtimeSec + st.mtimeNsec / 1e9;
    const r = wrap(() => (follow ? fs.utimesSync(path, a, m) : fs.lutimesSync(path, a, m)));
    if (r < 0) return r;
    // Node takes times as doubles (about 240 ns apart near 2^31 s): when that rounds, touch(1)
    // sets the exact nanoseconds (it calls utimensat with the whole timespec).
    const after = this.lstat(path);
    if (typeof after === 'number') return 0;
    const fix = (flag: string, t: [number, number] | null, sec: number, nsec: number): void => {
      if (!t || (t[0] === sec && t[1] === nsec)) return;
      try {
        execFileSync('touch', [...(follow ? [] : ['-h']), flag, '-d', `@${t[0]}.${String(t[1]).padStart(9, '0')}`, '--', path], { stdio: 'ignore' });
      } catch {
        /* keep Node's rounding */
      }
    };
    fix('-a', atime, after.atimeSec, after.atimeNsec);
    fix('-m', mtime, after.mtimeSec, after.mtimeNsec);
    return 0;
  }
  access(path: string, mode: number): number {
    return wrap(() => fs.accessSync(path, mode));
  }
  statfs(path: string): HostStatfs | number {
    try {
      const s = fs.statfsSync(path);
      return { type: s.type, bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
    } catch (e) {
      return errno(e);
    }
  }
  isatty(fd: number): boolean {
    return tty.isatty(fd);
  }
  openTerminal(fd: number, outFd: number, onInput: (data: Uint8Array) => void, onEnd: (err: number) => void): HostTerminal | null {
    if (!tty.isatty(fd)) return null;
    try {
      return new NodeTerminal(fd, outFd, onInput, onEnd);
    } catch {
      return null;
    }
  }
  processGroupOrphaned(): boolean {
    const me = procStat('self');
    if (!me) return false;
    const [, , pgrp, sid] = me;
    // Any member of our group with a parent in another group of our session links it outside.
    let pids: string[];
    try {
      pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
    } catch {
      return false;
    }
    for (const pid of pids) {
      const st = procStat(Number(pid));
      if (!st || st[2] !== pgrp) continue;
      const parent = procStat(st[1]);
      if (parent && parent[2] !== pgrp && parent[3] === sid) return false;
    }
    return true;
  }
  winsize(fd: number): { rows: number; cols: number } | null {
    if (!tty.isatty(fd)) return null;
    const s = fd === 2 ? process.stderr : process.stdout;
    if (!s.isTTY) return null;
    const [cols, rows] = s.getWindowSize();
    return { rows, cols };
  }
  realtime(): [number, number] {
    const ns = BigInt(Date.now()) * 1000000n + (process.hrtime.bigint() % 1000000n);
    return [Number(ns / 1000000000n), Number(ns % 1000000000n)];
  }
  monotonicNs(): number {
    return Number(process.hrtime.bigint() - this.t0) + 1e9;
  }
  cpuTimeNs(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  }
  randomBytes(buf: Uint8Array): void {
    randomFillSync(buf);
  }
  defer(fn: () => void): void {
    setImmediate(fn);
  }
  setTimer(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  }
  uptimeSec(): number {
    return os.uptime();
  }
  loadavg(): number[] {
    return os.loadavg();
  }
}
