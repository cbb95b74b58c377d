/**
 * Job control around terminals, as Linux's tty_jobctrl.c: which terminal is a session's
 * controlling terminal, who may read, write or change a terminal (a background process group
 * gets SIGTTIN/SIGTTOU, or EIO when it is orphaned or ignores the signal), TIOCSPGRP's rules,
 * disassociation (TIOCNOTTY, a session leader's exit) and hangup. Orphaned process groups are
 * lifecycle.ts's (stop signals do nothing to them; one orphaned with stopped members gets SIGHUP
 * and SIGCONT).
 */

import type { Kernel } from '../kernel.js';
import type { Process, Task } from '../process.js';
import { SIG_IGN } from '../process.js';
import { isBlocked, SIGHUP, SIGCONT, SIGTTIN } from '../signal.js';
import type { Tty } from './tty.js';
import { E } from '../../compat/errno.js';
import { willBecomeOrphaned } from '../lifecycle.js';
import { ERESTARTSYS } from '../kernel.js';

/** Whether process group pgid is orphaned (lifecycle.ts's will_become_orphaned_pgrp). */
export function isOrphanedPgrp(k: Kernel, pgid: number, ignore: Process | null = null): boolean {
  return willBecomeOrphaned(k, pgid, ignore);
}

/**
 * Whether t may go on with an operation on tty that a background process must not do
 * (__tty_check_change): 0 to go on, -ERESTARTSYS after stopping its group with `sig`, -EIO.
 * Reads ask with SIGTTIN; writes under TOSTOP and attribute changes with SIGTTOU, which a
 * process ignoring or blocking it may bypass.
 */
export function ttyCheck(k: Kernel, t: Task, tty: Tty, sig: number): number {
  const p = t.proc;
  if (p.ctty !== tty) return 0;
  if (!tty.pgrp || p.pgid === tty.pgrp) return 0;
  if (isBlocked(t, sig) || p.sigactions[sig].handler === SIG_IGN) return sig === SIGTTIN ? -E.EIO : 0;
  if (isOrphanedPgrp(k, p.pgid)) return -E.EIO;
  k.signalGroup(p.pgid, sig);
  return -ERESTARTSYS;
}

/** A session leader's terminal becomes its session's controlling terminal, its group in front. */
export function setCtty(p: Process, tty: Tty): void {
  tty.sid = p.sid;
  tty.pgrp = p.pgid;
  p.ctty = tty;
}

/** No process of session sid has a controlling terminal any more. */
function sessionClearTty(k: Kernel, sid: number): void {
  for (const q of k.procs.values()) if (q.sid === sid) q.ctty = null;
}

/**
 * Opening a terminal (not /dev/tty, not a pty master, no O_NOCTTY) makes it the controlling
 * terminal of a session leader that has none, if no session has it (tty_open_proc_set_tty).
 * An exclusive terminal (TIOCEXCL) refuses opens, except to root.
 */
export function ttyOpen(k: Kernel, p: Process, tty: Tty, noctty: boolean): number {
  if (tty.exclusive && k.host.uid !== 0) return -E.EBUSY;
  if (!noctty && p.pid === p.sid && !p.ctty && tty.sid === 0) setCtty(p, tty);
  return 0;
}

/** TIOCSCTTY: a session leader without a controlling terminal takes this one. */
export function ttySetCtty(k: Kernel, p: Process, tty: Tty, steal: boolean, readable: boolean): number {
  if (p.pid === p.sid && tty.sid === p.sid) return 0;
  if (p.pid !== p.sid || p.ctty) return -E.EPERM;
  const root = k.host.uid === 0;
  if (tty.sid) {
    if (!(steal && root)) return -E.EPERM;
    sessionClearTty(k, tty.sid);
  }
  if (!readable && !root) return -E.EPERM;
  setCtty(p, tty);
  return 0;
}

/**
 * The session of p (its leader) lets go of its controlling terminal: the foreground group gets
 * SIGHUP (and SIGCONT unless the leader is exiting), and no process of the session has it.
 */
export function disassociateCtty(k: Kernel, p: Process, onExit: boolean): void {
  const tty = p.ctty;
  if (tty) {
    if (tty.pgrp) {
      k.signalGroup(tty.pgrp, SIGHUP);
      if (!onExit) k.signalGroup(tty.pgrp, SIGCONT);
    }
    if (tty.sid === p.sid) {
      tty.sid = 0;
      tty.pgrp = 0;
    }
  }
  sessionClearTty(k, p.sid);
}

/** TIOCNOTTY. */
export function ttyNotty(k: Kernel, p: Process, tty: Tty): number {
  if (p.ctty !== tty) return -E.ENOTTY;
  if (p.pid === p.sid) disassociateCtty(k, p, false);
  p.ctty = null;
  return 0;
}

/**
 * Hangup (a pty master closed): the session leader gets SIGHUP and SIGCONT, the session loses
 * its controlling terminal, and the terminal reads as ended from now on.
 */
export function ttyHangup(k: Kernel, tty: Tty): void {
  if (tty.sid) {
    for (const q of k.procs.values()) {
      if (q.sid !== tty.sid || q.exit) continue;
      if (q.ctty === tty) q.ctty = null;
      if (q.pid === q.sid) {
        k.signalProcess(q, { signo: SIGHUP, code: 0x80 });
        k.signalProcess(q, { signo: SIGCONT, code: 0x80 });
      }
    }
  }
  for (const q of k.procs.values()) if (q.ctty === tty) q.ctty = null;
  tty.sid = 0;
  tty.pgrp = 0;
  tty.hangup();
}

/** TIOCSPGRP: only on one's controlling terminal, to a group of one's own session. */
export function ttySetPgrp(k: Kernel, t: Task, tty: Tty, pgrp: number): number {
  const c = ttyCheck(k, t, tty, 22 /* SIGTTOU */);
  if (c === -E.EIO) return -E.ENOTTY;
  if (c) return c;
  if (pgrp < 0) return -E.EINVAL;
  const p = t.proc;
  if (p.ctty !== tty || tty.sid !== p.sid) return -E.ENOTTY;
  let sid = -1;
  for (const q of k.procs.values()) if (q.pgid === pgrp && !q.exit) sid = q.sid;
  if (sid < 0) {
    const q = k.procs.get(pgrp);
    if (!q || q.exit) return -E.ESRCH;
    sid = q.sid;
  }
  if (sid !== p.sid) return -E.EPERM;
  tty.pgrp = pgrp;
  return 0;
}
