/**
 * Linux x86-64 ABI structures written to and read from guest memory. Each writer follows the
 * kernel's layout (field offsets from include/uapi and arch/x86 headers) and goes through the
 * MemAccess copy layer, so a bad pointer becomes a GuestFault (EFAULT) in one place.
 */

import type { MemAccess } from '../kernel/mm/access.js';
import type { HostStat } from '../kernel/host/host.js';

/** A little-endian byte buffer builder for small structs. */
export class StructBuf {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u16(off: number, v: number): this {
    this.dv.setUint16(off, v, true);
    return this;
  }
  u32(off: number, v: number): this {
    this.dv.setUint32(off, v >>> 0, true);
    return this;
  }
  i32(off: number, v: number): this {
    this.dv.setInt32(off, v, true);
    return this;
  }
  /** 64-bit field from a JS number (negative values as two's complement). */
  u64(off: number, v: number): this {
    const hi = Math.floor(v / 4294967296);
    this.dv.setUint32(off, (v - hi * 4294967296) >>> 0, true);
    this.dv.setInt32(off + 4, hi | 0, true);
    return this;
  }
  str(off: number, s: string, max: number): this {
    const b = new TextEncoder().encode(s).subarray(0, max - 1);
    this.bytes.set(b, off);
    return this;
  }
}

/** struct stat (144 bytes on x86-64). */
export function statBytes(st: HostStat): Uint8Array {
  const b = new StructBuf(144);
  b.u64(0, st.dev).u64(8, st.ino).u64(16, st.nlink).u32(24, st.mode).u32(28, st.uid).u32(32, st.gid);
  b.u64(40, st.rdev).u64(48, st.size).u64(56, st.blksize).u64(64, st.blocks);
  b.u64(72, st.atimeSec).u64(80, st.atimeNsec).u64(88, st.mtimeSec).u64(96, st.mtimeNsec);
  b.u64(104, st.ctimeSec).u64(112, st.ctimeNsec);
  return b.bytes;
}

export function writeStat(m: MemAccess, addr: number, st: HostStat): void {
  m.writeBytes(addr, statBytes(st));
}

const STATX_BASIC_STATS = 0x7ff;

/** Linux splits dev_t into major (bits 8..19 and 32..43) and minor (0..7 and 20..31). */
export function devMajor(d: number): number {
  return ((d >>> 8) & 0xfff) | (Math.floor(d / 2 ** 32) & ~0xfff);
}
export function devMinor(d: number): number {
  return (d & 0xff) | ((d >>> 12) & ~0xff);
}

const STATX_BTIME = 0x800;

/** struct statx (256 bytes); btime when asked for and known, as ext4 answers. */
export function writeStatx(m: MemAccess, addr: number, st: HostStat, request = STATX_BASIC_STATS): void {
  const b = new StructBuf(256);
  const btime = request & STATX_BTIME && st.btimeSec !== undefined;
  b.u32(0, STATX_BASIC_STATS | (btime ? STATX_BTIME : 0)).u32(4, st.blksize).u64(8, 0).u32(16, st.nlink).u32(20, st.uid).u32(24, st.gid);
  b.u16(28, st.mode).u64(32, st.ino).u64(40, st.size).u64(48, st.blocks).u64(56, 0);
  const ts = (off: number, sec: number, nsec: number): void => {
    b.u64(off, sec).u32(off + 8, nsec);
  };
  ts(64, st.atimeSec, st.atimeNsec);
  if (btime) ts(80, st.btimeSec!, st.btimeNsec ?? 0);
  ts(96, st.ctimeSec, st.ctimeNsec);
  ts(112, st.mtimeSec, st.mtimeNsec);
  b.u32(128, devMajor(st.rdev)).u32(132, devMinor(st.rdev)).u32(136, devMajor(st.dev)).u32(140, devMinor(st.dev));
  m.writeBytes(addr, b.bytes);
}

export function writeTimespec(m: MemAccess, addr: number, sec: number, nsec: number): void {
  m.writeBytes(addr, new StructBuf(16).u64(0, sec).u64(8, nsec).bytes);
}

/** Reads a struct timespec as [sec, nsec]. */
export function readTimespec(m: MemAccess, addr: number): [number, number] {
  const b = m.readBytes(addr, 16);
  const dv = new DataView(b.buffer);
  return [dv.getInt32(4, true) * 4294967296 + dv.getUint32(0, true), dv.getInt32(12, true) * 4294967296 + dv.getUint32(8, true)];
}
