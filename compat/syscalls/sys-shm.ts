/**
 * System V shared memory: shmget, shmat, shmdt, shmctl. The segments live in kernel/ipc/shm.ts;
 * an attach is a MAP_SHARED mapping of the segment's backing, so fork, exit and munmap treat it
 * as the memory manager treats any shared mapping. Structures as x86-64 lays them out:
 * shmid64_ds (112 bytes), shminfo64, shm_info.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { StructBuf } from '../structs.js';
import { IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, ipcPermitted, S_IRUGO, S_IWUGO, updatePerm } from '../../kernel/ipc/ids.js';
import { ShmSegment, shmget, shmRemove, SHMMAX, SHMMIN, SHMMNI, SHMALL, SHM_LOCKED } from '../../kernel/ipc/shm.js';
import { MAP_SHARED, MAP_FIXED, PROT_READ, PROT_WRITE, PROT_EXEC, pageUp } from '../../kernel/mm/aspace.js';
import { USER_END } from '../../kernel/mm/pagetable.js';
import { credOf, putPerm, readPerm, statTarget } from './sys-ipc.js';

const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000;
const SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15;
const SHMLBA = 4096;
const S_IXUGO = 0o111;

sys('shmget', ['hex', 'size', 'hex'], (k, t, a) => shmget(k.ipc, k.phys, credOf(k), t.proc.pid, a.int(0), a.u64(1), a.int(2)));

/** do_shmat: checks in Linux's order, then a shared mapping of the segment. */
function shmat(k: Kernel, t: Task, shmid: number, addr: number, flg: number): number {
  if (shmid < 0) return -E.EINVAL;
  let fixed = false;
  if (addr) {
    if (addr % SHMLBA) {
      if (!(flg & SHM_RND)) return -E.EINVAL;
      addr -= addr % SHMLBA;
      if (addr === 0 && flg & SHM_REMAP) return -E.EINVAL;
    }
    fixed = true;
  } else if (flg & SHM_REMAP) return -E.EINVAL;
  let prot = PROT_READ, acc = S_IRUGO;
  if (!(flg & SHM_RDONLY)) {
    prot |= PROT_WRITE;
    acc |= S_IWUGO;
  }
  if (flg & SHM_EXEC) {
    prot |= PROT_EXEC;
    acc |= S_IXUGO;
  }
  const seg = k.ipc.shm.get(shmid);
  if (typeof seg === 'number') return seg;
  if (!ipcPermitted(credOf(k), seg.perm, acc)) return -E.EACCES;
  const mem = t.proc.mem;
  const len = pageUp(seg.size);
  if (fixed) {
    if (addr + len > USER_END) return -E.EINVAL;
    if (!(flg & SHM_REMAP) && mem.vmas.some((v) => v.start < addr + len && v.end > addr)) return -E.EINVAL;
  }
  const at = mem.place(addr, len, fixed ? MAP_FIXED : 0);
  if (at < 0) return at;
  mem.mapFixed(at, len, prot, MAP_SHARED, seg.mapName, 0, seg.backing);
  seg.atime = k.ipc.now();
  seg.lpid = t.proc.pid;
  return at;
}

sys('shmat', ['int', 'hex', 'hex'], (k, t, a) => shmat(k, t, a.int(0), a.u64(1), a.int(2)), { ret: 'hex' });

/** shmdt: unmaps the attach that starts at addr (every piece of it, split by mprotect or not). */
sys('shmdt', ['hex'], (k, t, a) => {
  const addr = a.u64(0);
  if (addr % 4096) return -E.EINVAL;
  const mem = t.proc.mem;
  const first = mem.vmas.find((v) => v.start === addr && v.offset === 0 && v.backing && (v.backing as { seg?: ShmSegment }).seg);
  if (!first) return -E.EINVAL;
  const seg = (first.backing as unknown as { seg: ShmSegment }).seg;
  const end = addr + pageUp(seg.size);
  const pieces = mem.vmas.filter((v) => v.backing === first.backing && v.start >= addr && v.end <= end && v.start - addr === v.offset);
  seg.lpid = t.proc.pid;
  for (const v of pieces) mem.unmap(v.start, v.end - v.start);
  return 0;
});

/** struct shmid64_ds. */
function putShmid(seg: ShmSegment): Uint8Array {
  const b = new StructBuf(112);
  putPerm(b, seg.perm);
  b.u64(48, seg.size).u64(56, seg.atime).u64(64, seg.dtime).u64(72, seg.ctime);
  b.i32(80, seg.cpid).i32(84, seg.lpid).u64(88, seg.nattch);
  return b.bytes;
}

sys('shmctl', ['int', 'int', 'ptr'], (k, t, a) => {
  const shmid = a.int(0), cmd = a.int(1), addr = a.ptr(2);
  const ns = k.ipc, tb = ns.shm, m = t.proc.mem;
  if (cmd < 0 || shmid < 0) return -E.EINVAL;
  switch (cmd) {
    case IPC_INFO: {
      const b = new StructBuf(72);
      b.u64(0, SHMMAX).u64(8, SHMMIN).u64(16, SHMMNI).u64(24, SHMMNI).u64(32, SHMALL);
      m.writeBytes(addr, b.bytes);
      return Math.max(0, tb.maxIndex());
    }
    case SHM_INFO: {
      const segs = tb.all();
      const rss = segs.reduce((n, s) => n + s.backing.pages.size, 0);
      const b = new StructBuf(48);
      b.i32(0, tb.inUse).u64(8, tb.totalPages).u64(16, rss);
      m.writeBytes(addr, b.bytes);
      return Math.max(0, tb.maxIndex());
    }
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY: {
      const seg = statTarget(tb, credOf(k), shmid, cmd !== IPC_STAT, cmd === SHM_STAT_ANY);
      if (typeof seg === 'number') return seg;
      m.writeBytes(addr, putShmid(seg));
      return cmd === IPC_STAT ? 0 : seg.perm.id;
    }
    case SHM_LOCK:
    case SHM_UNLOCK: {
      const seg = tb.get(shmid);
      if (typeof seg === 'number') return seg;
      const cred = credOf(k);
      if (cred.uid !== 0 && cred.uid !== seg.perm.uid && cred.uid !== seg.perm.cuid) return -E.EPERM;
      if (cmd === SHM_LOCK) seg.perm.mode |= SHM_LOCKED;
      else seg.perm.mode &= ~SHM_LOCKED;
      return 0;
    }
    case IPC_SET:
    case IPC_RMID: {
      const set = cmd === IPC_SET ? readPerm(m.readBytes(addr, 112)) : null;
      const seg = tb.getForCtl(shmid, credOf(k));
      if (typeof seg === 'number') return seg;
      if (cmd === IPC_RMID) {
        shmRemove(seg);
        return 0;
      }
      const err = updatePerm(seg.perm, set!.uid, set!.gid, set!.mode);
      if (err) return err;
      seg.ctime = ns.now();
      return 0;
    }
    default:
      return -E.EINVAL;
  }
});
