/**
 * A process's file descriptor table: small integers mapped to open file descriptions, each slot
 * with its own close-on-exec flag. Descriptions are shared by dup and fork and released when the
 * last descriptor goes (reference counts live on the description).
 */

import { OpenFile } from './vfs/file.js';
import { E } from '../compat/errno.js';

export interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

const refs = new WeakMap<OpenFile, number>();

function ref(f: OpenFile): void {
  refs.set(f, (refs.get(f) ?? 0) + 1);
}

function unref(f: OpenFile): void {
  const n = (refs.get(f) ?? 1) - 1;
  refs.set(f, n);
  if (n === 0) f.release();
}

/** Keeps a description open without a descriptor (a file mapping's vm_file, as Linux holds it). */
export const holdFile = ref;
/** Lets go of a holdFile reference; the description is released when nothing refers to it. */
export const dropFile = unref;

export class FdTable {
  private slots: (FdEntry | undefined)[] = [];
  /** RLIMIT_NOFILE soft limit. */
  limit = 1024;

  get(fd: number): OpenFile | undefined {
    return fd >= 0 ? this.slots[fd]?.file : undefined;
  }

  entry(fd: number): FdEntry | undefined {
    return fd >= 0 ? this.slots[fd] : undefined;
  }

  /** Installs file at the lowest free descriptor >= min; -EMFILE if none. */
  alloc(file: OpenFile, cloexec: boolean, min = 0): number {
    for (let fd = min; fd < this.limit; fd++) {
      if (this.slots[fd] === undefined) {
        this.slots[fd] = { file, cloexec };
        ref(file);
        return fd;
      }
    }
    return -E.EMFILE;
  }

  /** Installs file at exactly fd, closing what was there (dup2). */
  install(fd: number, file: OpenFile, cloexec: boolean): number {
    if (fd < 0 || fd >= this.limit) return -E.EBADF;
    ref(file);
    const old = this.slots[fd];
    this.slots[fd] = { file, cloexec };
    if (old) unref(old.file);
    return fd;
  }

  close(fd: number): number {
    const e = this.entry(fd);
    if (!e) return -E.EBADF;
    this.slots[fd] = undefined;
    unref(e.file);
    return 0;
  }

  /** A copy sharing every description (fork). */
  clone(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    this.slots.forEach((e, fd) => {
      if (e) {
        t.slots[fd] = { ...e };
        ref(e.file);
      }
    });
    return t;
  }

  closeOnExec(): void {
    this.slots.forEach((e, fd) => {
      if (e?.cloexec) this.close(fd);
    });
  }

  closeAll(): void {
    this.slots.forEach((e, fd) => {
      if (e) this.close(fd);
    });
  }

  /** Open descriptor numbers, ascending (for /proc/PID/fd and close_range). */
  list(): number[] {
    const out: number[] = [];
    this.slots.forEach((e, fd) => e && out.push(fd));
    return out;
  }
}
