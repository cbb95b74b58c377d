/**
 * --strace: one line per syscall on stderr in strace's own format, e.g.
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234
 *   open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
 * Arguments are decoded from the row's argument kinds; buffers the call fills are printed after
 * it returns. Unimplemented calls show up like any other, answering ENOSYS.
 */

import type { Kernel } from '../kernel/kernel.js';
import type { Task } from '../kernel/process.js';
import { TABLE, type ArgKind } from './syscalls/registry.js';
import { ERRNO_NAMES, ERRNO_TEXT } from './errno.js';
import { GuestFault } from '../kernel/cpu/fault.js';

const STRLEN = 32;

const OFLAGS: [number, string][] = [
  [0x40, 'O_CREAT'], [0x80, 'O_EXCL'], [0x100, 'O_NOCTTY'], [0x200, 'O_TRUNC'], [0x400, 'O_APPEND'],
  [0x800, 'O_NONBLOCK'], [0x1000, 'O_DSYNC'], [0x2000, 'O_ASYNC'], [0x4000, 'O_DIRECT'], [0x10000, 'O_DIRECTORY'],
  [0x20000, 'O_NOFOLLOW'], [0x40000, 'O_NOATIME'], [0x80000, 'O_CLOEXEC'], [0x200000, 'O_PATH'],
];
const PROTS: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']];
const MAPFLAGS: [number, string][] = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'],
  [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'], [0x100000, 'MAP_FIXED_NOREPLACE'],
];
const SIGNALS = ['0', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP',
  'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO',
  'SIGPWR', 'SIGSYS'];
const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
  'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME'];
const WHENCE = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'];
const FCNTL: Record<number, string> = { 0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW', 1030: 'F_DUPFD_CLOEXEC' };
const IOCTLS: Record<number, string> = { 0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5403: 'TCSETSW', 0x5404: 'TCSETSF', 0x5413: 'TIOCGWINSZ', 0x540f: 'TIOCGPGRP', 0x541b: 'FIONREAD', 0x5451: 'FIOCLEX', 0x5450: 'FIONCLEX' };

function flags(v: number, table: [number, string][], zero: string): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) === bit && bit !== 0) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push('0x' + rest.toString(16));
  return out.length ? out.join('|') : zero;
}

/** strace's string quoting: C escapes, non-printables in octal/hex, "..." when cut. */
export function quote(b: Uint8Array, cut: boolean): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0c) s += '\\f';
    else if (c === 0x0b) s += '\\v';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8);
  }
  return s + '"' + (cut ? '...' : '');
}

function hex(v: number): string {
  return '0x' + v.toString(16);
}

function memBytes(t: Task, addr: number, n: number): string {
  try {
    const len = Math.min(n, STRLEN);
    return quote(t.proc.mem.readBytes(addr, len), n > STRLEN);
  } catch (e) {
    if (e instanceof GuestFault) return hex(addr);
    throw e;
  }
}

function cstr(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  try {
    const b = t.proc.mem.readCString(addr, 4096);
    return b === null ? hex(addr) : quote(b, false);
  } catch (e) {
    if (e instanceof GuestFault) return hex(addr);
    throw e;
  }
}

function arg(t: Task, kind: ArgKind, raw: bigint, all: bigint[], result: number): string {
  const u = Number(raw);
  const i32 = Number(BigInt.asIntN(32, raw));
  const s64 = Number(BigInt.asIntN(64, raw));
  switch (kind) {
    case 'int': case 'fd': return String(i32);
    case 'atfd': return i32 === -100 ? 'AT_FDCWD' : String(i32);
    case 'uint': case 'size': return String(u);
    case 'off': return String(s64);
    case 'mode': return '0' + (u & 0o7777).toString(8).padStart(3, '0');
    case 'path': case 'str': return cstr(t, u);
    case 'buf:in:2': return memBytes(t, u, Number(all[2]));
    case 'buf:out': return result >= 0 ? memBytes(t, u, result) : hex(u);
    case 'oflags': {
      const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][i32 & 3];
      const rest = flags(i32 & ~3, OFLAGS, '');
      return rest ? acc + '|' + rest : acc;
    }
    case 'prot': return flags(i32, PROTS, 'PROT_NONE');
    case 'mmapflags': {
      const type = ['0', 'MAP_SHARED', 'MAP_PRIVATE', 'MAP_SHARED_VALIDATE'][i32 & 3] ?? hex(i32 & 15);
      const rest = flags(i32 & ~15, MAPFLAGS, '');
      return rest ? type + '|' + rest : type;
    }
    case 'signal': return SIGNALS[i32] ?? (i32 > 31 && i32 <= 64 ? `SIGRT_${i32 - 32}` : String(i32));
    case 'whence': return WHENCE[i32] ?? String(i32);
    case 'clockid': return CLOCKS[i32] ?? String(i32);
    case 'fcntl': return FCNTL[i32] ?? String(i32);
    case 'ioctl': return IOCTLS[u >>> 0] ?? hex(u);
    case 'atflags': return i32 === 0 ? '0' : flags(i32, [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH']], '0');
    case 'ptr': case 'struct': case 'iov:in': case 'iov:out': return u === 0 ? 'NULL' : hex(u);
    default: return u === 0 ? '0' : hex(u);
  }
}

/** Formats one finished syscall. `regs` are the six argument registers as captured at entry. */
export function formatSyscall(k: Kernel, t: Task, nr: number, regs: bigint[], result: number): string {
  const row = TABLE[nr];
  const name = row ? row.name : `syscall_${hex(nr)}`;
  const kinds: ArgKind[] = row && row.args.length ? row.args : ['hex', 'hex', 'hex', 'hex', 'hex', 'hex'];
  const args = kinds.map((kind, j) => arg(t, kind, regs[j], regs, result)).join(', ');
  let ret: string;
  if (Number.isNaN(result)) ret = '?';
  else if (result < 0 && result >= -4095) {
    const e = -result;
    ret = `-1 ${ERRNO_NAMES[e] ?? 'E' + e} (${ERRNO_TEXT[e] ?? 'Unknown error ' + e})`;
  } else ret = row?.ret === 'hex' ? hex(result) : String(result);
  const prefix = k.procs.size > 1 ? `[pid ${t.tid}] ` : '';
  return `${prefix}${name}(${args}) = ${ret}`;
}
