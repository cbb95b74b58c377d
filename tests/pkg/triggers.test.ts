// File triggers: an installed package with `interest /usr/share/trig` gets
// Triggers-Pending when another package unpacks files there, exactly as dpkg
// records it; configure --pending then processes the trigger.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installDebs, loadCandidates, unpackOne, configurePending } from '../../pkg/install.js';
import { buildDeb, ctxFor, emptyRoot, sh, tmp } from './helpers.js';

function writeTriggers(deb: string, text: string): string {
  // dpkg-deb --build wants DEBIAN/triggers; rebuild the package with it.
  const src = tmp('rpkg-trg-');
  sh(`dpkg-deb -R '${deb}' '${src}'`);
  sh(`printf '${text}' > '${src}/DEBIAN/triggers'`);
  sh(`dpkg-deb --root-owner-group -b '${src}' '${deb}' >/dev/null`);
  return deb;
}

describe('triggers', () => {
  it('records interests and pending file triggers like dpkg', async () => {
    const d = tmp();
    const watcher = writeTriggers(buildDeb({ name: 'watcher', files: { 'usr/share/doc/watcher/x': 'w' } }, d), 'interest /usr/share/trig\\ninterest-noawait named-trig\\n');
    const feeder = buildDeb({ name: 'feeder', files: { 'usr/share/trig/file': 'f' } }, d);
    const a = emptyRoot();
    const b = emptyRoot();
    await installDebs(ctxFor(a), [watcher]);
    sh(`dpkg --root='${b}' -i '${watcher}' >/dev/null 2>&1`);
    expect(readFileSync(join(a, 'var/lib/dpkg/triggers/File'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/triggers/File'), 'utf8'));
    expect(readFileSync(join(a, 'var/lib/dpkg/triggers/named-trig'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/triggers/named-trig'), 'utf8'));
    const ctx = ctxFor(a);
    for (const c of await loadCandidates([feeder])) await unpackOne(ctx, c);
    sh(`dpkg --root='${b}' --no-triggers --unpack '${feeder}' >/dev/null 2>&1`);
    const st = (r: string) => sh(`dpkg-query --admindir='${r}/var/lib/dpkg' -W -f='\${Package} \${db:Status-Status} [\${Triggers-Pending}]\\n'`);
    expect(st(a)).toBe(st(b));
    expect(st(a)).toContain('watcher triggers-pending [ /usr/share/trig]');
    await configurePending(ctxFor(a));
    sh(`dpkg --root='${b}' --configure --pending >/dev/null 2>&1`);
    expect(st(a)).toBe(st(b));
    expect(readFileSync(join(a, 'var/lib/dpkg/status'), 'utf8')).toBe(readFileSync(join(b, 'var/lib/dpkg/status'), 'utf8'));
  });
});
