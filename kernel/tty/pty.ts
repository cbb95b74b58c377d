/**
 * Pseudo-terminals (Unix 98): opening /dev/ptmx makes a master and a slave /dev/pts/N sharing
 * one terminal. What the master writes is the slave's input (through a 64 KiB staging buffer,
 * Linux's flip buffer, into the slave's line discipline); what the slave's line discipline
 * outputs (programs' writes, echo) waits in a 64 KiB buffer for the master to read. The slave is
 * locked until unlockpt (TIOCSPTLCK); closing the master hangs the slave up (its session leader
 * gets SIGHUP, reads end, writes fail with EIO) and removes /dev/pts/N; once the last slave
 * descriptor is closed the master reads EIO and polls POLLHUP. Packet mode (TIOCPKT) prefixes
 * each master read with a status byte.
 */

import type { HostStat } from '../host/host.js';
import type { Kernel } from '../kernel.js';
import { OpenFile, O_NONBLOCK, type MaybeAsync } from '../vfs/file.js';
import { WaitQueue, WouldBlock, POLLIN, POLLOUT, POLLHUP, POLLPRI, POLLRDNORM, POLLWRNORM } from '../waitqueue.js';
import { E } from '../../compat/errno.js';
import { Tty, type TtyDriver } from './tty.js';
import { TtyFile } from './file.js';
import { ttyHangup } from './jobctl.js';

/** Linux's TTYB_DEFAULT_MEM_LIMIT: what a pty side buffers for the other. */
const PTY_BUF = 65536;
export const TIOCPKT_DATA = 0, TIOCPKT_FLUSHREAD = 1, TIOCPKT_FLUSHWRITE = 2;
/** devpts allows this many ptys (/proc/sys/kernel/pty/max). */
const PTY_MAX = 4096;

/** A queue of byte chunks with a byte count. */
class Bytes {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    if (b.length === 0) return;
    this.chunks.push(b.slice());
    this.length += b.length;
  }
  take(out: Uint8Array): number {
    let n = 0;
    while (n < out.length && this.chunks.length) {
      const h = this.chunks[0];
      const k = Math.min(h.length, out.length - n);
      out.set(h.subarray(0, k), n);
      n += k;
      if (k === h.length) this.chunks.shift();
      else this.chunks[0] = h.subarray(k);
    }
    this.length -= n;
    return n;
  }
  head(): Uint8Array | undefined {
    return this.chunks[0];
  }
  drop(n: number): void {
    const h = this.chunks[0];
    if (n >= h.length) this.chunks.shift();
    else this.chunks[0] = h.subarray(n);
    this.length -= Math.min(n, h.length);
  }
  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}

export class Pty implements TtyDriver {
  readonly slave: Tty;
  /** Slave output the master has not read. */
  private readonly out = new Bytes();
  /** Master writes the slave's line discipline has not taken yet. */
  private readonly flip = new Bytes();
  /** Master readers and pollers (output arrived, the slave closed). */
  readonly masterReaders = new WaitQueue();
  /** Master writers waiting for room in the staging buffer. */
  readonly masterWriters = new WaitQueue();
  readonly roomQueue = new WaitQueue();
  locked = true;
  masterOpen = true;
  slaveOpens = 0;
  /** The last slave descriptor was closed (Linux's TTY_OTHER_CLOSED on the master). */
  slaveClosed = false;
  packet = false;
  pktStatus = 0;

  constructor(readonly k: Kernel, readonly index: number, private readonly table: PtyTable) {
    this.slave = new Tty(k, this);
    this.slave.rdev = ((136 & 0xfff) << 8) | (index & 0xff) | ((index & ~0xff) << 12);
  }

  // ---- the slave's driver ----
  output(data: Uint8Array): number {
    const n = Math.min(data.length, PTY_BUF - this.out.length);
    if (n > 0) {
      this.out.push(data.subarray(0, n));
      this.masterReaders.notify();
    }
    return n;
  }
  room(): number {
    return PTY_BUF - this.out.length;
  }
  cooked(): boolean {
    return false;
  }
  wantInput(): void {}
  inputDrained(): void {
    this.pushFlip();
  }
  flushOutput(): void {
    this.packetStatus(TIOCPKT_FLUSHWRITE);
  }

  /** Feeds staged master writes to the slave's line discipline as far as it takes them. */
  private pushFlip(): void {
    let moved = false;
    while (this.flip.length && this.slave.acceptsInput()) {
      const h = this.flip.head()!;
      const n = this.slave.receive(h);
      if (n === 0) break;
      this.flip.drop(n);
      moved = true;
    }
    if (moved) this.masterWriters.notify();
  }

  // ---- the master's side ----
  masterRead(buf: Uint8Array, nonblock: boolean): number | WouldBlock {
    if (buf.length === 0) return 0;
    if (this.packet) {
      if (this.pktStatus) {
        buf[0] = this.pktStatus;
        this.pktStatus = 0;
        return 1;
      }
      if (this.out.length > 0) {
        buf[0] = TIOCPKT_DATA;
        return 1 + this.takeOut(buf.subarray(1));
      }
    } else if (this.out.length > 0) return this.takeOut(buf);
    if (this.slaveClosed) return -E.EIO;
    return nonblock ? -E.EAGAIN : new WouldBlock(this.masterReaders);
  }

  private takeOut(buf: Uint8Array): number {
    const n = this.out.take(buf);
    if (n > 0) this.roomQueue.notify();
    return n;
  }

  masterWrite(data: Uint8Array, nonblock: boolean): number | WouldBlock {
    if (data.length === 0) return 0;
    const room = PTY_BUF - this.flip.length;
    if (room <= 0) return nonblock ? -E.EAGAIN : new WouldBlock(this.masterWriters);
    const n = Math.min(room, data.length);
    this.flip.push(data.subarray(0, n));
    this.pushFlip();
    return n;
  }

  masterPoll(): number {
    let ev = 0;
    if (this.out.length > 0 || (this.packet && this.pktStatus)) ev |= POLLIN | POLLRDNORM;
    if (this.packet && this.pktStatus) ev |= POLLPRI;
    if (this.slaveClosed) ev |= POLLHUP;
    if (this.flip.length < PTY_BUF) ev |= POLLOUT | POLLWRNORM;
    return ev;
  }

  /** Bytes the master could read now (FIONREAD on the master). */
  masterAvailable(): number {
    return this.out.length;
  }

  /** Discards slave output the master has not read (TCIFLUSH on the master). */
  flushMasterInput(): void {
    this.out.clear();
    this.roomQueue.notify();
    this.packetStatus(TIOCPKT_FLUSHWRITE);
  }

  /** Discards master writes the slave's line discipline has not taken yet. */
  flushStaged(): void {
    this.flip.clear();
    this.masterWriters.notify();
    this.packetStatus(TIOCPKT_FLUSHREAD);
  }

  private packetStatus(bit: number): void {
    if (!this.packet) return;
    this.pktStatus |= bit;
    this.masterReaders.notify();
  }

  masterClosed(): void {
    this.masterOpen = false;
    ttyHangup(this.k, this.slave);
    this.masterReaders.notify();
    if (this.slaveOpens === 0) this.table.free(this.index);
  }

  /** A descriptor of the slave, opened through /dev/pts/N or TIOCGPTPEER. */
  openSlave(flags: number, stat: () => HostStat | number): TtyFile | number {
    if (!this.masterOpen) return -E.EIO;
    if (this.locked) return -E.EIO;
    this.slaveOpens++;
    this.slaveClosed = false;
    return new TtyFile(this.k, this.slave, flags, `/dev/pts/${this.index}`, {
      stat,
      release: () => {
        if (--this.slaveOpens > 0) return;
        this.slaveClosed = true;
        this.masterReaders.notify();
        if (!this.masterOpen) this.table.free(this.index);
      },
    });
  }
}

/** The master's open file description (/dev/ptmx). */
export class PtyMaster extends OpenFile {
  constructor(readonly pty: Pty, flags: number, path: string, private readonly statFn: () => HostStat | number) {
    super(flags, path);
  }
  override read(buf: Uint8Array, pos: number | null): MaybeAsync {
    if (pos !== null) return -E.ESPIPE;
    return this.pty.masterRead(buf, (this.flags & O_NONBLOCK) !== 0);
  }
  override write(buf: Uint8Array, pos: number | null): MaybeAsync {
    if (pos !== null) return -E.ESPIPE;
    return this.pty.masterWrite(buf, (this.flags & O_NONBLOCK) !== 0);
  }
  poll(): number {
    return this.pty.masterPoll();
  }
  pollQueues(): WaitQueue[] {
    return [this.pty.masterReaders, this.pty.masterWriters];
  }
  override stat(): HostStat | number {
    return this.statFn();
  }
  override available(): number {
    return this.pty.masterAvailable();
  }
  override release(): void {
    this.runReleaseHooks();
    this.pty.masterClosed();
  }
}

/** The devpts instance: pty numbers in use, lowest free first. */
export class PtyTable {
  private readonly ptys = new Map<number, Pty>();

  /** Opens /dev/ptmx: a new pair, its slave locked. `avoid` are numbers the host's /dev/pts shows. */
  open(k: Kernel, flags: number, path: string, stat: () => HostStat | number, avoid: Set<number>): PtyMaster | number {
    let n = 0;
    while (this.ptys.has(n) || avoid.has(n)) n++;
    if (n >= PTY_MAX) return -E.ENOSPC;
    const pty = new Pty(k, n, this);
    this.ptys.set(n, pty);
    return new PtyMaster(pty, flags, path, stat);
  }

  /** The pty /dev/pts/N names while its master is open. */
  get(n: number): Pty | undefined {
    const p = this.ptys.get(n);
    return p && p.masterOpen ? p : undefined;
  }

  list(): number[] {
    return [...this.ptys.values()].filter((p) => p.masterOpen).map((p) => p.index).sort((a, b) => a - b);
  }

  free(n: number): void {
    this.ptys.delete(n);
  }
}
