/**
 * ioctl(2): the descriptor-generic requests (FIOCLEX, FIONBIO, FIONREAD...) and the terminal
 * ones, on the kernel's terminals (kernel/tty: the host terminal, pty slaves, /dev/tty) and pty
 * masters. Attributes (TCGETS/TCSETS*, termios2, termio), flushing and flow (TCFLSH, TCXONC,
 * TCSBRK), window size (TIOCGWINSZ/TIOCSWINSZ with SIGWINCH), job control (TIOCGPGRP, TIOCSPGRP,
 * TIOCGSID, TIOCSCTTY, TIOCNOTTY, with Linux's ENOTTY/EPERM rules and SIGTTOU for background
 * groups), the pty master's own (TIOCGPTN, TIOCSPTLCK, TIOCGPTPEER, TIOCPKT, TIOCSIG) and the
 * odds and ends (TIOCEXCL, TIOCGETD, TIOCOUTQ, TIOCSTI refused). A master's terminal requests act
 * on its slave, as Linux's real_tty. Unknown requests on a terminal are ENOTTY, as a pty answers.
 * Host terminals the kernel does not drive (another terminal opened by path) answer a "sane"
 * termios and take settings without effect.
 */

import { sys } from './registry.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import type { FdEntry } from '../../kernel/fdtable.js';
import { E } from '../errno.js';
import { StructBuf } from '../structs.js';
import { O_NONBLOCK, O_ACCMODE, O_NOCTTY, O_CLOEXEC, HostFile } from '../../kernel/vfs/file.js';
import { TtyFile } from '../../kernel/tty/file.js';
import { PtyMaster, type Pty } from '../../kernel/tty/pty.js';
import type { Tty } from '../../kernel/tty/tty.js';
import { Termios, TERMIOS_SIZE, TERMIOS2_SIZE, TERMIO_SIZE } from '../../kernel/tty/termios.js';
import { ttyCheck, ttySetPgrp, ttySetCtty, ttyNotty } from '../../kernel/tty/jobctl.js';
import { SIGTTOU } from '../../kernel/signal.js';
import { Socket } from '../../kernel/net/socket.js';

const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
const TCGETA = 0x5405, TCSETA = 0x5406, TCSETAW = 0x5407, TCSETAF = 0x5408;
const TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b, TIOCEXCL = 0x540c, TIOCNXCL = 0x540d;
const SIOCATMARK = 0x8905, SIOCGSTAMP = 0x8906;
const TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCSTI = 0x5412;
const TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCPKT = 0x5420, FIONBIO = 0x5421;
const TIOCNOTTY = 0x5422, TIOCSETD = 0x5423, TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCSBRK = 0x5427;
const TIOCCBRK = 0x5428, TIOCGSID = 0x5429, TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b;
const TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d, TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431;
const TIOCGDEV = 0x80045432, TIOCSIG = 0x40045436, TIOCVHANGUP = 0x5437, TIOCGPKT = 0x80045438;
const TIOCGPTLCK = 0x80045439, TIOCGEXCL = 0x80045440, TIOCGPTPEER = 0x5441;
const FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;
const TIOCGLCKTRMIOS = 0x5456, TIOCSLCKTRMIOS = 0x5457;
const O_ASYNC = 0x2000;
const TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;

function readInt(t: Task, addr: number): number {
  return t.proc.mem.read32(addr) | 0;
}
function writeInt(t: Task, addr: number, v: number): number {
  t.proc.mem.writeBytes(addr, new StructBuf(4).i32(0, v).bytes);
  return 0;
}

/** The termios a terminal the kernel does not drive reports (cooked mode, as `stty sane`). */
function saneTermios(): Uint8Array {
  const t = Termios.std();
  t.cflag |= 0o2000; // HUPCL, as a login terminal has
  return t.encode(TERMIOS_SIZE);
}

sys('ioctl', ['fd', 'ioctl', 'hex'], (k, t, a) => {
  const e = t.proc.fds.entry(a.int(0));
  if (!e) return -E.EBADF;
  const req = a.uint(1);
  const arg = a.ptr(2);
  switch (req) {
    case FIOCLEX:
      e.cloexec = true;
      return 0;
    case FIONCLEX:
      e.cloexec = false;
      return 0;
    case FIONBIO:
      if (readInt(t, arg)) e.file.flags |= O_NONBLOCK;
      else e.file.flags &= ~O_NONBLOCK;
      return 0;
    case FIOASYNC:
      if (readInt(t, arg)) e.file.flags |= O_ASYNC;
      else e.file.flags &= ~O_ASYNC;
      return 0;
  }
  const f = e.file;
  if (f instanceof TtyFile) return ttyIoctl(k, t, e, f.tty, null, req, arg);
  if (f instanceof PtyMaster) return ttyIoctl(k, t, e, f.pty.slave, f.pty, req, arg);
  const hfd = f.hostFd();
  const hostTty = hfd >= 0 && f instanceof HostFile && k.host.isatty(hfd);
  if (hostTty) return otherHostTty(k, t, hfd, req, arg);
  if (f instanceof Socket) {
    switch (req) {
      case TIOCOUTQ:
        return writeInt(t, arg, f.outq());
      case SIOCATMARK:
        return writeInt(t, arg, 0);
      case SIOCGSTAMP:
        return -E.ENOENT;
      case FIONREAD:
        break;
      default:
        // Interface requests (SIOCGIF*) are not provided.
        return (req & 0xff00) === 0x8900 ? -E.ENODEV : -E.ENOTTY;
    }
  }
  if (req === FIONREAD) {
    const pipe = (f as unknown as { pipe?: { length: number } }).pipe;
    const n = pipe ? pipe.length : f.available();
    return n < 0 ? n : writeInt(t, arg, n);
  }
  return -E.ENOTTY;
}, { status: 'partial', note: 'terminals and ptys (termios, job control, window size, pty master requests), FIONREAD, FIONBIO, FIOCLEX, socket SIOCOUTQ/SIOCATMARK; no interface ioctls (SIOCGIF*)' });

/** A host terminal opened by path that the kernel does not drive: attributes only as far as Node tells. */
function otherHostTty(k: Kernel, t: Task, hfd: number, req: number, arg: number): number {
  switch (req) {
    case TCGETS:
      t.proc.mem.writeBytes(arg, saneTermios());
      return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
      return 0;
    case TIOCGWINSZ: {
      const ws = k.host.winsize(hfd);
      if (!ws) return -E.ENOTTY;
      t.proc.mem.writeBytes(arg, new StructBuf(8).u16(0, ws.rows).u16(2, ws.cols).bytes);
      return 0;
    }
    case TIOCGPGRP:
      return writeInt(t, arg, t.proc.pgid);
    case FIONREAD:
      return writeInt(t, arg, 0); // the host terminal's queue is not visible to us
    default:
      return -E.ENOTTY;
  }
}

/** Reads a termios argument of a TCSETS-like request into a copy of the terminal's. */
function newTermios(t: Task, tty: Tty, req: number, arg: number): Termios {
  const n = tty.termios.clone();
  if (req === TCSETA || req === TCSETAW || req === TCSETAF) n.decodeTermio(t.proc.mem.readBytes(arg, TERMIO_SIZE));
  else if (req === TCSETS2 || req === TCSETSW2 || req === TCSETSF2) n.decode(t.proc.mem.readBytes(arg, TERMIOS2_SIZE));
  else n.decode(t.proc.mem.readBytes(arg, TERMIOS_SIZE));
  return n;
}

/**
 * A terminal request on `tty` (for a pty master, `pty` is set and tty is its slave, what Linux
 * calls real_tty).
 */
function ttyIoctl(k: Kernel, t: Task, e: FdEntry, tty: Tty, pty: Pty | null, req: number, arg: number): number | Promise<number> {
  const m = t.proc.mem;
  const p = t.proc;
  /** tty == real_tty: a slave-side request about job control needs it to be the caller's ctty. */
  const notMine = !pty && p.ctty !== tty;
  // A hung-up terminal's descriptors answer EIO (TIOCSPGRP: ENOTTY), as hung_up_tty_ioctl.
  if (!pty && tty.hungUp) return req === TIOCSPGRP ? -E.ENOTTY : -E.EIO;
  switch (req) {
    case TCGETS:
      m.writeBytes(arg, tty.termios.encode(TERMIOS_SIZE));
      return 0;
    case TCGETS2:
      m.writeBytes(arg, tty.termios.encode(TERMIOS2_SIZE));
      return 0;
    case TCGETA:
      m.writeBytes(arg, tty.termios.encodeTermio());
      return 0;
    case TCSETS: case TCSETSW: case TCSETSF:
    case TCSETS2: case TCSETSW2: case TCSETSF2:
    case TCSETA: case TCSETAW: case TCSETAF: {
      const c = ttyCheck(k, t, tty, SIGTTOU);
      if (c) return c;
      const n = newTermios(t, tty, req, arg);
      if (req === TCSETSF || req === TCSETSF2 || req === TCSETAF) {
        tty.flushInput();
        pty?.flushStaged();
      }
      tty.setTermios(n);
      return 0;
    }
    case TCFLSH: {
      const c = ttyCheck(k, t, tty, SIGTTOU);
      if (c) return c;
      if (arg !== TCIFLUSH && arg !== TCOFLUSH && arg !== TCIOFLUSH) return -E.EINVAL;
      const input = arg !== TCOFLUSH, output = arg !== TCIFLUSH;
      if (pty && e.file instanceof PtyMaster) {
        // The master's input is the slave's output, and its output the slave's input.
        if (input) pty.flushMasterInput();
        if (output) pty.flushStaged();
      } else {
        if (input) {
          tty.flushInput();
          pty?.flushStaged();
        }
        if (output) tty.driver.flushOutput();
      }
      return 0;
    }
    case TCXONC: {
      const c = ttyCheck(k, t, tty, SIGTTOU);
      if (c) return c;
      return arg >= 0 && arg <= 3 ? 0 : -E.EINVAL;
    }
    case TCSBRK:
    case TCSBRKP: {
      // tcdrain/tcsendbreak: output is handed over at once, so there is nothing to wait for.
      const c = ttyCheck(k, t, tty, SIGTTOU);
      return c;
    }
    case TIOCSBRK:
    case TIOCCBRK:
      return 0;
    case TIOCGWINSZ: {
      const w = tty.winsize;
      m.writeBytes(arg, new StructBuf(8).u16(0, w.row).u16(2, w.col).u16(4, w.xpixel).u16(6, w.ypixel).bytes);
      return 0;
    }
    case TIOCSWINSZ: {
      const b = m.readBytes(arg, 8);
      const dv = new DataView(b.buffer);
      tty.resize({ row: dv.getUint16(0, true), col: dv.getUint16(2, true), xpixel: dv.getUint16(4, true), ypixel: dv.getUint16(6, true) });
      return 0;
    }
    case TIOCGPGRP:
      if (notMine) return -E.ENOTTY;
      return writeInt(t, arg, tty.pgrp);
    case TIOCSPGRP: {
      const v = readInt(t, arg);
      return ttySetPgrp(k, t, tty, v);
    }
    case TIOCGSID:
      if (notMine) return -E.ENOTTY;
      if (!tty.sid) return -E.ENOTTY;
      return writeInt(t, arg, tty.sid);
    case TIOCSCTTY:
      return ttySetCtty(k, p, tty, arg === 1, e.file.readable());
    case TIOCNOTTY:
      return pty ? -E.ENOTTY : ttyNotty(k, p, tty);
    case TIOCOUTQ:
      return writeInt(t, arg, 0);
    case FIONREAD:
      return writeInt(t, arg, pty && e.file instanceof PtyMaster ? pty.masterAvailable() : tty.available());
    case TIOCSTI: {
      // Pushes a byte into the input as if typed: on one's controlling terminal, or as root.
      if (pty || (p.ctty !== tty && k.host.uid !== 0)) return -E.EPERM;
      tty.receive(m.readBytes(arg, 1));
      return 0;
    }
    case TIOCEXCL:
      tty.exclusive = true;
      return 0;
    case TIOCNXCL:
      tty.exclusive = false;
      return 0;
    case TIOCGEXCL:
      return writeInt(t, arg, tty.exclusive ? 1 : 0);
    case TIOCGETD:
      return writeInt(t, arg, tty.termios.line);
    case TIOCSETD:
      return readInt(t, arg) === 0 ? 0 : -E.EINVAL;
    case TIOCVHANGUP:
      return -E.EPERM;
    case TIOCGLCKTRMIOS:
      m.writeBytes(arg, new Uint8Array(TERMIOS_SIZE));
      return 0;
    case TIOCSLCKTRMIOS:
      return k.host.uid === 0 ? 0 : -E.EPERM;
    case TIOCGDEV: {
      const st = e.file.stat();
      return typeof st === 'number' ? st : writeInt(t, arg, st.rdev);
    }
  }
  // The pty master's own requests.
  if (!pty || !(e.file instanceof PtyMaster)) return req === TIOCGPTPEER ? -E.EIO : -E.ENOTTY;
  switch (req) {
    case TIOCGPTN:
      return writeInt(t, arg, pty.index);
    case TIOCSPTLCK:
      pty.locked = readInt(t, arg) !== 0;
      return 0;
    case TIOCGPTLCK:
      return writeInt(t, arg, pty.locked ? 1 : 0);
    case TIOCPKT: {
      const on = readInt(t, arg) !== 0;
      if (on && !pty.packet) pty.pktStatus = 0;
      pty.packet = on;
      return 0;
    }
    case TIOCGPKT:
      return writeInt(t, arg, pty.packet ? 1 : 0);
    case TIOCSIG: {
      if (arg < 1 || arg > 64) return -E.EINVAL;
      if (tty.pgrp) k.signalGroup(tty.pgrp, arg);
      return 0;
    }
    case TIOCGPTPEER: {
      if (arg & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) return -E.EINVAL;
      const dev = k.vfs.resolve(`/dev/pts/${pty.index}`, '/', true, p);
      const stat = typeof dev === 'number' ? () => -E.ENOENT : () => dev.fs.lstat(dev.rel);
      const f = pty.openSlave(arg & ~O_CLOEXEC, stat);
      if (typeof f === 'number') return f;
      const r = f.opened(t, arg);
      if (r < 0) {
        f.release();
        return r;
      }
      const fd = p.fds.alloc(f, (arg & O_CLOEXEC) !== 0);
      if (fd < 0) f.release();
      return fd;
    }
  }
  return -E.ENOTTY;
}
