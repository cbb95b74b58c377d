/**
 * execve: turning a file into a process image. Scripts starting with "#!" run their interpreter
 * (Linux's binfmt_script: one optional argument, the script path in place of argv[0]'s slot,
 * at most 4 levels); ELF files are loaded into a fresh address space, and only when loading has
 * succeeded does the process let go of its old image (so a failed execve returns an error to a
 * still-intact program).
 */

import { noteRss } from './cputime.js';
import type { Kernel } from './kernel.js';
import { Process, Task, SIG_DFL } from './process.js';
import { AddressSpace } from './mm/aspace.js';
import { loadElf, LoadedImage, type ImageFile } from './loader/load.js';
import { ExecFormatError } from './loader/elf.js';
import { features } from './cpu/cpuid.js';
import { E } from '../compat/errno.js';
import { SS_DISABLE } from './signal.js';

const MAX_SCRIPT_DEPTH = 4;
const BINPRM_BUF = 256;

export interface Prepared {
  mem: AddressSpace;
  img: LoadedImage;
  /** The guest path of the program finally loaded (the interpreter for a script). */
  guest: string;
  argv: Uint8Array[];
  envp: Uint8Array[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Parses a "#!" line: [interpreter, optional argument], or null when it isn't one. */
function shebang(data: Uint8Array): [string, string | null] | null {
  if (data.length < 2 || data[0] !== 0x23 || data[1] !== 0x21) return null;
  let end = data.indexOf(0x0a);
  if (end < 0) end = Math.min(data.length, BINPRM_BUF);
  const line = dec.decode(data.subarray(2, end)).replace(/[ \t]+$/, '').replace(/^[ \t]+/, '');
  if (line.length === 0) return null;
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return [m[1], m[2] !== undefined && m[2].length > 0 ? m[2] : null];
}

/**
 * Loads `path` for execution in a new address space. Returns -errno (ENOENT, EACCES, ENOEXEC,
 * ELOOP...) or the prepared image; nothing of the calling process has changed either way.
 */
export function prepareExec(k: Kernel, path: string, argv: Uint8Array[], envp: Uint8Array[], cwd: string, proc: Process | null, depth = 0): Prepared | number {
  const opened = k.openImage(path, cwd, proc);
  if (typeof opened === 'number') return opened;
  try {
    return prepareOpened(k, opened.file, opened.guest, path, argv, envp, cwd, proc, depth);
  } finally {
    opened.close();
  }
}

function prepareOpened(k: Kernel, file: ImageFile, guest: string, path: string, argv: Uint8Array[], envp: Uint8Array[], cwd: string, proc: Process | null, depth: number): Prepared | number {
  const sb = shebang(file.head);
  if (sb) {
    if (depth >= MAX_SCRIPT_DEPTH) return -E.ELOOP;
    const [interp, arg] = sb;
    const args = [enc.encode(interp), ...(arg ? [enc.encode(arg)] : []), enc.encode(path), ...argv.slice(1)];
    return prepareExec(k, interp, args, envp, cwd, proc, depth + 1);
  }
  const mem = new AddressSpace(k.phys);
  const random16 = new Uint8Array(16);
  k.host.randomBytes(random16);
  const opened: (() => void)[] = [];
  try {
    const img = loadElf(mem, file, {
      argv, envp,
      execfn: enc.encode(path),
      path: guest,
      uid: k.host.uid,
      gid: k.host.gid,
      hwcap: features.leaf1Edx,
      random16,
      openFile: (p) => {
        const f = k.openImage(p, '/', proc);
        if (typeof f === 'number') return f;
        opened.push(f.close);
        return f.file;
      },
    });
    return { mem, img, guest, argv, envp };
  } catch (e) {
    mem.destroy();
    if (e instanceof ExecFormatError) {
      k.lastExecError = e.message;
      return -E.ENOEXEC;
    }
    throw e;
  } finally {
    for (const close of opened) close();
  }
}

/** Sets a task's saved registers to the fresh state a new image starts with. */
export function initialRegs(t: Task, img: LoadedImage): void {
  const r = t.regs;
  r.bytes.fill(0);
  const dv = new DataView(r.bytes.buffer);
  dv.setUint32(4 * 8, img.sp % 4294967296, true);
  dv.setUint32(4 * 8 + 4, Math.floor(img.sp / 4294967296), true);
  r.rip = img.entry;
  r.eflags = 0x202;
  r.fsBase = 0;
  r.gsBase = 0;
  r.mxcsr = 0x1f80;
  r.x87.reset();
}

/** Replaces p's image with a prepared one (the point of no return of execve). */
export function commitExec(k: Kernel, p: Process, t: Task, prep: Prepared): void {
  noteRss(p); // ru_maxrss spans the exec
  p.setMem(prep.mem);
  p.exe = prep.guest;
  p.comm = prep.guest.slice(prep.guest.lastIndexOf('/') + 1).slice(0, 15);
  p.argv = prep.argv;
  p.envp = prep.envp;
  p.auxv = prep.img.auxv;
  p.fds.closeOnExec();
  // Caught signals go back to their default action; ignored ones stay ignored.
  for (const a of p.sigactions) {
    if (a.handler > 1) {
      a.handler = SIG_DFL;
      a.flags = 0;
      a.maskLo = a.maskHi = 0;
      a.restorer = 0;
    }
  }
  // Other threads of the process end (de_thread), with their CPU timers; POSIX timers are
  // deleted (exit_itimers); the itimers and the process CPU timers carry over.
  for (const x of p.tasks) if (x !== t) x.state = 2;
  p.tasks = [t];
  for (const tm of p.cpuTimers) if (tm.task && tm.task !== t) p.cpuTimers.delete(tm);
  for (const tm of p.posixTimers.values()) tm.disarm();
  p.posixTimers.clear();
  t.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
  t.clearChildTid = 0;
  t.robustList = 0;
  initialRegs(t, prep.img);
  k.forgetCore(t);
  k.releaseVfork(p);
}
