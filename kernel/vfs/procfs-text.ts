/**
 * The text of procfs files, in Linux's exact formats: /proc/PID/{maps,smaps,status,stat,statm,
 * limits,mounts,mountinfo,fdinfo}, and the system-wide cpuinfo (built from what our CPUID
 * reports), meminfo, stat, uptime, loadavg, filesystems.
 */

import type { Kernel } from '../kernel.js';
import { type Process, type Task } from '../process.js';
import type { Vma } from '../mm/aspace.js';
import type { OpenFile } from './file.js';
import { cpuid } from '../cpu/cpuid.js';
import { procRoot } from './vfs.js';

const pad = (s: string | number, n: number): string => String(s).padStart(n, ' ');
const hex = (v: number, n: number): string => v.toString(16).padStart(n, '0');

/** A file mapping's device, inode and canonical path (Linux prints the file's real path). */
function vmaFile(k: Kernel, v: Vma, cache: Map<string, [number, number, string]>): [number, number, string] {
  if (!v.name.startsWith('/')) return [0, 0, v.name];
  let r = cache.get(v.name);
  if (!r) {
    const res = k.vfs.resolve(v.name, '/', true);
    r = typeof res === 'number' || typeof res.st === 'number' ? [0, 0, v.name] : [res.st.dev, res.st.ino, res.guest];
    cache.set(v.name, r);
  }
  return r;
}

function devStr(dev: number): string {
  const major = ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | ((dev >>> 12) & ~0xff);
  return `${hex(major, 2)}:${hex(minor, 2)}`;
}

/** One maps line: fields padded to column 73 before the name, as show_map_vma does. */
function mapsLine(k: Kernel, v: Vma, cache: Map<string, [number, number, string]>): string {
  const perms = (v.prot & 1 ? 'r' : '-') + (v.prot & 2 ? 'w' : '-') + (v.prot & 4 ? 'x' : '-') + (v.flags & 1 ? 's' : 'p');
  const [dev, ino, name] = vmaFile(k, v, cache);
  const offset = v.name.startsWith('/') ? v.offset : 0;
  const head = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(offset, 8)} ${devStr(dev)} ${ino} `;
  return name ? head.padEnd(73, ' ') + name + '\n' : head + '\n';
}

export function maps(k: Kernel, p: Process): string {
  const cache = new Map<string, [number, number, string]>();
  return p.mem.vmas.map((v) => mapsLine(k, v, cache)).join('');
}

export function smaps(k: Kernel, p: Process): string {
  const cache = new Map<string, [number, number, string]>();
  const kb = (name: string, v: number): string => `${(name + ':').padEnd(16, ' ')}${pad(v, 8)} kB\n`;
  return p.mem.vmas.map((v) => {
    const size = (v.end - v.start) / 1024;
    const anon = v.name.startsWith('/') ? 0 : size;
    const flags = [v.prot & 1 ? 'rd' : '', v.prot & 2 ? 'wr' : '', v.prot & 4 ? 'ex' : '', 'mr', 'mw', 'me',
      v.flags & 1 ? 'sh' : '', v.flags & 0x100 ? 'gd' : '', 'ac'].filter((s) => s).join(' ');
    return mapsLine(k, v, cache) + kb('Size', size) + kb('KernelPageSize', 4) + kb('MMUPageSize', 4) +
      kb('Rss', size) + kb('Pss', size) + kb('Pss_Dirty', anon) + kb('Shared_Clean', 0) + kb('Shared_Dirty', 0) +
      kb('Private_Clean', size - anon) + kb('Private_Dirty', anon) + kb('Referenced', size) + kb('Anonymous', anon) +
      kb('KSM', 0) + kb('LazyFree', 0) + kb('AnonHugePages', 0) + kb('ShmemPmdMapped', 0) + kb('FilePmdMapped', 0) +
      kb('Shared_Hugetlb', 0) + kb('Private_Hugetlb', 0) + kb('Swap', 0) + kb('SwapPss', 0) + kb('Locked', 0) +
      `THPeligible:    0\nVmFlags: ${flags} \n`;
  }).join('');
}

function memKb(p: Process): { size: number; data: number; stk: number; exe: number } {
  let size = 0, data = 0, stk = 0, exe = 0;
  for (const v of p.mem.vmas) {
    const n = (v.end - v.start) / 1024;
    size += n;
    if (v.name === '[stack]') stk += n;
    else if (v.prot & 4 && v.name === p.exe) exe += n;
    else if (v.prot & 2 && !(v.flags & 1)) data += n;
  }
  return { size, data, stk, exe };
}

const sigHex = (lo: number, hi: number): string => hex(hi >>> 0, 8) + hex(lo >>> 0, 8);

function sigSets(p: Process): { ign: string; cgt: string } {
  let ignLo = 0, ignHi = 0, cgtLo = 0, cgtHi = 0;
  p.sigactions.forEach((a, s) => {
    if (s === 0 || s > 64) return;
    const bit = s <= 32 ? [1 << (s - 1), 0] : [0, 1 << (s - 33)];
    if (a.handler === 1) {
      ignLo |= bit[0];
      ignHi |= bit[1];
    } else if (a.handler !== 0) {
      cgtLo |= bit[0];
      cgtHi |= bit[1];
    }
  });
  return { ign: sigHex(ignLo, ignHi), cgt: sigHex(cgtLo, cgtHi) };
}

/**
 * The state letter of a thread (or of a process, through its leader): R runnable or running,
 * S waiting, T stopped by job control, Z a zombie.
 */
function stateOf(p: Process, t: Task | undefined): string {
  if (p.exit) return 'Z';
  if (p.stopped) return 'T';
  return t && t.state === 1 /* TASK_BLOCKED */ ? 'S' : 'R';
}
const STATE_NAME: Record<string, string> = { R: 'R (running)', S: 'S (sleeping)', T: 'T (stopped)', Z: 'Z (zombie)' };

/** The task a /proc/PID file describes: the given thread, else the leader (or the first left). */
const leaderOf = (p: Process): Task | undefined => p.tasks.find((x) => x.tid === p.pid) ?? p.tasks[0];

export function status(k: Kernel, p: Process, task: Task | null = null): string {
  const uid = k.host.uid, gid = k.host.gid;
  const m = memKb(p);
  const t = task ?? leaderOf(p);
  const s = sigSets(p);
  const cap = uid === 0 ? '000001ffffffffff' : '0000000000000000';
  const n = k.host.cpuCount;
  const kb = (name: string, v: number): string => `${name}:\t${pad(v, 8)} kB\n`;
  return `Name:\t${p.comm}\nUmask:\t${p.umask.toString(8).padStart(4, '0')}\nState:\t${STATE_NAME[stateOf(p, t)]}\n` +
    `Tgid:\t${p.pid}\nNgid:\t0\nPid:\t${task ? task.tid : p.pid}\nPPid:\t${p.ppid}\nTracerPid:\t0\n` +
    `Uid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t${gid}\t${gid}\t${gid}\t${gid}\nFDSize:\t${Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, p.fds.list().length))))}\nGroups:\t${gid} \n` +
    `NStgid:\t${p.pid}\nNSpid:\t${task ? task.tid : p.pid}\nNSpgid:\t${p.pgid}\nNSsid:\t${p.sid}\nKthread:\t0\n` +
    kb('VmPeak', m.size) + kb('VmSize', m.size) + kb('VmLck', 0) + kb('VmPin', 0) + kb('VmHWM', m.size) + kb('VmRSS', m.size) +
    kb('RssAnon', m.data + m.stk) + kb('RssFile', m.size - m.data - m.stk) + kb('RssShmem', 0) + kb('VmData', m.data) +
    kb('VmStk', m.stk) + kb('VmExe', m.exe) + kb('VmLib', 0) + kb('VmPTE', 4) + kb('VmSwap', 0) + kb('HugetlbPages', 0) +
    `CoreDumping:\t0\nTHP_enabled:\t1\nuntag_mask:\t0xffffffffffffffff\nThreads:\t${p.tasks.length}\nSigQ:\t0/127563\n` +
    `SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t${t ? sigHex(t.sigmaskLo, t.sigmaskHi) : '0000000000000000'}\n` +
    `SigIgn:\t${s.ign}\nSigCgt:\t${s.cgt}\nCapInh:\t0000000000000000\nCapPrm:\t${cap}\nCapEff:\t${cap}\n` +
    `CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n` +
    `Speculation_Store_Bypass:\tthread vulnerable\nSpeculationIndirectBranch:\tconditional enabled\n` +
    `Cpus_allowed:\t${hex(n >= 32 ? 0xffffffff : 2 ** n - 1, 1)}\nCpus_allowed_list:\t${n > 1 ? `0-${n - 1}` : '0'}\n` +
    `Mems_allowed:\t00000001\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n`;
}

/**
 * /proc/PID/stat, or /proc/PID/task/TID/stat with `task`: utime/stime are the process's (all its
 * threads) or the thread's, cutime/cstime its waited-for children's, in clock ticks (USER_HZ 100).
 */
export function stat(k: Kernel, p: Process, task: Task | null = null): string {
  k.settleCpuTime();
  const m = memKb(p);
  const stack = p.exit ? undefined : p.mem.vmas.find((v) => v.name === '[stack]');
  const ticks = (ns: number): number => Math.floor(ns / 1e7);
  const s = sigSets(p);
  const t = task ?? leaderOf(p);
  const utime = task ? task.utimeNs : p.utimeNs, stime = task ? task.stimeNs : p.stimeNs;
  const nice = t ? t.nice : 0, policy = t ? t.policy : 0;
  // tty_nr and tpgid: the controlling terminal's device and foreground group.
  const tty = p.ctty;
  const f = [task ? task.tid : p.pid, `(${p.comm})`, stateOf(p, t), p.ppid, p.pgid, p.sid, tty ? tty.rdev : 0, tty && tty.pgrp ? tty.pgrp : -1, 0x400000, 0, 0, 0, 0,
    ticks(utime), ticks(stime), ticks(p.cutimeNs), ticks(p.cstimeNs), 20 + nice, nice,
    p.tasks.length, 0, 0, m.size * 1024, m.size / 4, '18446744073709551615', 0, 0, stack ? stack.end - 8 : 0, 0, 0,
    0, t ? (t.sigmaskLo >>> 0) : 0, parseInt(s.ign.slice(8), 16), parseInt(s.cgt.slice(8), 16), 0, 0, 0, 17, 0, 0, policy, 0, 0, 0,
    p.mem.brkStart, p.mem.brkStart, p.mem.brkEnd, 0, 0, 0, 0, 0];
  return f.join(' ') + '\n';
}

export function statm(p: Process): string {
  const m = memKb(p);
  return `${m.size / 4} ${m.size / 4} 0 ${m.exe / 4} 0 ${(m.data + m.stk) / 4} 0\n`;
}

const LIMITS: [string, string, number][] = [
  ['Max cpu time', 'seconds', 0], ['Max file size', 'bytes', 1], ['Max data size', 'bytes', 2],
  ['Max stack size', 'bytes', 3], ['Max core file size', 'bytes', 4], ['Max resident set', 'bytes', 5],
  ['Max processes', 'processes', 6], ['Max open files', 'files', 7], ['Max locked memory', 'bytes', 8],
  ['Max address space', 'bytes', 9], ['Max file locks', 'locks', 10], ['Max pending signals', 'signals', 11],
  ['Max msgqueue size', 'bytes', 12], ['Max nice priority', '', 13], ['Max realtime priority', '', 14],
  ['Max realtime timeout', 'us', 15],
];
const DEFAULT_LIMITS: Record<number, [number, number]> = {
  3: [8 * 1024 * 1024, -1], 4: [0, -1], 6: [127563, 127563], 8: [8 * 1024 * 1024, 8 * 1024 * 1024],
  11: [127563, 127563], 12: [819200, 819200], 13: [0, 0], 14: [0, 0],
};

export function limits(p: Process): string {
  const v = (x: number): string => (x < 0 ? 'unlimited' : String(x));
  let out = `${'Limit'.padEnd(26)}${'Soft Limit'.padEnd(21)}${'Hard Limit'.padEnd(21)}${'Units'.padEnd(10)}\n`;
  for (const [name, unit, res] of LIMITS) {
    const set = p.rlimits.get(res);
    const [cur, max] = set ? [set.cur, set.max] : res === 7 ? [p.fds.limit, 1048576] : DEFAULT_LIMITS[res] ?? [-1, -1];
    out += `${name.padEnd(26)}${v(cur).padEnd(21)}${v(max).padEnd(21)}${unit.padEnd(10)}\n`;
  }
  return out;
}

/** The process's view of the mount table (points inside its root, relative to it). */
function visibleMounts(k: Kernel, p: Process): { point: string; type: string; source: string; options: string; id: number }[] {
  const root = procRoot(p);
  const out = [];
  let id = 21;
  for (const m of k.vfs.list()) {
    id++;
    let point = m.point;
    if (root !== '/') {
      if (point !== root && !point.startsWith(root + '/')) continue;
      point = point.slice(root.length) || '/';
    }
    out.push({ point, type: m.fs.type, source: m.fs.source, options: m.fs.options, id });
  }
  return out;
}

const esc = (s: string): string => s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));

export function mounts(k: Kernel, p: Process): string {
  return visibleMounts(k, p).map((m) => `${esc(m.source)} ${esc(m.point)} ${m.type} ${m.options} 0 0\n`).join('');
}

export function mountinfo(k: Kernel, p: Process): string {
  const ms = visibleMounts(k, p);
  return ms.map((m, j) => {
    const parent = j === 0 ? 1 : ms[0].id;
    const opts = m.options.split(',');
    // Per-mount flags go in the mount options; the super options keep rw/ro and the rest.
    const perMount = ['nosuid', 'nodev', 'noexec', 'relatime', 'noatime'];
    const mountOpts = opts.filter((o) => o === 'rw' || o === 'ro' || perMount.includes(o)).join(',');
    const superOpts = opts.filter((o) => !perMount.includes(o)).join(',');
    return `${m.id} ${parent} 0:${m.id} / ${esc(m.point)} ${mountOpts || 'rw'} - ${m.type} ${esc(m.source)} ${superOpts || 'rw'}\n`;
  }).join('');
}

export function fdinfo(f: OpenFile, cloexec: boolean): string {
  const st = f.stat();
  const ino = typeof st === 'number' ? 0 : st.ino;
  return `pos:\t${f.pos}\nflags:\t${(f.flags | (cloexec ? 0o2000000 : 0)).toString(8).padStart(7, '0')}\nmnt_id:\t22\nino:\t${ino}\n`;
}

// ---- system-wide files ----

function flagNames(): string {
  const out = new Int32Array(4);
  const words: [number, number, string[]][] = [
    [1, 3, ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', '', 'sep', 'mtrr', 'pge', 'mca', 'cmov', 'pat', 'pse36', '', 'clflush', '', '', '', 'mmx', 'fxsr', 'sse', 'sse2', '', 'ht']],
    [0x80000001, 3, ['', '', '', '', '', '', '', '', '', '', '', 'syscall', '', '', '', '', '', '', '', '', 'nx', '', 'mmxext', '', '', 'fxsr_opt', 'pdpe1gb', 'rdtscp', '', 'lm']],
    [1, 2, ['pni', 'pclmulqdq', '', '', '', '', '', '', '', 'ssse3', '', '', 'fma', 'cx16', '', '', '', '', '', 'sse4_1', 'sse4_2', 'x2apic', 'movbe', 'popcnt', '', 'aes', 'xsave', '', 'avx', 'f16c', 'rdrand', 'hypervisor']],
    [0x80000001, 2, ['lahf_lm', 'cmp_legacy', 'svm', 'extapic', 'cr8_legacy', 'abm', 'sse4a', 'misalignsse', '3dnowprefetch']],
    [7, 1, ['fsgsbase', '', '', 'bmi1', 'hle', 'avx2', '', 'smep', 'bmi2', 'erms', 'invpcid', 'rtm', '', '', '', '', '', '', '', 'adx', 'smap', '', '', 'clflushopt', '', '', '', '', '', 'sha_ni']],
  ];
  const names: string[] = [];
  for (const [leaf, reg, list] of words) {
    cpuid(leaf, 0, out, 0);
    const v = out[reg];
    list.forEach((n, bit) => {
      if (n && (v >>> bit) & 1) names.push(n);
    });
  }
  return names.join(' ');
}

export function cpuinfo(k: Kernel): string {
  const r = new Int32Array(4);
  cpuid(1, 0, r, 0);
  const eax = r[0];
  const family = ((eax >> 8) & 0xf) + (((eax >> 8) & 0xf) === 0xf ? (eax >> 20) & 0xff : 0);
  const model = ((eax >> 4) & 0xf) | (((eax >> 16) & 0xf) << 4);
  const brandRegs = new Int32Array(12);
  for (let j = 0; j < 3; j++) cpuid(0x80000002 + j, 0, brandRegs, 4 * j);
  const brand = new TextDecoder().decode(new Uint8Array(brandRegs.buffer)).replace(/\0.*$/s, '').trim();
  cpuid(0, 0, r, 0);
  const level = r[0];
  const flags = flagNames();
  const n = k.host.cpuCount;
  let out = '';
  for (let c = 0; c < n; c++) {
    out += `processor\t: ${c}\nvendor_id\t: AuthenticAMD\ncpu family\t: ${family}\nmodel\t\t: ${model}\n` +
      `model name\t: ${brand}\nstepping\t: ${eax & 0xf}\nmicrocode\t: 0x1000065\ncpu MHz\t\t: 1000.000\n` +
      `cache size\t: 512 KB\nphysical id\t: 0\nsiblings\t: ${n}\ncore id\t\t: ${c}\ncpu cores\t: ${n}\n` +
      `apicid\t\t: ${c}\ninitial apicid\t: ${c}\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: ${level}\n` +
      `wp\t\t: yes\nflags\t\t: ${flags}\nbugs\t\t: \nbogomips\t: 2000.00\nTLB size\t: 1024 4K pages\n` +
      `clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 48 bits physical, 48 bits virtual\n` +
      `power management:\n\n`;
  }
  return out;
}

export function meminfo(k: Kernel): string {
  const total = Math.floor(k.host.totalMemory / 1024), free = Math.floor(k.host.freeMemory / 1024);
  const kb = (name: string, v: number): string => `${(name + ':').padEnd(16)}${pad(v, 8)} kB\n`;
  return kb('MemTotal', total) + kb('MemFree', free) + kb('MemAvailable', free) + kb('Buffers', 0) + kb('Cached', 0) +
    kb('SwapCached', 0) + kb('Active', 0) + kb('Inactive', 0) + kb('Active(anon)', 0) + kb('Inactive(anon)', 0) +
    kb('Active(file)', 0) + kb('Inactive(file)', 0) + kb('Unevictable', 0) + kb('Mlocked', 0) + kb('SwapTotal', 0) +
    kb('SwapFree', 0) + kb('Zswap', 0) + kb('Zswapped', 0) + kb('Dirty', 0) + kb('Writeback', 0) + kb('AnonPages', 0) +
    kb('Mapped', 0) + kb('Shmem', 0) + kb('KReclaimable', 0) + kb('Slab', 0) + kb('SReclaimable', 0) + kb('SUnreclaim', 0) +
    kb('KernelStack', 0) + kb('PageTables', 0) + kb('SecPageTables', 0) + kb('NFS_Unstable', 0) + kb('Bounce', 0) +
    kb('WritebackTmp', 0) + kb('CommitLimit', Math.floor(total / 2)) + kb('Committed_AS', 0) +
    kb('VmallocTotal', 34359738367) + kb('VmallocUsed', 0) + kb('VmallocChunk', 0) + kb('Percpu', 0) +
    kb('HardwareCorrupted', 0) + kb('AnonHugePages', 0) + kb('ShmemHugePages', 0) + kb('ShmemPmdMapped', 0) +
    kb('FileHugePages', 0) + kb('FilePmdMapped', 0) + `HugePages_Total:       0\nHugePages_Free:        0\n` +
    `HugePages_Rsvd:        0\nHugePages_Surp:        0\n` + kb('Hugepagesize', 2048) + kb('Hugetlb', 0) +
    kb('DirectMap4k', 0) + kb('DirectMap2M', 0) + kb('DirectMap1G', 0);
}

export function procStat(k: Kernel, bootSec: number): string {
  const n = k.host.cpuCount;
  const up = Math.floor(k.host.uptimeSec() * 100);
  const busy = Math.floor(k.host.cpuTimeNs() / 1e7);
  const line = (name: string, u: number, idle: number): string => `${name} ${u} 0 0 ${idle} 0 0 0 0 0 0\n`;
  let out = line('cpu ', busy, Math.max(0, up * n - busy));
  for (let c = 0; c < n; c++) out += line(`cpu${c}`, c === 0 ? busy : 0, Math.max(0, up - (c === 0 ? busy : 0)));
  return out + `intr 0\nctxt 0\nbtime ${bootSec}\nprocesses ${k.procs.size}\nprocs_running 1\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n`;
}

export function uptime(k: Kernel): string {
  const u = k.host.uptimeSec();
  return `${u.toFixed(2)} ${(u * k.host.cpuCount * 0.9).toFixed(2)}\n`;
}

export function loadavg(k: Kernel): string {
  const l = k.host.loadavg();
  const last = Math.max(0, ...k.procs.keys());
  return `${l[0].toFixed(2)} ${l[1].toFixed(2)} ${l[2].toFixed(2)} 1/${k.procs.size} ${last}\n`;
}

export const FILESYSTEMS = 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tbdev\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tdevpts\n' +
  '\text3\n\text2\n\text4\nnodev\tpipefs\nnodev\tsockfs\nnodev\toverlay\n';
