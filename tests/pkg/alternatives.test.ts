// update-alternatives and dpkg-divert compatibility: the same commands run by
// the real tools (--root) and by rustos-pkg must give identical databases and links.
import { describe, it, expect } from 'vitest';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { updateAlternatives, type AltEnv } from '../../pkg/alternatives.js';
import { installDebs } from '../../pkg/install.js';
import { divert } from '../../pkg/diversions.js';
import { buildDeb, ctxFor, emptyRoot, sh } from './helpers.js';

function env(root: string): AltEnv {
  return { root, admindir: join(root, 'var/lib/dpkg'), altdir: '/etc/alternatives', out: () => undefined };
}
function prep(root: string): void {
  for (const f of ['usr/bin/nano', 'usr/bin/vim.tiny', 'usr/share/man/man1/nano.1.gz']) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), f);
  }
  mkdirSync(join(root, 'etc/alternatives'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg/alternatives'), { recursive: true });
}

describe('update-alternatives', () => {
  it('matches the real update-alternatives --root for install/set/auto/remove', () => {
    const a = emptyRoot();
    const b = emptyRoot();
    prep(a);
    prep(b);
    const steps = [
      ['--install', '/usr/bin/editor', 'editor', '/usr/bin/nano', '40', '--slave', '/usr/share/man/man1/editor.1.gz', 'editor.1.gz', '/usr/share/man/man1/nano.1.gz'],
      ['--install', '/usr/bin/editor', 'editor', '/usr/bin/vim.tiny', '15'],
      ['--set', 'editor', '/usr/bin/vim.tiny'],
      ['--auto', 'editor'],
      ['--remove', 'editor', '/usr/bin/nano'],
    ];
    for (const s of steps) {
      updateAlternatives(env(a), s);
      sh(`update-alternatives --quiet --root '${b}' --log /dev/null ${s.map((x) => `'${x}'`).join(' ')}`);
      expect(readFileSync(join(a, 'var/lib/dpkg/alternatives/editor'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/alternatives/editor'), 'utf8'));
      for (const l of ['usr/bin/editor', 'etc/alternatives/editor']) expect(readlinkSync(join(a, l))).toBe(readlinkSync(join(b, l)));
      expect(existsSync(join(a, 'usr/share/man/man1/editor.1.gz'))).toBe(existsSync(join(b, 'usr/share/man/man1/editor.1.gz')));
    }
    let q = '';
    updateAlternatives({ ...env(a), out: (s) => (q += s) }, ['--query', 'editor']);
    expect(q).toBe(sh(`update-alternatives --root '${b}' --query editor`));
  });
});

describe('dpkg-divert', () => {
  it('writes the same diversions file as dpkg-divert and unpack honours it', async () => {
    const a = emptyRoot();
    const b = emptyRoot();
    divert(join(a, 'var/lib/dpkg'), a, { add: '/usr/bin/tool', to: '/usr/bin/tool.real', pkg: 'wrapper', rename: false });
    sh(`dpkg-divert --root '${b}' --quiet --package wrapper --divert /usr/bin/tool.real --add /usr/bin/tool`);
    expect(readFileSync(join(a, 'var/lib/dpkg/diversions'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/diversions'), 'utf8'));
    const deb = buildDeb({ name: 'tool', files: { 'usr/bin/tool': 'real tool' } });
    await installDebs(ctxFor(a), [deb]);
    sh(`dpkg --root='${b}' -i '${deb}' >/dev/null 2>&1`);
    expect(readFileSync(join(a, 'usr/bin/tool.real'), 'utf8')).toBe('real tool');
    expect(existsSync(join(a, 'usr/bin/tool'))).toBe(false);
    expect(readFileSync(join(a, 'var/lib/dpkg/status'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/status'), 'utf8'));
    expect(readFileSync(join(a, 'var/lib/dpkg/info/tool.list'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/info/tool.list'), 'utf8'));
    expect(existsSync(join(b, 'usr/bin/tool.real'))).toBe(true);
  });
});
