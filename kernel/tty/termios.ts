/**
 * struct termios as the Linux x86-64 kernel keeps it: four flag words, the line discipline and 19
 * control characters (NCCS = 19; glibc's larger struct is its own, converted in tcgetattr), plus
 * the input and output speeds that only the termios2 ioctls (TCGETS2/TCSETS2) show. The old
 * struct termio (TCGETA/TCSETA) reads and writes the low 16 bits of each flag word.
 */

// c_iflag
export const IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, PARMRK = 0o10, INPCK = 0o20, ISTRIP = 0o40;
export const INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IUCLC = 0o1000, IXON = 0o2000, IXANY = 0o4000;
export const IXOFF = 0o10000, IMAXBEL = 0o20000, IUTF8 = 0o40000;
// c_oflag
export const OPOST = 0o1, OLCUC = 0o2, ONLCR = 0o4, OCRNL = 0o10, ONOCR = 0o20, ONLRET = 0o40;
export const TABDLY = 0o14000, XTABS = 0o14000;
// c_cflag
export const CBAUD = 0o10017, B38400 = 0o17, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000, CBAUDEX = 0o10000;
export const BOTHER = 0o10000, CIBAUD = 0o2003600000, IBSHIFT = 16;
// c_lflag
export const ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100;
export const NOFLSH = 0o200, TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOPRT = 0o2000, ECHOKE = 0o4000;
export const FLUSHO = 0o10000, PENDIN = 0o40000, IEXTEN = 0o100000, EXTPROC = 0o200000;
// c_cc indices
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7;
export const VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14;
export const VLNEXT = 15, VEOL2 = 16;
export const NCCS = 19;

/** Sizes of the structs the ioctls copy. */
export const TERMIOS_SIZE = 36, TERMIOS2_SIZE = 44, TERMIO_SIZE = 18;

/** Linux's INIT_C_CC: ^C ^\ DEL ^U ^D, time 0, min 1, start ^Q stop ^S susp ^Z, ^R ^O ^W ^V. */
const INIT_CC = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0];

/** The speeds the Bxxx codes of c_cflag stand for (index = code, CBAUDEX codes from 16). */
const BAUDS = [
  0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
  0, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000,
  3000000, 3500000, 4000000,
];

function baudOf(code: number): number {
  const idx = code & CBAUDEX ? 16 + (code & 0o17) : code & 0o17;
  return BAUDS[idx] ?? 0;
}

export class Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line = 0;
  readonly cc = new Uint8Array(NCCS);
  ispeed = 38400;
  ospeed = 38400;

  constructor(iflag: number, oflag: number, cflag: number, lflag: number, cc: ArrayLike<number> = INIT_CC) {
    this.iflag = iflag;
    this.oflag = oflag;
    this.cflag = cflag;
    this.lflag = lflag;
    for (let i = 0; i < NCCS && i < cc.length; i++) this.cc[i] = cc[i];
    this.ispeed = this.ospeed = baudOf(cflag & CBAUD);
  }

  /** Linux's tty_std_termios with a pty slave's c_cflag (B38400 | CS8 | CREAD). */
  static std(): Termios {
    return new Termios(ICRNL | IXON, OPOST | ONLCR, B38400 | CS8 | CREAD, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
  }

  clone(): Termios {
    const t = new Termios(this.iflag, this.oflag, this.cflag, this.lflag, this.cc);
    t.line = this.line;
    t.ispeed = this.ispeed;
    t.ospeed = this.ospeed;
    return t;
  }

  /** struct termios (36 bytes) or struct termios2 (44: the speeds follow). */
  encode(size: number = TERMIOS_SIZE): Uint8Array {
    const b = new Uint8Array(size);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, this.iflag >>> 0, true);
    dv.setUint32(4, this.oflag >>> 0, true);
    dv.setUint32(8, this.cflag >>> 0, true);
    dv.setUint32(12, this.lflag >>> 0, true);
    b[16] = this.line;
    b.set(this.cc, 17);
    if (size >= TERMIOS2_SIZE) {
      dv.setUint32(36, this.ispeed >>> 0, true);
      dv.setUint32(40, this.ospeed >>> 0, true);
    }
    return b;
  }

  /** Sets from struct termios or termios2 bytes (the speeds from c_cflag unless BOTHER says otherwise). */
  decode(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.iflag = dv.getUint32(0, true);
    this.oflag = dv.getUint32(4, true);
    this.cflag = dv.getUint32(8, true);
    this.lflag = dv.getUint32(12, true);
    this.line = b[16];
    this.cc.set(b.subarray(17, 17 + NCCS));
    const two = b.length >= TERMIOS2_SIZE;
    const out = this.cflag & CBAUD;
    this.ospeed = two && out === BOTHER ? dv.getUint32(40, true) : baudOf(out);
    const inCode = (this.cflag >>> IBSHIFT) & CBAUD;
    if (two && inCode === BOTHER) this.ispeed = dv.getUint32(36, true);
    else this.ispeed = inCode ? baudOf(inCode) : this.ospeed;
  }

  /** struct termio: 16-bit flags, c_line, c_cc[8]. */
  encodeTermio(): Uint8Array {
    const b = new Uint8Array(TERMIO_SIZE);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, this.iflag & 0xffff, true);
    dv.setUint16(2, this.oflag & 0xffff, true);
    dv.setUint16(4, this.cflag & 0xffff, true);
    dv.setUint16(6, this.lflag & 0xffff, true);
    b[8] = this.line;
    b.set(this.cc.subarray(0, 8), 9);
    return b;
  }

  /** TCSETA: the low 16 bits of each flag word and the first 8 control characters. */
  decodeTermio(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const low = (old: number, v: number): number => ((old & 0xffff0000) | v) >>> 0;
    this.iflag = low(this.iflag, dv.getUint16(0, true));
    this.oflag = low(this.oflag, dv.getUint16(2, true));
    this.cflag = low(this.cflag, dv.getUint16(4, true));
    this.lflag = low(this.lflag, dv.getUint16(6, true));
    this.line = b[8];
    this.cc.set(b.subarray(9, 17));
    this.ispeed = this.ospeed = baudOf(this.cflag & CBAUD);
  }
}
