/**
 * Advisory file locks, kept in the kernel per file (device and inode): POSIX record locks
 * (fcntl F_SETLK..., owned by a process, or by an open file description for the OFD variants)
 * and flock locks (owned by an open file description). Byte ranges are inclusive; a lock to EOF
 * ends at Infinity. A process's record locks on a file go when it closes any descriptor of the
 * file or exits; flock locks go when their description is released.
 */

import type { OpenFile } from './file.js';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export type LockOwner = number | OpenFile;

export interface RecordLock {
  owner: LockOwner;
  type: number;
  start: number;
  end: number;
}

const records = new Map<string, RecordLock[]>();
const flocks = new Map<string, Map<OpenFile, number>>();

/** Drops locks of owners that no longer exist (exited processes). */
function live(key: string, alive: (pid: number) => boolean): RecordLock[] {
  const list = (records.get(key) ?? []).filter((l) => typeof l.owner !== 'number' || alive(l.owner));
  records.set(key, list);
  return list;
}

/** The first lock of another owner that conflicts with (type, start..end), or null. */
export function conflict(key: string, owner: LockOwner, type: number, start: number, end: number, alive: (pid: number) => boolean): RecordLock | null {
  for (const l of live(key, alive)) {
    if (l.owner === owner) continue;
    if (l.end < start || l.start > end) continue;
    if (l.type === F_WRLCK || type === F_WRLCK) return l;
  }
  return null;
}

/** Sets (or with F_UNLCK clears) owner's lock on start..end, merging neighbours of one type. */
export function setLock(key: string, owner: LockOwner, type: number, start: number, end: number): void {
  const out: RecordLock[] = [];
  for (const l of records.get(key) ?? []) {
    if (l.owner !== owner || l.end < start || l.start > end) {
      out.push(l);
      continue;
    }
    if (l.start < start) out.push({ ...l, end: start - 1 });
    if (l.end > end) out.push({ ...l, start: end + 1 });
  }
  if (type !== F_UNLCK) {
    let n: RecordLock = { owner, type, start, end };
    for (let k = out.length - 1; k >= 0; k--) {
      const l = out[k];
      if (l.owner === owner && l.type === type && l.end + 1 >= n.start && l.start <= n.end + 1) {
        n = { owner, type, start: Math.min(l.start, n.start), end: Math.max(l.end, n.end) };
        out.splice(k, 1);
      }
    }
    out.push(n);
  }
  out.sort((a, b) => a.start - b.start);
  if (out.length) records.set(key, out);
  else records.delete(key);
}

/** Releases every record lock `owner` holds on the file (close of a descriptor, exit). */
export function releaseAll(key: string, owner: LockOwner): void {
  const list = records.get(key);
  if (!list) return;
  const rest = list.filter((l) => l.owner !== owner);
  if (rest.length) records.set(key, rest);
  else records.delete(key);
}

export const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

/** flock: true if taken (or released), false if another description's lock is in the way. */
export function tryFlock(key: string, f: OpenFile, op: number): boolean {
  let m = flocks.get(key);
  if (op === LOCK_UN) {
    m?.delete(f);
    return true;
  }
  if (!m) flocks.set(key, (m = new Map()));
  for (const [other, kind] of m) if (other !== f && (kind === LOCK_EX || op === LOCK_EX)) return false;
  if (!m.has(f)) f.onRelease(() => flocks.get(key)?.delete(f));
  m.set(f, op);
  return true;
}

/** The lock key of an open file: its device and inode, or null (not lockable). */
export function lockKey(f: OpenFile): string | null {
  const st = f.stat();
  return typeof st === 'number' ? null : `${st.dev}:${st.ino}`;
}
