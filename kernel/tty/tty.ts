/**
 * A terminal: its termios, window size, session and foreground process group, and the line
 * discipline, as Linux's n_tty does it. Bytes from the device (keys typed on the host terminal, or
 * written to a pty master) come in through receive(): input mapping (ISTRIP, IGNCR, ICRNL,
 * INLCR), signal characters (ISIG: INTR, QUIT, SUSP to the foreground group, flushing unless
 * NOFLSH), flow-control characters (IXON: swallowed, output is never held), canonical editing
 * (ERASE, KILL, WERASE, LNEXT, REPRINT, EOF, EOL, EOL2) and echo (ECHO, ECHOE, ECHOK, ECHOKE,
 * ECHONL, ECHOCTL, ECHOPRT). Readers take whole lines (ICANON) or bytes under VMIN/VTIME.
 * Output from programs, and echo, go through output processing (OPOST: ONLCR, OCRNL, ONOCR,
 * ONLRET, OLCUC, XTABS) with the column tracked for erasing tabs, then to the driver: the host
 * terminal (kernel/tty/hostterm.ts) or a pty master's buffer (kernel/tty/pty.ts).
 *
 * Job control (which process may read, write or change the terminal) is decided by the callers
 * (kernel/tty/jobctl.ts), which know the calling task.
 */

import { WaitQueue, WouldBlock } from '../waitqueue.js';
import { E } from '../../compat/errno.js';
import {
  Termios, ISTRIP, IUCLC, IGNCR, ICRNL, INLCR, IXON, IXANY, PARMRK, IUTF8, OPOST, OLCUC, ONLCR, OCRNL, ONOCR,
  ONLRET, TABDLY, XTABS, ISIG, ICANON, ECHO, ECHOE, ECHOK, ECHONL, NOFLSH, ECHOCTL, ECHOPRT, ECHOKE, IEXTEN,
  EXTPROC, VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSTART, VSTOP, VSUSP, VEOL, VREPRINT, VWERASE,
  VLNEXT, VEOL2,
} from './termios.js';

export const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20, SIGWINCH = 28, SIGHUP = 1, SIGCONT = 18;

/** Linux's N_TTY_BUF_SIZE: the line discipline's input buffer. */
export const N_TTY_BUF_SIZE = 4096;
/** An input entry that ends a line (newline, EOL, EOL2, EOF). */
const DELIM = 0x100;
/** The EOF character's entry: ends a line and is not read. */
const EOF_MARK = 0x200;

/** Where a terminal's output goes and its input comes from. */
export interface TtyDriver {
  /** Takes processed output; returns how many bytes it took (fewer when it is full). */
  output(data: Uint8Array): number;
  /** Bytes output() would take now. */
  room(): number;
  /** Woken when room() grows. */
  readonly roomQueue: WaitQueue;
  /**
   * True while the device still edits, echoes and post-processes by itself (the host terminal
   * before it is put in raw mode): output then passes unchanged.
   */
  cooked(): boolean;
  /** A reader waits for input (the host terminal starts reading). */
  wantInput(): void;
  /** Input was taken out of a full buffer: the device may send the rest. */
  inputDrained(): void;
  /** Discards output the device has not consumed yet (TCOFLUSH, ISIG). */
  flushOutput(): void;
  /** The attributes changed (the host terminal takes over its line discipline then). */
  termiosChanged?(): void;
}

/** What a terminal needs from the kernel: signals to process groups and timers. */
export interface TtyKernel {
  signalGroup(pgid: number, sig: number): void;
  setTimer(ms: number, fn: () => void): () => void;
  nowMs(): number;
}

/** Per-read state kept across the retries of one read(2) (VTIME timers). */
export interface TtyReadState {
  deadline?: number;
  lastAvail?: number;
  cancelTimer?: () => void;
}

export interface Winsize {
  row: number;
  col: number;
  xpixel: number;
  ypixel: number;
}

const iscntrl = (c: number): boolean => c < 0x20 || c === 0x7f;
const isalnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

let nextTtyId = 1;

export class Tty {
  termios: Termios;
  winsize: Winsize = { row: 0, col: 0, xpixel: 0, ypixel: 0 };
  /** The session it is the controlling terminal of (the leader's pid), 0 when none. */
  sid = 0;
  /** The foreground process group, 0 when none. */
  pgrp = 0;
  /** Hung up (a pty slave whose master closed, a host terminal that went away). */
  hungUp = false;
  /** TIOCEXCL: further opens fail with EBUSY. */
  exclusive = false;
  /** Output stopped by STOP (recorded; output is never actually held). */
  stopped = false;
  /** Readers and pollers waiting for input. */
  readonly readers = new WaitQueue();
  /** Woken when the input buffer has room again (a pty master's writer waits here). */
  readonly inputRoom = new WaitQueue();
  readonly id = nextTtyId++;
  /** Device number (st_rdev of its node; /proc/PID/stat's tty_nr). */
  rdev = 0;
  driver: TtyDriver;

  /** The input buffer: byte values, line ends flagged with DELIM. */
  private buf: number[] = [];
  /** Entries before this index form complete lines (canonical mode). */
  private canonEnd = 0;
  private lnext = false;
  private erasing = false;
  /** Output column, and the column where the current input line's echo began. */
  private column = 0;
  private canonColumn = 0;
  /** Set while receive() stopped at a full buffer. */
  private throttled = false;
  /**
   * Echo produced while one batch of input is processed: written when the batch is done, so a
   * signal character later in the batch discards it (n_tty's uncommitted echo buffer).
   */
  private pendingEcho: number[] | null = null;

  constructor(readonly k: TtyKernel, driver: TtyDriver, termios: Termios = Termios.std()) {
    this.driver = driver;
    this.termios = termios;
  }

  private L(f: number): boolean {
    return (this.termios.lflag & f) !== 0;
  }
  private I(f: number): boolean {
    return (this.termios.iflag & f) !== 0;
  }
  private O(f: number): boolean {
    return (this.termios.oflag & f) !== 0;
  }
  private cc(i: number): number {
    return this.termios.cc[i];
  }
  get canonical(): boolean {
    return this.L(ICANON) && !this.L(EXTPROC);
  }

  // ---- termios ----

  /** Sets new attributes; switching ICANON reinterprets what is buffered, as n_tty does. */
  setTermios(t: Termios): void {
    const old = this.termios;
    this.termios = t;
    const a = old.encode(44), b = t.encode(44);
    if (a.some((x, i) => x !== b[i])) this.driver.termiosChanged?.();
    if ((old.lflag ^ t.lflag) & (ICANON | EXTPROC)) {
      if (!this.canonical || this.buf.length === 0) {
        // Line ends become plain bytes (the EOF character's entry reads as a NUL, as on Linux).
        this.buf = this.buf.map((e) => (e & EOF_MARK ? 0 : e & 0xff));
        this.canonEnd = 0;
      } else {
        this.buf = this.buf.map((e) => (e & EOF_MARK ? 0 : e & 0xff));
        this.buf[this.buf.length - 1] |= DELIM;
        this.canonEnd = this.buf.length;
      }
      this.erasing = false;
      this.lnext = false;
    }
    if (!(t.iflag & IXON)) this.stopped = false;
    this.readers.notify();
  }

  // ---- input ----

  /** Input bytes the driver delivers; returns how many were taken (the rest waits for room). */
  receive(data: Uint8Array): number {
    let n = 0;
    this.pendingEcho = [];
    try {
      for (; n < data.length; n++) {
        if (this.buf.length >= N_TTY_BUF_SIZE - 1 && !(this.canonical && this.canonEnd === 0)) {
          // Full of complete lines or raw bytes nobody reads: stop taking input (throttle).
          this.throttled = true;
          break;
        }
        this.receiveChar(data[n]);
      }
    } finally {
      const echo = this.pendingEcho;
      this.pendingEcho = null;
      if (echo.length && !this.driver.cooked()) this.driver.output(Uint8Array.from(echo));
    }
    if (n > 0) this.readers.notify();
    return n;
  }

  private receiveChar(c: number): void {
    if (this.lnext) {
      this.lnext = false;
      if (this.I(ISTRIP)) c &= 0x7f;
      if (this.I(IUCLC) && this.L(IEXTEN)) c = tolower(c);
      this.normalChar(c);
      return;
    }
    if (this.I(ISTRIP)) c &= 0x7f;
    if (this.I(IUCLC) && this.L(IEXTEN)) c = tolower(c);
    if (this.L(EXTPROC)) {
      this.put(c);
      return;
    }
    if (this.isSpecial(c)) this.specialChar(c);
    else this.normalChar(c);
  }

  /** n_tty's char_map: the bytes that need more than storing and echoing. */
  private isSpecial(c: number): boolean {
    if (c === 0) return false; // _POSIX_VDISABLE
    const t = this.termios;
    if (!(t.iflag & (ISTRIP | IUCLC | IGNCR | ICRNL | INLCR | IXON | PARMRK)) && !(t.lflag & (ICANON | ISIG | ECHO))) return false;
    if (c === 13 && t.iflag & (IGNCR | ICRNL)) return true;
    if (c === 10 && t.iflag & INLCR) return true;
    const cc = t.cc;
    if (t.lflag & ICANON) {
      if (c === cc[VERASE] || c === cc[VKILL] || c === cc[VEOF] || c === 10 || c === cc[VEOL]) return true;
      if (t.lflag & IEXTEN) {
        if (c === cc[VWERASE] || c === cc[VLNEXT] || c === cc[VEOL2]) return true;
        if (t.lflag & ECHO && c === cc[VREPRINT]) return true;
      }
    }
    if (t.iflag & IXON && (c === cc[VSTART] || c === cc[VSTOP])) return true;
    if (t.lflag & ISIG && (c === cc[VINTR] || c === cc[VQUIT] || c === cc[VSUSP])) return true;
    return false;
  }

  /** A byte with no special meaning: echoed and stored. */
  private normalChar(c: number): void {
    if (this.canonical && this.buf.length >= N_TTY_BUF_SIZE - 1) return; // a line that fills the buffer: the rest is lost
    if (this.I(IXON) && this.I(IXANY)) this.stopped = false;
    if (this.L(ECHO)) {
      this.finishErasing();
      if (this.canonEnd === this.buf.length) this.canonColumn = this.column;
      this.echoChar(c);
    }
    if (c === 0xff && this.I(PARMRK)) this.put(c);
    this.put(c);
  }

  private specialChar(c: number): void {
    const cc = this.termios.cc;
    if (this.I(IXON) && (c === cc[VSTART] || c === cc[VSTOP])) {
      this.stopped = c === cc[VSTART] ? false : c === cc[VSTOP] ? true : !this.stopped;
      return;
    }
    if (this.L(ISIG)) {
      if (c === cc[VINTR]) return this.signalChar(SIGINT, c);
      if (c === cc[VQUIT]) return this.signalChar(SIGQUIT, c);
      if (c === cc[VSUSP]) return this.signalChar(SIGTSTP, c);
    }
    if (this.stopped && this.I(IXON) && this.I(IXANY)) this.stopped = false;
    if (c === 13) {
      if (this.I(IGNCR)) return;
      if (this.I(ICRNL)) c = 10;
    } else if (c === 10 && this.I(INLCR)) c = 13;
    if (this.canonical) {
      if (c === cc[VERASE] || c === cc[VKILL] || (c === cc[VWERASE] && this.L(IEXTEN))) {
        this.eraser(c);
        return;
      }
      if (c === cc[VLNEXT] && this.L(IEXTEN)) {
        this.lnext = true;
        if (this.L(ECHO)) {
          this.finishErasing();
          if (this.L(ECHOCTL)) {
            this.echoRaw(0x5e);
            this.echoRaw(8);
          }
        }
        return;
      }
      if (c === cc[VREPRINT] && this.L(ECHO) && this.L(IEXTEN)) {
        this.finishErasing();
        this.echoChar(c);
        this.echoRaw(10);
        for (let i = this.canonEnd; i < this.buf.length; i++) this.echoChar(this.buf[i] & 0xff);
        return;
      }
      if (c === 10) {
        if (this.L(ECHO) || this.L(ECHONL)) this.echoRaw(10);
        this.endLine(10);
        return;
      }
      if (c === cc[VEOF]) {
        this.endLine(EOF_MARK);
        return;
      }
      if (c === cc[VEOL] || (c === cc[VEOL2] && this.L(IEXTEN))) {
        if (this.L(ECHO)) {
          if (this.canonEnd === this.buf.length) this.canonColumn = this.column;
          this.echoChar(c);
        }
        if (c === 0xff && this.I(PARMRK)) this.put(c);
        this.endLine(c);
        return;
      }
    }
    if (this.L(ECHO)) {
      this.finishErasing();
      if (c === 10) this.echoRaw(10);
      else {
        if (this.canonEnd === this.buf.length) this.canonColumn = this.column;
        this.echoChar(c);
      }
    }
    if (c === 0xff && this.I(PARMRK)) this.put(c);
    this.put(c);
  }

  private put(c: number): void {
    this.buf.push(c);
  }

  private endLine(entry: number): void {
    this.buf.push(entry | DELIM);
    this.canonEnd = this.buf.length;
    this.readers.notify();
  }

  /** INTR, QUIT, SUSP: the signal to the foreground group, input (and output) flushed unless NOFLSH. */
  private signalChar(sig: number, c: number): void {
    if (this.pgrp) this.k.signalGroup(this.pgrp, sig);
    if (!this.L(NOFLSH)) {
      if (this.pendingEcho) this.pendingEcho.length = 0;
      this.flushInput();
      this.driver.flushOutput();
    }
    if (this.I(IXON)) this.stopped = false;
    if (this.L(ECHO)) this.echoChar(c);
  }

  private finishErasing(): void {
    if (this.erasing) {
      this.echoRaw(0x2f); // '/'
      this.erasing = false;
    }
  }

  private isContinuation(c: number): boolean {
    return this.I(IUTF8) && (c & 0xc0) === 0x80;
  }

  /** ERASE, WERASE and KILL on the line being typed, with their echo (n_tty's eraser). */
  private eraser(c: number): void {
    const cc = this.termios.cc;
    if (this.buf.length === this.canonEnd) return; // nothing typed since the last line
    let kill: 'erase' | 'werase' | 'kill';
    if (c === cc[VERASE]) kill = 'erase';
    else if (c === cc[VWERASE]) kill = 'werase';
    else {
      if (!this.L(ECHO)) {
        this.buf.length = this.canonEnd;
        return;
      }
      if (!this.L(ECHOK) || !this.L(ECHOKE) || !this.L(ECHOE)) {
        this.buf.length = this.canonEnd;
        this.finishErasing();
        this.echoChar(cc[VKILL]);
        if (this.L(ECHOK)) this.echoRaw(10);
        return;
      }
      kill = 'kill';
    }
    let seenAlnums = 0;
    while (this.buf.length > this.canonEnd) {
      let head = this.buf.length;
      let ch: number;
      do {
        head--;
        ch = this.buf[head] & 0xff;
      } while (this.isContinuation(ch) && head > this.canonEnd);
      if (this.isContinuation(ch)) break; // do not erase part of a character
      if (kill === 'werase') {
        if (isalnum(ch) || ch === 0x5f) seenAlnums++;
        else if (seenAlnums) break;
      }
      const erased = this.buf.slice(head);
      this.buf.length = head;
      if (this.L(ECHO)) {
        if (this.L(ECHOPRT)) {
          if (!this.erasing) {
            this.echoRaw(0x5c);
            this.erasing = true;
          }
          this.echoChar(ch);
          for (let i = 1; i < erased.length; i++) {
            this.echoRaw(erased[i] & 0xff);
            this.column--;
          }
        } else if (kill === 'erase' && !this.L(ECHOE)) {
          this.echoChar(cc[VERASE]);
        } else if (ch === 9) {
          let chars = 0;
          let afterTab = false;
          for (let i = this.buf.length - 1; i >= this.canonEnd; i--) {
            const x = this.buf[i] & 0xff;
            if (x === 9) {
              afterTab = true;
              break;
            } else if (iscntrl(x)) {
              if (this.L(ECHOCTL)) chars += 2;
            } else if (!this.isContinuation(x)) chars++;
          }
          this.eraseTab(chars, afterTab);
        } else {
          if (iscntrl(ch) && this.L(ECHOCTL)) this.echoBytes([8, 0x20, 8]);
          if (!iscntrl(ch) || this.L(ECHOCTL)) this.echoBytes([8, 0x20, 8]);
        }
      }
      if (kill === 'erase') break;
    }
    if (this.buf.length === this.canonEnd && this.L(ECHO)) this.finishErasing();
  }

  /** Backs over a tab: to the column where it started. */
  private eraseTab(chars: number, afterTab: boolean): void {
    if (!afterTab) chars += this.canonColumn;
    let bs = 8 - (chars & 7);
    if (bs > this.column) bs = this.column;
    const out: number[] = [];
    while (bs-- > 0) {
      out.push(8);
      if (this.column > 0) this.column--;
    }
    this.emitRaw(out);
  }

  // ---- echo and output processing ----

  /** Echoes c as itself, or as ^X for a control character under ECHOCTL. */
  private echoChar(c: number): void {
    if (this.L(ECHOCTL) && iscntrl(c) && c !== 9) {
      this.emitRaw([0x5e, c ^ 0x40]);
      this.column += 2;
    } else this.echoRaw(c);
  }

  private echoRaw(c: number): void {
    this.echoBytes([c]);
  }

  private echoBytes(cs: number[]): void {
    if (this.driver.cooked()) return;
    const out: number[] = [];
    for (const c of cs) this.outputChar(c, out);
    this.emitRaw(out);
  }

  private emitRaw(out: number[]): void {
    if (this.pendingEcho) this.pendingEcho.push(...out);
    else if (out.length && !this.driver.cooked()) this.driver.output(Uint8Array.from(out));
  }

  /** One byte through output processing (n_tty's do_output_char) into out. */
  private outputChar(c: number, out: number[]): void {
    if (!this.O(OPOST)) {
      out.push(c);
      return;
    }
    switch (c) {
      case 10:
        if (this.O(ONLRET)) this.column = 0;
        if (this.O(ONLCR)) {
          this.canonColumn = this.column = 0;
          out.push(13, 10);
          return;
        }
        this.canonColumn = this.column;
        break;
      case 13:
        if (this.O(ONOCR) && this.column === 0) return;
        if (this.O(OCRNL)) {
          c = 10;
          if (this.O(ONLRET)) this.canonColumn = this.column = 0;
          break;
        }
        this.canonColumn = this.column = 0;
        break;
      case 9: {
        const spaces = 8 - (this.column & 7);
        this.column += spaces;
        if ((this.termios.oflag & TABDLY) === XTABS) {
          for (let i = 0; i < spaces; i++) out.push(0x20);
          return;
        }
        break;
      }
      case 8:
        if (this.column > 0) this.column--;
        break;
      default:
        if (!iscntrl(c)) {
          if (this.O(OLCUC) && c >= 0x61 && c <= 0x7a) c -= 0x20;
          if (!this.isContinuation(c)) this.column++;
        }
    }
    out.push(c);
  }

  /**
   * A program's write: processed and handed to the driver as far as it has room. Returns the
   * bytes of data consumed, -EIO when hung up, or WouldBlock / -EAGAIN when nothing fits.
   */
  write(data: Uint8Array, nonblock: boolean): number | WouldBlock {
    if (this.hungUp) return -E.EIO;
    if (data.length === 0) return 0;
    if (this.driver.cooked() || !this.O(OPOST)) {
      const n = this.driver.output(data);
      if (n !== 0) return n;
      return nonblock ? -E.EAGAIN : new WouldBlock(this.driver.roomQueue);
    }
    const room = this.driver.room();
    const out: number[] = [];
    let n = 0;
    const saved = [this.column, this.canonColumn];
    for (; n < data.length; n++) {
      const before = out.length;
      const cols = [this.column, this.canonColumn];
      this.outputChar(data[n], out);
      if (out.length > room) {
        out.length = before;
        [this.column, this.canonColumn] = cols;
        break;
      }
    }
    if (n === 0) {
      [this.column, this.canonColumn] = saved;
      return nonblock ? -E.EAGAIN : new WouldBlock(this.driver.roomQueue);
    }
    if (out.length) {
      const r = this.driver.output(Uint8Array.from(out));
      if (r < 0) return r;
    }
    return n;
  }

  // ---- reading ----

  /** Bytes a read could return now (FIONREAD): complete lines in canonical mode. */
  available(): number {
    if (this.canonical) {
      let n = 0;
      for (let i = 0; i < this.canonEnd; i++) if (!(this.buf[i] & EOF_MARK)) n++;
      return n;
    }
    return this.buf.length;
  }

  /** Whether a read (poll: a poll) would find input. */
  inputReady(poll: boolean): boolean {
    if (this.canonical) return this.canonEnd > 0;
    const min = this.cc(VMIN), time = this.cc(VTIME);
    const amt = poll && !time && min ? min : 1;
    return this.buf.length >= amt;
  }

  /**
   * read(2) on the terminal. `otherClosed` (a pty master whose slave is gone) makes an empty
   * read EIO. State for VTIME lives in `st` across the retries of one call.
   */
  read(out: Uint8Array, nonblock: boolean, st: TtyReadState = {}): number | WouldBlock {
    if (out.length === 0) return 0;
    if (this.canonical) {
      if (this.canonEnd > 0) return this.finishRead(st, this.takeLine(out));
      if (this.hungUp) return this.finishRead(st, 0);
      this.driver.wantInput();
      if (this.canonEnd > 0) return this.finishRead(st, this.takeLine(out));
      return nonblock ? -E.EAGAIN : new WouldBlock(this.readers);
    }
    const min = this.cc(VMIN), time = this.cc(VTIME);
    const want = min ? Math.min(min, out.length) : 1;
    let avail = this.buf.length;
    if (avail < want && !this.hungUp) {
      this.driver.wantInput();
      avail = this.buf.length;
    }
    if (avail >= want || this.hungUp || (nonblock && avail > 0)) return this.finishRead(st, this.takeRaw(out));
    if (!min && !time) return this.finishRead(st, 0);
    if (nonblock) return -E.EAGAIN;
    if (time) {
      const now = this.k.nowMs();
      if (!min) {
        st.deadline ??= now + time * 100;
        if (now >= st.deadline) return this.finishRead(st, 0);
        this.arm(st, st.deadline, now);
      } else if (avail > 0) {
        // The inter-byte timer restarts whenever a byte arrives.
        if (avail !== st.lastAvail) {
          st.lastAvail = avail;
          st.deadline = now + time * 100;
        }
        if (now >= st.deadline!) return this.finishRead(st, this.takeRaw(out));
        this.arm(st, st.deadline!, now);
      }
    }
    return new WouldBlock(this.readers);
  }

  /** (Re)arms the wake-up at the deadline (a host timer may fire early: the read then re-arms). */
  private arm(st: TtyReadState, deadline: number, now: number): void {
    st.cancelTimer?.();
    st.cancelTimer = this.k.setTimer(Math.max(0, deadline - now) + 1, () => this.readers.notify());
  }

  private finishRead(st: TtyReadState, n: number): number {
    st.cancelTimer?.();
    st.cancelTimer = undefined;
    return n;
  }

  /** One line (or as much of it as fits); the EOF character is consumed but not returned. */
  private takeLine(out: Uint8Array): number {
    let n = 0, i = 0;
    while (n < out.length && i < this.canonEnd) {
      const e = this.buf[i++];
      if (e & DELIM) {
        if (!(e & EOF_MARK)) out[n++] = e & 0xff;
        break;
      }
      out[n++] = e & 0xff;
    }
    this.consume(i);
    return n;
  }

  private takeRaw(out: Uint8Array): number {
    const n = Math.min(out.length, this.buf.length);
    for (let i = 0; i < n; i++) out[i] = this.buf[i] & 0xff;
    this.consume(n);
    return n;
  }

  private consume(n: number): void {
    this.buf.splice(0, n);
    this.canonEnd = Math.max(0, this.canonEnd - n);
    if (this.throttled && this.buf.length < N_TTY_BUF_SIZE - 1) {
      this.throttled = false;
      this.inputRoom.notify();
      this.driver.inputDrained();
    }
  }

  /** TCIFLUSH, and what a signal character flushes. */
  flushInput(): void {
    this.buf = [];
    this.canonEnd = 0;
    this.erasing = false;
    if (this.throttled) {
      this.throttled = false;
      this.inputRoom.notify();
      this.driver.inputDrained();
    }
  }

  /** Whether receive() would take more input now. */
  acceptsInput(): boolean {
    return !this.throttled;
  }

  // ---- window size, hangup ----

  /** TIOCSWINSZ (and host resizes): a change tells the foreground group with SIGWINCH. */
  resize(ws: Winsize): void {
    const w = this.winsize;
    if (w.row === ws.row && w.col === ws.col && w.xpixel === ws.xpixel && w.ypixel === ws.ypixel) return;
    this.winsize = { ...ws };
    if (this.pgrp) this.k.signalGroup(this.pgrp, SIGWINCH);
  }

  /** The device went away: readers see end of file, writers EIO, pollers POLLHUP. */
  hangup(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    this.readers.notify();
    this.inputRoom.notify();
    this.driver.roomQueue.notify();
  }
}

function tolower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}
