// procfs text formats against Linux's (maps columns, limits table) and the lock table's range
// arithmetic (splitting, merging, conflicts, release), without running a guest.

import { describe, it, expect } from 'vitest';
import * as T from '../../kernel/vfs/procfs-text.js';
import { setLock, conflict, releaseAll, tryFlock, F_RDLCK, F_WRLCK, F_UNLCK, LOCK_SH, LOCK_EX, LOCK_UN } from '../../kernel/vfs/locks.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import type { OpenFile } from '../../kernel/vfs/file.js';

const fakeKernel = {
  vfs: {
    resolve: (p: string) => ({ guest: p === '/lib64/ld.so' ? '/usr/lib/ld.so' : p, st: { dev: 0xfe00, ino: 1234 } }),
  },
} as unknown as Kernel;

const proc = (vmas: object[]) => ({ mem: { vmas }, rlimits: new Map(), fds: { limit: 1024 } }) as unknown as Process;

describe('procfs text', () => {
  it('maps lines are padded to column 73 and name the canonical path', () => {
    const p = proc([
      { start: 0x400000, end: 0x401000, prot: 5, flags: 2, name: '/lib64/ld.so', offset: 0x1000 },
      { start: 0x7ffff7000000, end: 0x7ffff7001000, prot: 3, flags: 0x22, name: '', offset: 0 },
      { start: 0x7ffffffde000, end: 0x7ffffffff000, prot: 3, flags: 0x122, name: '[stack]', offset: 0 },
    ]);
    const lines = T.maps(fakeKernel, p).split('\n');
    expect(lines[0]).toBe('00400000-00401000 r-xp 00001000 fe:00 1234 '.padEnd(73) + '/usr/lib/ld.so');
    expect(lines[0].indexOf('/usr')).toBe(73);
    expect(lines[1]).toBe('7ffff7000000-7ffff7001000 rw-p 00000000 00:00 0 ');
    expect(lines[2].endsWith(' [stack]')).toBe(true);
    expect(lines[2].indexOf('[stack]')).toBe(73);
  });

  it('limits has the kernel header and column widths', () => {
    const l = T.limits(proc([])).split('\n');
    expect(l[0]).toBe('Limit                     Soft Limit           Hard Limit           Units     ');
    expect(l[1]).toBe('Max cpu time              unlimited            unlimited            seconds   ');
    expect(l[8]).toBe('Max open files            1024                 1048576              files     ');
  });
});

describe('record locks', () => {
  it('split, merge and conflict as POSIX says', () => {
    const key = 'test:1';
    const alive = () => true;
    setLock(key, 1, F_RDLCK, 0, 99);
    setLock(key, 1, F_WRLCK, 40, 59);
    expect(conflict(key, 2, F_RDLCK, 0, 39, alive)).toBeNull();
    expect(conflict(key, 2, F_RDLCK, 50, 50, alive)).toMatchObject({ type: F_WRLCK, start: 40, end: 59 });
    expect(conflict(key, 2, F_WRLCK, 90, 95, alive)).toMatchObject({ type: F_RDLCK, start: 60, end: 99 });
    expect(conflict(key, 1, F_WRLCK, 0, Infinity, alive)).toBeNull(); // own locks never conflict
    setLock(key, 1, F_RDLCK, 40, 59); // back to one read lock 0..99
    expect(conflict(key, 2, F_WRLCK, 99, 99, alive)).toMatchObject({ start: 0, end: 99 });
    setLock(key, 1, F_UNLCK, 10, 19);
    expect(conflict(key, 2, F_WRLCK, 10, 19, alive)).toBeNull();
    expect(conflict(key, 2, F_WRLCK, 5, 10, alive)).toMatchObject({ start: 0, end: 9 });
    expect(conflict(key, 2, F_WRLCK, 5, 10, (pid) => pid !== 1)).toBeNull(); // owner gone
    releaseAll(key, 1);
    expect(conflict(key, 2, F_WRLCK, 0, Infinity, alive)).toBeNull();
  });

  it('flock: shared locks coexist, exclusive ones exclude, release frees', () => {
    const hooks: (() => void)[] = [];
    const f = (): OpenFile => ({ onRelease: (h: () => void) => hooks.push(h) }) as unknown as OpenFile;
    const a = f(), b = f();
    expect(tryFlock('k:2', a, LOCK_SH)).toBe(true);
    expect(tryFlock('k:2', b, LOCK_SH)).toBe(true);
    expect(tryFlock('k:2', b, LOCK_EX)).toBe(false);
    expect(tryFlock('k:2', a, LOCK_UN)).toBe(true);
    expect(tryFlock('k:2', b, LOCK_EX)).toBe(true);
    expect(tryFlock('k:2', a, LOCK_SH)).toBe(false);
    for (const h of hooks) h();
    expect(tryFlock('k:2', a, LOCK_EX)).toBe(true);
  });
});
