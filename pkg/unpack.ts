// Unpacking data.tar into a root the way dpkg does: every object is first
// written as NAME.dpkg-new and renamed into place only after the whole archive
// was extracted (so an upgrade replaces each file atomically), conffiles stay
// as .dpkg-new until configuration, file conflicts with other packages are
// refused unless Replaces allows the takeover, and on any error everything
// written so far is rolled back.

import { openSync, writeSync, closeSync, fchmodSync, fchownSync, futimesSync, lstatSync, mkdirSync, chownSync, lchownSync, chmodSync, renameSync, rmSync, rmdirSync, statSync, symlinkSync, linkSync, lutimesSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { constants as fsConstants } from 'node:fs';
import { walkData, type DebLayout } from './deb.js';
import { PkgError, EXIT_ERROR } from './errors.js';
import { normalizeMember, resolveInRoot, symlinkStaysInside } from './paths.js';
import type { Database } from './db.js';
import { parseStatus } from './db.js';
import { divertedPath, type Diversion } from './diversions.js';
import { parseRelationField, relationMatches } from './relations.js';

export interface UnpackInput {
  root: string;
  db: Database;
  layout: DebLayout;
  pkg: string;
  version: string;
  replaces: string | undefined;
  conffiles: Set<string>;
  diversions: Diversion[];
  /** Files of the version being replaced (empty for a fresh install). */
  oldFiles: string[];
  /** Called for each entry unpacked, with its size, for progress reporting. */
  onProgress?: (bytes: number) => void;
}

export interface UnpackResult {
  /** The new info/PKG.list contents, '/.' first, in archive order. */
  files: string[];
  /** md5 of each conffile as shipped (written to NAME.dpkg-new). */
  conffileHashes: Map<string, string>;
  /** md5 of every regular file in archive order (dpkg writes md5sums when a .deb lacks them). */
  fileHashes: [string, string][];
  /** Entries not owned by root:root ("path user:group uid:gid"), kept when we cannot chown. */
  owners: string[];
  /** Packages whose files we took over (path -> previous owner). */
  takenOver: Map<string, string>;
  bytes: number;
}

export const isRoot = process.getuid?.() === 0;

export async function unpackData(inp: UnpackInput): Promise<UnpackResult> {
  const { root, db, layout, pkg } = inp;
  const what = layout.path;
  const owners = db.fileOwners();
  const replaces = parseRelationField(inp.replaces, 'Replaces').map((g) => g[0]);
  const files: string[] = [];
  const conffileHashes = new Map<string, string>();
  const fileHashes: [string, string][] = [];
  const ownerLines: string[] = [];
  const takenOver = new Map<string, string>();
  const deferred: { tmp: string; final: string }[] = [];
  const createdDirs: string[] = [];
  const written: string[] = [];
  const hostOf = new Map<string, string>();
  let bytes = 0;

  const rollback = () => {
    for (const f of written.reverse()) rmSync(f, { force: true });
    for (const d of createdDirs.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        /* not empty: another package's file is in it */
      }
    }
  };

  try {
    await walkData(layout, async (h, body) => {
      const p = normalizeMember(h.name, what);
      if (p === '/.') {
        if (!files.includes('/.')) files.push('/.');
        return;
      }
      if (h.type !== 'file' && h.type !== 'directory' && h.type !== 'symlink' && h.type !== 'link' && h.type !== 'contiguous-file') {
        throw new PkgError(`${what}: refusing to unpack '${p}': ${h.type} entries (device nodes, fifos) are not supported`);
      }
      const dest = divertedPath(inp.diversions, p, pkg);
      const host = resolveInRoot(root, dest);
      hostOf.set(p, host);
      files.push(p);
      if ((h.uid ?? 0) !== 0 || (h.gid ?? 0) !== 0) ownerLines.push(`${p} ${h.uname || h.uid}:${h.gname || h.gid} ${h.uid}:${h.gid}`);
      let existing: ReturnType<typeof lstatSync> | null = null;
      try {
        existing = lstatSync(host);
      } catch {
        existing = null;
      }

      if (h.type === 'directory') {
        let isDir = false;
        try {
          isDir = statSync(host).isDirectory(); // follows a symlink-to-directory as dpkg does
        } catch {
          isDir = false;
        }
        if (!isDir) {
          if (existing) throw new PkgError(`${what}: trying to overwrite '${p}' with a directory`, EXIT_ERROR);
          mkdirSync(host, { mode: h.mode ?? 0o755 });
          chmodSync(host, h.mode ?? 0o755);
          if (isRoot) chownSync(host, h.uid ?? 0, h.gid ?? 0);
          createdDirs.push(host);
        }
        return;
      }

      // A non-directory: check who else owns this path.
      const others = (owners.get(p) ?? []).filter((o) => o !== pkg);
      for (const o of others) {
        const ost = parseStatus(db.get(o)?.get('Status'));
        if (ost.state === 'config-files' || ost.state === 'not-installed') continue;
        if (!existing) continue;
        const ov = db.get(o)?.get('Version') ?? '';
        if (replaces.some((r) => relationMatches(r, o, ov))) {
          takenOver.set(p, o);
          continue;
        }
        throw new PkgError(`trying to overwrite '${p}', which is also in package ${o} ${ov}`, EXIT_ERROR);
      }
      if (existing?.isDirectory()) throw new PkgError(`${what}: trying to overwrite directory '${p}' with a non-directory`, EXIT_ERROR);

      mkdirSync(dirname(host), { recursive: true });
      const tmp = host + '.dpkg-new';
      // Only links need the old temp removed; files are opened with O_NOFOLLOW|O_TRUNC below.
      if (h.type !== 'file' && h.type !== 'contiguous-file') rmSync(tmp, { force: true });
      const mtime = h.mtime ?? new Date();
      if (h.type === 'symlink') {
        const target = h.linkname ?? '';
        if (!symlinkStaysInside(p, target)) throw new PkgError(`${what}: refusing symlink '${p}' -> '${target}': it points outside the root`);
        symlinkSync(target, tmp);
        written.push(tmp);
        if (isRoot) lchownSync(tmp, h.uid ?? 0, h.gid ?? 0);
        lutimesSync(tmp, mtime, mtime);
      } else if (h.type === 'link') {
        const src = normalizeMember(h.linkname ?? '', what);
        const srcHost = hostOf.get(src);
        if (!srcHost) throw new PkgError(`${what}: hard link '${p}' points to '${src}', which is not earlier in the archive`);
        const pending = deferred.find((d) => d.final === srcHost);
        linkSync(pending ? pending.tmp : srcHost, tmp);
        written.push(tmp);
        // Like dpkg, the link entry's own metadata is applied to the (shared) inode.
        chmodSync(tmp, h.mode ?? 0o644);
        if (isRoot) chownSync(tmp, h.uid ?? 0, h.gid ?? 0);
        // dpkg lists hard links in its generated md5sums with the target's hash.
        const srcHash = fileHashes.find(([f]) => f === src);
        if (srcHash) fileHashes.push([p, srcHash[1]]);
      } else {
        // Synchronous fd writes: far fewer thread-pool round trips than a WriteStream per file,
        // while still streaming chunk by chunk (a big file is never held in memory).
        const hash = createHash('md5');
        written.push(tmp);
        const fd = openNew(tmp);
        try {
          for await (const chunk of body) {
            const b = chunk as Buffer;
            hash.update(b);
            let off = 0;
            while (off < b.length) off += writeSync(fd, b, off, b.length - off);
            bytes += b.length;
            inp.onProgress?.(b.length);
          }
          fchmodSync(fd, h.mode ?? 0o644);
          if (isRoot) fchownSync(fd, h.uid ?? 0, h.gid ?? 0);
          futimesSync(fd, mtime, mtime);
        } finally {
          closeSync(fd);
        }
        const digest = hash.digest('hex');
        fileHashes.push([p, digest]);
        if (inp.conffiles.has(p)) {
          conffileHashes.set(p, digest);
          return; // conffiles are installed at configure time
        }
      }
      deferred.push({ tmp, final: host });
    });
  } catch (e) {
    rollback();
    throw e;
  }

  // Everything is extracted: now move the new objects into place, one rename each.
  for (const d of deferred) renameSync(d.tmp, d.final);
  return { files, conffileHashes, fileHashes, owners: ownerLines, takenOver, bytes };
}

/**
 * Remove files of the old version that the new one no longer ships, unless
 * another package still lists them. Directories go only when empty.
 */
export function removeObsolete(root: string, db: Database, pkg: string, oldFiles: string[], newFiles: Set<string>, keep: Set<string>): void {
  const owners = db.fileOwners();
  const gone = oldFiles.filter((f) => f !== '/.' && !newFiles.has(f) && !keep.has(f));
  removePaths(root, gone, (f) => (owners.get(f) ?? []).some((o) => o !== pkg));
}

/** Delete paths (deepest first); directories only if empty; skip shared ones. */
export function removePaths(root: string, paths: string[], shared: (p: string) => boolean): void {
  const sorted = [...paths].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  for (const f of sorted) {
    if (f === '/.' || shared(f)) continue;
    let host: string;
    try {
      host = resolveInRoot(root, f);
    } catch {
      continue;
    }
    let st;
    try {
      st = lstatSync(host);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      try {
        if (readdirSync(host).length === 0) rmdirSync(host);
      } catch {
        /* in use */
      }
    } else rmSync(host, { force: true });
  }
}

const NEW_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW;

/** Open NAME.dpkg-new for writing without ever following a stale symlink left there. */
function openNew(tmp: string): number {
  try {
    return openSync(tmp, NEW_FLAGS, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'EISDIR' && code !== 'ETXTBSY') throw e;
    rmSync(tmp, { force: true, recursive: code === 'EISDIR' });
    return openSync(tmp, NEW_FLAGS, 0o600);
  }
}
