// The ar(5) container that wraps a .deb: "!<arch>\n" then 60-byte member
// headers, each member padded to an even offset. Only headers are read here;
// member bodies are streamed later by offset so a big data.tar is never held
// in memory. Header rules follow dpkg's lib/dpkg/ar.c.

import { open } from 'node:fs/promises';
import { PkgError } from './errors.js';

export const AR_MAGIC = '!<arch>\n';
const HEADER_LEN = 60;

export interface ArMember {
  name: string;
  /** Byte offset of the member's data within the file. */
  offset: number;
  size: number;
  mode: number;
}

function field(buf: Buffer, start: number, len: number): string {
  return buf.toString('latin1', start, start + len);
}

function parseNumber(text: string, base: 8 | 10, what: string, file: string): number {
  const t = text.replace(/ +$/, '');
  const re = base === 10 ? /^[0-9]+$/ : /^[0-7]+$/;
  if (!re.test(t)) throw new PkgError(`${file}: invalid character in archive member header ${what} '${text}'`);
  return parseInt(t, base);
}

/** Parse one 60-byte member header (exported for tests). */
export function parseArHeader(h: Buffer, offset: number, file: string): ArMember {
  if (h.length < HEADER_LEN) throw new PkgError(`${file}: truncated archive member header at byte ${offset}`);
  if (h[58] !== 0x60 || h[59] !== 0x0a) {
    throw new PkgError(`${file}: corrupt archive member header at byte ${offset} (bad magic)`);
  }
  let name = field(h, 0, 16).replace(/ +$/, '');
  if (name.endsWith('/')) name = name.slice(0, -1); // GNU ar terminates names with '/'
  if (name === '' || name.includes('/') || /[\x00-\x1f]/.test(name)) {
    throw new PkgError(`${file}: invalid archive member name '${name}' at byte ${offset}`);
  }
  const size = parseNumber(field(h, 48, 10), 10, 'size', file);
  const modeText = field(h, 40, 8).replace(/ +$/, '');
  const mode = modeText === '' ? 0o644 : parseNumber(modeText, 8, 'mode', file);
  // Timestamps and ids are informational, but dpkg still insists they are numeric.
  for (const [start, len, what] of [[16, 12, 'date'], [28, 6, 'uid'], [34, 6, 'gid']] as const) {
    const t = field(h, start, len).replace(/ +$/, '');
    if (t !== '' && !/^[0-9]+$/.test(t)) throw new PkgError(`${file}: invalid character in archive member header ${what}`);
  }
  return { name, offset: offset + HEADER_LEN, size, mode };
}

/** List the members of an ar archive without reading their contents. */
export async function readArMembers(path: string): Promise<ArMember[]> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new PkgError(`cannot open archive '${path}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  try {
    const { size: fileSize } = await fh.stat();
    const magic = Buffer.alloc(8);
    const { bytesRead } = await fh.read(magic, 0, 8, 0);
    if (bytesRead < 8 || magic.toString('latin1') !== AR_MAGIC) {
      throw new PkgError(`${path}: not a Debian format archive (bad ar magic)`);
    }
    const members: ArMember[] = [];
    let pos = 8;
    const h = Buffer.alloc(HEADER_LEN);
    while (pos < fileSize) {
      const r = await fh.read(h, 0, HEADER_LEN, pos);
      if (r.bytesRead === 1 && h[0] === 0x0a && pos + 1 === fileSize) break; // tolerated final pad byte
      if (r.bytesRead < HEADER_LEN) throw new PkgError(`${path}: truncated archive (partial member header at byte ${pos})`);
      const m = parseArHeader(h, pos, path);
      if (m.offset + m.size > fileSize) {
        throw new PkgError(`${path}: truncated archive (member '${m.name}' needs ${m.size} bytes, ${fileSize - m.offset} present)`);
      }
      members.push(m);
      pos = m.offset + m.size + (m.size % 2);
    }
    return members;
  } finally {
    await fh.close();
  }
}

/** Read a (small) member fully into memory. */
export async function readArMember(path: string, m: ArMember, limit = 1 << 20): Promise<Buffer> {
  if (m.size > limit) throw new PkgError(`${path}: member '${m.name}' is unreasonably large (${m.size} bytes)`);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(m.size);
    const { bytesRead } = await fh.read(buf, 0, m.size, m.offset);
    if (bytesRead !== m.size) throw new PkgError(`${path}: truncated member '${m.name}'`);
    return buf;
  } finally {
    await fh.close();
  }
}

/** Build an ar archive in memory (used by tests and by nothing that handles big data). */
export function buildAr(members: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from(AR_MAGIC, 'latin1')];
  for (const { name, data } of members) {
    const hdr =
      name.padEnd(16) + '0'.padEnd(12) + '0'.padEnd(6) + '0'.padEnd(6) + '100644'.padEnd(8) +
      String(data.length).padEnd(10) + '`\n';
    parts.push(Buffer.from(hdr, 'latin1'), data);
    if (data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
