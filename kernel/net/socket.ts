/**
 * Sockets: the open file description every socket is (socket(2), socketpair, accept), with what
 * all address families share: the constants of the ABI, SOL_SOCKET options (buffer sizes with
 * Linux's doubling, timeouts, SO_ERROR...), fstat as S_IFSOCK, /proc/PID/fd's "socket:[ino]",
 * and read/write as recv/send without flags. The families implement the operations: AF_UNIX in
 * unix.ts (entirely in the kernel), AF_INET/AF_INET6 in inet.ts (through the Host).
 *
 * Operations never wait themselves: one that cannot complete returns WouldBlock (the caller parks
 * on the queue, honouring O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO, and retries), as
 * pipes do. Progress of a call that completes in parts (a large stream send, MSG_WAITALL) lives in
 * the SendMsg/RecvState the caller hands in again on each retry.
 */

import { OpenFile, O_RDWR, O_NONBLOCK, S_IFSOCK } from '../vfs/file.js';
import type { HostStat } from '../host/host.js';
import { WaitQueue, WouldBlock, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../waitqueue.js';
import type { Pollable } from '../pipe.js';

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5, SOCK_PACKET = 10;
export const SOCK_TYPE_MASK = 0xf, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

export const MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTROUTE = 0x4, MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_CONFIRM = 0x800;
export const MSG_ERRQUEUE = 0x2000, MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000, MSG_WAITFORONE = 0x10000;
export const MSG_CMSG_CLOEXEC = 0x40000000;

export const SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6;
export const SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11;
export const SO_PRIORITY = 12, SO_LINGER = 13, SO_BSDCOMPAT = 14, SO_REUSEPORT = 15, SO_PASSCRED = 16;
export const SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21;
export const SO_BINDTODEVICE = 25, SO_TIMESTAMP_OLD = 29, SO_ACCEPTCONN = 30, SO_PEERSEC = 31;
export const SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PASSSEC = 34, SO_MARK = 36, SO_PROTOCOL = 38;
export const SO_DOMAIN = 39, SO_RXQ_OVFL = 40, SO_PEEK_OFF = 42, SO_BUSY_POLL = 46, SO_INCOMING_CPU = 49;
export const SO_COOKIE = 57, SO_ZEROCOPY = 60, SO_RCVTIMEO_NEW = 66, SO_SNDTIMEO_NEW = 67;
export const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;

/** Linux's sk_shutdown bits. */
export const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

export const POLLRDHUP = 0x2000, POLLWRBAND = 0x200;

/** SCM_MAX_FD: descriptors one SCM_RIGHTS message may carry. */
export const SCM_MAX_FD = 253;

/** Process credentials as SCM_CREDENTIALS and SO_PEERCRED carry them. */
export interface Cred {
  pid: number;
  uid: number;
  gid: number;
}

/** One send: what the caller gathered from the guest, plus progress across retries. */
export interface SendMsg {
  data: Uint8Array;
  flags: number;
  /** The destination (msg_name), raw sockaddr bytes, or null. */
  addr: Uint8Array | null;
  /** SCM_RIGHTS: descriptions to pass (held by the caller until the send ends). */
  rights: OpenFile[] | null;
  /** SCM_CREDENTIALS given by the sender (already checked against `sender`). */
  cred: Cred | null;
  /** Bytes already sent by earlier attempts (a stream send proceeds in parts). */
  sent: number;
  /** Set by the socket when the failure must also raise SIGPIPE (EPIPE on a stream). */
  sigpipe?: boolean;
}

/** How bind and connect reach the file system, as the calling process sees it (its root, cwd). */
export interface UnixPathOps {
  /**
   * Creates the socket inode (-EEXIST if the name exists); returns its key (device:inode) and
   * the host path behind it ('' when no host file backs it).
   */
  create(path: string): SockNode | number;
  /** Removes a name create() made (a bind that fails afterwards). */
  remove(path: string): void;
  /** An existing socket inode; -ECONNREFUSED if it is not a socket, -ENOENT, -EACCES... */
  lookup(path: string): SockNode | number;
}

/** A socket inode in the file system: its key (device:inode) and host path ('' if none). */
export interface SockNode {
  key: string;
  host: string;
}

/** Who is calling: credentials, and the file system view AF_UNIX names are resolved in. */
export interface SockCtx {
  cred: Cred;
  paths: UnixPathOps | null;
}

/** A connect(2) call in progress: a blocking connect waits, then asks again how it went. */
export interface ConnectCall {
  started: boolean;
}

/** One receive: the buffer, progress across retries (MSG_WAITALL) and what came with the data. */
export interface RecvState {
  buf: Uint8Array;
  copied: number;
  flags: number;
  /** The sender's address (msg_name), raw sockaddr bytes. */
  addr: Uint8Array | null;
  rights: OpenFile[] | null;
  cred: Cred | null;
  /** Flags for msg_flags (MSG_TRUNC, MSG_CTRUNC, MSG_EOR). */
  msgFlags: number;
  /** The value the call returns when it differs from `copied` (a datagram's size with MSG_TRUNC). */
  result?: number;
}

export function newRecvState(buf: Uint8Array, flags: number): RecvState {
  return { buf, copied: 0, flags, addr: null, rights: null, cred: null, msgFlags: 0 };
}

/** Network sysctls that shape socket behaviour (read from the host when it has them). */
export interface NetSysctl {
  wmemMax: number;
  rmemMax: number;
  wmemDefault: number;
  rmemDefault: number;
  somaxconn: number;
  maxDgramQlen: number;
}

export const DEFAULT_SYSCTL: NetSysctl = {
  wmemMax: 212992, rmemMax: 212992, wmemDefault: 212992, rmemDefault: 212992, somaxconn: 4096, maxDgramQlen: 10,
};

const SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;

let nextSockIno = 20000;

/** The sockfs device number fstat reports (0:8, as on Linux). */
const SOCKFS_DEV = 8;

export abstract class Socket extends OpenFile implements Pollable {
  readonly ino = nextSockIno++;
  /** Everyone waiting on this socket: readers, writers, acceptors, connectors, pollers. */
  readonly q = new WaitQueue();
  sndbuf: number;
  rcvbuf: number;
  /** SO_ERROR: a pending error (positive errno), reported once. */
  err = 0;
  reuseAddr = false;
  reusePort = false;
  keepAlive = false;
  broadcast = false;
  oobInline = false;
  passcred = false;
  linger: [number, number] = [0, 0];
  /** SO_RCVTIMEO / SO_SNDTIMEO in microseconds (0 = wait forever). */
  rcvTimeoUs = 0;
  sndTimeoUs = 0;
  rcvLowat = 1;
  priority = 0;
  mark = 0;
  /** Options accepted and reported back but without effect here (level:name -> value). */
  readonly misc = new Map<string, number>();

  constructor(
    readonly domain: number,
    readonly type: number,
    readonly protocol: number,
    flags: number,
    readonly sysctl: NetSysctl,
    readonly owner: Cred,
  ) {
    super(O_RDWR | (flags & O_NONBLOCK), '');
    this.path = `socket:[${this.ino}]`;
    this.sndbuf = sysctl.wmemDefault;
    this.rcvbuf = sysctl.rmemDefault;
  }

  get nonblocking(): boolean {
    return (this.flags & O_NONBLOCK) !== 0;
  }

  // ---- the operations each family implements ----
  abstract bind(addr: Uint8Array, ctx: SockCtx): number | Promise<number>;
  abstract listen(backlog: number, ctx: SockCtx): number | Promise<number>;
  /** A connected socket, -errno, or WouldBlock to wait for a connection. */
  abstract accept(nonblock: boolean): Socket | number | WouldBlock;
  /** 0, -errno, or WouldBlock (a blocking connect in progress: retry after waiting). */
  abstract connect(addr: Uint8Array, nonblock: boolean, ctx: SockCtx, call: ConnectCall): number | WouldBlock | Promise<number>;
  /** Bytes sent (all of msg.data from msg.sent on, or part of it), -errno, or WouldBlock. */
  abstract send(msg: SendMsg, nonblock: boolean, ctx: SockCtx): number | WouldBlock | Promise<number>;
  /** Fills st; returns 0 when the receive is complete (st.copied is the result), -errno, or WouldBlock. */
  abstract recv(st: RecvState, nonblock: boolean): number | WouldBlock;
  abstract shutdown(how: number): number;
  abstract sockname(): Uint8Array;
  /** The peer's address, or -ENOTCONN. */
  abstract peername(): Uint8Array | number;
  abstract poll(): number;
  /** Whether the socket is listening (SO_ACCEPTCONN). */
  abstract listening(): boolean;

  pollQueues(): WaitQueue[] {
    return [this.q];
  }

  /** Family-specific options; undefined when the family has no such option (ENOPROTOOPT). */
  getOption(level: number, name: number): Uint8Array | number | undefined {
    void level, name;
    return undefined;
  }
  setOption(level: number, name: number, val: Uint8Array): number | undefined {
    void level, name, val;
    return undefined;
  }
  /** A SOL_SOCKET option changed (SO_KEEPALIVE, SO_BROADCAST, buffer sizes): pass it on to the host. */
  sockOptChanged(name: number): void {
    void name;
  }
  /** SO_PEERCRED, when the family has one. */
  peerCred(): Cred | null {
    return null;
  }
  /** Bytes waiting to be read (FIONREAD/SIOCINQ) and not yet sent (SIOCOUTQ). */
  inq(): number {
    return 0;
  }
  outq(): number {
    return 0;
  }

  /** SO_SNDBUF/SO_RCVBUF: the value doubled (room for bookkeeping), capped and floored as Linux. */
  setBuf(which: 'snd' | 'rcv', v: number, force: boolean): void {
    const max = which === 'snd' ? this.sysctl.wmemMax : this.sysctl.rmemMax;
    const val = force ? Math.min(Math.max(v, 0), 0x3fffffff) : Math.min(Math.max(v, 0), max);
    if (which === 'snd') this.sndbuf = Math.max(val * 2, SOCK_MIN_SNDBUF);
    else this.rcvbuf = Math.max(val * 2, SOCK_MIN_RCVBUF);
    this.q.notify();
  }

  /** Takes the pending error (SO_ERROR, and a failed call reporting it). */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }

  /** Sets a pending error and wakes everyone. */
  setError(errno: number): void {
    this.err = errno;
    this.q.notify();
  }

  override read(buf: Uint8Array): number | WouldBlock {
    const st = newRecvState(buf, 0);
    const r = this.recv(st, this.nonblocking);
    return typeof r === 'number' && r >= 0 ? st.result ?? st.copied : r;
  }

  override write(buf: Uint8Array): number | WouldBlock | Promise<number> {
    return this.send({ data: buf, flags: 0, addr: null, rights: null, cred: null, sent: 0 }, this.nonblocking, { cred: this.owner, paths: null });
  }

  override stat(): HostStat {
    return {
      dev: SOCKFS_DEV, ino: this.ino, mode: S_IFSOCK | 0o777, nlink: 1, uid: this.owner.uid, gid: this.owner.gid, rdev: 0,
      size: 0, blksize: 4096, blocks: 0, atimeSec: 0, atimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, ctimeSec: 0, ctimeNsec: 0,
    };
  }

  override linkName(): string {
    return this.path;
  }

  override available(): number {
    return this.inq();
  }
}

/** The readiness a socket reports when it is neither readable nor writable-blocked. */
export const READABLE = POLLIN | POLLRDNORM, WRITABLE = POLLOUT | POLLWRNORM | POLLWRBAND;

export function isSocket(f: unknown): f is Socket {
  return f instanceof Socket;
}

/** Linux's skb truesize for a message of len bytes: what counts against the sender's SO_SNDBUF. */
export function truesize(len: number): number {
  const SKB = 256, SHINFO = 320, HEAD_MAX = 4096 - SHINFO - 64;
  const kmalloc = (n: number): number => {
    for (const s of [64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192]) if (n <= s) return s;
    return Math.ceil(n / 4096) * 4096;
  };
  if (len <= HEAD_MAX) return SKB + kmalloc(Math.ceil(len / 64) * 64 + SHINFO);
  return SKB + kmalloc(SHINFO) + Math.ceil((len - 0) / 4096) * 4096;
}
