/**
 * The interpreter: translates guest code into blocks of decoded instructions once, then runs the
 * blocks' handlers. A block is a run of instructions ending at the first branch (or syscall, or
 * after MAX_BLOCK instructions); blocks are cached per address space and chained to the block that
 * followed them last time, so the steady state is: run handlers, check one pointer, continue.
 *
 * Faults are precise: handlers throw a GuestFault before changing architectural state where the
 * manual says so, the loop knows which instruction of the block was running, and RIP is set to it.
 * Stores into a page that holds translated code invalidate that page's blocks (self-modifying code
 * and code loaded at run time by JITs and the dynamic linker).
 */

import { Insn } from './insn.js';
import { Decoder } from './decoder.js';
import { Cpu, STOP_BUDGET, STOP_NONE } from './state.js';
import { GuestFault, SIGTRAP } from './fault.js';
import { PAGE_SIZE } from '../mm/phys.js';
import type { AddressSpace } from '../mm/aspace.js';
import { PTE_COW, PROT_EXEC } from '../mm/pagetable.js';
import { SharedCode, sharedCodeOf } from './shared-code.js';
import './ops/index.js';
import { compileRegion, type Compiled } from './jit/compile.js';

const MAX_BLOCK = 64;

/**
 * The block compiler's default trigger; setJitThreshold changes it for new code caches. It is
 * high on purpose: a freshly made JS function runs in V8's bytecode interpreter until V8 decides
 * to optimize it, so compiling lukewarm blocks costs more than interpreting them (measured: a
 * python3 start-up takes 14 s of CPU at 40, 2.5 s at 5000, while hot loops gain just as much).
 */
let defaultJitThreshold = 5000;
export function setJitThreshold(n: number): void {
  defaultJitThreshold = n;
}

/**
 * Executions after which a compiled block is compiled again, hot: with its memory accesses' TLB
 * hits inline (jit/compile.ts), and with the hot blocks that follow it when regions are on.
 */
let defaultHotThreshold = 400000;
export function setHotThreshold(n: number): void {
  defaultHotThreshold = n;
}

/**
 * Regions: the hot compile also takes in the hot blocks that follow the block. Off by default:
 * measured on dash, perl, sqlite and python loops, a region removes most run-loop dispatches, but
 * V8 takes longer to optimize the bigger functions, which costs more than the dispatches saved.
 */
let defaultRegions = false;
export function setRegions(on: boolean): void {
  defaultRegions = on;
}

export class Block {
  readonly insns: Insn[];
  readonly addr: number;
  readonly end: number;
  readonly endsInBranch: boolean;
  valid = true;
  /** Executions so far, the count at which the block is compiled next, and the compiled function. */
  hits = 0;
  nextTier: number;
  fn: Compiled | null = null;
  /**
   * The compiled region's instructions by index (c.jk), and for each the instructions retired
   * on its path from the region's entry before it (to rewind RIP and count on a fault).
   */
  jitInsns: Insn[] = [];
  jitPos: number[] = [];
  /** The two blocks that ran after this one most recently (cheap guesses for the next lookup). */
  succ: Block | null = null;
  succAddr = -1;
  succ2: Block | null = null;
  succ2Addr = -1;
  /**
   * For a region's entry block, the successor it had before (its succ then records where the
   * region left off, which is no guess for the block's own branch).
   */
  ownSuccAddr = -1;

  constructor(addr: number, insns: Insn[], threshold: number) {
    this.addr = addr;
    this.nextTier = threshold;
    this.insns = insns;
    const last = insns[insns.length - 1];
    this.end = last.next;
    this.endsInBranch = last.branch;
  }
}

/** The translated code of one address space. */
export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();
  private readonly decoder = new Decoder();
  private readonly shared: SharedCode;
  readonly mem: AddressSpace;
  /** Executions after which a block is compiled to JavaScript (Infinity: interpret only). */
  jitThreshold = defaultJitThreshold;
  /** Executions after which a compiled block is compiled again, hot (Infinity: never). */
  hotThreshold = defaultHotThreshold;
  /** Whether the hot compile takes in the blocks that follow (a region). */
  regions = defaultRegions;
  /** Counters for RUSTOS_STATS: blocks translated and invalidated. */
  translated = 0;
  invalidated = 0;
  compiled = 0;
  recompiled = 0;

  constructor(mem: AddressSpace) {
    this.mem = mem;
    this.shared = sharedCodeOf(mem.phys);
    mem.pt.onCodeWrite = (vpn) => this.invalidatePage(vpn);
  }

  /** The translated block at addr, if there is one (no translation). */
  peek(addr: number): Block | undefined {
    return this.blocks.get(addr);
  }

  /**
   * Compiles a block into a function (jit/compile.ts): once it is warm, the block alone; if it
   * stays hot, again with its memory fast paths inline (and as a region, when regions are on).
   */
  compile(b: Block): Compiled {
    const first = b.fn === null;
    // (A block already past the hot threshold when first compiled is compiled hot at once.)
    const hot = !first || b.hits > this.hotThreshold;
    if (hot) b.ownSuccAddr = b.succAddr;
    const r = hot ? compileRegion(b, { hot: true, peek: this.regions ? this.peekFn : null }) : compileRegion(b);
    b.jitInsns = r.insns;
    b.jitPos = r.pos;
    b.fn = r.fn;
    b.nextTier = hot ? Infinity : Math.max(b.hits, this.hotThreshold);
    if (first) this.compiled++;
    if (hot) this.recompiled++;
    return r.fn;
  }

  private readonly peekFn = (addr: number): Block | undefined => this.blocks.get(addr);

  lookup(addr: number): Block {
    const b = this.blocks.get(addr);
    if (b !== undefined) return b;
    return this.translate(addr);
  }

  private translate(addr: number): Block {
    const insns = this.sharedDecode(addr) ?? this.decode(addr);
    const b = new Block(addr, insns, this.jitThreshold);
    this.translated++;
    this.blocks.set(addr, b);
    const first = Math.floor(addr / PAGE_SIZE);
    const last = Math.floor((b.end - 1) / PAGE_SIZE);
    for (let vpn = first; vpn <= last; vpn++) {
      this.mem.pt.markCode(vpn);
      let list = this.byPage.get(vpn);
      if (!list) this.byPage.set(vpn, (list = []));
      list.push(b);
    }
    return b;
  }

  /**
   * A block decoded before, by any process, from the same page-cache frame (see shared-code.ts).
   * Only private, not-yet-copied pages qualify: their PTE is copy-on-write, so a store cannot
   * change the frame under us.
   */
  private sharedDecode(addr: number): Insn[] | null {
    const vpn = Math.floor(addr / PAGE_SIZE);
    const e = this.mem.pt.map.get(vpn);
    if (e === undefined || !(e & PTE_COW) || !(e & PROT_EXEC) || e >>> 4 === 0) return null;
    return this.shared.get((e >>> 4) * PAGE_SIZE + (addr - vpn * PAGE_SIZE), addr);
  }

  private decode(addr: number): Insn[] {
    const insns: Insn[] = [];
    let pc = addr;
    while (insns.length < MAX_BLOCK) {
      const i = new Insn();
      try {
        this.decoder.decode(this.mem, pc, i);
      } catch (e) {
        // A bad instruction after the first ends the block; it faults only if reached.
        if (insns.length > 0 && e instanceof GuestFault) break;
        throw e;
      }
      insns.push(i);
      pc = i.next;
      if (i.branch) break;
    }
    const vpn = Math.floor(addr / PAGE_SIZE);
    if (Math.floor((pc - 1) / PAGE_SIZE) === vpn) {
      const e = this.mem.pt.map.get(vpn);
      if (e !== undefined && e & PTE_COW && e >>> 4 !== 0) this.shared.put((e >>> 4) * PAGE_SIZE + (addr - vpn * PAGE_SIZE), addr, insns);
    }
    return insns;
  }

  invalidatePage(vpn: number): void {
    const list = this.byPage.get(vpn);
    if (list) {
      for (const b of list) {
        b.valid = false;
        this.invalidated++;
        if (this.blocks.get(b.addr) === b) this.blocks.delete(b.addr);
      }
      this.byPage.delete(vpn);
    }
    this.mem.pt.codePages.delete(vpn);
  }

  invalidateAll(): void {
    for (const vpn of [...this.byPage.keys()]) this.invalidatePage(vpn);
  }
}

/**
 * Runs the core until a handler asks for the kernel (c.stop, e.g. a syscall) or about `budget`
 * instructions have retired. Returns the GuestFault that stopped it, or null.
 */
/** k's value between blocks: no instruction is in progress (a lookup's decode fault is at c.rip). */
const NO_INSN = 1 << 30;

export function run(c: Cpu, code: CodeCache, budget: number): GuestFault | null {
  c.stop = STOP_NONE;
  let b: Block | null = null;
  let k = 0;
  let compiled = false;
  // The budget is counted in retired instructions, not blocks: a compiled self-looping block
  // runs up to thousands of iterations in one call, and the scheduler's slices (fairness,
  // nice weights, CPU timers) must not stretch by that factor.
  const limit = c.retired + budget;
  try {
    b = code.lookup(c.rip);
    for (;;) {
      let fn = b.fn;
      if (++b.hits > b.nextTier) fn = code.compile(b);
      if (fn !== null) {
        // A compiled region sets RIP and counts what it retires itself.
        compiled = true;
        fn(c);
        compiled = false;
        k = NO_INSN;
      } else {
        const insns = b.insns;
        const n = insns.length;
        for (k = 0; k < n; k++) {
          const i = insns[k];
          i.fn(c, i);
        }
        c.retired += n;
        if (!b.endsInBranch) c.rip = b.end;
      }
      if (c.stop !== STOP_NONE) return null;
      if (c.retired >= limit) {
        c.stop = STOP_BUDGET;
        return null;
      }
      const rip = c.rip;
      const s: Block | null = b.succ;
      if (s !== null && b.succAddr === rip && s.valid) b = s;
      else {
        const s2: Block | null = b.succ2;
        if (s2 !== null && b.succ2Addr === rip && s2.valid) b = s2;
        else {
          const nb = code.lookup(rip);
          b.succ2 = s;
          b.succ2Addr = b.succAddr;
          b.succ = nb;
          b.succAddr = rip;
          b = nb;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    if (b === null) return e;
    let at: Insn | undefined;
    if (compiled) {
      const j = c.jk;
      at = b.jitInsns[j];
      c.retired += b.jitPos[j];
    } else if (k < b.insns.length) {
      at = b.insns[k];
      c.retired += k;
    }
    // Faults restart the instruction; traps (int3) already set RIP past it.
    if (at !== undefined && e.signo !== SIGTRAP) c.rip = at.addr;
    return e;
  }
}
