// update-alternatives, enough for real maintainer scripts: --install (with
// --slave), --remove, --remove-all, --set, --auto, --display, --query, --list.
// The database is dpkg's own (<admindir>/alternatives/NAME) and the links go
// <link> -> /etc/alternatives/NAME -> <chosen path>, all inside the root.

import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, renameSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { atomicWrite } from './db.js';
import { PkgError, EXIT_ERROR, EXIT_FATAL } from './errors.js';
import { resolveInRoot } from './paths.js';

interface Choice {
  path: string;
  priority: number;
  slaves: Map<string, string>; // slave name -> path ('' = none)
}
interface Group {
  name: string;
  mode: 'auto' | 'manual';
  link: string;
  slaves: { name: string; link: string }[];
  choices: Choice[];
}

export interface AltEnv {
  root: string;
  admindir: string;
  altdir: string; // inside the root, normally /etc/alternatives
  out: (s: string) => void;
}

function dbFile(env: AltEnv, name: string): string {
  return join(env.admindir, 'alternatives', name);
}

function load(env: AltEnv, name: string): Group | null {
  const f = dbFile(env, name);
  if (!existsSync(f)) return null;
  const lines = readFileSync(f, 'utf8').split('\n');
  let i = 0;
  const next = () => lines[i++] ?? '';
  const g: Group = { name, mode: next() as Group['mode'], link: next(), slaves: [], choices: [] };
  for (let s = next(); s !== ''; s = next()) g.slaves.push({ name: s, link: next() });
  for (let p = next(); p !== ''; p = next()) {
    const c: Choice = { path: p, priority: Number(next()), slaves: new Map() };
    for (const s of g.slaves) c.slaves.set(s.name, next());
    g.choices.push(c);
  }
  return g;
}

function save(env: AltEnv, g: Group): void {
  mkdirSync(join(env.admindir, 'alternatives'), { recursive: true });
  if (g.choices.length === 0) {
    rmSync(dbFile(env, g.name), { force: true });
    return;
  }
  const l = [g.mode, g.link];
  for (const s of g.slaves) l.push(s.name, s.link);
  l.push('');
  for (const c of g.choices) {
    l.push(c.path, String(c.priority));
    for (const s of g.slaves) l.push(c.slaves.get(s.name) ?? '');
  }
  l.push('');
  atomicWrite(dbFile(env, g.name), l.join('\n') + '\n');
}

function best(g: Group): Choice | undefined {
  // Highest priority; ties go to the first registered, as update-alternatives does.
  return g.choices.reduce<Choice | undefined>((b, c) => (!b || c.priority > b.priority ? c : b), undefined);
}

/** Replace a symlink inside the root atomically. */
function setLink(root: string, at: string, target: string): void {
  const host = resolveInRoot(root, at);
  mkdirSync(dirname(host), { recursive: true });
  const tmp = host + '.dpkg-tmp';
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, host);
}
function dropLink(root: string, at: string): void {
  try {
    const host = resolveInRoot(root, at);
    if (lstatSync(host).isSymbolicLink()) rmSync(host);
  } catch {
    /* absent */
  }
}

function readLink(env: AltEnv, name: string): string | null {
  try {
    return readlinkSync(resolveInRoot(env.root, join(env.altdir, name))) || null;
  } catch {
    return null;
  }
}

function apply(env: AltEnv, g: Group, chosen: Choice | undefined): void {
  if (!chosen) {
    dropLink(env.root, g.link);
    dropLink(env.root, join(env.altdir, g.name));
    for (const s of g.slaves) {
      dropLink(env.root, s.link);
      dropLink(env.root, join(env.altdir, s.name));
    }
    return;
  }
  setLink(env.root, join(env.altdir, g.name), chosen.path);
  setLink(env.root, g.link, join(env.altdir, g.name));
  for (const s of g.slaves) {
    const p = chosen.slaves.get(s.name) ?? '';
    if (p && existsSync(resolveInRoot(env.root, p))) {
      setLink(env.root, join(env.altdir, s.name), p);
      setLink(env.root, s.link, join(env.altdir, s.name));
    } else {
      dropLink(env.root, join(env.altdir, s.name));
      dropLink(env.root, s.link);
    }
  }
}

function refresh(env: AltEnv, g: Group): void {
  if (g.mode === 'manual') {
    const cur = readLink(env, g.name);
    const c = g.choices.find((x) => x.path === cur);
    if (c) return apply(env, g, c);
    g.mode = 'auto'; // the manual choice went away
  }
  apply(env, g, best(g));
}

/** Run update-alternatives with its command-line arguments. Returns an exit code. */
export function updateAlternatives(env: AltEnv, args: string[]): number {
  const a = [...args];
  const cmd = a.shift();
  const need = (n: number) => {
    if (a.length < n) throw new PkgError(`update-alternatives: ${cmd} needs ${n} arguments`, EXIT_FATAL);
  };
  switch (cmd) {
    case '--install': {
      need(4);
      const [link, name, path, prio] = a.splice(0, 4);
      if (!/^-?\d+$/.test(prio)) throw new PkgError(`update-alternatives: priority must be an integer`, EXIT_FATAL);
      const slaves: [string, string, string][] = [];
      while (a.length) {
        if (a.shift() !== '--slave' || a.length < 3) throw new PkgError('update-alternatives: --slave needs <link> <name> <path>', EXIT_FATAL);
        const [sl, sn, sp] = a.splice(0, 3);
        slaves.push([sl, sn, sp]);
      }
      const g = load(env, name) ?? { name, mode: 'auto', link, slaves: [], choices: [] };
      g.link = link;
      for (const [sl, sn] of slaves) {
        const s = g.slaves.find((x) => x.name === sn);
        if (s) s.link = sl;
        else g.slaves.push({ name: sn, link: sl });
      }
      const c: Choice = g.choices.find((x) => x.path === path) ?? { path, priority: 0, slaves: new Map() };
      if (!g.choices.includes(c)) g.choices.push(c);
      c.priority = Number(prio);
      c.slaves = new Map(slaves.map(([, sn, sp]) => [sn, sp]));
      refresh(env, g);
      save(env, g);
      return 0;
    }
    case '--remove': {
      need(2);
      const [name, path] = a;
      const g = load(env, name);
      if (!g) return 0;
      g.choices = g.choices.filter((c) => c.path !== path);
      if (g.mode === 'manual' && readLink(env, name) === path) g.mode = 'auto';
      // Slaves that no remaining alternative provides are dropped, links included.
      for (const sl of g.slaves.filter((x) => !g.choices.some((c) => c.slaves.get(x.name)))) {
        dropLink(env.root, sl.link);
        dropLink(env.root, join(env.altdir, sl.name));
        g.slaves = g.slaves.filter((x) => x !== sl);
      }
      refresh(env, g);
      save(env, g);
      return 0;
    }
    case '--remove-all': {
      need(1);
      const g = load(env, a[0]);
      if (!g) return 0;
      g.choices = [];
      apply(env, g, undefined);
      save(env, g);
      return 0;
    }
    case '--set': {
      need(2);
      const g = load(env, a[0]);
      const c = g?.choices.find((x) => x.path === a[1]);
      if (!g || !c) throw new PkgError(`update-alternatives: alternative ${a[1]} for ${a[0]} not registered; not setting`, EXIT_ERROR);
      g.mode = 'manual';
      apply(env, g, c);
      save(env, g);
      return 0;
    }
    case '--auto': {
      need(1);
      const g = load(env, a[0]);
      if (!g) throw new PkgError(`update-alternatives: no alternatives for ${a[0]}`, EXIT_ERROR);
      g.mode = 'auto';
      refresh(env, g);
      save(env, g);
      return 0;
    }
    case '--display':
    case '--query':
    case '--list': {
      need(1);
      const g = load(env, a[0]);
      if (!g) throw new PkgError(`update-alternatives: no alternatives for ${a[0]}`, EXIT_ERROR);
      const cur = readLink(env, g.name);
      if (cmd === '--list') env.out(g.choices.map((c) => c.path + '\n').join(''));
      else if (cmd === '--query') {
        env.out(`Name: ${g.name}\nLink: ${g.link}\n` + (g.slaves.length ? `Slaves:\n${g.slaves.map((s) => ` ${s.name} ${s.link}\n`).join('')}` : '') +
          `Status: ${g.mode}\nBest: ${best(g)?.path}\nValue: ${cur ?? 'none'}\n` +
          g.choices.map((c) => `\nAlternative: ${c.path}\nPriority: ${c.priority}\n` + (g.slaves.length ? `Slaves:\n${g.slaves.filter((s) => c.slaves.get(s.name)).map((s) => ` ${s.name} ${c.slaves.get(s.name)}\n`).join('')}` : '')).join(''));
      } else {
        env.out(`${g.name} - ${g.mode === 'auto' ? 'auto mode' : 'manual mode'}\n  link best version is ${best(g)?.path}\n  link currently points to ${cur}\n  link ${g.name} is ${g.link}\n` +
          g.slaves.map((s) => `  slave ${s.name} is ${s.link}\n`).join('') +
          g.choices.map((c) => `${c.path} - priority ${c.priority}\n` + g.slaves.filter((s) => c.slaves.get(s.name)).map((s) => `  slave ${s.name}: ${c.slaves.get(s.name)}\n`).join('')).join(''));
      }
      return 0;
    }
    default:
      throw new PkgError(`update-alternatives: unknown command '${cmd ?? ''}'`, EXIT_FATAL);
  }
}

