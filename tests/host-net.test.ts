// Guests and host processes talking over sockets: a guest client (tests/host-net/client.c) against
// a server in this Node process, and this process as the client of a guest server
// (tests/host-net/server.c), over TCP on 127.0.0.1 and ::1 and over a unix socket path.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const RUSTOS = new URL('../bin/rustos', import.meta.url).pathname;
const SRC = new URL('./host-net/', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustos-host-net-'));

interface Guest {
  /** Resolves with each stdout line as it comes. */
  line(): Promise<string>;
  done: Promise<{ status: number | null; out: string; err: string }>;
}

function guest(args: string[]): Guest {
  const p = spawn('node', [RUSTOS, 'run', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  let seen = 0;
  const waiters: (() => void)[] = [];
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    waiters.splice(0).forEach((w) => w());
  });
  p.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const done = new Promise<{ status: number | null; out: string; err: string }>((resolve) => p.on('close', (status) => {
    waiters.splice(0).forEach((w) => w());
    resolve({ status, out, err });
  }));
  const timer = setTimeout(() => p.kill('SIGKILL'), 100_000);
  void done.then(() => clearTimeout(timer));
  const line = async (): Promise<string> => {
    for (;;) {
      const k = out.indexOf('\n', seen);
      if (k >= 0) {
        const l = out.slice(seen, k);
        seen = k + 1;
        return l;
      }
      if (p.exitCode !== null) throw new Error(`guest exited: ${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { line, done };
}

/** A host server that answers what it reads upper-cased and closes at EOF. */
function upperServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (c) => {
    c.on('data', (d) => c.write(d.toString('latin1').toUpperCase()));
    c.on('end', () => c.end());
  });
}

/** The host as a client: sends text, half-closes, collects the answer. */
function hostClient(opts: net.NetConnectOpts, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ ...opts, allowHalfOpen: true } as net.NetConnectOpts);
    let got = '';
    c.on('connect', () => c.end(text));
    c.on('data', (d) => (got += d.toString('latin1')));
    c.on('end', () => resolve(got));
    c.on('error', reject);
  });
}

describe('sockets between guests and host processes', () => {
  beforeAll(() => {
    for (const f of ['client', 'server']) execFileSync('gcc', ['-O1', '-o', path.join(dir, f), path.join(SRC, `${f}.c`)]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [family, host] of [['tcp', '127.0.0.1'], ['tcp6', '::1']] as const) {
    it(`a guest TCP client of a host server on ${host}`, async () => {
      const srv = upperServer();
      await new Promise<void>((r) => srv.listen(0, host, r));
      const port = (srv.address() as net.AddressInfo).port;
      const r = await guest([path.join(dir, 'client'), family, String(port)]).done;
      srv.close();
      expect(r.err).toBe('');
      expect(r.out).toBe('HELLO FROM THE GUEST\nEOF\n');
      expect(r.status).toBe(0);
    }, 120_000);
  }

  it('a host TCP client of a guest server', async () => {
    const g = guest([path.join(dir, 'server'), 'tcp']);
    const first = await g.line();
    const port = Number(/^port (\d+)$/.exec(first)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await hostClient({ host: '127.0.0.1', port }, 'from the host\n')).toBe('FROM THE HOST\n');
    const r = await g.done;
    expect(r.out).toBe(`${first}\nserved 14 bytes\n`);
    expect(r.status).toBe(0);
  }, 120_000);

  it('a guest unix client of a host server', async () => {
    const sock = path.join(dir, 'host.sock');
    const srv = upperServer();
    await new Promise<void>((r) => srv.listen(sock, r));
    const r = await guest([path.join(dir, 'client'), 'unix', sock]).done;
    srv.close();
    expect(r.err).toBe('');
    expect(r.out).toBe('HELLO FROM THE GUEST\nEOF\n');
  }, 120_000);

  it('a host unix client of a guest server (the socket inode is a live host listener)', async () => {
    const sock = path.join(dir, 'guest.sock');
    const g = guest([path.join(dir, 'server'), 'unix', sock]);
    expect(await g.line()).toBe('ready');
    expect(fs.lstatSync(sock).isSocket()).toBe(true);
    expect(await hostClient({ path: sock }, 'through a path\n')).toBe('THROUGH A PATH\n');
    const r = await g.done;
    expect(r.out).toBe('ready\nserved 15 bytes\n');
    expect(fs.lstatSync(sock).isSocket()).toBe(true); // the name outlives the socket, as on Linux
  }, 120_000);
});
