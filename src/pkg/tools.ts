// dpkg's helper programs that maintainer scripts call, as rustos-pkg
// subcommands with their own argument syntax (parsed here, not by commander):
//   rustos-pkg update-alternatives [--root D] [--admindir D] [--altdir D] --install ...
//   rustos-pkg divert [--root D] [--package P|--local] [--divert TO] [--rename] --add|--remove FILE
//   rustos-pkg trigger [--root D] [--by-package P] [--no-await] TRIGGER

import { join, resolve } from 'node:path';
import { updateAlternatives } from '../../pkg/alternatives.js';
import { divert } from '../../pkg/diversions.js';
import { Database } from '../../pkg/db.js';
import { activate } from '../../pkg/triggers.js';
import { PkgError, EXIT_FATAL } from '../../pkg/errors.js';
import { defaultRoot } from './setup.js';

export const TOOLS = ['update-alternatives', 'divert', 'trigger'];

/** Pull `--opt value` / `--opt=value` pairs out of args. */
function takeOpts(args: string[], withValue: string[], flags: string[]): { opts: Record<string, string | true>; rest: string[] } {
  const opts: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [k, v] = args[i].split(/=(.*)/s);
    if (withValue.includes(k)) {
      const val = v ?? args[++i];
      if (val === undefined) throw new PkgError(`${k} needs a value`, EXIT_FATAL);
      opts[k] = val;
    } else if (flags.includes(args[i])) opts[args[i]] = true;
    else rest.push(args[i]);
  }
  return { opts, rest };
}

export function runTool(tool: string, args: string[], out: (s: string) => void): number {
  const { opts, rest } = takeOpts(args, ['--root', '--admindir', '--altdir', '--package', '--divert', '--by-package', '--log', '--instdir'], ['--rename', '--local', '--no-await', '--quiet', '--no-rename', '--add', '--remove']);
  const root = resolve(typeof opts['--root'] === 'string' ? opts['--root'] : defaultRoot());
  const admindir = typeof opts['--admindir'] === 'string' ? resolve(opts['--admindir']) : join(root, 'var/lib/dpkg');
  switch (tool) {
    case 'update-alternatives':
      return updateAlternatives({ root, admindir, altdir: typeof opts['--altdir'] === 'string' ? opts['--altdir'] : '/etc/alternatives', out }, rest);
    case 'divert': {
      const file = rest[0];
      if (!file || !(opts['--add'] || opts['--remove'])) throw new PkgError('divert: need --add or --remove and a file name', EXIT_FATAL);
      const pkg = opts['--local'] ? null : typeof opts['--package'] === 'string' ? opts['--package'] : process.env.DPKG_MAINTSCRIPT_PACKAGE ?? null;
      divert(admindir, root, { [opts['--add'] ? 'add' : 'remove']: file, to: typeof opts['--divert'] === 'string' ? opts['--divert'] : undefined, pkg, rename: !!opts['--rename'] });
      return 0;
    }
    case 'trigger': {
      const name = rest[0];
      if (!name) throw new PkgError('trigger: need a trigger name', EXIT_FATAL);
      const db = Database.load(admindir);
      db.lock();
      try {
        const by = typeof opts['--by-package'] === 'string' ? opts['--by-package'] : process.env.DPKG_MAINTSCRIPT_PACKAGE ?? null;
        activate(db, name, by);
        db.commit();
      } finally {
        db.unlock();
      }
      return 0;
    }
  }
  throw new PkgError(`unknown tool ${tool}`, EXIT_FATAL);
}
