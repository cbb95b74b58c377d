/**
 * CPU exceptions as the kernel sees them: a fault carries the Linux signal it becomes, the si_code
 * and the faulting address. Thrown by memory accessors and instruction handlers, caught once by the
 * interpreter loop, which rewinds RIP to the faulting instruction and hands it to the kernel.
 *
 * Not an Error subclass on purpose: no stack trace is captured, so faults a guest takes on purpose
 * (a SIGSEGV handler that fixes up memory, say) cost little.
 */

export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGSEGV = 11;

// si_code values (include/uapi/asm-generic/siginfo.h).
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const ILL_ILLOPN = 2;
export const ILL_ILLOPC = 1;
export const FPE_INTDIV = 1;
export const FPE_INTOVF = 2;
export const SI_KERNEL = 0x80;
export const TRAP_BRKPT = 1;
export const BUS_ADRALN = 1;
export const BUS_ADRERR = 2;

export class GuestFault {
  constructor(
    readonly signo: number,
    readonly code: number,
    /** si_addr: the faulting data address for SIGSEGV/SIGBUS, the instruction for SIGILL/SIGFPE. */
    readonly addr: number,
    /** A short description for diagnostics (never shown to the guest). */
    readonly what: string = '',
  ) {}
}

export function segv(addr: number, mapped: boolean): GuestFault {
  return new GuestFault(SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, addr, 'page fault');
}
