/**
 * The Host implementation for Node.js: the only kernel module that imports from Node. Node's
 * errors become negative Linux errno values here (by name, so this also holds on non-Linux hosts),
 * Linux open flags become Node's, and stat results become HostStat.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tty from 'node:tty';
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as pathMod from 'node:path';
import type {
  Host, HostStat, HostDirent, HostStatfs, HostSockAddr, HostStream, HostStreamEvents, HostListener, HostDgram, HostDgramEvents,
  HostTerminal, HostTermAttrs,
} from './host.js';
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

/** A network error as -errno: Node's own argument errors (ERR_*) are EINVAL. */
function netErrno(e: unknown): number {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END' || code === 'ERR_SOCKET_CLOSED') return -E.EPIPE;
  if (code && code.startsWith('ERR_')) return -E.EINVAL;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return -E.EADDRNOTAVAIL;
  return errno(e);
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

function sockAddr(family: string | number | undefined, address: string | undefined, port: number | undefined): HostSockAddr | null {
  if (address === undefined || port === undefined) return null;
  return { family: family === 'IPv6' || family === 6 ? 6 : 4, address, port };
}

/** The host address Node takes: IPv6 scope ids as "%N". */
function hostAddr(a: HostSockAddr): string {
  return a.family === 6 && a.scopeid ? `${a.address}%${a.scopeid}` : a.address;
}

/** A net.Socket as a HostStream. */
function wrapStream(sock: net.Socket, ev0: HostStreamEvents | null): HostStream {
  let ev = ev0;
  sock.on('error', () => {}); // until attach (and after a close): an unheard error must not end rustos
  const s: HostStream = {
    attach(e: HostStreamEvents): void {
      ev = e;
      sock.on('connect', () => ev!.connected());
      sock.on('data', (b: Buffer) => ev!.data(u8(b)));
      sock.on('end', () => ev!.end());
      sock.on('error', (err) => ev!.error(netErrno(err)));
      sock.on('close', () => ev!.closed());
      sock.resume();
    },
    write(buf: Uint8Array): void {
      const n = buf.length;
      sock.write(buf, () => ev?.written(n));
    },
    end(): void {
      sock.end();
    },
    close(reset: boolean): void {
      if (reset || sock.destroyed || sock.connecting) {
        if (sock.connecting || !reset) sock.destroy();
        else {
          try {
            sock.resetAndDestroy();
          } catch {
            sock.destroy(); // a unix stream has no reset
          }
        }
        return;
      }
      // Linux closes gracefully: pending data, then a FIN. What arrives later gets an RST.
      sock.end(() => sock.destroy());
    },
    pause(): void {
      sock.pause();
    },
    resume(): void {
      sock.resume();
    },
    setNoDelay(on: boolean): void {
      sock.setNoDelay(on);
    },
    setKeepAlive(on: boolean, idleSec: number): void {
      sock.setKeepAlive(on, idleSec * 1000);
    },
    local(): HostSockAddr | null {
      return sockAddr(sock.localFamily, sock.localAddress, sock.localPort);
    },
    remote(): HostSockAddr | null {
      return sockAddr(sock.remoteFamily, sock.remoteAddress, sock.remotePort);
    },
  };
  if (ev0) s.attach(ev0);
  return s;
}

/**
 * Creates a socket inode at `path` (Node has no mknod for sockets): a listening unix socket under
 * a temporary name in the same directory (made relative, so the 108-byte sun_path limit does not
 * apply to the directory), hard-linked to `path`; closing the listener removes only the temporary
 * name.
 */
function makeSocketNode(path: string, perm: number): number {
  const dir = pathMod.dirname(path);
  const tmp = `.rustos-sock-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const cwd = process.cwd();
  const srv = net.createServer();
  srv.on('error', () => {});
  try {
    process.chdir(dir);
    srv.listen(tmp);
    if (!fs.existsSync(tmp)) return -E.EACCES;
    fs.chmodSync(tmp, perm);
    fs.linkSync(tmp, path);
    return 0;
  } catch (e) {
    return errno(e);
  } finally {
    try {
      srv.close();
    } catch {
      /* never listened */
    }
    try {
      fs.unlinkSync(pathMod.join(dir, tmp));
    } catch {
      /* closing removed it */
    }
    process.chdir(cwd);
  }
}

/**
 * Runs fn with the current directory at `path`'s directory when `path` is too long for a
 * sun_path (108 bytes), handing fn the name to use.
 */
function withShortPath<T>(path: string, fn: (name: string) => T): T {
  if (Buffer.byteLength(path) < 100) return fn(path);
  const cwd = process.cwd();
  process.chdir(pathMod.dirname(path));
  try {
    return fn(pathMod.basename(path));
  } finally {
    process.chdir(cwd);
  }
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
  private readonly t0 = performance.now();

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
    if (type === 0o140000) {
      const st = this.lstat(path);
      if (typeof st !== 'number') return -E.EEXIST;
      return makeSocketNode(path, perm);
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
  tcpListen(addr: HostSockAddr, o: { backlog: number; ipv6Only: boolean }, onConnection: (s: HostStream) => void, done: (err: number, l: HostListener | null) => void): void {
    const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    let listening = false;
    srv.on('connection', (sock: net.Socket) => onConnection(wrapStream(sock, null)));
    srv.on('error', (e) => {
      if (!listening) done(netErrno(e), null);
    });
    const l: HostListener = {
      local: () => {
        const a = srv.address() as net.AddressInfo;
        return { family: a.family === 'IPv6' ? 6 : 4, address: a.address, port: a.port };
      },
      close: () => srv.close(),
    };
    try {
      srv.listen({ host: hostAddr(addr), port: addr.port, backlog: o.backlog, ipv6Only: o.ipv6Only, exclusive: true }, () => {
        listening = true;
        done(0, l);
      });
    } catch (e) {
      done(netErrno(e), null);
    }
  }
  tcpConnect(to: HostSockAddr, from: HostSockAddr | null, ev: HostStreamEvents): HostStream {
    const sock = new net.Socket({ allowHalfOpen: true });
    const s = wrapStream(sock, ev);
    const opts: net.TcpNetConnectOpts = { host: hostAddr(to), port: to.port, family: to.family };
    if (from) {
      opts.localAddress = hostAddr(from);
      if (from.port) opts.localPort = from.port;
    }
    try {
      sock.connect(opts);
    } catch (e) {
      const err = netErrno(e);
      setImmediate(() => ev.error(err));
    }
    return s;
  }
  udpOpen(family: 4 | 6, o: { reuseAddr: boolean; ipv6Only: boolean }, ev: HostDgramEvents): HostDgram {
    const s = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: o.reuseAddr, ipv6Only: o.ipv6Only });
    let pending: ((err: number) => void) | null = null;
    s.on('message', (msg: Buffer, r: dgram.RemoteInfo) => ev.message(u8(msg), { family: r.family === 'IPv6' ? 6 : 4, address: r.address, port: r.port }));
    s.on('error', (e) => {
      const p = pending;
      pending = null;
      if (p) p(netErrno(e));
      else ev.error(netErrno(e));
    });
    const attempt = (fn: () => void, done: (err: number) => void): void => {
      try {
        fn();
      } catch (e) {
        pending = null;
        done(netErrno(e));
      }
    };
    return {
      bind(addr: HostSockAddr, done: (err: number) => void): void {
        pending = done;
        attempt(() => s.bind({ address: hostAddr(addr), port: addr.port, exclusive: true }, () => {
          pending = null;
          done(0);
        }), done);
      },
      connect(addr: HostSockAddr, done: (err: number) => void): void {
        pending = done;
        attempt(() => s.connect(addr.port, hostAddr(addr), () => {
          pending = null;
          done(0);
        }), done);
      },
      disconnect(): void {
        try {
          s.disconnect();
        } catch {
          /* not connected */
        }
      },
      send(buf: Uint8Array, to: HostSockAddr | null, done: (err: number) => void): void {
        const cb = (err: Error | null): void => done(err ? netErrno(err) : 0);
        try {
          if (to) s.send(buf, to.port, hostAddr(to), cb);
          else s.send(buf, cb);
        } catch (e) {
          done(netErrno(e));
        }
      },
      local(): HostSockAddr | null {
        try {
          const a = s.address();
          return { family: a.family === 'IPv6' ? 6 : 4, address: a.address, port: a.port };
        } catch {
          return null;
        }
      },
      setOption(name: string, v: number): void {
        try {
          if (name === 'broadcast') s.setBroadcast(v !== 0);
          else if (name === 'ttl') s.setTTL(v);
          else if (name === 'multicastTtl') s.setMulticastTTL(v);
          else if (name === 'multicastLoop') s.setMulticastLoopback(v !== 0);
          else if (name === 'recvBuffer') s.setRecvBufferSize(v);
          else if (name === 'sendBuffer') s.setSendBufferSize(v);
        } catch {
          /* not bound yet, or refused by the host: the guest keeps its own value */
        }
      },
      close(): void {
        try {
          s.close();
        } catch {
          /* already closed */
        }
      },
    };
  }
  unixConnect(path: string, ev: HostStreamEvents): HostStream {
    const sock = new net.Socket({ allowHalfOpen: true });
    const s = wrapStream(sock, ev);
    try {
      withShortPath(path, (p) => sock.connect({ path: p }));
    } catch (e) {
      const err = netErrno(e);
      setImmediate(() => ev.error(err));
    }
    return s;
  }
  unixListen(path: string, onConnection: (s: HostStream) => void): HostListener | number {
    const st = this.lstat(path);
    if (typeof st === 'number') return st;
    const dir = pathMod.dirname(path);
    const tmp = `.rustos-sock-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    srv.on('error', () => {});
    srv.on('connection', (sock: net.Socket) => onConnection(wrapStream(sock, null)));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      srv.listen(tmp);
      if (!fs.existsSync(tmp)) return -E.EACCES;
      fs.chmodSync(tmp, st.mode & 0o7777);
      fs.renameSync(tmp, path);
    } catch (e) {
      try {
        srv.close();
      } catch {
        /* never listened */
      }
      return errno(e);
    } finally {
      process.chdir(cwd);
    }
    return {
      local: () => ({ family: 4, address: path, port: 0 }),
      close: () => srv.close(),
    };
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
    // performance.now() is the same monotonic clock as hrtime, in ms as a double (exact to well
    // under a ns for months); unlike hrtime.bigint() it allocates nothing, and the scheduler
    // reads it twice per slice.
    return Math.round((performance.now() - this.t0) * 1e6) + 1e9;
  }
  cpuTimeNs(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  }
  /** /proc/thread-self/schedstat, opened once (-1: not there); read in place with pread. */
  private schedstat: number | null = null;
  private readonly schedBuf = new Uint8Array(96);
  runDelayNs(): number {
    if (this.schedstat === null) {
      try {
        this.schedstat = fs.openSync('/proc/thread-self/schedstat', 'r');
      } catch {
        this.schedstat = -1;
      }
    }
    if (this.schedstat < 0) return -1;
    // "<on-cpu ns> <run_delay ns> <timeslices>\n": the second number, parsed without allocating.
    const b = this.schedBuf;
    const n = fs.readSync(this.schedstat, b, 0, b.length, 0);
    let i = 0;
    while (i < n && b[i] !== 32) i++;
    let v = 0;
    for (i++; i < n && b[i] >= 48 && b[i] <= 57; i++) v = v * 10 + (b[i] - 48);
    return v;
  }
  randomBytes(buf: Uint8Array): void {
    randomFillSync(buf);
  }
  defer(fn: () => void): void {
    setImmediate(fn);
  }
  setTimer(ms: number, fn: () => void): () => void {
    // libuv measures timers against a loop clock cached in whole milliseconds, so a timeout can
    // fire up to a millisecond before `ms` have passed on the monotonic clock the guest reads; a
    // sleep must never end early (nanosleep, timeouts), so an early firing waits out the rest.
    const due = performance.now() + Math.max(0, ms);
    let t: NodeJS.Timeout;
    const fire = (): void => {
      const left = due - performance.now();
      if (left > 0) t = setTimeout(fire, Math.ceil(left));
      else fn();
    };
    t = setTimeout(fire, Math.max(0, ms));
    return () => clearTimeout(t);
  }
  uptimeSec(): number {
    return os.uptime();
  }
  loadavg(): number[] {
    return os.loadavg();
  }
}
