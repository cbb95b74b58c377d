/**
 * The one interface between the kernel and the machine it runs on. Everything that touches Node
 * (files, the terminal, clocks, randomness, the process's own exit) goes through a Host, and all
 * host<->Linux translation (error codes, open flags, stat fields) happens in its implementation,
 * so the CPU and kernel stay free of Node imports and could run in a browser with another Host.
 *
 * Conventions: paths are host paths (the VFS has already confined and translated them); failures
 * are returned as negative Linux errno values, never thrown.
 */

export interface HostStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
  /** Creation time, when the host file system records one (statx STATX_BTIME). */
  btimeSec?: number;
  btimeNsec?: number;
}

export interface HostDirent {
  name: string;
  /** DT_* type (DT_REG 8, DT_DIR 4, DT_LNK 10, ...). */
  type: number;
  ino: number;
}

export interface HostStatfs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** An internet address as the host's network stack takes it. */
export interface HostSockAddr {
  family: 4 | 6;
  /** Textual address ("127.0.0.1", "::1", "::ffff:1.2.3.4"). */
  address: string;
  port: number;
  /** IPv6 flow info and scope id (0 for IPv4). */
  flowinfo?: number;
  scopeid?: number;
}

/** What a host TCP connection reports; every callback runs from the host's event loop. */
export interface HostStreamEvents {
  /** The connection is established (tcpConnect). */
  connected(): void;
  data(buf: Uint8Array): void;
  /** The peer has finished sending (FIN). */
  end(): void;
  /** The connection failed or broke: -errno (ECONNREFUSED, ECONNRESET, ETIMEDOUT...). */
  error(errno: number): void;
  /** `n` bytes handed to write() have left our buffers. */
  written(n: number): void;
  /** The connection is gone for good (after end/error and our close). */
  closed(): void;
}

/** A host TCP connection. */
export interface HostStream {
  /** Attaches the event handlers (an accepted connection is handed over without them). */
  attach(ev: HostStreamEvents): void;
  write(buf: Uint8Array): void;
  /** shutdown(SHUT_WR): a FIN once the pending data has gone. */
  end(): void;
  /** close: gracefully (pending data, then FIN) or with a reset (RST). */
  close(reset: boolean): void;
  /** Flow control: stop and restart reading from the host (the receiver's buffer is full). */
  pause(): void;
  resume(): void;
  setNoDelay(on: boolean): void;
  setKeepAlive(on: boolean, idleSec: number): void;
  local(): HostSockAddr | null;
  remote(): HostSockAddr | null;
}

/** A host TCP listening socket. */
export interface HostListener {
  local(): HostSockAddr;
  close(): void;
}

export interface HostDgramEvents {
  message(buf: Uint8Array, from: HostSockAddr): void;
  error(errno: number): void;
}

/** A host UDP socket. */
export interface HostDgram {
  bind(addr: HostSockAddr, done: (err: number) => void): void;
  connect(addr: HostSockAddr, done: (err: number) => void): void;
  disconnect(): void;
  send(buf: Uint8Array, to: HostSockAddr | null, done: (err: number) => void): void;
  local(): HostSockAddr | null;
  /** broadcast, ttl, multicastTtl, multicastLoop, recvBuffer, sendBuffer. */
  setOption(name: string, value: number): void;
  close(): void;
}

export interface Host {
  // ---- files ----
  lstat(path: string): HostStat | number;
  stat(path: string): HostStat | number;
  /** Opens with Linux O_* flags; returns a host fd. */
  open(path: string, flags: number, mode: number): number;
  close(fd: number): number;
  fstat(fd: number): HostStat | number;
  /** Reads at pos (or the file position when pos is null); returns bytes read. */
  read(fd: number, buf: Uint8Array, pos: number | null): number;
  /** The current file offset of a host fd (shared with the process that opened it). */
  fdOffset(fd: number): number;
  write(fd: number, buf: Uint8Array, pos: number | null): number;
  /** A read that may wait (terminals, pipes): calls back with bytes read or -errno. */
  readAsync(fd: number, buf: Uint8Array, done: (n: number) => void): void;
  readlink(path: string): Uint8Array | number;
  readdir(path: string): HostDirent[] | number;
  mkdir(path: string, mode: number): number;
  rmdir(path: string): number;
  unlink(path: string): number;
  /** rename with renameat2 flags: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2). */
  rename(from: string, to: string, flags?: number): number;
  /** Creates a FIFO (S_IFIFO) or an empty regular file (S_IFREG); other types are -EPERM. */
  mknod(path: string, mode: number, dev: number): number;
  symlink(target: Uint8Array, path: string): number;
  link(from: string, to: string): number;
  chmod(path: string, mode: number): number;
  /** Changes the owner of the entry itself (a symlink is not followed); -1 keeps an id. */
  lchown(path: string, uid: number, gid: number): number;
  truncate(path: string, len: number): number;
  ftruncate(fd: number, len: number): number;
  fsync(fd: number): number;
  utimes(path: string, atime: [number, number] | null, mtime: [number, number] | null, follow: boolean): number;
  access(path: string, mode: number): number;
  statfs(path: string): HostStatfs | number;

  // ---- network (AF_INET/AF_INET6 sockets; kernel/net/inet.ts) ----
  /**
   * Listens on addr; `done` gets 0 and the listener, or -errno (EADDRINUSE, EADDRNOTAVAIL,
   * EACCES). Each connection is handed to onConnection without event handlers.
   */
  tcpListen(addr: HostSockAddr, o: { backlog: number; ipv6Only: boolean }, onConnection: (s: HostStream) => void, done: (err: number, l: HostListener | null) => void): void;
  /** Connects to `to` (from the local address `from` if given); outcomes arrive through ev. */
  tcpConnect(to: HostSockAddr, from: HostSockAddr | null, ev: HostStreamEvents): HostStream;
  udpOpen(family: 4 | 6, o: { reuseAddr: boolean; ipv6Only: boolean }, ev: HostDgramEvents): HostDgram;
  /** Connects to the unix stream socket at a host path (a host process's); outcomes through ev. */
  unixConnect(path: string, ev: HostStreamEvents): HostStream;
  /**
   * Makes the socket inode at `path` a live unix stream listener (a fresh inode with the same
   * mode replaces it), so host processes can connect; -errno if it cannot.
   */
  unixListen(path: string, onConnection: (s: HostStream) => void): HostListener | number;

  // ---- terminal ----
  isatty(fd: number): boolean;
  /** Terminal size of a host tty fd, or null. */
  winsize(fd: number): { rows: number; cols: number } | null;
  /**
   * Takes over the host terminal on fd (input) and outFd (output) for the kernel's line
   * discipline; null if fd is not a terminal. Input is delivered to onInput while resumed;
   * onEnd reports the terminal going away (0, or -errno).
   */
  openTerminal(fd: number, outFd: number, onInput: (data: Uint8Array) => void, onEnd: (err: number) => void): HostTerminal | null;
  /**
   * Whether this process's group is orphaned (no member has a parent in another group of the
   * same session): then the first guest process's group is too.
   */
  processGroupOrphaned(): boolean;

  // ---- time, identity, randomness ----
  /** CLOCK_REALTIME as [seconds, nanoseconds]. */
  realtime(): [number, number];
  /** CLOCK_MONOTONIC in nanoseconds (a JS number: exact to the ns for 104 days of uptime). */
  monotonicNs(): number;
  /** CPU time of this host process in nanoseconds. */
  cpuTimeNs(): number;
  /**
   * How long this host thread has waited for a CPU while runnable (ns, Linux's run_delay in
   * /proc/thread-self/schedstat), or -1 where the host cannot tell. The kernel subtracts it from
   * the guest CPU time it measures with the monotonic clock (a preempted emulator is not a guest
   * using the CPU).
   */
  runDelayNs(): number;
  randomBytes(buf: Uint8Array): void;
  /** Runs fn soon, after pending I/O callbacks (the scheduler's way of yielding to the event loop). */
  defer(fn: () => void): void;
  /** Calls fn after ms milliseconds; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
  uid: number;
  gid: number;
  pid: number;
  hostname: string;
  /** Linux release string reported by uname (the host's, so programs see a plausible kernel). */
  release: string;
  version: string;
  totalMemory: number;
  freeMemory: number;
  cpuCount: number;
  uptimeSec(): number;
  loadavg(): number[];
}

/** Termios flag words and control characters (the kernel's layout). */
export interface HostTermAttrs {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  cc: number[];
}

/** A host terminal driven by the kernel (kernel/tty/hostterm.ts). */
export interface HostTerminal {
  /**
   * Raw mode (no echo, no signal characters, no input or output processing by the host), or
   * back to the mode the terminal had. False if the host could not switch.
   */
  setRaw(raw: boolean): boolean;
  /** True when, in raw mode, the host still turns NL into CR NL on output (it could not turn OPOST off). */
  readonly onlcr: boolean;
  /** Starts or stops delivering input. */
  resume(): void;
  pause(): void;
  /** Writes output as it is (bytes written, or -errno). */
  write(data: Uint8Array): number;
  /**
   * Whether this process may change the terminal without being stopped by the host (it is in the
   * terminal's foreground process group, or the terminal is not its controlling terminal).
   */
  foreground(): boolean;
  /** The terminal's attributes when rustos started, or null if the host cannot tell. */
  attrs(): HostTermAttrs | null;
  /** The window size, or null. */
  winsize(): { rows: number; cols: number } | null;
  /** Device number of the terminal (st_rdev). */
  readonly rdev: number;
}
