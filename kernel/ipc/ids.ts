/**
 * System V IPC identifiers, keys and permissions, shared by every IPC object type (semaphore
 * arrays, message queues, and later shared memory segments), as Linux's ipc/util.c.
 *
 * An IpcIds table maps an index to an object and a key to an object. An identifier is
 * `seq * 32768 + index`: indexes are handed out cyclically (idr_alloc_cyclic over a window that
 * grows with the number in use) and the sequence number moves on whenever an index at or below
 * the last one is reused, so a stale identifier does not name a new object (EINVAL).
 * Permissions are the owner/group/other bits of the object's mode, checked against the caller's
 * effective ids; uid 0 has CAP_IPC_OWNER, CAP_SYS_ADMIN and CAP_SYS_RESOURCE.
 */

import { E } from '../../compat/errno.js';

export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;

/** IPCMNI: indexes per table; an identifier's low 15 bits are its index. */
export const IPCMNI = 32768;
const SEQ_SHIFT = 15;
const SEQ_MAX = 0x7fffffff >> SEQ_SHIFT;
/** RADIX_TREE_MAP_SIZE: the smallest window indexes cycle through. */
const MIN_CYCLE = 64;

/** The caller's credentials as IPC checks see them. */
export interface IpcCred {
  uid: number;
  gid: number;
}

/** kern_ipc_perm: key, owner, creator, mode and identifier of an IPC object. */
export class IpcPerm {
  uid: number;
  gid: number;
  readonly cuid: number;
  readonly cgid: number;
  mode: number;
  seq = 0;
  id = -1;
  deleted = false;
  constructor(public key: number, mode: number, cred: IpcCred) {
    this.mode = mode & 0o777;
    this.uid = this.cuid = cred.uid;
    this.gid = this.cgid = cred.gid;
  }
}

export interface IpcObject {
  readonly perm: IpcPerm;
}

/** ipcperms(): may `cred` access the object for the rwx bits in `flag` (S_IRUGO, S_IWUGO, a mode)? */
export function ipcPermitted(cred: IpcCred, p: IpcPerm, flag: number): boolean {
  const requested = ((flag >> 6) | (flag >> 3) | flag) & 7;
  let granted = p.mode;
  if (cred.uid === p.cuid || cred.uid === p.uid) granted >>= 6;
  else if (cred.gid === p.cgid || cred.gid === p.gid) granted >>= 3;
  return (requested & ~granted & 7) === 0 || cred.uid === 0;
}

export const S_IRUGO = 0o444, S_IWUGO = 0o222;

/** One kind of IPC object (ipc_ids). */
export class IpcIds<T extends IpcObject> {
  private readonly byIndex = new Map<number, T>();
  private readonly byKey = new Map<number, T>();
  inUse = 0;
  private seq = 0;
  private lastIdx = -1;
  private maxIdx = -1;
  /** idr_alloc_cyclic's next starting point. */
  private next = 0;

  /** ipc_addid: enters a new object; its identifier, or -ENOSPC past `limit` objects. */
  add(obj: T, limit: number): number {
    if (limit > IPCMNI) limit = IPCMNI;
    if (this.inUse >= limit) return -E.ENOSPC;
    const window = Math.min(Math.max(Math.floor((this.inUse * 3) / 2), MIN_CYCLE), IPCMNI);
    let idx = this.freeIndex(Math.max(this.next, 0), window);
    if (idx < 0 && this.next > 0) idx = this.freeIndex(0, window);
    if (idx < 0) return -E.ENOSPC;
    this.next = idx + 1;
    if (idx <= this.lastIdx) {
      this.seq++;
      if (this.seq >= SEQ_MAX) this.seq = 0;
    }
    this.lastIdx = idx;
    const p = obj.perm;
    p.seq = this.seq;
    p.id = this.seq * IPCMNI + idx;
    p.deleted = false;
    this.byIndex.set(idx, obj);
    if (p.key !== IPC_PRIVATE) this.byKey.set(p.key, obj);
    this.inUse++;
    if (idx > this.maxIdx) this.maxIdx = idx;
    return p.id;
  }

  private freeIndex(from: number, end: number): number {
    for (let i = from; i < end; i++) if (!this.byIndex.has(i)) return i;
    return -1;
  }

  findKey(key: number): T | undefined {
    return this.byKey.get(key);
  }

  /** ipc_obtain_object_idr: by index only (the *_STAT commands). */
  atIndex(id: number): T | number {
    return this.byIndex.get(id & (IPCMNI - 1)) ?? -E.EINVAL;
  }

  /** ipc_obtain_object_check: by full identifier; -EINVAL for none or a stale sequence number. */
  get(id: number): T | number {
    if (id < 0) return -E.EINVAL;
    const o = this.byIndex.get(id & (IPCMNI - 1));
    if (!o || Math.floor(id / IPCMNI) !== o.perm.seq) return -E.EINVAL;
    return o;
  }

  /** ipc_rmid: the object leaves the table and is marked deleted. */
  remove(obj: T): void {
    const p = obj.perm;
    const idx = p.id & (IPCMNI - 1);
    this.byIndex.delete(idx);
    if (p.key !== IPC_PRIVATE && this.byKey.get(p.key) === obj) this.byKey.delete(p.key);
    this.inUse--;
    p.deleted = true;
    if (idx === this.maxIdx) {
      let m = -1;
      for (const i of this.byIndex.keys()) if (i > m) m = i;
      this.maxIdx = m;
    }
  }

  /** ipc_set_key_private: the object stays, but its key no longer finds it (a removed segment). */
  makePrivate(obj: T): void {
    const p = obj.perm;
    if (p.key !== IPC_PRIVATE && this.byKey.get(p.key) === obj) this.byKey.delete(p.key);
    p.key = IPC_PRIVATE;
  }

  /** ipc_get_maxidx: what the *_INFO commands return. */
  maxIndex(): number {
    if (this.inUse === 0) return -1;
    if (this.inUse === IPCMNI) return IPCMNI - 1;
    return this.maxIdx;
  }

  /** Every object, in index order (for /proc/sysvipc and namespace teardown). */
  all(): T[] {
    return [...this.byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  }

  /**
   * ipcget: IPC_PRIVATE always creates; a key finds its object (EEXIST with IPC_CREAT|IPC_EXCL,
   * then the type's own checks, then the permission bits of `flg`) or, with IPC_CREAT, creates
   * one (ENOENT without). `create` returns the new identifier or -errno.
   */
  getOrCreate(key: number, flg: number, cred: IpcCred, create: () => number, moreChecks?: (o: T) => number): number {
    if (key === IPC_PRIVATE) return create();
    const o = this.byKey.get(key);
    if (!o) return flg & IPC_CREAT ? create() : -E.ENOENT;
    if (flg & IPC_CREAT && flg & IPC_EXCL) return -E.EEXIST;
    const err = moreChecks ? moreChecks(o) : 0;
    if (err) return err;
    if (!ipcPermitted(cred, o.perm, flg)) return -E.EACCES;
    return o.perm.id;
  }

  /**
   * ipcctl_obtain_check for IPC_SET/IPC_RMID: the object, if the caller owns or created it (or
   * has CAP_SYS_ADMIN); -EINVAL or -EPERM otherwise.
   */
  getForCtl(id: number, cred: IpcCred): T | number {
    const o = this.get(id);
    if (typeof o === 'number') return o;
    const p = o.perm;
    if (cred.uid === p.cuid || cred.uid === p.uid || cred.uid === 0) return o;
    return -E.EPERM;
  }
}

/** ipc_update_perm (IPC_SET): new owner and permission bits; uid or gid -1 is invalid. */
export function updatePerm(p: IpcPerm, uid: number, gid: number, mode: number): number {
  if (uid === 0xffffffff || gid === 0xffffffff) return -E.EINVAL;
  p.uid = uid;
  p.gid = gid;
  p.mode = (p.mode & ~0o777) | (mode & 0o777);
  return 0;
}
