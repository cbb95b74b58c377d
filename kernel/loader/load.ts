/**
 * Loading a program image into a fresh address space the way Linux's binfmt_elf does: PT_LOAD
 * segments mapped page by page with their protections (bss zero-filled), the heap placed after the
 * last segment, and the initial stack holding argc, argv, envp and the auxiliary vector.
 */

import { AddressSpace, MAP_PRIVATE, MAP_ANONYMOUS, MAP_GROWSDOWN, STACK_TOP, ET_DYN_BASE, pageUp, pageDown, PROT_READ, PROT_WRITE, PROT_EXEC } from '../mm/aspace.js';
import { ElfImage, ExecFormatError, ET_DYN, PT_LOAD, PF_R, PF_W, PF_X, parseElf } from './elf.js';
import type { Backing } from '../mm/backing.js';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8;
export const AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16;
export const AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_MINSIGSTKSZ = 51;

/** The default RLIMIT_STACK (8 MiB): the stack mapping may grow this far. */
export const STACK_LIMIT = 8 * 1024 * 1024;

export interface ExecParams {
  argv: Uint8Array[];
  envp: Uint8Array[];
  /** The path the program was executed as (AT_EXECFN). */
  execfn: Uint8Array;
  /** Name shown in /proc/self/maps for the program's segments. */
  path: string;
  uid: number;
  gid: number;
  hwcap: number;
  random16: Uint8Array;
  /** Opens a file of the guest root (the dynamic linker named by PT_INTERP). */
  openFile?: (path: string) => ImageFile | number;
  /** The dynamic linker's path as /proc/self/maps shows it. */
  interpPath?: string;
}

export interface LoadedImage {
  entry: number;
  sp: number;
  elf: ElfImage;
  /** Where the program's first byte was mapped (the load bias for ET_DYN). */
  base: number;
  auxv: [number, number][];
}

function segProt(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/**
 * An executable file as the loader sees it: its first bytes (the headers), its size, a way to read
 * more, and (normally) its page-cache backing, so segments map the cached pages copy-on-write as
 * Linux's binfmt_elf does, instead of copying the file in.
 */
export interface ImageFile {
  head: Uint8Array;
  size: number;
  read(off: number, len: number): Uint8Array;
  backing?: Backing;
}

/** An ImageFile over bytes already in memory (tests, and files without a backing). */
export function imageOfBytes(data: Uint8Array): ImageFile {
  return { head: data, size: data.length, read: (off, len) => data.subarray(off, off + len) };
}

/** Parses the ELF headers, reading the whole file when they lie beyond the head. */
function parseImage(f: ImageFile): ElfImage {
  try {
    return parseElf(f.head, f.size);
  } catch (e) {
    if (!(e instanceof ExecFormatError) || f.head.length >= f.size) throw e;
    return parseElf(f.read(0, f.size), f.size);
  }
}

/**
 * Maps an image's PT_LOAD segments at `bias`; returns the extent. Each page maps the file page
 * its first segment names (private, copy-on-write), pages holding only bss are anonymous zero
 * pages, and the bss part of the last file page is cleared, as Linux does.
 */
function mapImage(as: AddressSpace, elf: ElfImage, file: ImageFile, bias: number, path: string): { end: number; phdrAddr: number } {
  const loads = elf.phdrs.filter((ph) => ph.type === PT_LOAD);
  // Pages shared by two segments get both protections, as overlapping file mappings would give.
  const pages = new Map<number, { prot: number; off: number }>();
  /** Pages whose file bytes a later segment names differently (copied in after mapping). */
  const conflicts: [number, typeof loads[number]][] = [];
  let end = 0;
  for (const ph of loads) {
    const s = pageDown(ph.vaddr + bias);
    const e = pageUp(ph.vaddr + bias + ph.memsz);
    const dataEnd = ph.vaddr + bias + ph.filesz;
    for (let a = s; a < e; a += 4096) {
      const off = ph.filesz > 0 && a < dataEnd ? pageDown(ph.offset) + (a - s) : -1;
      const cur = pages.get(a);
      if (!cur) pages.set(a, { prot: segProt(ph.flags), off });
      else {
        cur.prot |= segProt(ph.flags);
        if (cur.off < 0) cur.off = off;
        else if (off >= 0 && off !== cur.off) conflicts.push([a, ph]);
      }
    }
    end = Math.max(end, ph.vaddr + bias + ph.memsz);
  }
  const backing = file.backing;
  const addrs = [...pages.keys()].sort((x, y) => x - y);
  for (let k = 0; k < addrs.length; ) {
    const first = pages.get(addrs[k])!;
    let j = k;
    const next = (n: number): boolean => {
      const p = pages.get(addrs[n + 1]);
      if (!p || addrs[n + 1] !== addrs[n] + 4096 || p.prot !== first.prot) return false;
      return backing ? (first.off < 0 ? p.off < 0 : p.off === first.off + (addrs[n + 1] - addrs[k])) : true;
    };
    while (j + 1 < addrs.length && next(j)) j++;
    const len = addrs[j] + 4096 - addrs[k];
    if (backing && first.off >= 0) as.mapFixed(addrs[k], len, first.prot, MAP_PRIVATE, path, first.off, backing);
    else if (backing) as.mapFixed(addrs[k], len, first.prot, MAP_PRIVATE | MAP_ANONYMOUS, '');
    else as.mapFixed(addrs[k], len, first.prot, MAP_PRIVATE, path, Math.max(0, first.off));
    k = j + 1;
  }
  for (const ph of loads) {
    if (ph.filesz === 0) continue;
    const start = ph.vaddr + bias;
    if (!backing) {
      as.pokeBytes(start, file.read(ph.offset, ph.filesz));
      continue;
    }
    // With a bss, the page holding the end of the file data reads as zero from there to its end
    // (Linux's padzero); ld.so's early malloc takes that tail of its last page for granted.
    const dataEnd = start + ph.filesz;
    if (ph.memsz > ph.filesz && pageUp(dataEnd) > dataEnd) as.pokeBytes(dataEnd, new Uint8Array(pageUp(dataEnd) - dataEnd));
  }
  for (const [a, ph] of conflicts) {
    const lo = Math.max(a, ph.vaddr + bias), hi = Math.min(a + 4096, ph.vaddr + bias + ph.filesz);
    if (hi > lo) as.pokeBytes(lo, file.read(ph.offset + (lo - ph.vaddr - bias), hi - lo));
  }
  // AT_PHDR: the program headers' address in memory (inside the first segment that covers them).
  let phdrAddr = 0;
  for (const ph of loads) {
    if (elf.phoff >= ph.offset && elf.phoff < ph.offset + ph.filesz) phdrAddr = ph.vaddr + bias + (elf.phoff - ph.offset);
  }
  return { end, phdrAddr };
}

function span(elf: ElfImage): { lowest: number; size: number } {
  const loads = elf.phdrs.filter((ph) => ph.type === PT_LOAD);
  const lowest = pageDown(Math.min(...loads.map((ph) => ph.vaddr)));
  const highest = pageUp(Math.max(...loads.map((ph) => ph.vaddr + ph.memsz)));
  return { lowest, size: highest - lowest };
}

/**
 * Loads `file` (the whole executable) into `as`, which must be empty. A program with PT_INTERP
 * gets its dynamic linker (read with p.readFile) mapped below mmap_base, as Linux places it, and
 * starts there with AT_BASE pointing at it.
 */
export function loadElf(as: AddressSpace, file: ImageFile, p: ExecParams): LoadedImage {
  const elf = parseImage(file);
  let interp: { elf: ElfImage; data: ImageFile } | null = null;
  if (elf.interp !== null) {
    if (!p.openFile) throw new ExecFormatError(`dynamically linked program (needs ${elf.interp})`);
    const data = p.openFile(elf.interp);
    if (typeof data === 'number') throw new ExecFormatError(`cannot load the dynamic linker ${elf.interp} (errno ${-data})`);
    const ie = parseImage(data);
    if (ie.type !== ET_DYN || ie.interp !== null) throw new ExecFormatError(`bad dynamic linker ${elf.interp}`);
    interp = { elf: ie, data };
  }
  const { lowest } = span(elf);
  const bias = elf.type === ET_DYN ? ET_DYN_BASE - lowest : 0;
  if (elf.type !== ET_DYN && lowest < 0x10000) throw new ExecFormatError('PT_LOAD segment below mmap_min_addr');
  const { end, phdrAddr } = mapImage(as, elf, file, bias, p.path);
  as.brkStart = as.brkEnd = pageUp(end);
  let interpBase = 0;
  let entry = elf.entry + bias;
  if (interp) {
    const s = span(interp.elf);
    const at = as.findGap(s.size);
    if (at === 0) throw new ExecFormatError('no room for the dynamic linker');
    const ibias = at - s.lowest;
    mapImage(as, interp.elf, interp.data, ibias, p.interpPath ?? elf.interp ?? '');
    interpBase = at;
    entry = interp.elf.entry + ibias;
  }
  const auxv: [number, number][] = [
    [AT_HWCAP, p.hwcap],
    [AT_MINSIGSTKSZ, 2048],
    [AT_PAGESZ, 4096],
    [AT_CLKTCK, 100],
    [AT_PHDR, phdrAddr],
    [AT_PHENT, 56],
    [AT_PHNUM, elf.phnum],
    [AT_BASE, interpBase],
    [AT_FLAGS, 0],
    [AT_ENTRY, elf.entry + bias],
    [AT_UID, p.uid],
    [AT_EUID, p.uid],
    [AT_GID, p.gid],
    [AT_EGID, p.gid],
    [AT_SECURE, 0],
    [AT_RANDOM, 0],
    [AT_HWCAP2, 0],
    [AT_EXECFN, 0],
    [AT_PLATFORM, 0],
  ];
  const sp = buildStack(as, p, auxv);
  return { entry, sp, elf, base: lowest + bias, auxv };
}

/** Maps the stack and writes the strings, auxv, envp, argv and argc; returns the initial RSP. */
function buildStack(as: AddressSpace, p: ExecParams, auxv: [number, number][]): number {
  as.mapFixed(STACK_TOP - STACK_LIMIT, STACK_LIMIT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, '[stack]');
  let top = STACK_TOP - 8; // Linux leaves a NULL word at the very top
  const putStr = (s: Uint8Array): number => {
    top -= s.length + 1;
    const buf = new Uint8Array(s.length + 1);
    buf.set(s);
    as.writeBytes(top, buf);
    return top;
  };
  const execfn = putStr(p.execfn);
  // As Linux copies them: the last string highest, so argv[0] is the lowest of all.
  const envAddrs: number[] = [];
  for (let k = p.envp.length - 1; k >= 0; k--) envAddrs[k] = putStr(p.envp[k]);
  const argAddrs: number[] = [];
  for (let k = p.argv.length - 1; k >= 0; k--) argAddrs[k] = putStr(p.argv[k]);
  top = Math.floor(top / 16) * 16;
  const platform = putStr(new TextEncoder().encode('x86_64'));
  top -= 16;
  const random = top;
  as.writeBytes(random, p.random16);
  top = Math.floor(top / 16) * 16;
  for (const kv of auxv) {
    if (kv[0] === AT_RANDOM) kv[1] = random;
    else if (kv[0] === AT_EXECFN) kv[1] = execfn;
    else if (kv[0] === AT_PLATFORM) kv[1] = platform;
  }
  const words: number[] = [p.argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of auxv) words.push(k, v);
  words.push(AT_NULL, 0);
  let sp = top - words.length * 8;
  sp = Math.floor(sp / 16) * 16; // the ABI wants RSP 16-byte aligned at entry, pointing at argc
  for (let k = 0; k < words.length; k++) as.writeU64(sp + 8 * k, words[k]);
  return sp;
}
