/**
 * System V shared memory segments (ipc/shm.c). A segment is an IPC object owning shared
 * anonymous memory (an AnonBacking kept alive while the segment exists, see mm/backing.ts);
 * shmat maps that backing MAP_SHARED into the caller, so attaches in any process, and children
 * that inherit them across fork, use the very same frames.
 *
 * IPC_RMID of an attached segment marks it SHM_DEST and makes its key private; it goes away when
 * the last address space detaches (shmdt, munmap, exec, exit). The attach count is the number of
 * address spaces mapping it (Linux counts mappings: a process attaching one segment twice counts
 * two there, one here).
 */

import { E } from '../../compat/errno.js';
import { IpcCred, IpcIds, IpcObject, IpcPerm } from './ids.js';
import type { IpcNamespace } from './namespace.js';
import { AnonBacking } from '../mm/backing.js';
import type { PhysMem } from '../mm/phys.js';

export const SHMMIN = 1, SHMMNI = 4096;
/** SHMMAX and SHMALL as Linux defaults them: effectively unlimited. */
export const SHMMAX = 2 ** 64 - 2 ** 24 - 1, SHMALL = 2 ** 64 - 2 ** 24 - 1;
export const SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
const PAGE = 4096;

/** The frames of a segment: persistent until the segment is removed and nobody maps it. */
class ShmBacking extends AnonBacking {
  constructor(phys: PhysMem, readonly seg: ShmSegment) {
    super(phys);
    this.persistent = true;
  }

  protected override unused(): void {
    this.seg.dtime = this.seg.ns.now();
    if (this.seg.perm.mode & SHM_DEST) this.seg.destroy();
    super.unused();
  }
}

export class ShmSegment implements IpcObject {
  readonly backing: ShmBacking;
  atime = 0;
  dtime = 0;
  ctime: number;
  lpid = 0;

  constructor(readonly perm: IpcPerm, readonly size: number, readonly cpid: number, phys: PhysMem, readonly ns: IpcNamespace) {
    this.backing = new ShmBacking(phys, this);
    this.ctime = ns.now();
  }

  get nattch(): number {
    return this.backing.users;
  }

  get pages(): number {
    return Math.ceil(this.size / PAGE);
  }

  /** What /proc/PID/maps shows for an attach (Linux's shmem file name). */
  get mapName(): string {
    return `/SYSV${(this.perm.key >>> 0).toString(16).padStart(8, '0')} (deleted)`;
  }

  /** Leaves the table and frees the memory (now, or when the last mapping goes). */
  destroy(): void {
    if (!this.perm.deleted) {
      this.ns.shm.remove(this);
      this.ns.shm.totalPages -= this.pages;
    }
    this.backing.persistent = false;
    if (this.backing.users === 0) this.backing.dropPages();
  }
}

export class ShmTable extends IpcIds<ShmSegment> {
  totalPages = 0;
}

/** shmget: Linux's newseg and shm_more_checks. */
export function shmget(ns: IpcNamespace, phys: PhysMem, cred: IpcCred, pid: number, key: number, size: number, flg: number): number {
  const tb = ns.shm;
  const create = (): number => {
    if (size < SHMMIN || size > SHMMAX) return -E.EINVAL;
    const pages = Math.ceil(size / PAGE);
    if (tb.totalPages + pages > SHMALL) return -E.ENOSPC;
    const seg = new ShmSegment(new IpcPerm(key, flg, cred), size, pid, phys, ns);
    const id = tb.add(seg, SHMMNI);
    if (id >= 0) tb.totalPages += pages;
    return id;
  };
  return tb.getOrCreate(key, flg, cred, create, (seg) => (seg.size < size ? -E.EINVAL : 0));
}

/** IPC_RMID: gone now if unattached, else marked SHM_DEST with its key made private. */
export function shmRemove(seg: ShmSegment): void {
  if (seg.nattch === 0) {
    seg.destroy();
    return;
  }
  seg.perm.mode |= SHM_DEST;
  seg.ns.shm.makePrivate(seg);
}
