/**
 * The syscall table as data: one row per x86-64 syscall number with its name, handler, argument
 * kinds (for strace) and support status. The same rows drive dispatch, `--strace` and
 * `rustos syscalls`. Handler families call `sys(...)` to fill their rows; every number without a
 * handler answers -ENOSYS, visibly, under --strace.
 */

import type { Kernel, SyscallResult } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/process.js';
import { SysArgs } from './args.js';
import { SYSCALL_NAMES } from './names.js';

export type Handler = (k: Kernel, t: Task, a: SysArgs) => SyscallResult;

/**
 * Argument kinds for strace: how to print each register. `buf:in:N` is a buffer whose length is
 * argument N (printed before the call), `buf:out` one filled by the call (length = the result).
 */
export type ArgKind =
  | 'int' | 'uint' | 'fd' | 'atfd' | 'hex' | 'ptr' | 'path' | 'size' | 'off' | 'oflags' | 'mode'
  | 'buf:in:2' | 'buf:out' | 'prot' | 'mmapflags' | 'signal' | 'whence' | 'clockid' | 'ioctl'
  | 'fcntl' | 'iov:in' | 'iov:out' | 'struct' | 'atflags' | 'str';

export type Status = 'supported' | 'partial' | 'enosys';

export interface SyscallRow {
  nr: number;
  name: string;
  fn: Handler | null;
  args: ArgKind[];
  /** How strace shows the result: 'int' (default), 'hex' (addresses) or 'fd'. */
  ret: 'int' | 'hex';
  status: Status;
  note: string;
}

const NUMBERS = new Map<string, number>(Object.entries(SYSCALL_NAMES).map(([nr, name]) => [name, Number(nr)]));

export const TABLE: SyscallRow[] = [];
for (const [nr, name] of Object.entries(SYSCALL_NAMES)) {
  TABLE[Number(nr)] = { nr: Number(nr), name, fn: null, args: [], ret: 'int', status: 'enosys', note: '' };
}

export interface SysOptions {
  ret?: 'int' | 'hex';
  status?: Status;
  note?: string;
}

/** Declares the handler of syscall `name`. */
export function sys(name: string, args: ArgKind[], fn: Handler, o: SysOptions = {}): void {
  const nr = NUMBERS.get(name);
  if (nr === undefined) throw new Error(`unknown syscall ${name}`);
  const row = TABLE[nr];
  if (row.fn) throw new Error(`syscall ${name} defined twice`);
  row.fn = fn;
  row.args = args;
  row.ret = o.ret ?? 'int';
  row.status = o.status ?? 'supported';
  row.note = o.note ?? '';
}

/** Declares that `name` deliberately answers ENOSYS (shown with a note by `rustos syscalls`). */
export function noSys(name: string, note: string, args: ArgKind[] = []): void {
  const nr = NUMBERS.get(name);
  if (nr === undefined) throw new Error(`unknown syscall ${name}`);
  TABLE[nr].note = note;
  TABLE[nr].args = args;
}
