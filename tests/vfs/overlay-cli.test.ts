// The root as `rustos run` builds it, end to end with host programs (dash, cat, rm, mv): the
// default overlay keeps host system files untouched (writes land in $RUSTOS_ROOT, deletions are
// whiteouts), the user's places ($HOME, /tmp, the current directory, --bind) are written at once,
// and under --root nothing outside the root is read or written, whatever the symlinks say.

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUSTOS = new URL('../../bin/rustos', import.meta.url).pathname;
let tmp: string, upper: string, lowerDir: string, home: string, work: string;

function rustos(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync('node', [RUSTOS, 'run', ...args], {
    cwd: opts.cwd ?? work,
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', HOME: home, RUSTOS_ROOT: upper, ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-ovl-'));
  upper = path.join(tmp, 'upper');
  home = path.join(tmp, 'home');
  work = path.join(tmp, 'work');
  fs.mkdirSync(home);
  fs.mkdirSync(work);
  // A host directory outside every pass-through place: it is only seen through the overlay.
  lowerDir = fs.mkdtempSync('/var/tmp/rustos-ovl-lower-');
  fs.writeFileSync(path.join(lowerDir, 'sys.conf'), 'host original\n');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(lowerDir, { recursive: true, force: true });
});

describe('default overlay', () => {
  it('a write to a host system path lands in the upper layer; the host file is unchanged', () => {
    const f = path.join(lowerDir, 'sys.conf');
    const r = rustos(['dash', '-c', `echo guest >> ${f}; cat ${f}`]);
    expect(r.out).toBe('host original\nguest\n');
    expect(fs.readFileSync(f, 'utf8')).toBe('host original\n');
    expect(fs.readFileSync(path.join(upper, f), 'utf8')).toBe('host original\nguest\n');
    // A later run sees its own change.
    expect(rustos(['cat', f]).out).toBe('host original\nguest\n');
  });

  it('a new file under /etc goes to the upper layer only', () => {
    const name = `/etc/rustos-probe-${process.pid}`;
    const r = rustos(['dash', '-c', `echo probe > ${name} && cat ${name}`]);
    expect(r.out).toBe('probe\n');
    expect(fs.existsSync(name)).toBe(false);
    expect(fs.readFileSync(path.join(upper, name), 'utf8')).toBe('probe\n');
  });

  it('deleting a lower file hides it from the guest and leaves it on the host', () => {
    const f = path.join(lowerDir, 'sys.conf');
    expect(rustos(['rm', f]).status).toBe(0);
    expect(fs.readFileSync(f, 'utf8')).toBe('host original\n');
    const r = rustos(['cat', f]);
    expect(r.status).toBe(1);
    expect(r.err).toContain('No such file or directory');
    expect(rustos(['ls', lowerDir]).out).toBe('');
    expect(fs.existsSync(path.join(upper, lowerDir, '.wh.sys.conf'))).toBe(true);
  });

  it('the current directory, $HOME, /tmp and --bind are written through at once', () => {
    const bound = path.join(tmp, 'bound');
    fs.mkdirSync(bound);
    const t = path.join(os.tmpdir(), `rustos-ovl-tmpfile-${process.pid}`);
    const r = rustos(['--bind', `${bound}:/mnt/rustos-bind`, 'dash', '-c',
      `echo cwd > here && echo home > ${home}/h && echo tmp > ${t} && echo bind > /mnt/rustos-bind/b && cat /mnt/rustos-bind/b`]);
    expect(r.err).toBe('');
    expect(r.out).toBe('bind\n');
    expect(fs.readFileSync(path.join(work, 'here'), 'utf8')).toBe('cwd\n');
    expect(fs.readFileSync(path.join(home, 'h'), 'utf8')).toBe('home\n');
    expect(fs.readFileSync(t, 'utf8')).toBe('tmp\n');
    expect(fs.readFileSync(path.join(bound, 'b'), 'utf8')).toBe('bind\n');
    fs.rmSync(t);
  });

  it('a rename from a bind into the overlay crosses file systems (mv copies)', () => {
    fs.writeFileSync(path.join(work, 'm'), 'moved\n');
    const dest = path.join(lowerDir, 'm');
    const r = rustos(['mv', 'm', dest]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(work, 'm'))).toBe(false);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.readFileSync(path.join(upper, dest), 'utf8')).toBe('moved\n');
  });
});

describe('--root confinement', () => {
  it('hostile symlinks resolve inside the root', () => {
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.mkdirSync(path.join(root, 'bin'));
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'inside\n');
    fs.symlinkSync('/etc/passwd', path.join(root, 'abs'));
    fs.symlinkSync('../../../../../../../../etc/passwd', path.join(root, 'bin/up'));
    fs.symlinkSync('/proc/self/root/../../etc/passwd', path.join(root, 'viaproc'));
    fs.symlinkSync(os.tmpdir(), path.join(root, 'hosttmp'));
    // A static program: the root has no libc.
    const c = path.join(tmp, 'cat.c');
    fs.writeFileSync(c, '#include <stdio.h>\nint main(int c,char**v){for(int i=1;i<c;i++){FILE*f=fopen(v[i],"r");if(!f){printf("%s: missing\\n",v[i]);continue;}char b[256];while(fgets(b,sizeof b,f))fputs(b,stdout);fclose(f);}FILE*w=fopen("/hosttmp/escaped","w");printf("write via link: %s\\n",w?"made":"refused");return 0;}\n');
    expect(spawnSync('gcc', ['-static', '-O1', '-o', path.join(root, 'bin/cat'), c]).status).toBe(0);
    const escaped = path.join(os.tmpdir(), 'escaped');
    fs.rmSync(escaped, { force: true });
    const r = rustos(['--root', root, '/bin/cat', '/abs', '/bin/up', '/viaproc', '/../../../etc/passwd', '/hosttmp/' + path.basename(tmp) + '/root/etc/passwd']);
    expect(r.out).toBe(`inside\ninside\ninside\ninside\n/hosttmp/${path.basename(tmp)}/root/etc/passwd: missing\nwrite via link: refused\n`);
    expect(fs.existsSync(escaped)).toBe(false);
  });
});
