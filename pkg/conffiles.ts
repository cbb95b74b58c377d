// dpkg's conffile decision at configure time. For each conffile we know the
// hash recorded for the previously installed version (old), the file now on
// disk (cur) and the newly shipped one (NAME.dpkg-new). Non-interactive
// default = confold: a user-modified file is kept and the new one is left as
// NAME.dpkg-dist; --force-confnew installs the new one and keeps NAME.dpkg-old.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, lstatSync, readlinkSync } from 'node:fs';
import { resolveInRoot } from './paths.js';

export type ConfPolicy = 'confold' | 'confnew' | 'default';
export type ConfAction = 'install-new' | 'keep-current' | 'keep-with-dist' | 'replace-with-old' | 'unchanged' | 'deleted-by-user';

export function md5File(path: string): string | null {
  try {
    const st = lstatSync(path);
    // dpkg hashes a symlinked conffile through its target; a dangling one counts as missing.
    if (st.isSymbolicLink()) readlinkSync(path);
    return createHash('md5').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** Pure decision (exported for tests): what to do with one conffile. */
export function decide(old: string | null, cur: string | null, dist: string, policy: ConfPolicy): ConfAction {
  const firstInstall = old === null || old === 'newconffile';
  if (cur === null) {
    if (firstInstall) return 'install-new';
    // Deleted by the user: kept deleted unless the package changed it, which dpkg
    // treats as a prompt (confold: new one as .dpkg-dist, confnew: install it).
    if (old === dist) return 'deleted-by-user';
    return policy === 'confnew' ? 'install-new' : 'keep-with-dist';
  }
  if (cur === dist) return 'unchanged';
  if (!firstInstall && cur === old) return 'install-new'; // user never touched it
  if (!firstInstall && old === dist) return 'keep-current'; // package did not change it
  // Both sides differ: dpkg would prompt.
  return policy === 'confnew' ? 'replace-with-old' : 'keep-with-dist';
}

export interface ConffileOutcome {
  path: string;
  action: ConfAction;
  /** Hash to record in the Conffiles field (the distributed version's). */
  hash: string;
}

/** Apply the decision for conffile `path` (absolute inside root). */
export function processConffile(root: string, path: string, oldHash: string | null, policy: ConfPolicy): ConffileOutcome | null {
  const host = resolveInRoot(root, path);
  const newFile = host + '.dpkg-new';
  if (!existsSync(newFile)) {
    // Already processed (configure re-run after an interruption).
    const h = md5File(host);
    return h ? { path, action: 'unchanged', hash: oldHash && oldHash !== 'newconffile' ? oldHash : h } : null;
  }
  const dist = md5File(newFile)!;
  const cur = md5File(host);
  const action = decide(oldHash, cur, dist, policy);
  switch (action) {
    case 'install-new':
      renameSync(newFile, host);
      break;
    case 'unchanged':
    case 'keep-current':
    case 'deleted-by-user':
      rmSync(newFile, { force: true });
      break;
    case 'keep-with-dist':
      renameSync(newFile, host + '.dpkg-dist');
      break;
    case 'replace-with-old':
      rmSync(host + '.dpkg-old', { force: true });
      renameSync(host, host + '.dpkg-old');
      renameSync(newFile, host);
      break;
  }
  return { path, action, hash: dist };
}
