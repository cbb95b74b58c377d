/**
 * ELF64 parsing: the file header and program headers of an x86-64 executable, validated with
 * messages a user can act on. Loading (mapping the segments, building the stack) is in load.ts.
 */

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_X86_64 = 62;
export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfImage {
  type: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  interp: string | null;
  execStack: boolean;
}

/** A file that cannot be executed, and why (becomes ENOEXEC for execve, a message for the CLI). */
export class ExecFormatError {
  constructor(readonly message: string) {}
}

const MACHINES: Record<number, string> = {
  3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM', 43: 'SPARC V9',
  50: 'IA-64', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
}

/** Parses the headers. `head` must hold the file's first bytes (at least up to the phdrs). */
export function parseElf(head: Uint8Array, fileSize: number): ElfImage {
  if (head.length < 4 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    throw new ExecFormatError('not an ELF file');
  }
  if (head.length < 64) throw new ExecFormatError('truncated ELF header');
  if (head[4] !== 2) throw new ExecFormatError('not a 64-bit ELF file (ELFCLASS32)');
  if (head[5] !== 1) throw new ExecFormatError('not a little-endian ELF file');
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_X86_64) {
    const name = MACHINES[machine] ?? `machine ${machine}`;
    throw new ExecFormatError(`ELF file is for ${name}, not x86-64`);
  }
  if (type !== ET_EXEC && type !== ET_DYN) throw new ExecFormatError(`ELF file is not an executable (e_type ${type})`);
  const entry = u64(dv, 24);
  const phoff = u64(dv, 32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phentsize !== 56) throw new ExecFormatError(`bad program header size ${phentsize}`);
  if (phnum === 0 || phnum > 128) throw new ExecFormatError(`bad program header count ${phnum}`);
  if (phoff + phnum * 56 > head.length) {
    throw new ExecFormatError(phoff + phnum * 56 > fileSize ? 'truncated ELF file (program headers)' : 'program headers too far into the file');
  }
  const phdrs: ProgramHeader[] = [];
  let execStack = false;
  let interpPh: ProgramHeader | null = null;
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * 56;
    const ph: ProgramHeader = {
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: u64(dv, o + 8),
      vaddr: u64(dv, o + 16),
      filesz: u64(dv, o + 32),
      memsz: u64(dv, o + 40),
      align: u64(dv, o + 48),
    };
    phdrs.push(ph);
    if (ph.type === PT_GNU_STACK) execStack = (ph.flags & PF_X) !== 0;
    if (ph.type === PT_INTERP) interpPh = ph;
    if (ph.type === PT_LOAD) {
      if (ph.filesz > ph.memsz) throw new ExecFormatError('bad PT_LOAD segment (filesz > memsz)');
      if (ph.offset + ph.filesz > fileSize) throw new ExecFormatError('truncated ELF file (segment data missing)');
      if (ph.vaddr + ph.memsz > 0x800000000000) throw new ExecFormatError('PT_LOAD segment outside user space');
      if ((ph.vaddr - ph.offset) % 4096 !== 0) throw new ExecFormatError('misaligned PT_LOAD segment');
    }
  }
  if (!phdrs.some((p) => p.type === PT_LOAD)) throw new ExecFormatError('no loadable segments');
  let interp: string | null = null;
  if (interpPh) {
    if (interpPh.offset + interpPh.filesz > head.length) throw new ExecFormatError('truncated ELF file (PT_INTERP)');
    const bytes = head.subarray(interpPh.offset, interpPh.offset + interpPh.filesz);
    const nul = bytes.indexOf(0);
    interp = new TextDecoder().decode(bytes.subarray(0, nul < 0 ? bytes.length : nul));
  }
  return { type, entry, phoff, phentsize, phnum, phdrs, interp, execStack };
}
