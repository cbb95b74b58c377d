// The VFS walk and its file systems on a real host tree: confinement against hostile symlink
// chains (absolute links, ../.. chains, loops, /proc/self/root), binds, the overlay's copy-up and
// whiteouts, and tmpfs. Everything runs on a temporary directory through the real NodeHost.

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeHost } from '../../kernel/host/node.js';
import { Vfs, Resolved } from '../../kernel/vfs/vfs.js';
import { HostFs } from '../../kernel/vfs/hostfs.js';
import { OverlayFs } from '../../kernel/vfs/overlay.js';
import { TmpFs } from '../../kernel/vfs/tmpfs.js';
import { E } from '../../compat/errno.js';
import { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC } from '../../kernel/vfs/file.js';

const host = new NodeHost();
let tmp: string;

function res(v: Vfs, p: string, cwd = '/', follow = true): Resolved {
  const r = v.resolve(p, cwd, follow);
  if (typeof r === 'number') throw new Error(`resolve ${p}: ${r}`);
  return r;
}

function readAll(v: Vfs, p: string): string | number {
  const r = v.resolve(p, '/', true);
  if (typeof r === 'number') return r;
  if (typeof r.st === 'number') return r.st;
  const f = r.fs.open(r.rel, O_RDONLY, 0, r.guest);
  if (typeof f === 'number') return f;
  const b = new Uint8Array(65536);
  const n = f.read(b, 0) as number;
  f.release();
  return n < 0 ? n : new TextDecoder().decode(b.subarray(0, n));
}

function writeFile(v: Vfs, p: string, text: string): number {
  const r = v.resolve(p, '/', true);
  if (typeof r === 'number') return r;
  const f = r.fs.open(r.rel, O_WRONLY | O_CREAT | O_TRUNC, 0o644, r.guest);
  if (typeof f === 'number') return f;
  const n = f.write(new TextEncoder().encode(text), null) as number;
  f.release();
  return n;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-vfs-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('confinement under --root', () => {
  let root: string;
  let v: Vfs;
  beforeEach(() => {
    root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.mkdirSync(path.join(root, 'a/b/c'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'guest passwd\n');
    fs.writeFileSync(path.join(tmp, 'secret'), 'host secret\n');
    v = new Vfs(host, root);
  });

  it('absolute symlinks restart at the guest root', () => {
    fs.symlinkSync('/etc/passwd', path.join(root, 'link'));
    expect(readAll(v, '/link')).toBe('guest passwd\n');
    expect(res(v, '/link').host).toBe(path.join(root, 'etc/passwd'));
  });

  it('.. chains stop at the root', () => {
    expect(res(v, '/../../../../etc/passwd').guest).toBe('/etc/passwd');
    expect(res(v, 'a/b/c/../../../../../..', '/').guest).toBe('/');
    fs.symlinkSync('../../../../../../../secret', path.join(root, 'a/b/c/up'));
    expect(readAll(v, '/a/b/c/up')).toBe(-E.ENOENT);
    fs.symlinkSync('../../../../../../../etc/passwd', path.join(root, 'a/b/c/pw'));
    expect(readAll(v, '/a/b/c/pw')).toBe('guest passwd\n');
  });

  it('symlinks to host absolute paths outside the root do not reach the host', () => {
    fs.symlinkSync(path.join(tmp, 'secret'), path.join(root, 'abs'));
    expect(readAll(v, '/abs')).toBe(-E.ENOENT);
    fs.symlinkSync('..', path.join(root, 'dotdot'));
    expect(res(v, '/dotdot/dotdot/dotdot').guest).toBe('/');
    expect(readAll(v, '/dotdot/secret')).toBe(-E.ENOENT);
  });

  it('a symlink before "/." or "/.." is followed even without follow', () => {
    fs.symlinkSync('a/b', path.join(root, 'lab'));
    expect(res(v, '/lab/.', '/', false).guest).toBe('/a/b');
    expect(res(v, '/lab/..', '/', false).guest).toBe('/a');
    expect(res(v, '/lab', '/', false).guest).toBe('/lab');
    expect(res(v, '/lab/', '/', false).guest).toBe('/a/b');
  });

  it('loops are ELOOP, chains longer than 40 too', () => {
    fs.symlinkSync('loop2', path.join(root, 'loop1'));
    fs.symlinkSync('loop1', path.join(root, 'loop2'));
    expect(v.resolve('/loop1', '/', true)).toBe(-E.ELOOP);
    fs.symlinkSync('self/x', path.join(root, 'self'));
    expect(v.resolve('/self', '/', true)).toBe(-E.ELOOP);
    for (let k = 0; k < 41; k++) fs.symlinkSync(`l${k + 1}`, path.join(root, `l${k}`));
    fs.writeFileSync(path.join(root, 'l41'), 'end');
    expect(v.resolve('/l0', '/', true)).toBe(-E.ELOOP);
    expect(readAll(v, '/l2')).toBe('end');
  });

  it('a symlinked middle component is walked by the kernel, not the host', () => {
    fs.symlinkSync(tmp, path.join(root, 'hostdir'));
    expect(v.resolve('/hostdir/secret', '/', true)).toBe(-E.ENOENT);
    const r = res(v, '/hostdir', '/', false);
    expect(r.host).toBe(path.join(root, 'hostdir'));
  });

  it('creating through a dangling absolute symlink lands inside the root', () => {
    fs.symlinkSync('/created', path.join(root, 'dangling'));
    fs.symlinkSync(path.join(tmp, 'created'), path.join(root, 'dangling2'));
    expect(v.resolve('/dangling2', '/', true)).toBe(-E.ENOENT); // its directories don't exist inside
    const r = res(v, '/dangling');
    expect(r.st).toBe(-E.ENOENT);
    expect(r.host.startsWith(root + '/')).toBe(true);
  });

  it('RESOLVE_BENEATH and RESOLVE_IN_ROOT', () => {
    fs.symlinkSync('/etc', path.join(root, 'a/abs'));
    expect(v.resolve('../etc', '/a', true, null, { beneath: true })).toBe(-E.EXDEV);
    expect(v.resolve('abs', '/a', true, null, { beneath: true })).toBe(-E.EXDEV);
    expect(v.resolve('/etc', '/a', true, null, { beneath: true })).toBe(-E.EXDEV);
    expect(res(v, 'b/c/..', '/a').guest).toBe('/a/b');
    const r = v.resolve('../../..', '/a/b', true, null, { root: '/a' });
    expect(typeof r !== 'number' && r.guest).toBe('/a');
    expect(v.resolve('x', '/a', true, null, { noSymlinks: true })).not.toBe(-E.ELOOP);
    expect(v.resolve('abs', '/a', true, null, { noSymlinks: true })).toBe(-E.ELOOP);
  });
});

describe('binds', () => {
  it('.. from a bind goes to the guest parent, never the host directory\'s parent', () => {
    const root = path.join(tmp, 'root');
    const data = path.join(tmp, 'outside/data');
    fs.mkdirSync(path.join(root, 'mnt'), { recursive: true });
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'outside/secret'), 'no');
    fs.writeFileSync(path.join(data, 'f'), 'bound\n');
    const v = new Vfs(host, root);
    v.mount('/mnt/data', new HostFs(host, data));
    expect(readAll(v, '/mnt/data/f')).toBe('bound\n');
    expect(res(v, '/mnt/data/..').guest).toBe('/mnt');
    expect(readAll(v, '/mnt/data/../secret')).toBe(-E.ENOENT);
    fs.symlinkSync('../../secret', path.join(data, 'esc'));
    expect(readAll(v, '/mnt/data/esc')).toBe(-E.ENOENT);
    fs.symlinkSync('/mnt/data/f', path.join(data, 'abs'));
    expect(readAll(v, '/mnt/data/abs')).toBe('bound\n');
    expect(writeFile(v, '/mnt/data/new', 'w')).toBe(1);
    expect(fs.readFileSync(path.join(data, 'new'), 'utf8')).toBe('w');
  });
});

describe('overlay', () => {
  let lower: string, upper: string, v: Vfs, ov: OverlayFs;
  beforeEach(() => {
    lower = path.join(tmp, 'lower');
    upper = path.join(tmp, 'upper');
    fs.mkdirSync(path.join(lower, 'etc/sub'), { recursive: true });
    fs.mkdirSync(path.join(lower, 'usr/bin'), { recursive: true });
    fs.mkdirSync(upper);
    fs.writeFileSync(path.join(lower, 'etc/conf'), 'lower conf\n');
    fs.writeFileSync(path.join(lower, 'etc/sub/x'), 'x\n');
    fs.writeFileSync(path.join(lower, 'usr/bin/tool'), 'tool\n', { mode: 0o755 });
    ov = new OverlayFs(host, upper, lower);
    v = new Vfs(host, '/');
    v.mount('/', ov);
  });

  it('reads come from the lower layer', () => {
    expect(readAll(v, '/etc/conf')).toBe('lower conf\n');
    expect(res(v, '/etc/conf').host).toBe(path.join(lower, 'etc/conf'));
  });

  it('writes copy up; the lower file is unchanged', () => {
    expect(writeFile(v, '/etc/conf', 'new conf\n')).toBe(9);
    expect(readAll(v, '/etc/conf')).toBe('new conf\n');
    expect(fs.readFileSync(path.join(lower, 'etc/conf'), 'utf8')).toBe('lower conf\n');
    expect(fs.readFileSync(path.join(upper, 'etc/conf'), 'utf8')).toBe('new conf\n');
  });

  it('chmod and utimes copy up', () => {
    const r = res(v, '/usr/bin/tool');
    expect(r.fs.chmod(r.rel, 0o700)).toBe(0);
    expect(fs.statSync(path.join(lower, 'usr/bin/tool')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(upper, 'usr/bin/tool')).mode & 0o777).toBe(0o700);
    expect(r.fs.utimes(r.rel, [1000, 0], [2000, 0])).toBe(0);
    expect(fs.statSync(path.join(upper, 'usr/bin/tool')).mtimeMs).toBe(2000000);
  });

  it('deleting a lower file leaves a whiteout; the host file stays', () => {
    const r = res(v, '/etc/conf');
    expect(r.fs.unlink(r.rel)).toBe(0);
    expect(v.resolve('/etc/conf', '/', true)).toMatchObject({ st: -E.ENOENT });
    expect(fs.existsSync(path.join(lower, 'etc/conf'))).toBe(true);
    expect(fs.existsSync(path.join(upper, 'etc/.wh.conf'))).toBe(true);
    const names = (ov.readdir('/etc') as { name: string }[]).map((d) => d.name);
    expect(names).not.toContain('conf');
    expect(names).not.toContain('.wh.conf');
    // Re-creating it removes the whiteout.
    expect(writeFile(v, '/etc/conf', 'again')).toBe(5);
    expect(readAll(v, '/etc/conf')).toBe('again');
    expect(fs.existsSync(path.join(upper, 'etc/.wh.conf'))).toBe(false);
  });

  it('a directory deleted and re-created hides the lower entries (opaque)', () => {
    expect(ov.unlink('/etc/sub/x')).toBe(0);
    expect(ov.rmdir('/etc/sub')).toBe(0);
    expect(ov.lstat('/etc/sub')).toBe(-E.ENOENT);
    expect(ov.mkdir('/etc/sub', 0o755)).toBe(0);
    expect(ov.lstat('/etc/sub/x')).toBe(-E.ENOENT);
    expect((ov.readdir('/etc/sub') as unknown[]).length).toBe(2);
    expect(fs.existsSync(path.join(lower, 'etc/sub/x'))).toBe(true);
  });

  it('rmdir of a non-empty merged directory is ENOTEMPTY', () => {
    expect(ov.rmdir('/etc/sub')).toBe(-E.ENOTEMPTY);
  });

  it('rename copies up and whites out the source', () => {
    expect(ov.rename('/etc/conf', '/etc/conf2', 0)).toBe(0);
    expect(ov.lstat('/etc/conf')).toBe(-E.ENOENT);
    expect(readAll(v, '/etc/conf2')).toBe('lower conf\n');
    expect(fs.existsSync(path.join(lower, 'etc/conf'))).toBe(true);
    expect(ov.rename('/etc/sub', '/etc/sub2', 0)).toBe(-E.EXDEV);
  });

  it('reserved whiteout names cannot be created', () => {
    expect(writeFile(v, '/etc/.wh.conf', 'x')).toBe(-E.EINVAL);
  });

  it('a hostile symlink in the upper layer stays inside the overlay', () => {
    fs.writeFileSync(path.join(tmp, 'secret'), 'host secret');
    fs.mkdirSync(path.join(upper, 'etc'), { recursive: true });
    fs.symlinkSync('../../../../../../secret', path.join(upper, 'etc/evil'));
    expect(readAll(v, '/etc/evil')).toBe(-E.ENOENT);
    fs.symlinkSync(path.join(tmp, 'secret'), path.join(upper, 'etc/evil2'));
    expect(readAll(v, '/etc/evil2')).toBe(-E.ENOENT);
  });
});

describe('tmpfs', () => {
  it('files, directories, links, rename and unlinked-but-open files', () => {
    const t = new TmpFs(host);
    const v = new Vfs(host, tmp);
    v.mount('/shm', t);
    expect(writeFile(v, '/shm/a', 'hello')).toBe(5);
    expect(readAll(v, '/shm/a')).toBe('hello');
    expect(t.mkdir('/d', 0o755)).toBe(0);
    expect(t.symlink(new TextEncoder().encode('/shm/a'), '/d/l')).toBe(0);
    expect(readAll(v, '/shm/d/l')).toBe('hello');
    expect(t.rename('/a', '/d/b', 0)).toBe(0);
    expect(readAll(v, '/shm/d/b')).toBe('hello');
    expect(t.rmdir('/d')).toBe(-E.ENOTEMPTY);
    const f = t.open('/d/b', O_RDONLY, 0, '/shm/d/b');
    expect(typeof f).toBe('object');
    expect(t.unlink('/d/b')).toBe(0);
    const b = new Uint8Array(10);
    expect(typeof f !== 'number' && f.read(b, 0)).toBe(5);
  });
});
