/**
 * procfs: /proc/self and /proc/PID from the kernel's process table (exe, cwd, root, fd/, fdinfo/,
 * maps, smaps, status, stat, statm, cmdline, environ, auxv, comm, mounts, mountinfo, limits,
 * task/), system files (cpuinfo, meminfo, stat, uptime, loadavg, version, filesystems, mounts)
 * and /proc/sys/kernel. The links (exe, cwd, root, fd/N) read as guest paths and are followed by
 * the ordinary walk, so /proc/self/root/.. is still the process's root: nothing leaves it.
 */

import type { Kernel } from '../kernel.js';
import { PID_MAX, type Process, type Task } from '../process.js';
import { SynthFs, SynthNode, dir, file, link, names } from './synth.js';
import { procRoot } from './vfs.js';
import type { OpenFile } from './file.js';
import * as T from './procfs-text.js';
import { E } from '../../compat/errno.js';

const PID_FILES = ['cmdline', 'comm', 'environ', 'auxv', 'maps', 'smaps', 'status', 'stat', 'statm', 'limits',
  'mounts', 'mountinfo', 'oom_score_adj', 'loginuid', 'sessionid', 'cgroup'];
const PID_LINKS = ['exe', 'cwd', 'root'];
const SYS_KERNEL = ['ostype', 'osrelease', 'pid_max', 'hostname', 'domainname', 'version', 'ngroups_max', 'cap_last_cap'];

const nul = (list: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(list.reduce((s, b) => s + b.length + 1, 0));
  let o = 0;
  for (const b of list) {
    out.set(b, o);
    o += b.length + 1;
  }
  return out;
};

export class ProcFs extends SynthFs {
  readonly type = 'proc';
  readonly magic = 0x9fa0;
  readonly dev = 22;
  private readonly bootId: string;
  private readonly bootSec: number;

  constructor(readonly k: Kernel) {
    super();
    this.source = 'proc';
    this.options = 'rw,nosuid,nodev,noexec,relatime';
    this.time = k.host.realtime();
    this.privileged = k.host.uid === 0;
    this.bootId = this.uuid();
    this.bootSec = Math.floor(k.host.realtime()[0] - k.host.uptimeSec());
  }

  private uuid(): string {
    const b = new Uint8Array(16);
    this.k.host.randomBytes(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  override owner(rel: string): [number, number] {
    return /^\/\d+/.test(rel) ? [this.k.host.uid, this.k.host.gid] : [0, 0];
  }

  /** /proc/PID/fd/N of a file with no path (a pipe, a socket, an anonymous inode). */
  override magicFile(rel: string): OpenFile | null {
    const m = /^\/(\d+)(?:\/task\/\d+)?\/fd\/(\d+)$/.exec(rel);
    if (!m) return null;
    const f = this.k.procs.get(Number(m[1]))?.fds.get(Number(m[2]));
    return f && !f.linkName().startsWith('/') ? f : null;
  }

  private self(): Process | undefined {
    return this.k.vfs.current ?? [...this.k.procs.values()][0];
  }

  node(rel: string): SynthNode | number {
    const parts = rel.split('/').filter((s) => s.length > 0);
    if (parts.length === 0) {
      return dir(() => [
        ...[...this.k.procs.keys()].map((p): [string, number] => [String(p), 4]),
        ...names(['cpuinfo', 'meminfo', 'stat', 'uptime', 'loadavg', 'version', 'filesystems', 'cmdline'], ['sys'], ['self', 'thread-self', 'mounts']),
      ]);
    }
    const [top, ...rest] = parts;
    if (/^\d+$/.test(top)) {
      const p = this.k.procs.get(Number(top));
      return p ? this.pidNode(p, rest, true) : -E.ENOENT;
    }
    if (rest.length === 0) {
      const k = this.k;
      switch (top) {
        case 'self':
          return link(() => String(this.self()?.pid ?? -E.ENOENT));
        case 'thread-self':
          return link(() => { const p = this.self(); return p ? `${p.pid}/task/${p.pid}` : -E.ENOENT; });
        case 'mounts':
          return link(() => 'self/mounts');
        case 'cpuinfo':
          return file(() => T.cpuinfo(k));
        case 'meminfo':
          return file(() => T.meminfo(k));
        case 'stat':
          return file(() => T.procStat(k, this.bootSec));
        case 'uptime':
          return file(() => T.uptime(k));
        case 'loadavg':
          return file(() => T.loadavg(k));
        case 'version':
          return file(() => `Linux version ${k.host.release} (rustos@rustos) (gcc, GNU ld) ${k.host.version}\n`);
        case 'filesystems':
          return file(() => T.FILESYSTEMS);
        case 'cmdline':
          return file(() => 'BOOT_IMAGE=/vmlinuz ro quiet\n');
        case 'sys':
          return dir(() => names([], ['kernel', 'vm', 'fs']));
      }
      return -E.ENOENT;
    }
    if (top === 'sys') return this.sysNode(rest);
    return -E.ENOENT;
  }

  private sysNode(rest: string[]): SynthNode | number {
    const k = this.k;
    const path = rest.join('/');
    switch (path) {
      case 'kernel':
        return dir(() => names(SYS_KERNEL, ['random']));
      case 'kernel/random':
        return dir(() => names(['boot_id', 'uuid', 'entropy_avail', 'poolsize']));
      case 'kernel/ostype':
        return file(() => 'Linux\n');
      case 'kernel/osrelease':
        return file(() => k.host.release + '\n');
      case 'kernel/version':
        return file(() => k.host.version + '\n');
      case 'kernel/pid_max':
        return file(() => `${PID_MAX}\n`, 0o644);
      case 'kernel/hostname':
        return file(() => k.host.hostname + '\n', 0o644);
      case 'kernel/domainname':
        return file(() => '(none)\n', 0o644);
      case 'kernel/ngroups_max':
        return file(() => '65536\n');
      case 'kernel/cap_last_cap':
        return file(() => '40\n');
      case 'kernel/random/boot_id':
        return file(() => this.bootId + '\n');
      case 'kernel/random/uuid':
        return file(() => this.uuid() + '\n');
      case 'kernel/random/entropy_avail':
      case 'kernel/random/poolsize':
        return file(() => '256\n');
      case 'vm':
        return dir(() => names(['overcommit_memory', 'max_map_count']));
      case 'vm/overcommit_memory':
        return file(() => '0\n', 0o644);
      case 'vm/max_map_count':
        return file(() => '65530\n', 0o644);
      case 'fs':
        return dir(() => names(['nr_open', 'file-max']));
      case 'fs/nr_open':
        return file(() => '1048576\n', 0o644);
      case 'fs/file-max':
        return file(() => '9223372036854775807\n', 0o644);
    }
    return -E.ENOENT;
  }

  /** /proc/PID/... (withTask) or /proc/PID/task/TID/... (`task` is that thread). */
  private pidNode(p: Process, rest: string[], withTask: boolean, task: Task | null = null): SynthNode | number {
    const k = this.k;
    if (rest.length === 0) {
      return dir(() => names(PID_FILES, withTask ? ['fd', 'fdinfo', 'task'] : ['fd', 'fdinfo'], PID_LINKS));
    }
    const [what, sub, ...more] = rest;
    if (sub !== undefined) {
      if (what === 'fd' && more.length === 0) {
        const f = p.fds.get(Number(sub));
        if (!/^\d+$/.test(sub) || !f) return -E.ENOENT;
        return link(() => f.linkName());
      }
      if (what === 'fdinfo' && more.length === 0) {
        const e = p.fds.entry(Number(sub));
        if (!/^\d+$/.test(sub) || !e) return -E.ENOENT;
        return file(() => T.fdinfo(e.file, e.cloexec));
      }
      if (what === 'task' && withTask) {
        const t = p.tasks.find((x) => String(x.tid) === sub);
        return t ? this.pidNode(p, more, false, t) : -E.ENOENT;
      }
      return -E.ENOENT;
    }
    switch (what) {
      case 'fd':
        return dir(() => p.fds.list().map((fd): [string, number] => [String(fd), 10]), 0o500);
      case 'fdinfo':
        return dir(() => p.fds.list().map((fd): [string, number] => [String(fd), 8]), 0o500);
      case 'task':
        return withTask ? dir(() => p.tasks.map((t): [string, number] => [String(t.tid), 4])) : -E.ENOENT;
      case 'exe':
        return link(() => p.exe || -E.ENOENT);
      case 'cwd':
        return link(() => p.cwd);
      case 'root':
        return link(() => procRoot(p));
      case 'cmdline':
        return file(() => nul(p.argv));
      case 'environ':
        return file(() => nul(p.envp), 0o400);
      case 'comm':
        return file(() => p.comm + '\n', 0o644, (b) => {
          p.comm = new TextDecoder().decode(b).replace(/\n$/, '').slice(0, 15);
          return b.length;
        });
      case 'auxv': {
        return file(() => {
          const b = new Uint8Array((p.auxv.length + 1) * 16);
          const dv = new DataView(b.buffer);
          p.auxv.forEach(([key, val], j) => {
            dv.setBigUint64(16 * j, BigInt(key), true);
            dv.setBigUint64(16 * j + 8, BigInt(val), true);
          });
          return b;
        }, 0o400);
      }
      case 'maps':
        return file(() => T.maps(k, p));
      case 'smaps':
        return file(() => T.smaps(k, p));
      case 'status':
        return file(() => T.status(k, p, task));
      case 'stat':
        return file(() => T.stat(k, p, task));
      case 'statm':
        return file(() => T.statm(p));
      case 'limits':
        return file(() => T.limits(p));
      case 'mounts':
        return file(() => T.mounts(k, p));
      case 'mountinfo':
        return file(() => T.mountinfo(k, p));
      case 'oom_score_adj':
        return file(() => '0\n', 0o644, (b) => b.length);
      case 'loginuid':
        return file(() => `${k.host.uid}\n`, 0o644);
      case 'sessionid':
        return file(() => '1\n');
      case 'cgroup':
        return file(() => '0::/\n');
    }
    return -E.ENOENT;
  }
}
