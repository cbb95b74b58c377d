import { describe, it, expect } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectDeb, walkData } from '../../pkg/deb.js';
import { PkgError } from '../../pkg/errors.js';
import { buildAr, readArMembers } from '../../pkg/ar.js';
import { fixture, fixtures, recompress, sh, tmp } from './helpers.js';

const have = fixtures() !== null;

async function listData(deb: string): Promise<string[]> {
  const d = await inspectDeb(deb);
  const out: string[] = [];
  await walkData(d.layout, async (h, body) => {
    let n = 0;
    for await (const c of body) n += (c as Buffer).length;
    out.push(`${h.name} ${h.type} ${n}`);
  });
  return out;
}

describe.skipIf(!have)('real .debs in every compression', () => {
  for (const z of ['xz', 'gzip', 'zstd', 'bzip2', 'none'] as const) {
    it(`reads jq with ${z}`, async () => {
      const deb = z === 'xz' ? fixture('jq') : recompress(fixture('jq'), z);
      const d = await inspectDeb(deb);
      expect(d.control.get('Package')).toBe('jq');
      expect(d.files.has('md5sums')).toBe(true);
      const entries = await listData(deb);
      const ref = sh(`dpkg-deb --fsys-tarfile '${deb}' | tar tv | wc -l`).trim();
      expect(entries.length).toBe(Number(ref));
      expect(entries.find((e) => e.startsWith('./usr/bin/jq '))).toBe('./usr/bin/jq file 30800');
    });
  }
});

describe('malformed archives', () => {
  it('rejects bad magic, truncation and bad headers with one-line PkgErrors', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.deb');
    writeFileSync(bad, 'not an archive at all');
    await expect(inspectDeb(bad)).rejects.toThrow(/bad ar magic/);
    const good = buildAr([{ name: 'debian-binary', data: Buffer.from('2.0\n') }, { name: 'control.tar', data: Buffer.alloc(1024) }]);
    const trunc = join(dir, 'trunc.deb');
    writeFileSync(trunc, good.subarray(0, good.length - 100));
    await expect(readArMembers(trunc)).rejects.toThrow(/truncated/);
    const hdr = Buffer.from(good);
    hdr.write('12x4', 8 + 48, 'latin1'); // size field with a letter
    writeFileSync(join(dir, 'h.deb'), hdr);
    await expect(readArMembers(join(dir, 'h.deb'))).rejects.toThrow(/invalid character in archive member header size/);
    const v3 = buildAr([{ name: 'debian-binary', data: Buffer.from('3.0\n') }]);
    writeFileSync(join(dir, 'v3.deb'), v3);
    await expect(inspectDeb(join(dir, 'v3.deb'))).rejects.toThrow(/format version/);
    await expect(inspectDeb(join(dir, 'h.deb'))).rejects.toBeInstanceOf(PkgError);
  });

  it.skipIf(!have)('reports a truncated data member clearly', async () => {
    const src = readFileSync(fixture('tree'));
    for (const z of ['xz', 'gzip', 'zstd'] as const) {
      const deb = z === 'xz' ? fixture('tree') : recompress(fixture('tree'), z);
      const buf = readFileSync(deb);
      // Corrupt the middle of data.tar (keep ar headers valid by overwriting, not cutting).
      const members = await readArMembers(deb);
      const data = members[2];
      const corrupt = Buffer.from(buf);
      corrupt.fill(0x41, data.offset + 200, data.offset + Math.min(data.size - 10, 4000));
      const out = join(tmp(), `c-${z}.deb`);
      writeFileSync(out, corrupt);
      await expect(listData(out)).rejects.toBeInstanceOf(PkgError);
    }
    expect(src.length).toBeGreaterThan(0);
  });
});
