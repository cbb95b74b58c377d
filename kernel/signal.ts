/**
 * Signal delivery, as Linux does it on x86-64: picking a deliverable signal, the default actions,
 * and the user-stack signal frame (struct rt_sigframe: return address, ucontext with the saved
 * registers and signal mask, siginfo, and the FXSAVE image of the FPU/SSE state) that a handler
 * runs on and rt_sigreturn restores from.
 */

import type { Cpu } from './cpu/state.js';
import { getFlags, setFlags } from './cpu/flags.js';
import { x87ToFxsave, x87FromFxsave } from './cpu/x87-state.js';
import type { Task, SigAction } from './process.js';
import { SIG_DFL, SIG_IGN } from './process.js';
import { getSp, setSp } from './cpu/operands.js';
import { features, F1C } from './cpu/cpuid.js';
import { xsaveImage, xrstorImage, XCR0, XSAVE_SIZE } from './cpu/ops/xsave.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8;
export const SIGKILL = 9, SIGSEGV = 11, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18;
export const SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGWINCH = 28, SIGSYS = 31;

export const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_RESTORER = 0x04000000;
export const SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;

export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6, SI_QUEUE = -1;

/** The parts of siginfo we fill in (kill: pid/uid; faults: addr; SIGCHLD: pid/uid/status). */
export interface SigInfo {
  signo: number;
  code: number;
  errno?: number;
  pid?: number;
  uid?: number;
  addr?: number;
  status?: number;
  /** x86 trap number and error code for the sigcontext of a fault. */
  trapno?: number;
}

export const DEFAULT_IGNORE = new Set([SIGCHLD, SIGCONT, SIGURG, SIGWINCH]);
export const DEFAULT_STOP = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);
export const DEFAULT_CORE = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, 24, 25, SIGSYS]);

export function bit(sig: number): [number, number] {
  return sig <= 32 ? [1 << (sig - 1), 0] : [0, 1 << (sig - 33)];
}

export function isBlocked(t: Task, sig: number): boolean {
  if (sig === SIGKILL || sig === SIGSTOP) return false;
  const [lo, hi] = bit(sig);
  return (t.sigmaskLo & lo) !== 0 || (t.sigmaskHi & hi) !== 0;
}

/** Whether sending sig to a process with this disposition would have no effect at all. */
export function isIgnored(act: SigAction, sig: number): boolean {
  return act.handler === SIG_IGN || (act.handler === SIG_DFL && DEFAULT_IGNORE.has(sig));
}

const FRAME_SIZE = 8 + 304 + 128; // pretcode + kernel ucontext + siginfo
const UC = 8;
const MC = UC + 40; // uc_mcontext inside the frame
const SIGMASK = UC + 296;
const INFO = 8 + 304;
const UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
/** Order of the general registers in struct sigcontext (r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp). */
const MC_REGS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];
const MXCSR_MASK = 0xffff;

class Buf {
  readonly b: Uint8Array;
  readonly dv: DataView;
  constructor(n: number) {
    this.b = new Uint8Array(n);
    this.dv = new DataView(this.b.buffer);
  }
  u64(off: number, v: number): void {
    const hi = Math.floor(v / 4294967296);
    this.dv.setUint32(off, (v - hi * 4294967296) >>> 0, true);
    this.dv.setInt32(off + 4, hi | 0, true);
  }
  get64(off: number): number {
    return this.dv.getUint32(off + 4, true) * 4294967296 + this.dv.getUint32(off, true);
  }
}

/** Linux's XSAVE signal-frame markers (arch/x86/include/uapi/asm/sigcontext.h). */
const FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2 = 0x46505845, UC_FP_XSTATE = 1;

/** Signal frames use the XSAVE layout when the CPU reports OSXSAVE (as Linux does with XSAVE on). */
const xsaveFrames = (): boolean => (features.leaf1Ecx & F1C.OSXSAVE) !== 0;

/**
 * The frame's fpstate: the FXSAVE image of the FPU and SSE state, or (XSAVE enabled) the XSAVE
 * image with the AVX state, its software-reserved bytes 464.. describing it (magic1, extended
 * size, xfeatures, xstate size) and FP_XSTATE_MAGIC2 after it, as Linux writes it.
 */
export function fpuImage(c: Cpu): Uint8Array {
  if (xsaveFrames()) {
    const img = new Uint8Array(XSAVE_SIZE + 4);
    xsaveImage(c, img, XCR0);
    const dv = new DataView(img.buffer);
    dv.setUint32(464, FP_XSTATE_MAGIC1, true);
    dv.setUint32(468, XSAVE_SIZE + 4, true);
    dv.setUint32(472, XCR0, true);
    dv.setUint32(480, XSAVE_SIZE, true);
    dv.setUint32(XSAVE_SIZE, FP_XSTATE_MAGIC2, true);
    return img;
  }
  const img = new Uint8Array(512);
  x87ToFxsave(c, img);
  const dv = new DataView(img.buffer);
  dv.setUint32(24, c.mxcsr, true);
  dv.setUint32(28, MXCSR_MASK, true);
  img.set(c.X8.subarray(0, 256), 160);
  return img;
}

export function restoreFpu(c: Cpu, img: Uint8Array): void {
  x87FromFxsave(c, img);
  c.mxcsr = new DataView(img.buffer, img.byteOffset).getUint32(24, true) & MXCSR_MASK;
  c.X8.set(img.subarray(160, 416), 0);
}

/** Restores the fpstate at fp: the XSAVE image if its markers are intact, else the FXSAVE part. */
function restoreFrameFpu(c: Cpu, mem: Task['proc']['mem'], fp: number): void {
  const img = mem.readBytes(fp, 512);
  const dv = new DataView(img.buffer, img.byteOffset);
  if (xsaveFrames() && dv.getUint32(464, true) === FP_XSTATE_MAGIC1 && dv.getUint32(480, true) === XSAVE_SIZE) {
    const x = mem.readBytes(fp, XSAVE_SIZE + 4);
    const xv = new DataView(x.buffer, x.byteOffset);
    if (xv.getUint32(XSAVE_SIZE, true) === FP_XSTATE_MAGIC2) {
      const xf = dv.getUint32(472, true) & XCR0;
      xrstorImage(c, x, xf | 3);
      c.mxcsr &= MXCSR_MASK;
      return;
    }
  }
  restoreFpu(c, img);
  // A legacy (FXSAVE-only) frame: the AVX state is reset, as the kernel's fxrstor path does.
  if (xsaveFrames()) c.X8.fill(0, 256, 512);
}

function writeInfo(f: Buf, off: number, info: SigInfo): void {
  f.dv.setInt32(off, info.signo, true);
  f.dv.setInt32(off + 4, info.errno ?? 0, true);
  f.dv.setInt32(off + 8, info.code, true);
  if (info.addr !== undefined) f.u64(off + 16, info.addr);
  else if (info.pid !== undefined) {
    f.dv.setInt32(off + 16, info.pid, true);
    f.dv.setInt32(off + 20, info.uid ?? 0, true);
    if (info.status !== undefined) f.dv.setInt32(off + 24, info.status, true);
  }
}

/** siginfo as 128 bytes (for signalfd/sigtimedwait callers too). */
export function infoBytes(info: SigInfo): Uint8Array {
  const f = new Buf(128);
  writeInfo(f, 0, info);
  return f.b;
}

function onAltStack(t: Task, sp: number): boolean {
  const a = t.altStack;
  return !(a.flags & SS_DISABLE) && sp > a.sp && sp <= a.sp + a.size;
}

/**
 * Builds the signal frame for a handler on the core's current state (the task is on the core)
 * and points the CPU at the handler. The mask saved in the frame is `oldMask`.
 */
export function setupFrame(c: Cpu, t: Task, act: SigAction, info: SigInfo, oldLo: number, oldHi: number): void {
  const mem = t.proc.mem;
  const rsp = getSp(c);
  let sp = rsp - 128; // the red zone below the interrupted code's stack pointer
  const wasOnAlt = onAltStack(t, rsp);
  if (act.flags & SA_ONSTACK && !(t.altStack.flags & SS_DISABLE) && !wasOnAlt) sp = t.altStack.sp + t.altStack.size;
  const fpImg = fpuImage(c);
  const fpAddr = Math.floor((sp - fpImg.length) / 64) * 64;
  const frame = Math.floor((fpAddr - FRAME_SIZE) / 16) * 16 - 8;
  const f = new Buf(FRAME_SIZE);
  f.u64(0, act.restorer);
  f.u64(UC, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpImg.length > 512 ? UC_FP_XSTATE : 0));
  f.u64(UC + 16, t.altStack.sp);
  f.dv.setInt32(UC + 24, t.altStack.flags & SS_DISABLE ? SS_DISABLE : wasOnAlt ? SS_ONSTACK : 0, true);
  f.u64(UC + 32, t.altStack.size);
  const R = c.R;
  MC_REGS.forEach((r, k) => {
    f.dv.setInt32(MC + 8 * k, R[2 * r], true);
    f.dv.setInt32(MC + 8 * k + 4, R[2 * r + 1], true);
  });
  f.u64(MC + 128, c.rip);
  f.u64(MC + 136, getFlags(c));
  f.dv.setUint16(MC + 144, 0x33, true); // cs
  f.dv.setUint16(MC + 150, 0x2b, true); // ss
  f.u64(MC + 160, info.trapno ?? 0);
  f.u64(MC + 168, oldLo >>> 0);
  f.u64(MC + 176, info.trapno === 14 ? info.addr ?? 0 : 0);
  f.u64(MC + 184, fpAddr);
  f.dv.setInt32(SIGMASK, oldLo, true);
  f.dv.setInt32(SIGMASK + 4, oldHi, true);
  writeInfo(f, INFO, info);
  // Both writes can fault (a bad or exhausted stack): the caller turns that into SIGSEGV.
  mem.writeBytes(fpAddr, fpImg);
  mem.writeBytes(frame, f.b);
  if (act.flags & SS_AUTODISARM) t.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
  // Enter the handler: rdi = signo, rsi = &info, rdx = &uc, rax = 0, a fresh FPU state.
  c.setU64(7, info.signo);
  c.setU64(6, frame + INFO);
  c.setU64(2, frame + UC);
  c.setU64(0, 0);
  setSp(c, frame);
  c.rip = act.handler;
  setFlags(c, getFlags(c) & ~(0x400 | 0x100)); // DF and TF cleared
  c.x87.reset();
  c.mxcsr = 0x1f80;
  if (xsaveFrames()) c.X8.fill(0, 256, 512); // the AVX state starts in its init state too
}

/** rt_sigreturn: restores registers, FPU state, mask and alternate stack from the frame at rsp-8. */
export function sigreturn(c: Cpu, t: Task): void {
  const mem = t.proc.mem;
  const frame = getSp(c) - 8;
  const f = new Buf(FRAME_SIZE);
  mem.readInto(frame, f.b);
  const R = c.R;
  MC_REGS.forEach((r, k) => {
    R[2 * r] = f.dv.getInt32(MC + 8 * k, true);
    R[2 * r + 1] = f.dv.getInt32(MC + 8 * k + 4, true);
  });
  c.rip = f.get64(MC + 128);
  const flags = f.dv.getUint32(MC + 136, true);
  setFlags(c, (getFlags(c) & ~0x254dd5) | (flags & 0x254dd5)); // FIX_EFLAGS: only user-modifiable bits
  const fp = f.get64(MC + 184);
  if (fp !== 0) restoreFrameFpu(c, mem, fp);
  t.sigmaskLo = f.dv.getInt32(SIGMASK, true) & ~((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)));
  t.sigmaskHi = f.dv.getInt32(SIGMASK + 4, true);
  // restore_altstack: like sigaltstack(2), which refuses while running on the alternate stack.
  if (!onAltStack(t, getSp(c))) {
    const ssFlags = f.dv.getInt32(UC + 24, true);
    const size = f.get64(UC + 32);
    if (ssFlags & SS_DISABLE) t.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
    else if (size >= 2048) t.altStack = { sp: f.get64(UC + 16), flags: ssFlags & SS_AUTODISARM, size };
  }
}
