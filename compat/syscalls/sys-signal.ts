/**
 * Signals, as far as the foundation goes: dispositions and masks are recorded (rt_sigaction,
 * rt_sigprocmask, sigaltstack), and kill/tgkill/tkill apply a signal's default action (terminate,
 * core, ignore). Delivery to guest handlers with signal frames is the process issue's work.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import { NSIG } from '../../kernel/process.js';
import { StructBuf } from '../structs.js';

const SIGKILL = 9, SIGSTOP = 19;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

sys('rt_sigaction', ['signal', 'ptr', 'ptr', 'size'], (k, t, a) => {
  const sig = a.int(0);
  if (a.u64(3) !== 8) return -E.EINVAL;
  if (sig < 1 || sig > NSIG) return -E.EINVAL;
  const act = t.proc.sigactions[sig];
  if (a.ptr(2)) {
    const b = new StructBuf(32).u64(0, act.handler).u64(8, act.flags).u64(16, act.restorer);
    b.i32(24, act.maskLo).i32(28, act.maskHi);
    t.proc.mem.writeBytes(a.ptr(2), b.bytes);
  }
  if (a.ptr(1)) {
    if (sig === SIGKILL || sig === SIGSTOP) return -E.EINVAL;
    const m = t.proc.mem;
    const p = a.ptr(1);
    act.handler = m.readU64(p);
    act.flags = m.read32(p + 8) >>> 0;
    act.restorer = m.readU64(p + 16);
    act.maskLo = m.read32(p + 24);
    act.maskHi = m.read32(p + 28);
  }
  return 0;
}, { status: 'partial', note: 'recorded; handlers are not yet called (the process issue)' });

sys('rt_sigprocmask', ['int', 'ptr', 'ptr', 'size'], (k, t, a) => {
  if (a.u64(3) !== 8) return -E.EINVAL;
  const how = a.int(0);
  const m = t.proc.mem;
  const oldLo = t.sigmaskLo, oldHi = t.sigmaskHi;
  if (a.ptr(1)) {
    const lo = m.read32(a.ptr(1));
    const hi = m.read32(a.ptr(1) + 4);
    if (how === SIG_BLOCK) {
      t.sigmaskLo |= lo;
      t.sigmaskHi |= hi;
    } else if (how === SIG_UNBLOCK) {
      t.sigmaskLo &= ~lo;
      t.sigmaskHi &= ~hi;
    } else if (how === SIG_SETMASK) {
      t.sigmaskLo = lo;
      t.sigmaskHi = hi;
    } else return -E.EINVAL;
    // SIGKILL and SIGSTOP cannot be blocked.
    t.sigmaskLo &= ~((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)));
  }
  if (a.ptr(2)) m.writeBytes(a.ptr(2), new StructBuf(8).i32(0, oldLo).i32(4, oldHi).bytes);
  return 0;
});

sys('sigaltstack', ['ptr', 'ptr'], (k, t, a) => {
  const m = t.proc.mem;
  if (a.ptr(1)) {
    const b = new StructBuf(24).u64(0, t.altStack.sp).i32(8, t.altStack.flags).u64(16, t.altStack.size);
    m.writeBytes(a.ptr(1), b.bytes);
  }
  if (a.ptr(0)) {
    const flags = m.read32(a.ptr(0) + 8);
    if (flags & ~(2 | 0x80000000)) return -E.EINVAL;
    const size = m.readU64(a.ptr(0) + 16);
    if (!(flags & 2) && size < 2048) return -E.ENOMEM;
    t.altStack = { sp: m.readU64(a.ptr(0)), flags: flags & 2, size };
  }
  return 0;
});

function sendTo(pid: number, sig: number, k: Parameters<Parameters<typeof sys>[2]>[0]): number {
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  const p = k.procs.get(pid);
  if (!p) return -E.ESRCH;
  return k.signalProcess(p, sig);
}

sys('kill', ['int', 'signal'], (k, t, a) => {
  const pid = a.int(0);
  return sendTo(pid === 0 || pid === -1 ? t.proc.pid : pid < 0 ? -pid : pid, a.int(1), k);
}, { status: 'partial', note: 'default actions only' });

sys('tgkill', ['int', 'int', 'signal'], (k, t, a) => {
  const p = k.procs.get(a.int(0));
  if (!p || !p.tasks.some((x) => x.tid === a.int(1))) return -E.ESRCH;
  return sendTo(a.int(0), a.int(2), k);
}, { status: 'partial', note: 'default actions only' });

sys('tkill', ['int', 'signal'], (k, t, a) => {
  for (const p of k.procs.values()) if (p.tasks.some((x) => x.tid === a.int(0))) return sendTo(p.pid, a.int(1), k);
  return -E.ESRCH;
}, { status: 'partial', note: 'default actions only' });
