/**
 * Process identity and resources: exit, the get*id family, uname, arch_prctl (FS/GS bases),
 * set_tid_address, robust lists, rlimits, sysinfo, getrandom, umask.
 */

import { sys, noSys } from './registry.js';
import { E } from '../errno.js';
import { StructBuf } from '../structs.js';
import { RLIM_INFINITY } from '../../kernel/process.js';
import type { Process } from '../../kernel/process.js';

sys('exit', ['int'], (k, t, a) => {
  k.exitTask(t, a.int(0) & 0xff);
  return 0;
});

sys('exit_group', ['int'], (k, t, a) => {
  k.exitProcess(t.proc, { code: a.int(0) & 0xff, signal: null, core: false });
  return 0;
});

sys('getpid', [], (k, t) => t.proc.pid);
sys('getppid', [], (k, t) => t.proc.ppid);
sys('gettid', [], (k, t) => t.tid);
sys('getuid', [], (k) => k.host.uid);
sys('geteuid', [], (k) => k.host.uid);
sys('getgid', [], (k) => k.host.gid);
sys('getegid', [], (k) => k.host.gid);

/**
 * The set*id family. Processes keep the host's identity (the emulator cannot become another
 * user), so a change to the IDs a process already has (-1 or the current ID) succeeds, as it
 * does on Linux for anyone, and any other change is EPERM, as for an unprivileged process.
 */
function sameIds(current: number, ...ids: number[]): number {
  return ids.every((x) => x === -1 || x === current) ? 0 : -E.EPERM;
}
const idNote = { status: 'partial' as const, note: 'only changes to the IDs the process already has' };
sys('setuid', ['int'], (k, t, a) => sameIds(k.host.uid, a.int(0)), idNote);
sys('setgid', ['int'], (k, t, a) => sameIds(k.host.gid, a.int(0)), idNote);
sys('setreuid', ['int', 'int'], (k, t, a) => sameIds(k.host.uid, a.int(0), a.int(1)), idNote);
sys('setregid', ['int', 'int'], (k, t, a) => sameIds(k.host.gid, a.int(0), a.int(1)), idNote);
sys('setresuid', ['int', 'int', 'int'], (k, t, a) => sameIds(k.host.uid, a.int(0), a.int(1), a.int(2)), idNote);
sys('setresgid', ['int', 'int', 'int'], (k, t, a) => sameIds(k.host.gid, a.int(0), a.int(1), a.int(2)), idNote);
sys('setfsuid', ['int'], (k) => k.host.uid, idNote);
sys('setfsgid', ['int'], (k) => k.host.gid, idNote);
function writeIds(t: Parameters<Parameters<typeof sys>[2]>[1], addrs: number[], v: number): number {
  for (const p of addrs) t.proc.mem.writeBytes(p, new StructBuf(4).u32(0, v).bytes);
  return 0;
}
sys('getresuid', ['ptr', 'ptr', 'ptr'], (k, t, a) => writeIds(t, [a.ptr(0), a.ptr(1), a.ptr(2)], k.host.uid));
sys('getresgid', ['ptr', 'ptr', 'ptr'], (k, t, a) => writeIds(t, [a.ptr(0), a.ptr(1), a.ptr(2)], k.host.gid));
sys('getpgrp', [], (k, t) => t.proc.pgid);
sys('getpgid', ['int'], (k, t, a) => {
  const p = a.int(0) === 0 ? t.proc : k.procs.get(a.int(0));
  return p ? p.pgid : -E.ESRCH;
});
sys('getsid', ['int'], (k, t, a) => {
  const p = a.int(0) === 0 ? t.proc : k.procs.get(a.int(0));
  return p ? p.sid : -E.ESRCH;
});

sys('uname', ['struct'], (k, t, a) => {
  const b = new StructBuf(6 * 65);
  b.str(0, 'Linux', 65).str(65, k.host.hostname, 65).str(130, k.host.release, 65);
  b.str(195, k.host.version, 65).str(260, 'x86_64', 65).str(325, '(none)', 65);
  t.proc.mem.writeBytes(a.ptr(0), b.bytes);
  return 0;
});

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
sys('arch_prctl', ['hex', 'hex'], (k, t, a) => {
  const v = a.u64(1);
  switch (a.int(0)) {
    case ARCH_SET_FS:
      if (v >= 0x800000000000) return -E.EPERM;
      k.cpu.fsBase = v;
      return 0;
    case ARCH_SET_GS:
      if (v >= 0x800000000000) return -E.EPERM;
      k.cpu.gsBase = v;
      return 0;
    case ARCH_GET_FS:
      t.proc.mem.writeU64(v, k.cpu.fsBase);
      return 0;
    case ARCH_GET_GS:
      t.proc.mem.writeU64(v, k.cpu.gsBase);
      return 0;
    default:
      return -E.EINVAL;
  }
}, { status: 'partial', note: 'ARCH_SET/GET_FS/GS; no CET or CPUID faulting' });

sys('set_tid_address', ['ptr'], (k, t, a) => {
  t.clearChildTid = a.ptr(0);
  return t.tid;
});

sys('set_robust_list', ['ptr', 'size'], (k, t, a) => {
  if (a.u64(1) !== 24) return -E.EINVAL;
  t.robustList = a.ptr(0);
  t.robustLen = 24;
  return 0;
});

noSys('rseq', 'restartable sequences: ENOSYS as on kernels before 4.18; glibc falls back');

const RLIMIT_NAMES = 16;
const RLIMIT_STACK = 3, RLIMIT_NOFILE = 7;
function getRlimit(p: Process, res: number): { cur: number; max: number } {
  const set = p.rlimits.get(res);
  if (set) return set;
  if (res === RLIMIT_STACK) return { cur: 8 * 1024 * 1024, max: RLIM_INFINITY };
  if (res === RLIMIT_NOFILE) return { cur: p.fds.limit, max: 1048576 };
  if (res === 6 /* NPROC */ || res === 11 /* SIGPENDING */) return { cur: 127563, max: 127563 };
  if (res === 8 /* MEMLOCK */) return { cur: 8 * 1024 * 1024, max: 8 * 1024 * 1024 };
  if (res === 12 /* MSGQUEUE */) return { cur: 819200, max: 819200 };
  if (res === 4 /* CORE */ || res === 13 /* NICE */ || res === 14 /* RTPRIO */) return { cur: 0, max: res === 4 ? RLIM_INFINITY : 0 };
  return { cur: RLIM_INFINITY, max: RLIM_INFINITY };
}

sys('prlimit64', ['int', 'int', 'ptr', 'ptr'], (k, t, a) => {
  if (a.int(0) !== 0 && a.int(0) !== t.proc.pid) return -E.ESRCH;
  const res = a.int(1);
  if (res < 0 || res >= RLIMIT_NAMES) return -E.EINVAL;
  const old = getRlimit(t.proc, res);
  if (a.ptr(3)) t.proc.mem.writeBytes(a.ptr(3), new StructBuf(16).u64(0, old.cur).u64(8, old.max).bytes);
  if (a.ptr(2)) {
    const cur = t.proc.mem.readU64(a.ptr(2));
    const max = t.proc.mem.readU64(a.ptr(2) + 8);
    const c = cur >= 2 ** 63 ? RLIM_INFINITY : cur;
    const m = max >= 2 ** 63 ? RLIM_INFINITY : max;
    if (m !== RLIM_INFINITY && (c === RLIM_INFINITY || c > m)) return -E.EINVAL;
    t.proc.rlimits.set(res, { cur: c, max: m });
    if (res === RLIMIT_NOFILE) t.proc.fds.limit = c === RLIM_INFINITY ? 1048576 : c;
  }
  return 0;
});

sys('getrlimit', ['int', 'ptr'], (k, t, a) => {
  const res = a.int(0);
  if (res < 0 || res >= RLIMIT_NAMES) return -E.EINVAL;
  const l = getRlimit(t.proc, res);
  t.proc.mem.writeBytes(a.ptr(1), new StructBuf(16).u64(0, l.cur).u64(8, l.max).bytes);
  return 0;
});

sys('sysinfo', ['struct'], (k, t, a) => {
  const b = new StructBuf(112);
  const la = k.host.loadavg().map((x) => Math.round(x * 65536));
  b.u64(0, Math.floor(k.host.uptimeSec())).u64(8, la[0]).u64(16, la[1]).u64(24, la[2]);
  b.u64(32, k.host.totalMemory).u64(40, k.host.freeMemory).u64(48, 0).u64(56, 0);
  b.u64(64, 0).u64(72, 0).u16(80, k.procs.size).u64(88, 0).u64(96, 0).u32(104, 1);
  t.proc.mem.writeBytes(a.ptr(0), b.bytes);
  return 0;
});

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
sys('getrandom', ['buf:out', 'size', 'hex'], (k, t, a) => {
  if (a.uint(2) & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -E.EINVAL;
  const n = Math.min(a.u64(1), 33554431);
  const b = new Uint8Array(n);
  k.host.randomBytes(b);
  t.proc.mem.writeBytes(a.ptr(0), b);
  return n;
});

sys('umask', ['mode'], (k, t, a) => {
  const old = t.proc.umask;
  t.proc.umask = a.uint(0) & 0o777;
  return old;
});

sys('sched_getaffinity', ['int', 'size', 'ptr'], (k, t, a) => {
  const size = a.u64(1);
  if (size < 8 || size % 8 !== 0) return -E.EINVAL;
  const n = Math.min(k.host.cpuCount, 64);
  const b = new StructBuf(8).u64(0, n >= 53 ? 2 ** 53 - 1 : 2 ** n - 1);
  t.proc.mem.writeBytes(a.ptr(2), b.bytes);
  return 8;
}, { status: 'partial', note: 'reports the host CPUs (up to 53)' });

// The caller goes behind every task waiting for the core (kernel.ts yieldTask).
sys('sched_yield', [], (k, t) => {
  k.yieldTask(t);
  return 0;
});
