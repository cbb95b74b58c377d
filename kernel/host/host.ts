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
