// A .deb file: ar members debian-binary (2.x), control.tar[.ext] and
// data.tar[.ext], in that order. The control archive is small and read into
// memory; data.tar is exposed as a stream of tar entries for the unpacker.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { readArMembers, readArMember, type ArMember } from './ar.js';
import { compressionOf, decompressStream, type Compression } from './decompress.js';
import { PkgError } from './errors.js';
import { parseSingle, type Paragraph } from './control.js';

export interface DebLayout {
  path: string;
  control: ArMember;
  controlCompression: Compression;
  data: ArMember;
  dataCompression: Compression;
}

export async function openDeb(path: string): Promise<DebLayout> {
  const members = await readArMembers(path);
  if (members.length === 0 || members[0].name !== 'debian-binary') {
    throw new PkgError(`${path}: not a Debian binary package (first member is not 'debian-binary')`);
  }
  const vb = (await readArMember(path, members[0], 64)).toString('latin1');
  const m = /^(\d+)\.(\d+)/.exec(vb);
  if (!m || m[1] !== '2') throw new PkgError(`${path}: unsupported .deb format version '${vb.trim()}' (need 2.x)`);
  let control: ArMember | undefined;
  let data: ArMember | undefined;
  for (const mem of members.slice(1)) {
    if (mem.name.startsWith('_')) continue; // reserved for local additions; dpkg skips them
    if (!control) {
      if (!mem.name.startsWith('control.tar')) {
        throw new PkgError(`${path}: archive has premature member '${mem.name}' before 'control.tar', giving up`);
      }
      control = mem;
    } else if (!data) {
      if (!mem.name.startsWith('data.tar')) {
        throw new PkgError(`${path}: archive has premature member '${mem.name}' before 'data.tar', giving up`);
      }
      data = mem;
    }
  }
  if (!control) throw new PkgError(`${path}: archive has no 'control.tar' member`);
  if (!data) throw new PkgError(`${path}: archive has no 'data.tar' member`);
  return {
    path,
    control,
    controlCompression: compressionOf(control.name, 'control.tar'),
    data,
    dataCompression: compressionOf(data.name, 'data.tar'),
  };
}

function memberStream(layout: DebLayout, m: ArMember, c: Compression): Readable {
  const raw = m.size === 0 ? Readable.from([]) : createReadStream(layout.path, { start: m.offset, end: m.offset + m.size - 1 });
  return decompressStream(raw, c);
}

export type TarHeader = tar.Header;

/**
 * Iterate over the entries of a member tar. `onEntry` receives each header and
 * a stream of its body, which it must consume (or it is drained for it).
 */
export async function walkTar(
  input: Readable,
  what: string,
  onEntry: (h: TarHeader, body: Readable) => Promise<void>,
): Promise<void> {
  const ex = tar.extract();
  let failed: unknown = null;
  const fail = (e: unknown) => {
    if (!failed) failed = e;
    ex.destroy(e as Error);
  };
  input.on('error', fail);
  input.pipe(ex);
  try {
    for await (const entry of ex) {
      const body = entry as unknown as Readable;
      await onEntry(entry.header, body);
      body.resume();
    }
  } catch (e) {
    throw wrapTarError(failed ?? e, what);
  } finally {
    input.unpipe(ex);
    input.destroy();
  }
  if (failed) throw wrapTarError(failed, what);
}

function wrapTarError(e: unknown, what: string): Error {
  if (e instanceof PkgError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new PkgError(`${what}: corrupt or truncated archive (${msg})`);
}

export interface ControlMembers {
  /** Control-archive files by name (control, md5sums, conffiles, postinst, ...). */
  files: Map<string, { data: Buffer; mode: number; mtime?: Date }>;
  control: Paragraph;
}

export async function readControl(layout: DebLayout): Promise<ControlMembers> {
  const files: ControlMembers['files'] = new Map();
  const what = `${layout.path}: ${layout.control.name}`;
  await walkTar(memberStream(layout, layout.control, layout.controlCompression), what, async (h, body) => {
    const name = h.name.replace(/^\.\//, '').replace(/\/$/, '');
    if (h.type !== 'file' || name === '' || name === '.') return;
    if (name.includes('/')) return; // dpkg ignores subdirectories of the control area
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    files.set(name, { data: Buffer.concat(chunks), mode: h.mode ?? 0o644, mtime: h.mtime });
  });
  const c = files.get('control');
  if (!c) throw new PkgError(`${layout.path}: control archive has no 'control' file`);
  const control = parseSingle(c.data.toString('utf8'), `${layout.path}: control`);
  for (const f of ['Package', 'Version', 'Architecture']) {
    if (!control.get(f)) throw new PkgError(`${layout.path}: control file is missing the '${f}' field`);
  }
  return { files, control };
}

/** Stream the data archive's entries. */
export async function walkData(layout: DebLayout, onEntry: (h: TarHeader, body: Readable) => Promise<void>): Promise<void> {
  await walkTar(memberStream(layout, layout.data, layout.dataCompression), `${layout.path}: ${layout.data.name}`, onEntry);
}

/** Convenience: open and read the control part of a .deb. */
export async function inspectDeb(path: string): Promise<ControlMembers & { layout: DebLayout }> {
  const layout = await openDeb(path);
  return { layout, ...(await readControl(layout)) };
}
