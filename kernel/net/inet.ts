/**
 * AF_INET and AF_INET6 sockets through the host's network stack: TCP over Host.tcpListen /
 * tcpConnect, UDP over Host.udpOpen (Node's net and dgram modules). The host calls back from its
 * event loop; each socket keeps an inbox (as host-input.ts does for terminals) and its state, and
 * the guest's calls take from them or wait on the socket's queue.
 *
 * The socket state follows Linux's (struct socket's SS_* and the TCP state), so connect, send and
 * recv fail in Linux's order with Linux's errno values: a nonblocking connect is EINPROGRESS and
 * then POLLOUT with SO_ERROR, connect on a connecting socket EALREADY, send on a reset connection
 * ECONNRESET once and then EPIPE, and so on.
 *
 * The host cannot bind a TCP socket without listening, so bind(2) listens at once (the port is
 * then reserved, getsockname knows it) and connections that arrive before listen(2) are reset; a
 * bound socket that connects instead gives up the listener and connects from that address.
 * Received data waits in the inbox; past the receive buffer the host connection is paused, so a
 * sender that outruns its reader blocks, as TCP's window makes it. Data written waits in the
 * host's buffers up to the send buffer; then writers block until the host has sent some.
 */

import type { Host, HostSockAddr, HostStream, HostStreamEvents, HostListener, HostDgram } from '../host/host.js';
import { WouldBlock, POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM } from '../waitqueue.js';
import {
  Socket, SendMsg, RecvState, Cred, NetSysctl, SockCtx, ConnectCall, READABLE, WRITABLE, POLLRDHUP, truesize,
  AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IP, IPPROTO_IPV6,
  MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK,
  SO_KEEPALIVE, SO_BROADCAST, SO_RCVBUF, SO_SNDBUF, SO_RCVBUFFORCE, SO_SNDBUFFORCE,
} from './socket.js';
import { E } from '../../compat/errno.js';

// ---- addresses ----

function ip4Text(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

function ip6Text(b: Uint8Array, off: number): string {
  let mapped = true;
  for (let i = 0; i < 10; i++) if (b[off + i] !== 0) mapped = false;
  if (mapped && b[off + 10] === 0xff && b[off + 11] === 0xff) return '::ffff:' + ip4Text(b, off + 12);
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[off + i] << 8) | b[off + i + 1]).toString(16));
  return g.join(':');
}

/** Parses a textual IPv4 address into 4 bytes, or null. */
function parseIp4(s: string): number[] | null {
  const p = s.split('.');
  if (p.length !== 4) return null;
  const out = p.map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : -1));
  return out.every((x) => x >= 0 && x <= 255) ? out : null;
}

/** Parses a textual IPv6 address (with "::", an embedded IPv4 part, a "%scope") into 16 bytes. */
function parseIp6(s: string): Uint8Array | null {
  s = s.replace(/%.*$/, '');
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const parts = h.split(':');
    const r: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const x = parts[i];
      if (i === parts.length - 1 && x.includes('.')) {
        const v4 = parseIp4(x);
        if (!v4) return null;
        r.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(x)) r.push(parseInt(x, 16));
      else return null;
    }
    return r;
  };
  const a = groups(halves[0]), b = halves.length === 2 ? groups(halves[1]) : [];
  if (!a || !b) return null;
  if (halves.length === 1 ? a.length !== 8 : a.length + b.length > 7) return null;
  const all = [...a, ...new Array(8 - a.length - b.length).fill(0), ...b];
  all.forEach((v, i) => {
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

const be16 = (b: Uint8Array, off: number): number => (b[off] << 8) | b[off + 1];
const be32 = (b: Uint8Array, off: number): number => ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
const le32 = (b: Uint8Array, off: number): number => (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;

/** A guest sockaddr for a socket of `domain`: EINVAL when too short, EAFNOSUPPORT for another family. */
export function parseInet(b: Uint8Array, domain: number, forBind = false): HostSockAddr | number {
  if (b.length < 2) return -E.EINVAL;
  const fam = b[0] | (b[1] << 8);
  if (domain === AF_INET) {
    if (b.length < 16) return -E.EINVAL;
    if (fam !== AF_INET && !(forBind && fam === AF_UNSPEC && be32(b, 4) === 0)) return -E.EAFNOSUPPORT;
    return { family: 4, address: ip4Text(b, 4), port: be16(b, 2) };
  }
  if (b.length < 24) return -E.EINVAL;
  if (fam !== AF_INET6) return -E.EAFNOSUPPORT;
  const scopeid = b.length >= 28 ? le32(b, 24) : 0;
  return { family: 6, address: ip6Text(b, 8), port: be16(b, 2), flowinfo: be32(b, 4), scopeid };
}

/** The sockaddr a socket of `domain` reports for a host address (IPv4 as v4-mapped for AF_INET6). */
export function encodeInet(a: HostSockAddr | null, domain: number): Uint8Array {
  if (domain === AF_INET) {
    const b = new Uint8Array(16);
    b[0] = AF_INET;
    if (a) {
      b[2] = a.port >> 8;
      b[3] = a.port & 0xff;
      const v4 = parseIp4(a.address.replace(/^::ffff:/i, ''));
      if (v4) b.set(v4, 4);
    }
    return b;
  }
  const b = new Uint8Array(28);
  b[0] = AF_INET6;
  if (a) {
    b[2] = a.port >> 8;
    b[3] = a.port & 0xff;
    const v4 = a.family === 4 ? parseIp4(a.address) : null;
    if (v4) {
      b[18] = b[19] = 0xff;
      b.set(v4, 20);
    } else {
      const v6 = parseIp6(a.address);
      if (v6) b.set(v6, 8);
      const m = /%(\d+)$/.exec(a.address);
      const scope = a.scopeid ?? (m ? Number(m[1]) : 0);
      b[24] = scope & 0xff;
      b[25] = (scope >> 8) & 0xff;
      b[26] = (scope >> 16) & 0xff;
      b[27] = (scope >>> 24) & 0xff;
    }
  }
  return b;
}

/** Whether two host addresses are the same endpoint (IPv4 and its v4-mapped form alike). */
function sameAddr(a: HostSockAddr, b: HostSockAddr): boolean {
  const x = encodeInet(a, AF_INET6), y = encodeInet(b, AF_INET6);
  for (let i = 2; i < 24; i++) if (i < 4 || i >= 8 ? x[i] !== y[i] : false) return false;
  return true;
}

function anyAddr(domain: number): HostSockAddr {
  return domain === AF_INET ? { family: 4, address: '0.0.0.0', port: 0 } : { family: 6, address: '::', port: 0 };
}

// ---- options shared by TCP and UDP (IPPROTO_IP / IPPROTO_IPV6 / IPPROTO_TCP integers) ----

const IP_TOS = 1, IP_TTL = 2, IP_MTU_DISCOVER = 10, IP_RECVERR = 11, IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34;
const IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_HOPS = 18, IPV6_MULTICAST_LOOP = 19, IPV6_V6ONLY = 26;
const TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6, TCP_INFO = 11, TCP_CONGESTION = 13;

/** Integer options accepted per level, with Linux's defaults (the value is kept and reported back). */
const INT_OPTS: Record<number, Record<number, number>> = {
  [IPPROTO_IP]: {
    [IP_TOS]: 0, [IP_TTL]: 64, 3 /* IP_HDRINCL */: 0, 6 /* IP_RECVOPTS */: 0, 7 /* IP_RETOPTS */: 0, 8 /* IP_PKTINFO */: 0,
    [IP_MTU_DISCOVER]: 1, [IP_RECVERR]: 0, 12 /* IP_RECVTTL */: 0, 13 /* IP_RECVTOS */: 0, 15 /* IP_FREEBIND */: 0,
    19 /* IP_TRANSPARENT */: 0, 24 /* IP_BIND_ADDRESS_NO_PORT */: 0, [IP_MULTICAST_TTL]: 1, [IP_MULTICAST_LOOP]: 1,
    49 /* IP_MULTICAST_ALL */: 1,
  },
  [IPPROTO_IPV6]: {
    [IPV6_UNICAST_HOPS]: 64, [IPV6_MULTICAST_HOPS]: 1, [IPV6_MULTICAST_LOOP]: 1, 23 /* IPV6_MTU_DISCOVER */: 1,
    25 /* IPV6_RECVERR */: 0, [IPV6_V6ONLY]: 0, 49 /* IPV6_RECVPKTINFO */: 0, 66 /* IPV6_RECVTCLASS */: 0, 67 /* IPV6_TCLASS */: 0,
  },
  [IPPROTO_TCP]: {
    [TCP_NODELAY]: 0, [TCP_MAXSEG]: 536, 3 /* TCP_CORK */: 0, [TCP_KEEPIDLE]: 7200, [TCP_KEEPINTVL]: 75, [TCP_KEEPCNT]: 9,
    7 /* TCP_SYNCNT */: 6, 8 /* TCP_LINGER2 */: 60, 9 /* TCP_DEFER_ACCEPT */: 0, 10 /* TCP_WINDOW_CLAMP */: 0,
    12 /* TCP_QUICKACK */: 1, 18 /* TCP_USER_TIMEOUT */: 0, 23 /* TCP_FASTOPEN */: 0, 25 /* TCP_NOTSENT_LOWAT */: 0,
    30 /* TCP_FASTOPEN_CONNECT */: 0,
  },
  [IPPROTO_UDP]: { 1 /* UDP_CORK */: 0, 100 /* UDP_ENCAP */: 0, 101: 0, 102: 0, 103 /* UDP_SEGMENT */: 0, 104 /* UDP_GRO */: 0 },
};

const readInt = (v: Uint8Array): number => (v[0] | (v[1] << 8) | (v[2] << 16) | (v[3] << 24));
const intBytes = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
};

/** What TCP and UDP sockets share: the host, option storage, the IP-level options. */
abstract class InetSocket extends Socket {
  protected readonly opts = new Map<string, number>();
  v6only = false;

  constructor(protected readonly host: Host, domain: number, type: number, protocol: number, flags: number, sysctl: NetSysctl, owner: Cred) {
    super(domain, type, protocol, flags, sysctl, owner);
  }

  protected opt(level: number, name: number): number {
    return this.opts.get(`${level}:${name}`) ?? INT_OPTS[level][name];
  }

  /** Whether the socket has an address yet (IPV6_V6ONLY can no longer change). */
  protected abstract bound(): boolean;

  /** Whether this socket answers options of `level` (IP always; IPv6 on AF_INET6; TCP or UDP by type). */
  private hasLevel(level: number): boolean {
    if (level === IPPROTO_IP) return true;
    if (level === IPPROTO_IPV6) return this.domain === AF_INET6;
    if (level === IPPROTO_TCP) return this.type === SOCK_STREAM;
    if (level === IPPROTO_UDP) return this.type === SOCK_DGRAM;
    return false;
  }

  override getOption(level: number, name: number): Uint8Array | number {
    // An unknown level: IPv4's getsockopt says EOPNOTSUPP, IPv6's ENOPROTOOPT.
    if (!this.hasLevel(level)) return this.domain === AF_INET6 ? -E.ENOPROTOOPT : -E.EOPNOTSUPP;
    if (level === IPPROTO_IPV6 && name === IPV6_V6ONLY) return intBytes(this.v6only ? 1 : 0);
    if (level === IPPROTO_TCP && name === TCP_CONGESTION) {
      const b = new Uint8Array(16);
      b.set(new TextEncoder().encode(this.congestion).subarray(0, 15));
      return b;
    }
    if (level === IPPROTO_TCP && name === TCP_INFO) return this.tcpInfo();
    const table = INT_OPTS[level];
    if (!table || !(name in table)) return -E.ENOPROTOOPT;
    return intBytes(this.opt(level, name));
  }

  /** The host's TCP congestion control (TCP_CONGESTION reports it). */
  congestion = 'cubic';

  protected tcpInfo(): Uint8Array {
    return new Uint8Array(232);
  }

  override setOption(level: number, name: number, val: Uint8Array): number {
    if (!this.hasLevel(level)) return -E.ENOPROTOOPT;
    if (level === IPPROTO_TCP && name === TCP_CONGESTION) return 0;
    const table = INT_OPTS[level];
    if (!table || !(name in table)) return -E.ENOPROTOOPT;
    if (val.length < 4) return level === IPPROTO_IP && val.length >= 1 ? this.setInt(level, name, val[0]) : -E.EINVAL;
    return this.setInt(level, name, readInt(val));
  }

  private setInt(level: number, name: number, v: number): number {
    if (level === IPPROTO_IPV6 && name === IPV6_V6ONLY) {
      if (this.bound()) return -E.EINVAL;
      this.v6only = v !== 0;
      return 0;
    }
    if (level === IPPROTO_IP && name === IP_TTL) {
      if (v === -1) v = 64;
      if (v < 1 || v > 255) return -E.EINVAL;
    }
    if (level === IPPROTO_IPV6 && (name === IPV6_UNICAST_HOPS || name === IPV6_MULTICAST_HOPS)) {
      if (v === -1) v = name === IPV6_UNICAST_HOPS ? 64 : 1;
      if (v < -1 || v > 255) return -E.EINVAL;
    }
    if (level === IPPROTO_TCP) {
      if ((name === TCP_KEEPIDLE || name === TCP_KEEPINTVL) && (v < 1 || v > 32767)) return -E.EINVAL;
      if (name === TCP_KEEPCNT && (v < 1 || v > 127)) return -E.EINVAL;
      if (name === TCP_MAXSEG && v !== 0 && (v < 88 || v > 65535)) return -E.EINVAL;
      if (name === TCP_NODELAY || name === 3 || name === 12) v = v ? 1 : 0;
      if (name === TCP_MAXSEG && v === 0) return 0;
    }
    if (level === IPPROTO_IP && (name === IP_RECVERR || name === IP_MULTICAST_LOOP || name === 8 || name === 15)) v = v ? 1 : 0;
    this.opts.set(`${level}:${name}`, v);
    this.applied(level, name, v);
    return 0;
  }

  /** An option changed: pass what the host can act on to it. */
  protected applied(level: number, name: number, v: number): void {
    void level, name, v;
  }
}

// ---- TCP ----

/**
 * The TCP ports guest sockets hold in one kernel. A connection to a local port that a guest has
 * bound but not listened on is refused here (the host would have accepted it: bind listens).
 */
export class InetNamespace {
  readonly tcpPorts = new Map<number, TcpSocket>();
  /** net.ipv4.tcp_congestion_control of the host. */
  congestion = 'cubic';
}

function isLocal(addr: string): boolean {
  return /^(127\.|::ffff:127\.)/i.test(addr) || addr === '0.0.0.0' || addr === '::' || addr === '::1' || /^(0:){7}1$/.test(addr) || /^(0:){7}0$/.test(addr);
}

const SS_UNCONNECTED = 0, SS_CONNECTING = 1, SS_CONNECTED = 2;
type TcpState = 'close' | 'listen' | 'synsent' | 'established';

/** Bytes waiting in the host's buffers before writers block, and received before reading pauses. */
const MIN_HOST_BUF = 256 * 1024;

export class TcpSocket extends InetSocket {
  private ss = SS_UNCONNECTED;
  private ts: TcpState = 'close';
  private local: HostSockAddr | null = null;
  private remote: HostSockAddr | null = null;
  private listener: HostListener | null = null;
  private stream: HostStream | null = null;
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private paused = false;
  private shut = 0;
  /** SOCK_DONE: the peer's FIN came; reads return 0. */
  private done = false;
  /** Bytes handed to the host and not yet sent by it. */
  private unsent = 0;
  private readonly acceptq: TcpSocket[] = [];
  /** listen(2)'s backlog (kept for the record: the host's listener queues what arrives). */
  backlog = 0;

  constructor(host: Host, private readonly ns: InetNamespace, domain: number, flags: number, sysctl: NetSysctl, owner: Cred) {
    super(host, domain, SOCK_STREAM, IPPROTO_TCP, flags, sysctl, owner);
    this.sndbuf = 16384; // tcp_wmem[1] and tcp_rmem[1], before the connection tunes them
    this.rcvbuf = 131072;
    this.congestion = ns.congestion;
  }

  protected bound(): boolean {
    return this.local !== null || this.ts !== 'close';
  }

  private get sendLimit(): number {
    return Math.max(this.sndbuf, MIN_HOST_BUF);
  }

  private get recvLimit(): number {
    return Math.max(this.rcvbuf, MIN_HOST_BUF);
  }

  private events(): HostStreamEvents {
    return {
      connected: () => {
        if (this.ts !== 'synsent') return;
        this.ts = 'established';
        this.local = this.stream?.local() ?? this.local;
        this.remote = this.stream?.remote() ?? this.remote;
        this.applyAll();
        this.q.notify();
      },
      data: (b) => {
        this.inbox.push(b.slice());
        this.inboxBytes += b.length;
        if (this.inboxBytes >= this.recvLimit && !this.paused) {
          this.paused = true;
          this.stream?.pause();
        }
        this.q.notify();
      },
      end: () => {
        this.done = true;
        this.shut |= RCV_SHUTDOWN;
        this.q.notify();
      },
      error: (errno) => {
        if (this.ts === 'synsent') {
          this.err = -errno;
          this.ts = 'close';
          this.shut = SHUTDOWN_MASK;
        } else if (this.ts === 'established') {
          // tcp_reset: a connection whose peer had already finished sending is EPIPE, else ECONNRESET.
          this.err = this.done && errno === -E.ECONNRESET ? E.EPIPE : -errno;
          this.ts = 'close';
          this.shut = SHUTDOWN_MASK;
        }
        this.q.notify();
      },
      written: (n) => {
        this.unsent = Math.max(0, this.unsent - n);
        this.q.notify();
      },
      closed: () => {
        if (this.ts === 'established') {
          this.ts = 'close';
          this.shut = SHUTDOWN_MASK;
        } else if (this.ts === 'synsent') {
          this.ts = 'close';
          this.shut = SHUTDOWN_MASK;
          if (!this.err) this.err = E.ECONNREFUSED;
        }
        this.q.notify();
      },
    };
  }

  /** An accepted connection. */
  private adopt(s: HostStream, from: TcpSocket): void {
    this.stream = s;
    this.ts = 'established';
    this.ss = SS_CONNECTED;
    for (const [k, v] of from.opts) this.opts.set(k, v);
    this.keepAlive = from.keepAlive;
    this.sndbuf = from.sndbuf;
    this.rcvbuf = from.rcvbuf;
    this.linger = from.linger;
    this.rcvTimeoUs = from.rcvTimeoUs;
    this.sndTimeoUs = from.sndTimeoUs;
    s.attach(this.events());
    this.local = s.local();
    this.remote = s.remote();
    this.applyAll();
  }

  /** Options the host acts on, applied once a connection exists. */
  private applyAll(): void {
    const s = this.stream;
    if (!s) return;
    if (this.opt(IPPROTO_TCP, TCP_NODELAY)) s.setNoDelay(true);
    if (this.keepAlive) s.setKeepAlive(true, this.opt(IPPROTO_TCP, TCP_KEEPIDLE));
  }

  protected override applied(level: number, name: number, v: number): void {
    if (level === IPPROTO_TCP && name === TCP_NODELAY) this.stream?.setNoDelay(v !== 0);
    if (level === IPPROTO_TCP && name === TCP_KEEPIDLE && this.keepAlive) this.stream?.setKeepAlive(true, v);
  }

  override sockOptChanged(name: number): void {
    if (name === SO_KEEPALIVE) this.stream?.setKeepAlive(this.keepAlive, this.opt(IPPROTO_TCP, TCP_KEEPIDLE));
    if (name === SO_RCVBUF || name === SO_RCVBUFFORCE || name === SO_SNDBUF || name === SO_SNDBUFFORCE) this.q.notify();
  }

  private listenHost(addr: HostSockAddr): Promise<number> {
    return new Promise((resolve) => {
      this.host.tcpListen(addr, { backlog: 511, ipv6Only: this.v6only }, (c) => this.incoming(c), (err, l) => {
        if (err < 0 || !l) return resolve(err < 0 ? err : -E.EADDRNOTAVAIL);
        this.listener = l;
        this.local = l.local();
        this.ns.tcpPorts.set(this.local.port, this);
        resolve(0);
      });
    });
  }

  override bind(addr: Uint8Array): number | Promise<number> {
    const a = parseInet(addr, this.domain, true);
    if (typeof a === 'number') return a;
    if (this.local || this.ts !== 'close' || this.ss !== SS_UNCONNECTED) return -E.EINVAL;
    if (a.family === 6 && /^::ffff:/i.test(a.address) && this.v6only) return -E.EINVAL;
    return this.listenHost(a);
  }

  override listen(backlog: number): number | Promise<number> {
    if (this.ss !== SS_UNCONNECTED || (this.ts !== 'close' && this.ts !== 'listen')) return -E.EINVAL;
    const max = this.sysctl.somaxconn;
    this.backlog = backlog < 0 || backlog > max ? max : backlog;
    if (this.ts === 'listen') return 0;
    const go = (r: number): number => {
      if (r < 0) return r;
      this.ts = 'listen';
      this.q.notify();
      return 0;
    };
    if (this.listener) return go(0);
    return this.listenHost(anyAddr(this.domain)).then(go);
  }

  private incoming(c: HostStream): void {
    if (this.ts !== 'listen' || this.dead) {
      c.close(true);
      return;
    }
    const s = new TcpSocket(this.host, this.ns, this.domain, 0, this.sysctl, this.owner);
    s.adopt(c, this);
    this.acceptq.push(s);
    this.q.notify();
  }

  override accept(nonblock: boolean): Socket | number | WouldBlock {
    if (this.ts !== 'listen') return -E.EINVAL;
    const s = this.acceptq.shift();
    if (!s) return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    return s;
  }

  override listening(): boolean {
    return this.ts === 'listen';
  }

  override connect(addr: Uint8Array, nonblock: boolean, ctx: SockCtx, call: ConnectCall): number | WouldBlock | Promise<number> {
    void ctx;
    let err: number;
    if (!call.started) {
      if (addr.length < 2) return -E.EINVAL;
      if ((addr[0] | (addr[1] << 8)) === AF_UNSPEC) return this.disconnect();
      switch (this.ss) {
        case SS_CONNECTED:
          return -E.EISCONN;
        case SS_CONNECTING:
          err = -E.EALREADY;
          break;
        default: {
          if (this.ts !== 'close') return -E.EISCONN;
          const a = parseInet(addr, this.domain);
          if (typeof a === 'number') return a;
          if (a.family === 6 && this.v6only && /^::ffff:/i.test(a.address)) return -E.ENETUNREACH;
          this.start(a);
          err = -E.EINPROGRESS;
          // A loopback handshake completes right after connect returns on Linux: give the host
          // a moment, so a connect or poll that follows sees the outcome as natively.
          if (nonblock) return (this.ts as TcpState) === 'synsent' ? this.settle(20).then(() => err) : err;
        }
      }
      call.started = !nonblock;
    } else err = -E.EINPROGRESS;
    if (this.ts === 'synsent') return nonblock ? err : new WouldBlock(this.q);
    if (this.ts === 'close') {
      const e = this.takeError();
      this.ss = SS_UNCONNECTED;
      this.stream = null;
      return -(e || E.ECONNABORTED);
    }
    this.ss = SS_CONNECTED;
    return 0;
  }

  /** Resolves when the connection attempt has an outcome, or after ms. */
  private settle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let off = (): void => {};
      const cancel = this.host.setTimer(ms, () => {
        off();
        resolve();
      });
      const check = (): void => {
        if (this.ts !== 'synsent') {
          cancel();
          resolve();
        } else off = this.q.add(check);
      };
      check();
    });
  }

  private unregister(): void {
    if (this.local && this.ns.tcpPorts.get(this.local.port) === this) this.ns.tcpPorts.delete(this.local.port);
  }

  private start(to: HostSockAddr): void {
    let from: HostSockAddr | null = null;
    if (this.listener) {
      from = this.local;
      this.unregister();
      this.listener.close();
      this.listener = null;
    }
    this.ts = 'synsent';
    this.ss = SS_CONNECTING;
    this.remote = to;
    this.done = false;
    this.shut = 0;
    this.err = 0;
    const holder = isLocal(to.address) ? this.ns.tcpPorts.get(to.port) : undefined;
    if (to.port === 0 || (holder && holder !== this && holder.ts !== 'listen')) {
      this.ts = 'close';
      this.err = E.ECONNREFUSED;
      this.shut = SHUTDOWN_MASK;
      return;
    }
    this.stream = this.host.tcpConnect(to, from, this.events());
  }

  private disconnect(): number {
    this.stream?.close(true);
    this.stream = null;
    this.unregister();
    this.listener?.close();
    this.listener = null;
    this.ts = 'close';
    this.ss = SS_UNCONNECTED;
    this.inbox.length = 0;
    this.inboxBytes = 0;
    this.q.notify();
    return 0;
  }

  override send(msg: SendMsg, nonblock: boolean): number | WouldBlock {
    if (msg.flags & MSG_OOB) return -E.EOPNOTSUPP;
    const pipe = (e: number): number => {
      if (e === E.EPIPE) msg.sigpipe = true;
      return -e;
    };
    if (this.ts !== 'established') {
      if (this.err) return pipe(this.takeError());
      if (this.ts !== 'synsent') return pipe(E.EPIPE);
      return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    }
    if (this.err || this.shut & SEND_SHUTDOWN) return pipe(this.takeError() || E.EPIPE);
    const left = msg.data.length - msg.sent;
    if (left === 0) return 0;
    const room = this.sendLimit - this.unsent;
    if (room <= 0) return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    const n = Math.min(left, room);
    this.unsent += n;
    this.stream!.write(msg.data.slice(msg.sent, msg.sent + n));
    return n;
  }

  override recv(st: RecvState, nonblock: boolean): number | WouldBlock {
    if (st.flags & MSG_OOB) return -E.EINVAL;
    if (this.ts === 'listen') return -E.ENOTCONN;
    const size = st.buf.length;
    const target = st.flags & MSG_WAITALL ? size : Math.min(Math.max(this.rcvLowat, 1), size);
    const peek = (st.flags & MSG_PEEK) !== 0;
    let skip = peek ? st.copied : 0;
    let i = 0;
    while (st.copied < size) {
      while (i < this.inbox.length && skip >= this.inbox[i].length) skip -= this.inbox[i++].length;
      const head = this.inbox[i];
      if (!head) break;
      const n = Math.min(head.length - skip, size - st.copied);
      st.buf.set(head.subarray(skip, skip + n), st.copied);
      st.copied += n;
      if (peek) {
        skip += n;
        continue;
      }
      skip = 0;
      this.inboxBytes -= n;
      if (n === head.length) this.inbox.shift();
      else this.inbox[0] = head.subarray(n);
    }
    if (this.paused && this.inboxBytes < this.recvLimit / 2) {
      this.paused = false;
      this.stream?.resume();
    }
    if (st.copied >= target) return 0;
    if (st.copied > 0) {
      if (nonblock || this.err || this.ts === 'close' || this.shut & RCV_SHUTDOWN) return 0;
      return new WouldBlock(this.q);
    }
    if (this.done) return 0;
    if (this.err) return -this.takeError();
    if (this.shut & RCV_SHUTDOWN) return 0;
    if (this.ts === 'close') return -E.ENOTCONN;
    return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
  }

  override shutdown(how: number): number {
    if (how < 0 || how > 2) return -E.EINVAL;
    const mode = how + 1;
    switch (this.ts) {
      case 'close':
        this.shut |= mode;
        this.q.notify();
        return -E.ENOTCONN;
      case 'listen':
        if (mode & RCV_SHUTDOWN) {
          this.unregister();
          this.listener?.close();
          this.listener = null;
          this.local = null;
          for (const s of this.acceptq.splice(0)) s.release();
          this.ts = 'close';
          this.q.notify();
        }
        return 0;
      case 'synsent':
        return this.disconnect();
      default:
        if (mode & SEND_SHUTDOWN && !(this.shut & SEND_SHUTDOWN)) this.stream?.end();
        this.shut |= mode;
        this.q.notify();
        return 0;
    }
  }

  override sockname(): Uint8Array {
    return encodeInet(this.stream?.local() ?? this.local, this.domain);
  }

  override peername(): Uint8Array | number {
    if (this.ts !== 'established' || !this.remote) return -E.ENOTCONN;
    return encodeInet(this.remote, this.domain);
  }

  override poll(): number {
    if (this.ts === 'listen') return this.acceptq.length ? READABLE : 0;
    let mask = 0;
    if (this.shut === SHUTDOWN_MASK || this.ts === 'close') mask |= POLLHUP;
    if (this.shut & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (this.ts !== 'synsent') {
      if (this.inboxBytes > 0) mask |= POLLIN | POLLRDNORM;
      if (this.shut & SEND_SHUTDOWN || this.unsent < this.sendLimit) mask |= POLLOUT | POLLWRNORM;
    }
    if (this.err) mask |= POLLERR;
    return mask;
  }

  override inq(): number {
    return this.ts === 'listen' ? -E.EINVAL : this.inboxBytes;
  }

  override outq(): number {
    return this.unsent;
  }

  protected override tcpInfo(): Uint8Array {
    const b = new Uint8Array(232);
    b[0] = { established: 1, synsent: 2, close: 7, listen: 10 }[this.ts];
    return b;
  }

  private dead = false;

  override release(): void {
    this.runReleaseHooks();
    this.dead = true;
    for (const s of this.acceptq.splice(0)) s.release();
    this.unregister();
    this.listener?.close();
    this.listener = null;
    if (this.stream) {
      const reset = this.inboxBytes > 0 || (this.linger[0] !== 0 && this.linger[1] === 0) || this.ts === 'synsent';
      this.stream.close(reset);
      this.stream = null;
    }
    this.ts = 'close';
    this.q.notify();
  }
}

// ---- UDP ----

interface Datagram {
  data: Uint8Array;
  from: HostSockAddr;
  size: number;
}

export class UdpSocket extends InetSocket {
  private h: HostDgram | null = null;
  private local: HostSockAddr | null = null;
  private peer: HostSockAddr | null = null;
  private readonly inbox: Datagram[] = [];
  private inboxBytes = 0;
  private shut = 0;

  constructor(host: Host, domain: number, flags: number, sysctl: NetSysctl, owner: Cred) {
    super(host, domain, SOCK_DGRAM, IPPROTO_UDP, flags, sysctl, owner);
  }

  protected bound(): boolean {
    return this.local !== null;
  }

  private handle(): HostDgram {
    if (!this.h) {
      this.h = this.host.udpOpen(this.domain === AF_INET6 ? 6 : 4, { reuseAddr: this.reuseAddr, ipv6Only: this.v6only }, {
        message: (buf, from) => {
          if (this.peer && !sameAddr(from, this.peer)) return; // a connected socket hears its peer only
          const size = truesize(buf.length);
          if (this.inboxBytes + size > this.rcvbuf) return; // the receive buffer is full: dropped, as Linux does
          this.inbox.push({ data: buf.slice(), from, size });
          this.inboxBytes += size;
          this.q.notify();
        },
        error: (errno) => this.setError(-errno),
      });
      this.applyAll();
    }
    return this.h;
  }

  private applyAll(): void {
    const h = this.h;
    if (!h) return;
    if (this.broadcast) h.setOption('broadcast', 1);
    const ttl = this.opts.get(`${IPPROTO_IP}:${IP_TTL}`);
    if (ttl !== undefined) h.setOption('ttl', ttl);
  }

  protected override applied(level: number, name: number, v: number): void {
    if (level === IPPROTO_IP && name === IP_TTL) this.h?.setOption('ttl', v);
    if (level === IPPROTO_IP && name === IP_MULTICAST_TTL) this.h?.setOption('multicastTtl', v);
    if (level === IPPROTO_IP && name === IP_MULTICAST_LOOP) this.h?.setOption('multicastLoop', v);
  }

  override sockOptChanged(name: number): void {
    if (name === SO_BROADCAST) this.h?.setOption('broadcast', this.broadcast ? 1 : 0);
  }

  private bindHost(a: HostSockAddr): Promise<number> {
    return new Promise((resolve) => {
      this.handle().bind(a, (err) => {
        if (err < 0) {
          this.h?.close();
          this.h = null;
          return resolve(err);
        }
        this.local = this.h!.local();
        this.applyAll();
        resolve(0);
      });
    });
  }

  override bind(addr: Uint8Array): number | Promise<number> {
    const a = parseInet(addr, this.domain, true);
    if (typeof a === 'number') return a;
    if (this.local) return -E.EINVAL;
    return this.bindHost(a);
  }

  private ensureBound(): number | Promise<number> {
    return this.local ? 0 : this.bindHost(anyAddr(this.domain));
  }

  override listen(): number {
    return -E.EOPNOTSUPP;
  }

  override accept(): number {
    return -E.EOPNOTSUPP;
  }

  override listening(): boolean {
    return false;
  }

  override connect(addr: Uint8Array): number | Promise<number> {
    if (addr.length < 2) return -E.EINVAL;
    if ((addr[0] | (addr[1] << 8)) === AF_UNSPEC) {
      if (this.peer) this.h?.disconnect();
      this.peer = null;
      return 0;
    }
    const a = parseInet(addr, this.domain);
    if (typeof a === 'number') return a;
    const go = (r: number): number | Promise<number> => {
      if (r < 0) return r;
      if (this.peer) this.h!.disconnect();
      this.peer = null;
      return new Promise((resolve) => {
        this.h!.connect(a, (err) => {
          if (err < 0) return resolve(err);
          this.peer = a;
          this.local = this.h!.local() ?? this.local;
          resolve(0);
        });
      });
    };
    const b = this.ensureBound();
    return typeof b === 'number' ? go(b) : b.then(go);
  }

  override send(msg: SendMsg): number | Promise<number> {
    if (msg.flags & MSG_OOB) return -E.EOPNOTSUPP;
    let to: HostSockAddr | null = null;
    if (msg.addr && msg.addr.length) {
      const a = parseInet(msg.addr, this.domain);
      if (typeof a === 'number') return a;
      to = a;
    } else if (!this.peer) return -E.EDESTADDRREQ;
    if (this.err) return -this.takeError();
    const len = msg.data.length;
    if (len > (this.domain === AF_INET ? 65507 : 65527)) return -E.EMSGSIZE;
    if (to && to.port === 0) return -E.EINVAL;
    const data = msg.data.slice();
    const go = (r: number): number | Promise<number> => {
      if (r < 0) return r;
      const h = this.h!, peer = this.peer;
      if (!to || !peer || sameAddr(to, peer)) {
        // A connected host socket takes no address: to its own peer it sends without one.
        return new Promise((resolve) => h.send(data, peer ? null : to, (err) => resolve(err < 0 ? err : len)));
      }
      // Elsewhere from a connected socket: the host socket lets go of its peer for this one send.
      h.disconnect();
      const sent = new Promise<number>((resolve) => h.send(data, to, (err) => resolve(err < 0 ? err : len)));
      h.connect(peer, () => {});
      return sent;
    };
    const b = this.ensureBound();
    return typeof b === 'number' ? go(b) : b.then(go);
  }

  override recv(st: RecvState, nonblock: boolean): number | WouldBlock {
    if (st.flags & MSG_OOB) return -E.EINVAL;
    const d = this.inbox[0];
    if (!d) {
      if (this.err) return -this.takeError();
      if (nonblock) return -E.EAGAIN;
      if (this.shut & RCV_SHUTDOWN) return 0;
      return new WouldBlock(this.q);
    }
    const n = Math.min(st.buf.length, d.data.length);
    st.buf.set(d.data.subarray(0, n));
    st.copied = n;
    if (n < d.data.length) st.msgFlags |= MSG_TRUNC;
    if (st.flags & MSG_TRUNC) st.result = d.data.length;
    st.addr = encodeInet(d.from, this.domain);
    if (!(st.flags & MSG_PEEK)) {
      this.inbox.shift();
      this.inboxBytes -= d.size;
    }
    return 0;
  }

  override shutdown(how: number): number {
    if (how < 0 || how > 2) return -E.EINVAL;
    this.shut |= how + 1;
    this.q.notify();
    return this.peer ? 0 : -E.ENOTCONN;
  }

  override sockname(): Uint8Array {
    return encodeInet(this.local, this.domain);
  }

  override peername(): Uint8Array | number {
    return this.peer ? encodeInet(this.peer, this.domain) : -E.ENOTCONN;
  }

  override poll(): number {
    let mask = 0;
    if (this.err) mask |= POLLERR;
    if (this.shut & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (this.shut === SHUTDOWN_MASK) mask |= POLLHUP;
    if (this.inbox.length) mask |= POLLIN | POLLRDNORM;
    return mask | WRITABLE;
  }

  override inq(): number {
    return this.inbox.length ? this.inbox[0].data.length : 0;
  }

  override release(): void {
    this.runReleaseHooks();
    this.h?.close();
    this.h = null;
    this.q.notify();
  }
}

