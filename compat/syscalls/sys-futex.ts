/**
 * futex(2) and the robust-list calls: the primitives glibc's pthreads are built on.
 */

import { sys } from './registry.js';
import { E } from '../errno.js';
import { futexWait, futexWake, futexRequeue, futexKey } from '../../kernel/futex.js';
import { readTimespec, StructBuf } from '../structs.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5;
const FUTEX_LOCK_PI = 6, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const INT_MAX = 0x7fffffff;

sys('futex', ['ptr', 'int', 'int', 'ptr', 'ptr', 'int'], (k, t, a) => {
  const addr = a.ptr(0);
  const op = a.int(1);
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const val = a.int(2);
  const mem = t.proc.mem;
  const priv = (op & FUTEX_PRIVATE_FLAG) !== 0;
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      let ms: number | null = null;
      if (a.ptr(3)) {
        const [s, ns] = readTimespec(mem, a.ptr(3));
        if (s < 0 || ns < 0 || ns >= 1e9) return -E.EINVAL;
        ms = s * 1000 + ns / 1e6;
        if (cmd === FUTEX_WAIT_BITSET) {
          // Absolute time on CLOCK_MONOTONIC (or REALTIME with the flag).
          const now = op & FUTEX_CLOCK_REALTIME ? k.host.realtime() : [Math.floor(k.host.monotonicNs() / 1e9), k.host.monotonicNs() % 1e9];
          ms -= now[0] * 1000 + now[1] / 1e6;
        }
      }
      const bitset = cmd === FUTEX_WAIT_BITSET ? a.int(5) : -1;
      return futexWait(k, t, addr, priv, val, bitset, ms);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = cmd === FUTEX_WAKE_BITSET ? a.int(5) : -1;
      if (bitset === 0) return -E.EINVAL;
      return futexWake(futexKey(mem, addr, priv), val <= 0 ? 0 : val, bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      if (cmd === FUTEX_CMP_REQUEUE && (mem.read32(addr) | 0) !== a.int(5)) return -E.EAGAIN;
      const n2 = Number(a.u64(3) % 2 ** 32) | 0;
      return futexRequeue(futexKey(mem, addr, priv), val, n2 < 0 ? INT_MAX : n2, futexKey(mem, a.ptr(4), priv));
    }
    case FUTEX_WAKE_OP: {
      const addr2 = a.ptr(4);
      const enc = a.int(5);
      const opKind = (enc >>> 28) & 7, cmp = (enc >>> 24) & 15;
      let oparg = (enc << 8) >> 20; // sign-extended 12 bits
      const cmparg = (enc << 20) >> 20;
      if ((enc >>> 28) & 8) oparg = 1 << (oparg & 31);
      const old = mem.read32(addr2) | 0;
      const ops = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg];
      if (opKind > 4) return -E.ENOSYS;
      mem.write32(addr2, ops[opKind] | 0);
      let n = futexWake(futexKey(mem, addr, priv), val);
      const tests = [old === cmparg, old !== cmparg, old < cmparg, old <= cmparg, old > cmparg, old >= cmparg];
      if (cmp > 5) return -E.ENOSYS;
      if (tests[cmp]) n += futexWake(futexKey(mem, addr2, priv), Number(a.u64(3) % 2 ** 32) | 0);
      return n;
    }
    case FUTEX_LOCK_PI:
    case FUTEX_WAIT_REQUEUE_PI:
    default:
      return -E.ENOSYS;
  }
}, { status: 'partial', note: 'WAIT, WAKE, (CMP_)REQUEUE, WAKE_OP, *_BITSET; PI futexes are ENOSYS' });

sys('get_robust_list', ['int', 'ptr', 'ptr'], (k, t, a) => {
  const pid = a.int(0);
  let x = t;
  if (pid !== 0) {
    const found = [...k.procs.values()].flatMap((p) => p.tasks).find((y) => y.tid === pid);
    if (!found) return -E.ESRCH;
    x = found;
  }
  t.proc.mem.writeBytes(a.ptr(1), new StructBuf(8).u64(0, x.robustList).bytes);
  t.proc.mem.writeBytes(a.ptr(2), new StructBuf(8).u64(0, 24).bytes);
  return 0;
});
