/**
 * The host terminal rustos runs on, as a kernel terminal. The host side is put in raw mode
 * (Host.openTerminal) once a guest wants input from it (a read, a poll for input) or changes its
 * attributes, so that from then on the kernel's line discipline does all editing, echo, signal
 * characters and output processing, and keys are read continuously (Ctrl-C reaches a program
 * busy computing). Until then the host's own cooked mode applies: output passes unchanged, the
 * host's signal characters reach rustos as signals (forwarded to the foreground group), and
 * typeahead stays with the host for whoever reads after rustos, as it would after a program that
 * never reads. suspend()/resume() give the terminal back to the host shell while rustos is
 * stopped, and restore() at exit.
 */

import type { Host, HostTerminal } from '../host/host.js';
import type { Kernel } from '../kernel.js';
import { WaitQueue } from '../waitqueue.js';
import { Tty, type TtyDriver } from './tty.js';
import { Termios } from './termios.js';

export class HostTermDriver implements TtyDriver {
  readonly roomQueue = new WaitQueue();
  readonly tty: Tty;
  private term: HostTerminal | null = null;
  private raw = false;
  /** Input the line discipline had no room for, held until it drains. */
  private held: Uint8Array | null = null;
  /** The terminal was raw when rustos was suspended: make it raw again on resume. */
  private wasRaw = false;
  private suspended = false;

  /**
   * fd: the host descriptor input comes from (-1: stdin is not the terminal; input then comes
   * from the host's /dev/tty, opened when first wanted); outFd: where output goes.
   */
  constructor(readonly k: Kernel, private readonly host: Host, private fd: number, private readonly outFd: number) {
    if (fd >= 0) this.term = host.openTerminal(fd, outFd, (d) => this.onInput(d), (e) => this.onEnd(e));
    const a = this.term?.attrs() ?? null;
    const termios = a ? new Termios(a.iflag, a.oflag, a.cflag, a.lflag, a.cc) : Termios.std();
    this.tty = new Tty(k, this, termios);
    this.updateWinsize(false);
  }

  /** Device number of the host terminal (what stat of its /dev/pts node says). */
  get rdev(): number {
    const st = this.host.fstat(this.outFd);
    return typeof st === 'number' ? -1 : st.rdev;
  }

  private terminal(): HostTerminal | null {
    if (!this.term && this.fd < 0) {
      const fd = this.host.open('/dev/tty', 2 /* O_RDWR */ | 0x100 /* O_NOCTTY */, 0);
      if (fd < 0) return null;
      const a = this.host.fstat(fd), b = this.host.fstat(this.outFd);
      if (typeof a === 'number' || typeof b === 'number' || a.rdev !== b.rdev) {
        this.host.close(fd);
        this.fd = -2; // not the same terminal: no input
        return null;
      }
      this.fd = fd;
      this.term = this.host.openTerminal(fd, this.outFd, (d) => this.onInput(d), (e) => this.onEnd(e));
    }
    return this.term;
  }

  /** Puts the host terminal in raw mode and starts reading keys. */
  activate(): void {
    if (this.raw || this.suspended || this.tty.hungUp) return;
    const term = this.terminal();
    if (!term || !term.setRaw(true)) return;
    this.raw = true;
    if (!this.held) term.resume();
  }

  /** rustos stops (its first process stopped): the host terminal back to its own mode. */
  suspend(): void {
    if (this.suspended) return;
    this.suspended = true;
    this.wasRaw = this.raw;
    this.restore();
  }

  /** rustos continues: raw again if it was and rustos is in the foreground; else when wanted. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.updateWinsize(true);
    if (this.wasRaw && this.term?.foreground()) this.activate();
  }

  /** The host terminal as it was (exit). */
  restore(): void {
    if (!this.raw || !this.term) return;
    this.term.pause();
    this.term.setRaw(false);
    this.raw = false;
  }

  /** The host terminal's size into the kernel's copy (SIGWINCH to the foreground group if it changed). */
  updateWinsize(signal: boolean): void {
    const ws = this.term?.winsize() ?? this.host.winsize(this.outFd);
    if (!ws) return;
    const next = { row: ws.rows, col: ws.cols, xpixel: 0, ypixel: 0 };
    if (signal) this.tty.resize(next);
    else this.tty.winsize = next;
  }

  isRaw(): boolean {
    return this.raw;
  }

  private onInput(d: Uint8Array): void {
    const n = this.tty.receive(d);
    if (n < d.length) {
      this.held = d.slice(n);
      this.term?.pause();
    }
  }

  private onEnd(err: number): void {
    void err;
    this.tty.hangup();
  }

  // ---- TtyDriver ----
  output(data: Uint8Array): number {
    const term = this.term;
    let out = data;
    if (term && this.raw && term.onlcr) {
      // The host adds CR before each NL itself: drop ours.
      const v: number[] = [];
      for (let i = 0; i < data.length; i++) if (!(data[i] === 13 && data[i + 1] === 10)) v.push(data[i]);
      out = Uint8Array.from(v);
    }
    const r = term ? term.write(out) : this.host.write(this.outFd, out, null);
    return r < 0 ? r : data.length;
  }
  room(): number {
    return Infinity;
  }
  cooked(): boolean {
    return !this.raw;
  }
  wantInput(): void {
    this.activate();
  }
  inputDrained(): void {
    const h = this.held;
    if (!h) return;
    this.held = null;
    this.onInput(h);
    if (!this.held && this.raw) this.term?.resume();
  }
  flushOutput(): void {}
  termiosChanged(): void {
    this.activate();
  }
}
