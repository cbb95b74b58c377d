/**
 * AF_UNIX sockets, entirely in the kernel: SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET, as Linux's
 * net/unix/af_unix.c. Names are filesystem sockets (an S_IFSOCK inode made by bind, found again by
 * connect through the caller's VFS walk; the binding is keyed by the inode's device and number,
 * so a rename keeps it and an unlink loses it) or abstract ones (a leading NUL, in a table of the
 * kernel), or an automatic abstract name of five hex digits (autobind).
 *
 * A message (Skb) carries data, passed descriptions (SCM_RIGHTS, held while in flight) and the
 * sender's credentials. What a sender has in flight counts against its SO_SNDBUF with Linux's
 * per-message overhead (truesize), so writers block as on Linux; a datagram receiver also limits
 * its queue to net.unix.max_dgram_qlen messages from unconnected senders. A stream connection is
 * complete at connect(): the server's end (an embryo) waits in the listener's queue for accept.
 */

import type { OpenFile } from '../vfs/file.js';
import type { Host, HostStream, HostListener } from '../host/host.js';
import { holdFile, dropFile } from '../fdtable.js';
import { WouldBlock, POLLERR, POLLHUP } from '../waitqueue.js';
import type { HostStreamEvents } from '../host/host.js';
import {
  Socket, SendMsg, RecvState, Cred, NetSysctl, SockCtx, UnixPathOps, truesize, READABLE, WRITABLE, POLLRDHUP,
  AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL,
  RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK,
} from './socket.js';
import { E } from '../../compat/errno.js';

/** The bound names of one kernel (its network namespace). */
export class UnixNamespace {
  readonly byInode = new Map<string, UnixSocket>();
  readonly abstract = new Map<string, UnixSocket>();
  private autoNext: number;
  /** The host, for stream connections with host processes' sockets (null: guests only). */
  host: Host | null = null;
  constructor(readonly sysctl: NetSysctl, seed: number) {
    this.autoNext = seed & 0xfffff;
  }
  /** A free autobind name: "\0" and five hex digits. */
  autoName(): Uint8Array | number {
    for (let n = 0; n <= 0xfffff; n++) {
      const v = (this.autoNext + n) & 0xfffff;
      const name = '\0' + v.toString(16).padStart(5, '0');
      if (!this.abstract.has(name)) {
        this.autoNext = (v + 1) & 0xfffff;
        const b = new Uint8Array(8);
        b[0] = AF_UNIX;
        for (let i = 0; i < 6; i++) b[2 + i] = name.charCodeAt(i);
        return b;
      }
    }
    return -E.ENOSPC;
  }
}

type Parsed = { kind: 'path'; path: string; canon: Uint8Array } | { kind: 'abstract'; name: string; canon: Uint8Array };

const SUN_LEN = 110;

/** Validates a sockaddr_un as unix_validate_addr and unix_mkname do. */
function parseAddr(b: Uint8Array): Parsed | number {
  if (b.length <= 2 || b.length > SUN_LEN) return -E.EINVAL;
  if ((b[0] | (b[1] << 8)) !== AF_UNIX) return -E.EINVAL;
  if (b[2] === 0) {
    let name = '';
    for (let i = 2; i < b.length; i++) name += String.fromCharCode(b[i]);
    return { kind: 'abstract', name, canon: b.slice() };
  }
  let end = 2;
  while (end < b.length && b[end] !== 0) end++;
  const raw = b.subarray(2, end);
  const canon = new Uint8Array(end + 1);
  canon.set(b.subarray(0, end));
  return { kind: 'path', path: new TextDecoder().decode(raw), canon };
}

interface Skb {
  data: Uint8Array;
  /** Bytes of a stream segment already read. */
  off: number;
  rights: OpenFile[] | null;
  cred: Cred | null;
  from: UnixSocket;
  /** What it counts against the sender's SO_SNDBUF. */
  size: number;
}

const ST_CLOSE = 0, ST_LISTEN = 1, ST_ESTABLISHED = 2;
/** Largest piece of a stream send queued as one message (Linux's skb size for unix streams). */
const STREAM_SKB_MAX = 36544;
/** Credentials of a message that had none when read with SO_PASSCRED (overflow ids). */
const NO_CRED: Cred = { pid: 0, uid: 65534, gid: 65534 };

const UNNAMED = new Uint8Array([AF_UNIX, 0]);

/** What a host connection may hold in our buffers, each way, before reading pauses or writers wait. */
const LINK_BUF = 256 * 1024;

/**
 * A stream connection with a host process's unix socket (Node has unix streams only): bytes
 * both ways, no descriptors or credentials.
 */
class HostLink {
  stream!: HostStream;
  readonly inbox: Uint8Array[] = [];
  bytes = 0;
  unsent = 0;
  paused = false;
}

export class UnixSocket extends Socket {
  state = ST_CLOSE;
  /** Our name (the sockaddr as getsockname returns it), or null. */
  addr: Uint8Array | null = null;
  private bindKey: string | null = null;
  /** The path bind(2) was given (listen makes its inode a host listener too). */
  private bindPath: string | null = null;
  /** A connection with a host process, instead of a guest peer. */
  private link: HostLink | null = null;
  /** The name connected to through the host. */
  private linkPeer: Uint8Array | null = null;
  private hostListener: HostListener | null = null;
  peer: UnixSocket | null = null;
  private readonly recvq: Skb[] = [];
  /** Connections waiting for accept (stream and seqpacket listeners). */
  private readonly acceptq: UnixSocket[] = [];
  private backlog = 0;
  /** sk_shutdown: RCV_SHUTDOWN | SEND_SHUTDOWN. */
  shut = 0;
  dead = false;
  /** Bytes (truesize) this socket has sent and nobody has read yet. */
  wmem = 0;
  private peerCredVal: Cred | null = null;

  constructor(readonly ns: UnixNamespace, type: number, flags: number, owner: Cred) {
    super(AF_UNIX, type, 0, flags, ns.sysctl, owner);
  }

  private get connOriented(): boolean {
    return this.type !== SOCK_DGRAM;
  }

  /** socketpair(2): two connected sockets, each with the creator as peer credentials. */
  static pair(ns: UnixNamespace, type: number, flags: number, cred: Cred): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(ns, type, flags, cred), b = new UnixSocket(ns, type, flags, cred);
    a.peer = b;
    b.peer = a;
    a.state = b.state = ST_ESTABLISHED;
    a.peerCredVal = { ...cred };
    b.peerCredVal = { ...cred };
    return [a, b];
  }

  // ---- names ----

  private register(p: Parsed, ops: UnixPathOps | null): number {
    if (p.kind === 'abstract') {
      if (this.ns.abstract.has(p.name)) return -E.EADDRINUSE;
      this.ns.abstract.set(p.name, this);
      this.bindKey = 'a' + p.name;
    } else {
      if (!ops) return -E.EINVAL;
      const node = ops.create(p.path);
      if (typeof node === 'number') return node === -E.EEXIST ? -E.EADDRINUSE : node;
      if (this.addr) {
        ops.remove(p.path);
        return -E.EINVAL;
      }
      this.ns.byInode.set(node.key, this);
      this.bindKey = 'p' + node.key;
      this.bindPath = p.path;
    }
    this.addr = p.canon;
    return 0;
  }

  private autobind(): number {
    if (this.addr) return 0;
    const name = this.ns.autoName();
    if (typeof name === 'number') return name;
    const p = parseAddr(name);
    return typeof p === 'number' ? p : this.register(p, null);
  }

  override bind(addr: Uint8Array, ctx: SockCtx): number {
    const ops = ctx.paths;
    if (!ops) return -E.EINVAL;
    if (addr.length === 2 && (addr[0] | (addr[1] << 8)) === AF_UNIX) return this.autobind();
    const p = parseAddr(addr);
    if (typeof p === 'number') return p;
    if (this.addr && p.kind === 'abstract') return this.ns.abstract.has(p.name) ? -E.EADDRINUSE : -E.EINVAL;
    return this.register(p, ops);
  }

  /**
   * The listening or datagram socket a name refers to; for a socket inode no guest has bound,
   * the host path behind it (a host process may listen there).
   */
  private find(addr: Uint8Array, ops: UnixPathOps): UnixSocket | number | { host: string } {
    const p = parseAddr(addr);
    if (typeof p === 'number') return p;
    let other: UnixSocket | undefined;
    if (p.kind === 'abstract') other = this.ns.abstract.get(p.name);
    else {
      const node = ops.lookup(p.path);
      if (typeof node === 'number') return node;
      other = this.ns.byInode.get(node.key);
      if (!other && node.host) return { host: node.host };
    }
    if (!other || other.dead) return -E.ECONNREFUSED;
    if (other.type !== this.type) return -E.EPROTOTYPE;
    return other;
  }

  /** find() for calls that reach guest sockets only. */
  private findGuest(addr: Uint8Array, ops: UnixPathOps): UnixSocket | number {
    const o = this.find(addr, ops);
    return typeof o === 'number' || o instanceof UnixSocket ? o : -E.ECONNREFUSED;
  }

  override sockname(): Uint8Array {
    return this.addr ?? UNNAMED;
  }

  override peername(): Uint8Array | number {
    if (this.link) return this.state === ST_ESTABLISHED ? this.linkPeer ?? UNNAMED : -E.ENOTCONN;
    const p = this.peer;
    if (!p || (this.connOriented && this.state !== ST_ESTABLISHED)) return -E.ENOTCONN;
    return p.addr ?? UNNAMED;
  }

  override listening(): boolean {
    return this.state === ST_LISTEN;
  }

  override peerCred(): Cred | null {
    return this.peerCredVal;
  }

  // ---- connections ----

  override listen(backlog: number, ctx: SockCtx): number {
    if (!this.connOriented) return -E.EOPNOTSUPP;
    if (!this.addr) return -E.EINVAL;
    if (this.state !== ST_CLOSE && this.state !== ST_LISTEN) return -E.EINVAL;
    const max = this.sysctl.somaxconn;
    this.backlog = backlog < 0 || backlog > max ? max : backlog;
    this.state = ST_LISTEN;
    this.peerCredVal = { ...ctx.cred };
    this.q.notify();
    this.listenOnHost(ctx);
    return 0;
  }

  /**
   * A stream listener bound to a host-backed path also listens on the host (the inode is
   * replaced by a live one), so host processes and other rustos instances can connect.
   */
  private listenOnHost(ctx: SockCtx): void {
    const host = this.ns.host, ops = ctx.paths;
    if (this.type !== SOCK_STREAM || !host || !ops || !this.bindPath || this.hostListener) return;
    const node = ops.lookup(this.bindPath);
    if (typeof node === 'number' || 'p' + node.key !== this.bindKey || !node.host) return;
    const l = host.unixListen(node.host, (s) => this.incomingHost(s));
    if (typeof l === 'number') return;
    this.hostListener = l;
    const now = ops.lookup(this.bindPath);
    if (typeof now === 'number') return;
    if (this.ns.byInode.get(node.key) === this) this.ns.byInode.delete(node.key);
    this.ns.byInode.set(now.key, this);
    this.bindKey = 'p' + now.key;
  }

  private incomingHost(s: HostStream): void {
    if (this.state !== ST_LISTEN || this.dead) {
      s.close(true);
      return;
    }
    const e = new UnixSocket(this.ns, this.type, 0, this.owner);
    e.state = ST_ESTABLISHED;
    e.addr = this.addr;
    const l = new HostLink();
    l.stream = s;
    e.link = l;
    s.attach(e.linkEvents(l, null));
    this.acceptq.push(e);
    this.q.notify();
  }

  private linkEvents(l: HostLink, onConnect: ((err: number) => void) | null): HostStreamEvents {
    return {
      connected: () => {
        const f = onConnect;
        onConnect = null;
        f?.(0);
        this.q.notify();
      },
      data: (b) => {
        l.inbox.push(b.slice());
        l.bytes += b.length;
        if (l.bytes >= LINK_BUF && !l.paused) {
          l.paused = true;
          l.stream.pause();
        }
        this.q.notify();
      },
      end: () => {
        this.shut |= RCV_SHUTDOWN;
        this.q.notify();
      },
      error: (errno) => {
        const f = onConnect;
        onConnect = null;
        if (f) return f(errno);
        this.err = errno === -E.EPIPE ? E.EPIPE : E.ECONNRESET;
        this.shut = SHUTDOWN_MASK;
        this.q.notify();
      },
      written: (n) => {
        l.unsent = Math.max(0, l.unsent - n);
        this.q.notify();
      },
      closed: () => {
        const f = onConnect;
        onConnect = null;
        if (f) return f(-E.ECONNREFUSED);
        this.shut = SHUTDOWN_MASK;
        this.q.notify();
      },
    };
  }

  /** connect(2) to a socket inode no guest has bound: a host process may be listening there. */
  private connectHost(hostPath: string, name: Uint8Array): Promise<number> {
    return new Promise((resolve) => {
      const l = new HostLink();
      const ev = this.linkEvents(l, (err) => {
        if (err < 0) {
          l.stream.close(true);
          return resolve(err === -E.ENOENT || err === -E.ENOTSOCK ? -E.ECONNREFUSED : err);
        }
        this.link = l;
        this.linkPeer = name;
        this.state = ST_ESTABLISHED;
        resolve(0);
      });
      l.stream = this.ns.host!.unixConnect(hostPath, ev);
    });
  }

  private linkSend(l: HostLink, msg: SendMsg, nonblock: boolean): number | WouldBlock {
    const pipe = (): number => {
      msg.sigpipe = true;
      return -E.EPIPE;
    };
    if (msg.rights && msg.rights.length && msg.sent === 0) return -E.EOPNOTSUPP; // no descriptors to a host process
    if (this.shut & SEND_SHUTDOWN) return this.err ? -this.takeError() : pipe();
    const left = msg.data.length - msg.sent;
    if (left === 0) return 0;
    const room = LINK_BUF - l.unsent;
    if (room <= 0) return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    const n = Math.min(left, room);
    l.unsent += n;
    l.stream.write(msg.data.slice(msg.sent, msg.sent + n));
    return n;
  }

  private linkRecv(l: HostLink, st: RecvState, nonblock: boolean): number | WouldBlock {
    const size = st.buf.length;
    const target = st.flags & MSG_WAITALL ? size : Math.min(Math.max(this.rcvLowat, 1), size);
    const peek = (st.flags & MSG_PEEK) !== 0;
    let skip = peek ? st.copied : 0;
    let i = 0;
    while (st.copied < size) {
      while (i < l.inbox.length && skip >= l.inbox[i].length) skip -= l.inbox[i++].length;
      const head = l.inbox[i];
      if (!head) break;
      const n = Math.min(head.length - skip, size - st.copied);
      st.buf.set(head.subarray(skip, skip + n), st.copied);
      st.copied += n;
      if (peek) {
        skip += n;
        continue;
      }
      skip = 0;
      l.bytes -= n;
      if (n === head.length) l.inbox.shift();
      else l.inbox[0] = head.subarray(n);
    }
    if (l.paused && l.bytes < LINK_BUF / 2) {
      l.paused = false;
      l.stream.resume();
    }
    if (st.copied >= target) return 0;
    if (this.err) return st.copied > 0 ? 0 : -this.takeError();
    if (this.shut & RCV_SHUTDOWN || (st.copied > 0 && nonblock)) return 0;
    return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
  }

  override accept(nonblock: boolean): UnixSocket | number | WouldBlock {
    if (!this.connOriented) return -E.EOPNOTSUPP;
    if (this.state !== ST_LISTEN) return -E.EINVAL;
    const s = this.acceptq.shift();
    if (!s) return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    this.q.notify(); // room in the backlog for a waiting connect
    s.passcred = this.passcred;
    return s;
  }

  override connect(addr: Uint8Array, nonblock: boolean, ctx: SockCtx): number | WouldBlock | Promise<number> {
    const ops = ctx.paths;
    if (addr.length < 2 || !ops) return -E.EINVAL;
    if (!this.connOriented) return this.dgramConnect(addr, ops);
    const p = parseAddr(addr);
    if (typeof p === 'number') return p;
    if (this.passcred && !this.addr) {
      const r = this.autobind();
      if (r < 0) return r;
    }
    const other = this.find(addr, ops);
    if (typeof other === 'number') return other;
    if (!(other instanceof UnixSocket)) {
      if (this.state === ST_ESTABLISHED) return -E.EISCONN;
      return this.type === SOCK_STREAM && this.ns.host ? this.connectHost(other.host, p.canon) : -E.ECONNREFUSED;
    }
    if (other.state !== ST_LISTEN) return -E.ECONNREFUSED;
    if (other.acceptq.length > other.backlog) return nonblock ? -E.EAGAIN : new WouldBlock(other.q);
    if (this.state === ST_ESTABLISHED) return -E.EISCONN;
    if (this.state !== ST_CLOSE) return -E.EINVAL;
    const embryo = new UnixSocket(this.ns, this.type, 0, other.owner);
    embryo.state = ST_ESTABLISHED;
    embryo.peer = this;
    embryo.addr = other.addr;
    embryo.peerCredVal = { ...ctx.cred };
    this.peer = embryo;
    this.state = ST_ESTABLISHED;
    this.peerCredVal = other.peerCredVal ? { ...other.peerCredVal } : null;
    other.acceptq.push(embryo);
    other.q.notify();
    this.q.notify();
    return 0;
  }

  private dgramConnect(addr: Uint8Array, ops: UnixPathOps): number {
    if ((addr[0] | (addr[1] << 8)) === 0 /* AF_UNSPEC */) {
      this.disconnectFrom(this.peer);
      this.peer = null;
      this.state = ST_CLOSE;
      return 0;
    }
    const p = parseAddr(addr);
    if (typeof p === 'number') return p;
    if (this.passcred && !this.addr) {
      const r = this.autobind();
      if (r < 0) return r;
    }
    const other = this.findGuest(addr, ops);
    if (typeof other === 'number') return other;
    if (other.peer && other.peer !== this && !other.peer.dead) return -E.EPERM;
    const old = this.peer;
    this.peer = other;
    this.state = ST_ESTABLISHED;
    if (old && old !== other) this.disconnectFrom(old);
    return 0;
  }

  /** unix_dgram_disconnected: queued messages are dropped; a peer connected back hears ECONNRESET. */
  private disconnectFrom(old: UnixSocket | null): void {
    if (!old || this.recvq.length === 0) return;
    this.purge();
    if (!old.dead && old.peer === this) old.setError(E.ECONNRESET);
  }

  override shutdown(how: number): number {
    if (how < 0 || how > 2) return -E.EINVAL;
    const mode = how + 1; // SHUT_RD 0 -> RCV, SHUT_WR 1 -> SEND, SHUT_RDWR 2 -> both
    if (this.link && mode & SEND_SHUTDOWN && !(this.shut & SEND_SHUTDOWN)) this.link.stream.end();
    this.shut |= mode;
    this.q.notify();
    const p = this.peer;
    if (p && this.connOriented) {
      let pm = 0;
      if (mode & RCV_SHUTDOWN) pm |= SEND_SHUTDOWN;
      if (mode & SEND_SHUTDOWN) pm |= RCV_SHUTDOWN;
      p.shut |= pm;
      p.q.notify();
    }
    return 0;
  }

  // ---- data ----

  private charge(skb: Skb): void {
    this.wmem += skb.size;
  }

  /** A message leaves a queue (read or dropped): its sender has room again. */
  private free(skb: Skb, dropRights: boolean): void {
    skb.from.wmem -= skb.size;
    skb.from.q.notify();
    if (dropRights && skb.rights) for (const f of skb.rights) dropFile(f);
    skb.rights = null;
  }

  private purge(): void {
    for (const skb of this.recvq.splice(0)) this.free(skb, true);
    this.q.notify();
  }

  /** The credentials a message carries: explicit ones, else the sender's if either side asked. */
  private credFor(msg: SendMsg, other: UnixSocket, ctx: SockCtx): Cred | null {
    if (msg.cred) return msg.cred;
    return this.passcred || other.passcred ? { ...ctx.cred } : null;
  }

  private enqueue(other: UnixSocket, data: Uint8Array, msg: SendMsg, ctx: SockCtx, withRights: boolean): void {
    const rights = withRights && msg.rights && msg.rights.length ? [...msg.rights] : null;
    if (rights) for (const f of rights) holdFile(f);
    const skb: Skb = { data, off: 0, rights, cred: this.credFor(msg, other, ctx), from: this, size: truesize(data.length) };
    this.charge(skb);
    other.recvq.push(skb);
    other.q.notify();
  }

  override send(msg: SendMsg, nonblock: boolean, ctx: SockCtx): number | WouldBlock {
    if (msg.flags & MSG_OOB) return -E.EOPNOTSUPP;
    return this.type === SOCK_STREAM ? this.streamSend(msg, nonblock, ctx) : this.dgramSend(msg, nonblock, ctx);
  }

  private streamSend(msg: SendMsg, nonblock: boolean, ctx: SockCtx): number | WouldBlock {
    if (msg.addr && msg.addr.length) return this.state === ST_ESTABLISHED ? -E.EISCONN : -E.EOPNOTSUPP;
    if (this.link) return this.linkSend(this.link, msg, nonblock);
    const other = this.peer;
    if (!other || this.state !== ST_ESTABLISHED) return -E.ENOTCONN;
    const pipe = (): number => {
      msg.sigpipe = true;
      return -E.EPIPE;
    };
    if (this.shut & SEND_SHUTDOWN) return pipe();
    const len = msg.data.length;
    let sent = 0;
    while (msg.sent + sent < len) {
      if (other.dead || other.shut & RCV_SHUTDOWN) return sent > 0 ? sent : pipe();
      if (this.wmem >= this.sndbuf) {
        if (sent > 0) return sent;
        return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
      }
      const at = msg.sent + sent;
      const size = Math.min(len - at, (this.sndbuf >> 1) - 64, STREAM_SKB_MAX);
      this.enqueue(other, msg.data.slice(at, at + size), msg, ctx, at === 0);
      sent += size;
    }
    return sent;
  }

  private dgramSend(msg: SendMsg, nonblock: boolean, ctx: SockCtx): number | WouldBlock {
    const ops = ctx.paths;
    const len = msg.data.length;
    if (len > this.sndbuf - 32) return -E.EMSGSIZE;
    let other: UnixSocket | null;
    if (this.type === SOCK_SEQPACKET) {
      if (this.state !== ST_ESTABLISHED) return -E.ENOTCONN;
      other = this.peer;
    } else if (msg.addr && msg.addr.length) {
      if (!ops) return -E.EINVAL;
      const o = this.findGuest(msg.addr, ops);
      if (typeof o === 'number') return o;
      other = o;
    } else {
      other = this.peer;
      if (!other) return -E.ENOTCONN;
    }
    if (this.passcred && !this.addr) {
      const r = this.autobind();
      if (r < 0) return r;
    }
    if (this.err) return -this.takeError();
    if (this.shut & SEND_SHUTDOWN) return -E.EPIPE;
    if (this.wmem >= this.sndbuf) return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    if (!other || other.dead) {
      if (this.type === SOCK_SEQPACKET) return -E.EPIPE;
      if (other && this.peer === other) {
        this.peer = null;
        this.state = ST_CLOSE;
        this.disconnectFrom(other);
      }
      return -E.ECONNREFUSED;
    }
    if (other.peer && other.peer !== this && !other.peer.dead) return -E.EPERM;
    if (other.shut & RCV_SHUTDOWN) return -E.EPIPE;
    if (other !== this && other.peer !== this && other.recvq.length > this.sysctl.maxDgramQlen) {
      return nonblock ? -E.EAGAIN : new WouldBlock(other.q);
    }
    this.enqueue(other, msg.data.slice(), msg, ctx, true);
    return len;
  }

  override recv(st: RecvState, nonblock: boolean): number | WouldBlock {
    if (st.flags & MSG_OOB) return -E.EOPNOTSUPP;
    return this.type === SOCK_STREAM ? this.streamRecv(st, nonblock) : this.dgramRecv(st, nonblock);
  }

  private streamRecv(st: RecvState, nonblock: boolean): number | WouldBlock {
    if (this.state !== ST_ESTABLISHED) return -E.EINVAL;
    if (this.link) return this.linkRecv(this.link, st, nonblock);
    const size = st.buf.length;
    const target = st.flags & MSG_WAITALL ? size : Math.min(Math.max(this.rcvLowat, 1), size);
    const peek = (st.flags & MSG_PEEK) !== 0;
    let checkCreds = st.copied > 0 && st.cred !== null;
    let idx = 0;
    let skip = peek ? st.copied : 0;
    while (st.copied < size) {
      // With MSG_PEEK nothing is consumed: skip what earlier rounds of this call have seen.
      while (idx < this.recvq.length && skip >= this.recvq[idx].data.length - this.recvq[idx].off) {
        skip -= this.recvq[idx].data.length - this.recvq[idx].off;
        idx++;
      }
      const skb = this.recvq[idx];
      if (!skb) {
        if (st.copied >= target) break;
        if (this.err) {
          if (st.copied > 0) break;
          return -this.takeError();
        }
        if (this.shut & RCV_SHUTDOWN) break;
        if (st.copied > 0 && nonblock) break;
        return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
      }
      if (checkCreds) {
        const c = skb.cred ?? NO_CRED;
        if (!st.cred || c.pid !== st.cred.pid || c.uid !== st.cred.uid || c.gid !== st.cred.gid) break;
      } else if (this.passcred) {
        st.cred = skb.cred ? { ...skb.cred } : { ...NO_CRED };
        checkCreds = true;
      }
      if (st.addr === null) st.addr = skb.from.addr;
      const from = skb.off + skip;
      const chunk = Math.min(skb.data.length - from, size - st.copied);
      st.buf.set(skb.data.subarray(from, from + chunk), st.copied);
      st.copied += chunk;
      skip = 0;
      if (!peek) {
        skb.off += chunk;
        const hadRights = skb.rights !== null;
        if (skb.rights) {
          st.rights = [...(st.rights ?? []), ...skb.rights];
          skb.rights = null;
        }
        if (skb.off < skb.data.length) break;
        this.recvq.shift();
        this.free(skb, true);
        if (hadRights) break;
      } else {
        if (skb.rights) {
          for (const f of skb.rights) holdFile(f);
          st.rights = [...(st.rights ?? []), ...skb.rights];
          break;
        }
        idx++;
      }
    }
    return 0;
  }

  private dgramRecv(st: RecvState, nonblock: boolean): number | WouldBlock {
    if (this.type === SOCK_SEQPACKET && this.state !== ST_ESTABLISHED) return -E.ENOTCONN;
    const skb = this.recvq[0];
    if (!skb) {
      if (this.err) return -this.takeError();
      if (this.shut & RCV_SHUTDOWN) return 0;
      return nonblock ? -E.EAGAIN : new WouldBlock(this.q);
    }
    const n = Math.min(st.buf.length, skb.data.length);
    st.buf.set(skb.data.subarray(0, n));
    st.copied = n;
    if (n < skb.data.length) st.msgFlags |= MSG_TRUNC;
    if (st.flags & MSG_TRUNC) st.result = skb.data.length;
    st.addr = skb.from.addr;
    if (this.passcred) st.cred = skb.cred ? { ...skb.cred } : { ...NO_CRED };
    if (st.flags & MSG_PEEK) {
      if (skb.rights) {
        for (const f of skb.rights) holdFile(f);
        st.rights = [...skb.rights];
      }
      return 0;
    }
    this.recvq.shift();
    st.rights = skb.rights;
    skb.rights = null;
    this.free(skb, true);
    this.q.notify();
    return 0;
  }

  // ---- readiness and accounting ----

  override poll(): number {
    let mask = 0;
    if (this.err) mask |= POLLERR;
    if (this.shut & RCV_SHUTDOWN) mask |= POLLRDHUP | READABLE;
    if (this.shut === SHUTDOWN_MASK) mask |= POLLHUP;
    if (this.recvq.length > 0 || this.acceptq.length > 0 || (this.link && this.link.bytes > 0)) mask |= READABLE;
    const writable = this.state !== ST_LISTEN && (this.link ? this.link.unsent < LINK_BUF : this.wmem * 4 <= this.sndbuf);
    if (this.type === SOCK_STREAM) {
      if (this.state === ST_CLOSE) mask |= POLLHUP;
      if (writable) mask |= WRITABLE;
      return mask;
    }
    if (this.type === SOCK_SEQPACKET && this.state === ST_CLOSE) mask |= POLLHUP;
    let w = writable;
    const other = this.peer;
    if (w && other && other.peer !== this && !other.dead && other.recvq.length > this.sysctl.maxDgramQlen) w = false;
    if (w) mask |= WRITABLE;
    return mask;
  }

  override pollQueues() {
    // A datagram sender waiting for room in its peer's queue hears about it there.
    return this.peer && this.type !== SOCK_STREAM ? [this.q, this.peer.q] : [this.q];
  }

  override inq(): number {
    if (this.state === ST_LISTEN) return -E.EINVAL;
    if (this.link) return this.link.bytes;
    if (this.type === SOCK_DGRAM) return this.recvq.length ? this.recvq[0].data.length : 0;
    return this.recvq.reduce((s, k) => s + k.data.length - k.off, 0);
  }

  override outq(): number {
    return this.link ? this.link.unsent : this.wmem;
  }

  // ---- the end ----

  override release(): void {
    this.runReleaseHooks();
    this.close(false);
  }

  private close(embryo: boolean): void {
    if (this.dead) return;
    this.dead = true;
    if (this.bindKey) {
      const k = this.bindKey.slice(1);
      const m = this.bindKey[0] === 'a' ? this.ns.abstract : this.ns.byInode;
      if (m.get(k) === this) m.delete(k);
      this.bindKey = null;
    }
    this.hostListener?.close();
    this.hostListener = null;
    if (this.link) {
      this.link.stream.close(this.link.bytes > 0 || embryo);
      this.link = null;
    }
    const p = this.peer;
    if (p && this.connOriented) {
      p.shut = SHUTDOWN_MASK;
      if (this.recvq.length > 0 || embryo) p.err = E.ECONNRESET;
      p.q.notify();
    }
    this.peer = null;
    for (const e of this.acceptq.splice(0)) e.close(true);
    this.purge();
    this.state = ST_CLOSE;
    this.q.notify();
  }
}
