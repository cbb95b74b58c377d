// Safe path handling for unpacking into a root. Package paths are normalised
// (no '..', no absolute names) and every parent directory is resolved the way
// a chroot would see it: absolute symlink targets are taken inside the root,
// and a relative link that climbs above the root is refused, so nothing is
// ever written outside the root even through symlinks already on disk.

import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PkgError } from './errors.js';

/** Normalise a data.tar member name to dpkg's list form ('/usr/bin/jq', '/.' for the root). */
export function normalizeMember(name: string, what: string): string {
  if (name.startsWith('/')) throw new PkgError(`${what}: archive member '${name}' has an absolute path`);
  const parts: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') throw new PkgError(`${what}: archive member '${name}' contains '..'`);
    parts.push(c);
  }
  return parts.length ? '/' + parts.join('/') : '/.';
}

/** Does a symlink at `linkPath` (inside the root) with this target stay inside the root? */
export function symlinkStaysInside(linkPath: string, target: string): boolean {
  if (target.startsWith('/')) return true; // interpreted relative to the root
  const stack = linkPath.split('/').filter(Boolean);
  stack.pop();
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(c);
  }
  return true;
}

/**
 * Resolve `path` (absolute within the root) to a host path, following symlinks
 * of the parent directories chroot-style. The last component is not followed.
 * Throws if a relative symlink would lead outside the root.
 */
export function resolveInRoot(root: string, path: string): string {
  const want = path.split('/').filter(Boolean);
  const last = want.pop();
  if (last === undefined) return root;
  const resolved: string[] = [];
  let hops = 0;
  const todo = [...want];
  while (todo.length) {
    const c = todo.shift()!;
    if (c === '.' || c === '') continue;
    if (c === '..') {
      if (resolved.length === 0) throw new PkgError(`path '${path}' resolves outside the root`);
      resolved.pop();
      continue;
    }
    const host = join(root, ...resolved, c);
    let isLink = false;
    try {
      isLink = lstatSync(host).isSymbolicLink();
    } catch {
      isLink = false; // missing: will be created as a directory
    }
    if (!isLink) {
      resolved.push(c);
      continue;
    }
    if (++hops > 40) throw new PkgError(`too many levels of symbolic links resolving '${path}'`);
    const target = readlinkSync(host);
    const parts = target.split('/');
    if (target.startsWith('/')) resolved.length = 0;
    else if (!symlinkStaysInside('/' + [...resolved, c].join('/'), target)) {
      throw new PkgError(`refusing to write '${path}': '/${[...resolved, c].join('/')}' is a symlink pointing outside the root`);
    }
    todo.unshift(...parts);
  }
  return join(root, ...resolved, last);
}
