/**
 * Physical memory: one WebAssembly.Memory shared by every address space in the kernel.
 *
 * Why one wasm memory: the interpreter reads guest memory through typed-array views of it, and a
 * future block compiler emitting WebAssembly can load and store the very same bytes with native
 * i64 operations. The first REGION_BYTES hold CPU register files (see cpu/state.ts); the rest is
 * cut into 4 KiB frames handed out by a free-list allocator with reference counts, so fork can
 * share frames copy-on-write.
 *
 * The memory is allocated once at its full size and never grown: growing a wasm memory detaches
 * every typed-array view, and a handler holding a view across an allocating access would then
 * write into a dead buffer. Untouched pages of the reservation cost no host RAM.
 */

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
/** Bytes at the start of the memory reserved for CPU state (register files). */
export const REGION_BYTES = 64 * 1024;

export const FRAME_STABLE = 1;

export class OutOfMemory {
  readonly message = 'rustos: out of guest physical memory';
}

export class PhysMem {
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly frameCount: number;
  /** Reference count per frame; 0 means free. */
  private readonly refs: Uint32Array;
  /** Stack of free frame numbers. */
  private readonly free: Int32Array;
  private freeTop = 0;
  /** Frames never yet handed out start here (they are known to be zero). */
  private nextFresh: number;
  /**
   * Frames whose contents cannot change while they stay in the page cache (FRAME_STABLE): code
   * decoded from them may be reused by every process that maps them (kernel/cpu/shared-code.ts).
   */
  readonly frameFlags: Uint8Array;
  /** Told when a stable frame's contents change or it stops being stable (set by shared code). */
  onFrameChange: ((f: number) => void) | null = null;

  /** megabytes: the size of the whole physical memory (the host layer picks it). */
  constructor(megabytes: number) {
    const pages = Math.max(2, Math.ceil((megabytes * 1024 * 1024) / 65536));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.buffer = this.memory.buffer;
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.frameCount = (pages * 65536) / PAGE_SIZE;
    this.refs = new Uint32Array(this.frameCount);
    this.free = new Int32Array(this.frameCount);
    this.frameFlags = new Uint8Array(this.frameCount);
    this.nextFresh = REGION_BYTES / PAGE_SIZE;
  }

  /** Allocates a zeroed frame and returns its number (byte offset = frame * PAGE_SIZE). */
  alloc(): number {
    let f: number;
    if (this.freeTop > 0) {
      f = this.free[--this.freeTop];
      this.u8.fill(0, f * PAGE_SIZE, (f + 1) * PAGE_SIZE);
    } else {
      if (this.nextFresh >= this.frameCount) throw new OutOfMemory();
      f = this.nextFresh++;
    }
    this.refs[f] = 1;
    return f;
  }

  /** Allocates a frame holding a copy of frame src. */
  copy(src: number): number {
    const f = this.alloc();
    this.u8.copyWithin(f * PAGE_SIZE, src * PAGE_SIZE, (src + 1) * PAGE_SIZE);
    return f;
  }

  ref(f: number): void {
    this.refs[f]++;
  }

  refCount(f: number): number {
    return this.refs[f];
  }

  /** Drops one reference; the frame returns to the free list at zero. */
  unref(f: number): void {
    if (--this.refs[f] === 0) {
      if (this.frameFlags[f]) this.unstable(f);
      this.free[this.freeTop++] = f;
    }
  }

  /** Marks a frame's contents as fixed from now on (a clean page-cache page). */
  stable(f: number): void {
    this.frameFlags[f] = FRAME_STABLE;
  }

  /** The frame may change from now on (or is being freed): forget what was derived from it. */
  unstable(f: number): void {
    if (!this.frameFlags[f]) return;
    this.frameFlags[f] = 0;
    this.onFrameChange?.(f);
  }

  /** A stable frame's bytes were replaced (write(2) into a cached page): forget derived code. */
  changed(f: number): void {
    if (this.frameFlags[f]) this.onFrameChange?.(f);
  }

  /** Frames in use, for /proc/meminfo and tests. */
  usedFrames(): number {
    return this.nextFresh - REGION_BYTES / PAGE_SIZE - this.freeTop;
  }
}
