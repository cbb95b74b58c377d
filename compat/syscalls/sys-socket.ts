/**
 * The socket calls: socket, socketpair, bind, listen, accept/accept4, connect, getsockname,
 * getpeername, send/recv in all their forms (sendto, recvfrom, sendmsg, recvmsg, sendmmsg,
 * recvmmsg, with SCM_RIGHTS and SCM_CREDENTIALS), shutdown, getsockopt and setsockopt.
 * AF_UNIX lives in kernel/net/unix.ts, AF_INET/AF_INET6 in kernel/net/inet.ts (through the host).
 * AF_NETLINK is EAFNOSUPPORT (as a kernel built without it) and raw and packet sockets EPERM (as
 * for an unprivileged process): the host cannot give us those.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { OpenFile, S_IFMT, S_IFSOCK, O_NONBLOCK, O_RDONLY } from '../../kernel/vfs/file.js';
import { holdFile, dropFile } from '../../kernel/fdtable.js';
import { WouldBlock } from '../../kernel/waitqueue.js';
import {
  Socket, NetSysctl, DEFAULT_SYSCTL, RecvState, Cred, UnixPathOps, SockNode, ConnectCall,
  AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_TYPE_MASK,
  SOCK_NONBLOCK, SOCK_CLOEXEC, MSG_CTRUNC, MSG_CMSG_CLOEXEC, MSG_WAITFORONE, MSG_DONTWAIT, SOL_SOCKET, SCM_RIGHTS,
  SCM_CREDENTIALS, SCM_MAX_FD, IPPROTO_TCP, IPPROTO_UDP,
  SO_DEBUG, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_DONTROUTE, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE,
  SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY, SO_LINGER, SO_BSDCOMPAT, SO_REUSEPORT, SO_PASSCRED, SO_PEERCRED,
  SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD, SO_BINDTODEVICE, SO_TIMESTAMP_OLD, SO_ACCEPTCONN,
  SO_PEERSEC, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_PASSSEC, SO_MARK, SO_PROTOCOL, SO_DOMAIN, SO_RXQ_OVFL,
  SO_BUSY_POLL, SO_INCOMING_CPU, SO_COOKIE, SO_ZEROCOPY, SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW,
} from '../../kernel/net/socket.js';
import { UnixSocket, UnixNamespace } from '../../kernel/net/unix.js';
import { TcpSocket, UdpSocket, InetNamespace } from '../../kernel/net/inet.js';
import { StructBuf } from '../structs.js';
import { resolveAt, AT_FDCWD } from './paths.js';
import { sockWait, sockSend, sockRecv, ctxOf, credOf, setUnixPathOps } from './sock-io.js';

// ---- the network namespace of a kernel ----

interface Net {
  sysctl: NetSysctl;
  unix: UnixNamespace;
  inet: InetNamespace;
}
const nets = new WeakMap<Kernel, Net>();

/** The text of a host sysctl file, or null. */
function hostSysctlText(k: Kernel, path: string): string | null {
  const fd = k.host.open(path, O_RDONLY, 0);
  if (fd < 0) return null;
  const buf = new Uint8Array(64);
  const n = k.host.read(fd, buf, 0);
  k.host.close(fd);
  return n > 0 ? new TextDecoder().decode(buf.subarray(0, n)).trim() : null;
}

/** Reads a number from a host sysctl file, or keeps the default. */
function hostSysctl(k: Kernel, path: string, dflt: number): number {
  const v = parseInt(hostSysctlText(k, path) ?? '', 10);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

function netOf(k: Kernel): Net {
  let n = nets.get(k);
  if (!n) {
    const d = DEFAULT_SYSCTL;
    const sysctl: NetSysctl = {
      wmemMax: hostSysctl(k, '/proc/sys/net/core/wmem_max', d.wmemMax),
      rmemMax: hostSysctl(k, '/proc/sys/net/core/rmem_max', d.rmemMax),
      wmemDefault: hostSysctl(k, '/proc/sys/net/core/wmem_default', d.wmemDefault),
      rmemDefault: hostSysctl(k, '/proc/sys/net/core/rmem_default', d.rmemDefault),
      somaxconn: hostSysctl(k, '/proc/sys/net/core/somaxconn', d.somaxconn),
      maxDgramQlen: hostSysctl(k, '/proc/sys/net/unix/max_dgram_qlen', d.maxDgramQlen),
    };
    const seed = new Uint8Array(4);
    k.host.randomBytes(seed);
    const inet = new InetNamespace();
    inet.congestion = hostSysctlText(k, '/proc/sys/net/ipv4/tcp_congestion_control') ?? inet.congestion;
    const unix = new UnixNamespace(sysctl, seed[0] | (seed[1] << 8) | (seed[2] << 16));
    unix.host = k.host;
    n = { sysctl, unix, inet };
    nets.set(k, n);
  }
  return n;
}

/** AF_UNIX names in the file system, resolved as the calling process sees paths. */
function unixPaths(k: Kernel, t: Task): UnixPathOps {
  return {
    create(path: string): SockNode | number {
      const r = resolveAt(k, t, AT_FDCWD, path, false);
      if (typeof r === 'number') return r;
      if (typeof r.st !== 'number') return -E.EEXIST;
      if (r.st !== -E.ENOENT) return r.st;
      const e = r.fs.mknod(r.rel, S_IFSOCK | (0o777 & ~t.proc.umask), 0);
      if (e < 0) return e;
      const st = r.fs.lstat(r.rel);
      return typeof st === 'number' ? st : { key: `${st.dev}:${st.ino}`, host: r.fs.hostPath(r.rel) ?? '' };
    },
    remove(path: string): void {
      const r = resolveAt(k, t, AT_FDCWD, path, false);
      if (typeof r !== 'number') r.fs.unlink(r.rel);
    },
    lookup(path: string): SockNode | number {
      const r = resolveAt(k, t, AT_FDCWD, path, true);
      if (typeof r === 'number') return r;
      if (typeof r.st === 'number') return r.st;
      if ((r.st.mode & S_IFMT) !== S_IFSOCK) return -E.ECONNREFUSED;
      const acc = r.fs.access(r.rel, 2);
      return acc < 0 ? acc : { key: `${r.st.dev}:${r.st.ino}`, host: r.file ? '' : r.host };
    },
  };
}
setUnixPathOps(unixPaths);

// ---- helpers ----

function sockOf(t: Task, fd: number): Socket | number {
  const f = t.proc.fds.get(fd);
  if (!f) return -E.EBADF;
  return f instanceof Socket ? f : -E.ENOTSOCK;
}

function install(t: Task, f: OpenFile, flags: number): number {
  const fd = t.proc.fds.alloc(f, (flags & SOCK_CLOEXEC) !== 0);
  if (fd < 0) f.release();
  return fd;
}

const SOCKADDR_MAX = 128;

/** Copies a sockaddr in (move_addr_to_kernel). */
function addrIn(t: Task, addr: number, len: number): Uint8Array | number {
  if (len < 0 || len > SOCKADDR_MAX) return -E.EINVAL;
  if (len === 0) return new Uint8Array(0);
  return t.proc.mem.readBytes(addr, len);
}

/** Copies a sockaddr out to addr with its length at lenAddr (move_addr_to_user). */
function addrOut(t: Task, a: Uint8Array | null, addr: number, lenAddr: number): number {
  if (!addr || !lenAddr) return 0;
  const m = t.proc.mem;
  const ulen = m.read32(lenAddr);
  if (ulen < 0) return -E.EINVAL;
  const klen = a ? a.length : 0;
  if (klen > 0 && ulen > 0) m.writeBytes(addr, a!.subarray(0, Math.min(ulen, klen)));
  m.writeBytes(lenAddr, new StructBuf(4).u32(0, klen).bytes);
  return 0;
}

// ---- creating ----

function newSocket(k: Kernel, t: Task, domain: number, type: number, protocol: number): Socket | number {
  const flags = type & ~SOCK_TYPE_MASK;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -E.EINVAL;
  type &= SOCK_TYPE_MASK;
  if (domain < 0 || domain >= 46) return -E.EAFNOSUPPORT;
  if (type >= 11) return -E.EINVAL;
  const net = netOf(k);
  const cred = credOf(k, t);
  const fl = flags & SOCK_NONBLOCK ? O_NONBLOCK : 0;
  switch (domain) {
    case AF_UNIX:
      if (protocol !== 0 && protocol !== AF_UNIX) return -E.EPROTONOSUPPORT;
      if (type === SOCK_RAW) type = SOCK_DGRAM;
      if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -E.ESOCKTNOSUPPORT;
      return new UnixSocket(net.unix, type, fl, cred);
    case AF_INET:
    case AF_INET6:
      if (type === SOCK_STREAM) {
        if (protocol !== 0 && protocol !== IPPROTO_TCP) return -E.EPROTONOSUPPORT;
        return new TcpSocket(k.host, net.inet, domain, fl, net.sysctl, cred);
      }
      if (type === SOCK_DGRAM) {
        if (protocol === 1 || protocol === 58) return -E.EACCES; // ICMP "ping" sockets: not in ping_group_range
        if (protocol !== 0 && protocol !== IPPROTO_UDP) return -E.EPROTONOSUPPORT;
        return new UdpSocket(k.host, domain, fl, net.sysctl, cred);
      }
      if (type === SOCK_RAW) return -E.EPERM;
      return -E.ESOCKTNOSUPPORT;
    case AF_PACKET:
      return -E.EPERM;
    case AF_NETLINK:
    default:
      return -E.EAFNOSUPPORT;
  }
}

sys('socket', ['int', 'hex', 'int'], (k, t, a) => {
  const s = newSocket(k, t, a.int(0), a.int(1), a.int(2));
  return typeof s === 'number' ? s : install(t, s, a.int(1));
}, { status: 'partial', note: 'AF_UNIX (stream, dgram, seqpacket); AF_INET/AF_INET6 TCP and UDP through the host; netlink EAFNOSUPPORT, raw/packet EPERM' });

sys('socketpair', ['int', 'hex', 'int', 'ptr'], (k, t, a) => {
  const domain = a.int(0), type = a.int(1), protocol = a.int(2);
  const probe = newSocket(k, t, domain, type, protocol);
  if (typeof probe === 'number') return probe;
  probe.release();
  if (domain !== AF_UNIX) return -E.EOPNOTSUPP;
  const flags = type & ~SOCK_TYPE_MASK;
  let st = type & SOCK_TYPE_MASK;
  if (st === SOCK_RAW) st = SOCK_DGRAM;
  const [x, y] = UnixSocket.pair(netOf(k).unix, st, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0, credOf(k, t));
  t.proc.mem.readBytes(a.ptr(3), 8); // EFAULT before any descriptor exists
  const fa = install(t, x, flags);
  if (fa < 0) {
    y.release();
    return fa;
  }
  const fb = install(t, y, flags);
  if (fb < 0) {
    t.proc.fds.close(fa);
    return fb;
  }
  t.proc.mem.writeBytes(a.ptr(3), new StructBuf(8).i32(0, fa).i32(4, fb).bytes);
  return 0;
}, { status: 'supported', note: 'AF_UNIX; other families EOPNOTSUPP as on Linux' });

// ---- naming and connecting ----

sys('bind', ['fd', 'ptr', 'int'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const addr = addrIn(t, a.ptr(1), a.int(2));
  if (typeof addr === 'number') return addr;
  return s.bind(addr, ctxOf(k, t));
}, { status: 'partial', note: 'AF_UNIX paths make a socket inode (a stream listener on a host path listens there for host processes too); abstract names are per rustos instance; TCP binds listen on the host at once (connections before listen(2) are reset)' });

sys('listen', ['fd', 'int'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  return s.listen(a.int(1), ctxOf(k, t));
});

function doAccept(k: Kernel, t: Task, fd: number, addr: number, lenAddr: number, flags: number): number | Promise<number> {
  const s = sockOf(t, fd);
  if (typeof s === 'number') return s;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -E.EINVAL;
  if (addr && lenAddr && t.proc.mem.read32(lenAddr) < 0) return -E.EINVAL;
  let got: Socket | null = null;
  const op = (nb: boolean): number | WouldBlock => {
    const r = s.accept(nb);
    if (r instanceof Socket) {
      got = r;
      return 0;
    }
    return r;
  };
  const finish = (r: number): number => {
    const n = got as Socket | null;
    if (r < 0 || !n) return r;
    n.flags = (n.flags & ~O_NONBLOCK) | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
    if (addr) {
      const peer = n.peername();
      try {
        const e = addrOut(t, typeof peer === 'number' ? null : peer, addr, lenAddr);
        if (e < 0) {
          n.release();
          return e;
        }
      } catch (err) {
        n.release();
        throw err;
      }
    }
    return install(t, n, flags);
  };
  const r = sockWait(k, t, op, s.nonblocking, s.rcvTimeoUs);
  return typeof r === 'number' ? finish(r) : r.then(finish);
}

sys('accept', ['fd', 'ptr', 'ptr'], (k, t, a) => doAccept(k, t, a.int(0), a.ptr(1), a.ptr(2), 0));
sys('accept4', ['fd', 'ptr', 'ptr', 'hex'], (k, t, a) => doAccept(k, t, a.int(0), a.ptr(1), a.ptr(2), a.int(3)));

sys('connect', ['fd', 'ptr', 'int'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const addr = addrIn(t, a.ptr(1), a.int(2));
  if (typeof addr === 'number') return addr;
  const ctx = ctxOf(k, t);
  const call: ConnectCall = { started: false };
  const r = sockWait(k, t, (nb) => s.connect(addr, nb, ctx, call), s.nonblocking, s.sndTimeoUs);
  // A blocking TCP connect that times out is still under way: EINPROGRESS, as Linux says.
  const fix = (v: number): number => (v === -E.EAGAIN && call.started ? -E.EINPROGRESS : v);
  return typeof r === 'number' ? fix(r) : r.then(fix);
}, { status: 'partial', note: 'a blocking connect waits interruptibly (SO_SNDTIMEO bounds it); AF_UNIX reaches a host process\'s socket for SOCK_STREAM only, without SCM_RIGHTS (EOPNOTSUPP)' });

sys('getsockname', ['fd', 'ptr', 'ptr'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  if (t.proc.mem.read32(a.ptr(2)) < 0) return -E.EINVAL;
  return addrOut(t, s.sockname(), a.ptr(1), a.ptr(2));
});

sys('getpeername', ['fd', 'ptr', 'ptr'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const p = s.peername();
  if (typeof p === 'number') return p;
  if (t.proc.mem.read32(a.ptr(2)) < 0) return -E.EINVAL;
  return addrOut(t, p, a.ptr(1), a.ptr(2));
});

sys('shutdown', ['fd', 'int'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  return typeof s === 'number' ? s : s.shutdown(a.int(1));
});

// ---- data ----

const IOV_MAX = 1024;
const MAX_RW = 0x7ffff000;
/** The most one receive copies out (bounds the kernel buffer of a huge recv). */
const RECV_CHUNK = 1 << 22;

sys('sendto', ['fd', 'buf:in:2', 'size', 'hex', 'ptr', 'int'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const len = Math.min(a.u64(2), MAX_RW);
  const data = len ? t.proc.mem.readBytes(a.ptr(1), len) : new Uint8Array(0);
  let addr: Uint8Array | null = null;
  if (a.ptr(4)) {
    const b = addrIn(t, a.ptr(4), a.int(5));
    if (typeof b === 'number') return b;
    addr = b;
  }
  return sockSend(k, t, s, data, a.int(3), addr);
});

sys('recvfrom', ['fd', 'buf:out', 'size', 'hex', 'ptr', 'ptr'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const buf = a.ptr(1), len = Math.min(a.u64(2), RECV_CHUNK), nameAddr = a.ptr(4), lenAddr = a.ptr(5);
  if (nameAddr && lenAddr && t.proc.mem.read32(lenAddr) < 0) return -E.EINVAL;
  const r = sockRecv(k, t, s, len, a.int(3));
  const finish = (v: { st: RecvState; r: number } | number): number => {
    if (typeof v === 'number') return v;
    try {
      if (v.st.copied) t.proc.mem.writeBytes(buf, v.st.buf.subarray(0, v.st.copied));
      if (nameAddr) addrOut(t, v.st.addr, nameAddr, lenAddr);
    } finally {
      if (v.st.rights) for (const f of v.st.rights) dropFile(f);
    }
    return v.r;
  };
  return r instanceof Promise ? r.then(finish) : finish(r);
});

/** struct msghdr, as read from the guest. */
interface MsgHdr {
  name: number;
  namelen: number;
  iov: [number, number][];
  control: number;
  controllen: number;
}

function readMsghdr(t: Task, addr: number): MsgHdr | number {
  const m = t.proc.mem;
  const name = m.readU64(addr), namelen = m.read32(addr + 8);
  const iovAddr = m.readU64(addr + 16), iovlen = m.readU64(addr + 24);
  const control = m.readU64(addr + 32), controllen = m.readU64(addr + 40);
  if (iovlen > IOV_MAX) return -E.EMSGSIZE;
  const iov: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < iovlen; i++) {
    const base = m.readU64(iovAddr + 16 * i), len = m.readU64(iovAddr + 16 * i + 8);
    if (len > MAX_RW) return -E.EINVAL;
    total += len;
    iov.push([base, len]);
  }
  if (total > 2 ** 62) return -E.EINVAL;
  return { name, namelen, iov, control, controllen };
}

/** Parses a sendmsg's control messages: SCM_RIGHTS and SCM_CREDENTIALS (__scm_send). */
function readControl(k: Kernel, t: Task, s: Socket, h: MsgHdr): { rights: OpenFile[] | null; cred: Cred | null } | number {
  if (h.controllen === 0 || !h.control) return { rights: null, cred: null };
  if (h.controllen > 0x7fffffff) return -E.ENOBUFS;
  const buf = t.proc.mem.readBytes(h.control, h.controllen);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const rights: OpenFile[] = [];
  let cred: Cred | null = null;
  const fail = (e: number): number => {
    for (const f of rights) dropFile(f);
    return e;
  };
  for (let off = 0; off + 16 <= buf.length; ) {
    const len = dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
    const level = dv.getInt32(off + 8, true), type = dv.getInt32(off + 12, true);
    if (len < 16 || len > buf.length - off) return fail(-E.EINVAL);
    if (level === SOL_SOCKET) {
      if (type === SCM_RIGHTS) {
        if (s.domain !== AF_UNIX) return fail(-E.EINVAL);
        const n = Math.floor((len - 16) / 4);
        if (n > SCM_MAX_FD || rights.length + n > SCM_MAX_FD) return fail(-E.EINVAL);
        for (let i = 0; i < n; i++) {
          const f = t.proc.fds.get(dv.getInt32(off + 16 + 4 * i, true));
          if (!f) return fail(-E.EBADF);
          holdFile(f);
          rights.push(f);
        }
      } else if (type === SCM_CREDENTIALS) {
        if (len !== 16 + 12) return fail(-E.EINVAL);
        const c: Cred = { pid: dv.getInt32(off + 16, true), uid: dv.getUint32(off + 20, true), gid: dv.getUint32(off + 24, true) };
        const me = credOf(k, t);
        const privileged = k.host.uid === 0;
        if ((c.pid !== me.pid && !privileged) || (c.uid !== me.uid && !privileged) || (c.gid !== me.gid && !privileged)) return fail(-E.EPERM);
        if (!k.procs.has(c.pid)) return fail(-E.ESRCH);
        cred = c;
      } else return fail(-E.EINVAL);
    }
    off += Math.ceil(len / 8) * 8;
  }
  return { rights: rights.length ? rights : null, cred };
}

function doSendmsg(k: Kernel, t: Task, s: Socket, msgAddr: number, flags: number): number | Promise<number> {
  const h = readMsghdr(t, msgAddr);
  if (typeof h === 'number') return h;
  let addr: Uint8Array | null = null;
  if (h.name) {
    const b = addrIn(t, h.name, h.namelen);
    if (typeof b === 'number') return b;
    addr = b;
  }
  const total = h.iov.reduce((x, [, l]) => x + l, 0);
  const data = new Uint8Array(Math.min(total, MAX_RW));
  let off = 0;
  for (const [b, l] of h.iov) {
    if (!l) continue;
    data.set(t.proc.mem.readBytes(b, l), off);
    off += l;
  }
  const c = readControl(k, t, s, h);
  if (typeof c === 'number') return c;
  return sockSend(k, t, s, data, flags, addr, c.rights, c.cred);
}

sys('sendmsg', ['fd', 'ptr', 'hex'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  return typeof s === 'number' ? s : doSendmsg(k, t, s, a.ptr(1), a.int(2));
}, { status: 'partial', note: 'SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX; MSG_OOB is EOPNOTSUPP; IP-level control messages are ignored' });

/** Writes the control messages of a receive (scm_recv): credentials, then descriptors. */
function writeControl(t: Task, s: Socket, h: MsgHdr, st: RecvState, flags: number): { used: number; flags: number } {
  const m = t.proc.mem;
  let used = 0;
  let mflags = 0;
  const room = (): number => h.controllen - used;
  const put = (level: number, type: number, data: Uint8Array): void => {
    if (!h.control || room() < 16) {
      mflags |= MSG_CTRUNC;
      return;
    }
    let cmlen = 16 + data.length;
    if (room() < cmlen) {
      mflags |= MSG_CTRUNC;
      cmlen = room();
    }
    const b = new StructBuf(cmlen);
    b.u64(0, cmlen).i32(8, level).i32(12, type);
    b.bytes.set(data.subarray(0, cmlen - 16), 16);
    m.writeBytes(h.control + used, b.bytes);
    used += Math.min(16 + Math.ceil(data.length / 8) * 8, room());
  };
  if (s.passcred && st.cred) put(SOL_SOCKET, SCM_CREDENTIALS, new StructBuf(12).i32(0, st.cred.pid).u32(4, st.cred.uid).u32(8, st.cred.gid).bytes);
  const rights = st.rights;
  st.rights = null;
  if (rights && rights.length) {
    const fdmax = h.control && room() > 16 ? Math.min(Math.floor((room() - 16) / 4), rights.length) : 0;
    const fds: number[] = [];
    for (let i = 0; i < fdmax; i++) {
      const fd = t.proc.fds.alloc(rights[i], (flags & MSG_CMSG_CLOEXEC) !== 0);
      if (fd < 0) break;
      fds.push(fd);
    }
    if (fds.length > 0) {
      const cmlen = 16 + 4 * fds.length;
      const b = new StructBuf(cmlen);
      b.u64(0, cmlen).i32(8, SOL_SOCKET).i32(12, SCM_RIGHTS);
      fds.forEach((fd, i) => b.i32(16 + 4 * i, fd));
      m.writeBytes(h.control + used, b.bytes);
      used += Math.min(16 + Math.ceil((4 * fds.length) / 8) * 8, room());
    }
    if (fds.length < rights.length) mflags |= MSG_CTRUNC;
    for (const f of rights) dropFile(f);
  }
  return { used, flags: mflags };
}

/** One recvmsg into the msghdr at msgAddr; writes msg_namelen, msg_controllen and msg_flags back. */
function doRecvmsg(k: Kernel, t: Task, s: Socket, msgAddr: number, flags: number): number | Promise<number> {
  const h = readMsghdr(t, msgAddr);
  if (typeof h === 'number') return h;
  if (h.name && h.namelen < 0) return -E.EINVAL;
  const total = Math.min(h.iov.reduce((x, [, l]) => x + l, 0), RECV_CHUNK);
  const r = sockRecv(k, t, s, total, flags);
  const finish = (v: { st: RecvState; r: number } | number): number => {
    if (typeof v === 'number') return v;
    const { st } = v;
    const m = t.proc.mem;
    try {
      let off = 0;
      for (const [b, l] of h.iov) {
        if (off >= st.copied) break;
        const c = Math.min(l, st.copied - off);
        if (c) m.writeBytes(b, st.buf.subarray(off, off + c));
        off += c;
      }
      let namelen = 0;
      if (h.name && st.addr) {
        namelen = st.addr.length;
        if (h.namelen > 0) m.writeBytes(h.name, st.addr.subarray(0, Math.min(h.namelen, namelen)));
      }
      const ctl = writeControl(t, s, h, st, flags);
      m.writeBytes(msgAddr + 8, new StructBuf(4).u32(0, h.name ? namelen : 0).bytes);
      m.writeBytes(msgAddr + 40, new StructBuf(8).u64(0, ctl.used).bytes);
      m.writeBytes(msgAddr + 48, new StructBuf(4).u32(0, st.msgFlags | ctl.flags | (flags & MSG_CMSG_CLOEXEC)).bytes);
    } finally {
      if (st.rights) for (const f of st.rights) dropFile(f);
      st.rights = null;
    }
    return v.r;
  };
  return r instanceof Promise ? r.then(finish) : finish(r);
}

sys('recvmsg', ['fd', 'ptr', 'hex'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  return typeof s === 'number' ? s : doRecvmsg(k, t, s, a.ptr(1), a.int(2));
}, { status: 'partial', note: 'SCM_RIGHTS, SCM_CREDENTIALS (SO_PASSCRED); no timestamps, IP_PKTINFO or error queue (MSG_ERRQUEUE)' });

const MMSG_SIZE = 64;

sys('sendmmsg', ['fd', 'ptr', 'uint', 'hex'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const vec = a.ptr(1), flags = a.int(3);
  const vlen = Math.min(a.uint(2), IOV_MAX);
  let n = 0;
  const step = (): number | Promise<number> => {
    while (n < vlen) {
      const r = doSendmsg(k, t, s, vec + MMSG_SIZE * n, flags);
      const after = (v: number): number | Promise<number> => {
        if (v < 0) return n > 0 ? n : v;
        t.proc.mem.writeBytes(vec + MMSG_SIZE * n + 56, new StructBuf(4).u32(0, v).bytes);
        n++;
        return step();
      };
      return typeof r === 'number' ? after(r) : r.then(after);
    }
    return n;
  };
  return step();
});

sys('recvmmsg', ['fd', 'ptr', 'uint', 'hex', 'ptr'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const vec = a.ptr(1), vlen = Math.min(a.uint(2), IOV_MAX), tsAddr = a.ptr(4);
  let flags = a.int(3);
  let deadline = Infinity;
  if (tsAddr) {
    const b = t.proc.mem.readBytes(tsAddr, 16);
    const dv = new DataView(b.buffer);
    const sec = dv.getInt32(4, true) * 2 ** 32 + dv.getUint32(0, true), nsec = dv.getInt32(12, true) * 2 ** 32 + dv.getUint32(8, true);
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -E.EINVAL;
    deadline = k.host.monotonicNs() + sec * 1e9 + nsec;
  }
  let n = 0;
  const step = (): number | Promise<number> => {
    while (n < vlen) {
      if (n > 0 && k.host.monotonicNs() >= deadline) break;
      const r = doRecvmsg(k, t, s, vec + MMSG_SIZE * n, flags);
      const after = (v: number): number | Promise<number> => {
        if (v < 0) {
          if (n === 0) return v;
          if (v !== -E.EAGAIN) s.err = -v;
          return n;
        }
        t.proc.mem.writeBytes(vec + MMSG_SIZE * n + 56, new StructBuf(4).u32(0, v).bytes);
        n++;
        if (flags & MSG_WAITFORONE) flags |= MSG_DONTWAIT;
        return step();
      };
      return typeof r === 'number' ? after(r) : r.then(after);
    }
    return n;
  };
  return step();
}, { status: 'partial', note: 'the timeout is checked between datagrams, as Linux does' });

// ---- options ----

/** The kernel keeps socket timeouts in jiffies: HZ=250, Debian's and most distributions' choice. */
const HZ = 250;

/** The timeval of SO_RCVTIMEO/SO_SNDTIMEO (microseconds; 0 = none), as the jiffies read back. */
function timevalBytes(us: number): Uint8Array {
  const j = Math.round((us * HZ) / 1e6);
  return new StructBuf(16).u64(0, Math.floor(j / HZ)).u64(8, ((j % HZ) * 1e6) / HZ).bytes;
}

function intOpt(v: number): Uint8Array {
  return new StructBuf(4).i32(0, v).bytes;
}

let cookies = 1;
const cookieOf = new WeakMap<Socket, number>();

function getSockOpt(s: Socket, name: number): Uint8Array | number {
  switch (name) {
    case SO_TYPE: return intOpt(s.type);
    case SO_PROTOCOL: return intOpt(s.protocol);
    case SO_DOMAIN: return intOpt(s.domain);
    case SO_ERROR: return intOpt(s.takeError());
    case SO_ACCEPTCONN: return intOpt(s.listening() ? 1 : 0);
    case SO_REUSEADDR: return intOpt(s.reuseAddr ? 1 : 0);
    case SO_REUSEPORT: return intOpt(s.reusePort ? 1 : 0);
    case SO_KEEPALIVE: return intOpt(s.keepAlive ? 1 : 0);
    case SO_BROADCAST: return intOpt(s.broadcast ? 1 : 0);
    case SO_OOBINLINE: return intOpt(s.oobInline ? 1 : 0);
    case SO_PASSCRED: return intOpt(s.passcred ? 1 : 0);
    case SO_SNDBUF: return intOpt(s.sndbuf);
    case SO_RCVBUF: return intOpt(s.rcvbuf);
    case SO_RCVLOWAT: return intOpt(s.rcvLowat);
    case SO_SNDLOWAT: return intOpt(1);
    case SO_PRIORITY: return intOpt(s.priority);
    case SO_MARK: return intOpt(s.mark);
    case SO_DEBUG: case SO_DONTROUTE: case SO_NO_CHECK: case SO_BSDCOMPAT: case SO_TIMESTAMP_OLD: case SO_PASSSEC:
    case SO_RXQ_OVFL: case SO_BUSY_POLL: case SO_ZEROCOPY:
      return intOpt(s.misc.get(`${SOL_SOCKET}:${name}`) ?? 0);
    case SO_INCOMING_CPU: return intOpt(-1);
    case SO_LINGER: return new StructBuf(8).i32(0, s.linger[0]).i32(4, s.linger[1]).bytes;
    case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW: return timevalBytes(s.rcvTimeoUs);
    case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW: return timevalBytes(s.sndTimeoUs);
    case SO_PEERCRED: {
      const c = s.peerCred();
      return new StructBuf(12).i32(0, c ? c.pid : 0).i32(4, c ? c.uid : -1).i32(8, c ? c.gid : -1).bytes;
    }
    case SO_COOKIE: {
      let c = cookieOf.get(s);
      if (!c) cookieOf.set(s, (c = cookies++));
      return new StructBuf(8).u64(0, c).bytes;
    }
    case SO_BINDTODEVICE: return new Uint8Array(0);
    case SO_PEERSEC:
    default:
      return -E.ENOPROTOOPT;
  }
}

sys('getsockopt', ['fd', 'int', 'int', 'ptr', 'ptr'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const level = a.int(1), name = a.int(2), valAddr = a.ptr(3), lenAddr = a.ptr(4);
  const m = t.proc.mem;
  const len = m.read32(lenAddr);
  if (len < 0) return -E.EINVAL;
  let v: Uint8Array | number | undefined;
  if (level === SOL_SOCKET) v = getSockOpt(s, name);
  else v = s.getOption(level, name) ?? -E.EOPNOTSUPP;
  if (typeof v === 'number') return v;
  const n = Math.min(len, v.length);
  if (n > 0) m.writeBytes(valAddr, v.subarray(0, n));
  m.writeBytes(lenAddr, new StructBuf(4).u32(0, n).bytes);
  return 0;
}, { status: 'partial', note: 'SOL_SOCKET, IP, IPv6, TCP and UDP integers with Linux defaults; SO_PEERSEC ENOPROTOOPT; TCP_INFO carries only the state' });

function setSockOpt(k: Kernel, s: Socket, name: number, val: Uint8Array): number {
  if (name === SO_BINDTODEVICE) return k.host.uid === 0 ? 0 : -E.EPERM;
  if (val.length < 4) return -E.EINVAL;
  const dv = new DataView(val.buffer, val.byteOffset, val.length);
  const v = dv.getInt32(0, true);
  const on = v !== 0;
  switch (name) {
    case SO_REUSEADDR: s.reuseAddr = on; return 0;
    case SO_REUSEPORT: s.reusePort = on; return 0;
    case SO_KEEPALIVE: s.keepAlive = on; break;
    case SO_BROADCAST: s.broadcast = on; break;
    case SO_OOBINLINE: s.oobInline = on; return 0;
    case SO_PASSCRED: s.passcred = on; return 0;
    case SO_SNDBUF: case SO_SNDBUFFORCE:
      if (name === SO_SNDBUFFORCE && k.host.uid !== 0) return -E.EPERM;
      s.setBuf('snd', v, name === SO_SNDBUFFORCE);
      break;
    case SO_RCVBUF: case SO_RCVBUFFORCE:
      if (name === SO_RCVBUFFORCE && k.host.uid !== 0) return -E.EPERM;
      s.setBuf('rcv', v, name === SO_RCVBUFFORCE);
      break;
    case SO_RCVLOWAT: s.rcvLowat = v < 0 ? 0x7fffffff : Math.max(v, 1); return 0;
    case SO_SNDLOWAT: return -E.ENOPROTOOPT;
    case SO_PRIORITY:
      if ((v < 0 || v > 6) && k.host.uid !== 0) return -E.EPERM;
      s.priority = v;
      return 0;
    case SO_MARK:
      if (k.host.uid !== 0) return -E.EPERM;
      s.mark = v;
      return 0;
    case SO_LINGER: {
      if (val.length < 8) return -E.EINVAL;
      s.linger = [v ? 1 : 0, dv.getInt32(4, true)];
      return 0;
    }
    case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW: case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW: {
      if (val.length < 16) return -E.EINVAL;
      const sec = dv.getInt32(4, true) * 2 ** 32 + dv.getUint32(0, true);
      const usec = dv.getInt32(12, true) * 2 ** 32 + dv.getUint32(8, true);
      if (usec < 0 || usec >= 1e6) return -E.EDOM;
      // A negative time means "do not wait" (1 us here); zero means "wait forever".
      const jiffies = sec * HZ + Math.ceil(usec / (1e6 / HZ));
      const us = sec < 0 ? 1 : (jiffies * 1e6) / HZ;
      if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW) s.rcvTimeoUs = us;
      else s.sndTimeoUs = us;
      return 0;
    }
    case SO_DEBUG: case SO_DONTROUTE: case SO_NO_CHECK: case SO_BSDCOMPAT: case SO_TIMESTAMP_OLD: case SO_PASSSEC:
    case SO_RXQ_OVFL: case SO_BUSY_POLL: case SO_ZEROCOPY:
      s.misc.set(`${SOL_SOCKET}:${name}`, on ? 1 : 0);
      return 0;
    default:
      return -E.ENOPROTOOPT;
  }
  s.sockOptChanged(name);
  return 0;
}

sys('setsockopt', ['fd', 'int', 'int', 'ptr', 'int'], (k, t, a) => {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const level = a.int(1), name = a.int(2), len = a.int(4);
  if (len < 0) return -E.EINVAL;
  const val = len > 0 ? t.proc.mem.readBytes(a.ptr(3), Math.min(len, 256)) : new Uint8Array(0);
  if (level === SOL_SOCKET) return setSockOpt(k, s, name, val);
  return s.setOption(level, name, val) ?? -E.EOPNOTSUPP;
}, { status: 'partial', note: 'SOL_SOCKET options (buffer sizes, timeouts, SO_PASSCRED, SO_LINGER...), TCP_NODELAY/keepalive and IP/IPv6 integers kept; few reach the host' });

