// The page cache on its own: file pages shared by mappings, write(2) coherence, write-back of
// shared stores, SIGBUS past the end, and eviction of files nobody maps once past the limit.

import { describe, it, expect } from 'vitest';
import { NodeHost } from '../../kernel/host/node.js';
import { TmpFs } from '../../kernel/vfs/tmpfs.js';
import { PhysMem } from '../../kernel/mm/phys.js';
import { PageCache } from '../../kernel/mm/pagecache.js';
import { AddressSpace, MAP_SHARED, MAP_PRIVATE } from '../../kernel/mm/aspace.js';
import { PROT_READ, PROT_WRITE } from '../../kernel/mm/pagetable.js';
import { fileObservers, O_RDWR, O_CREAT, type OpenFile } from '../../kernel/vfs/file.js';
import { GuestFault } from '../../kernel/cpu/fault.js';

const host = new NodeHost();
const enc = new TextEncoder();

function setup(mb = 8) {
  const phys = new PhysMem(mb);
  const cache = new PageCache(phys);
  fileObservers.add(cache);
  const fs = new TmpFs(host);
  const open = (name: string, data = ''): OpenFile => {
    const f = fs.open('/' + name, O_RDWR | O_CREAT, 0o644, '/' + name);
    if (typeof f === 'number') throw new Error(`open ${f}`);
    if (data) f.write(enc.encode(data), 0);
    return f;
  };
  return { phys, cache, open };
}

describe('page cache', () => {
  it('shares one frame between mappings and keeps write(2) coherent', () => {
    const { phys, cache, open } = setup();
    const f = open('a', 'hello');
    const a = new AddressSpace(phys), b = new AddressSpace(phys);
    a.mapFixed(0x10000, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, '/a', 0, cache.backingFor(f));
    b.mapFixed(0x20000, 4096, PROT_READ, MAP_PRIVATE, '/a', 0, cache.backingFor(f));
    expect(a.read8(0x10000)).toBe(104); // 'h'
    a.write8(0x10000, 72); // 'H' through the shared mapping
    expect(b.read8(0x20000)).toBe(72); // the private mapping has not written: it sees the page
    f.write(enc.encode('J'), 1); // write(2) lands in the cached page
    expect(a.read8(0x10001)).toBe(74);
    const buf = new Uint8Array(5);
    f.read(buf, 0); // a read(2) first writes the shared stores back
    expect(new TextDecoder().decode(buf)).toBe('HJllo');
    a.destroy();
    b.destroy();
  });

  it('copies a private page on write and raises SIGBUS past the end of the file', () => {
    const { phys, cache, open } = setup();
    const f = open('b', 'x'.repeat(100));
    const a = new AddressSpace(phys);
    a.mapFixed(0x10000, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, '/b', 0, cache.backingFor(f));
    a.write8(0x10000, 0x41);
    const buf = new Uint8Array(1);
    f.read(buf, 0);
    expect(buf[0]).toBe(0x78); // the file is untouched
    expect(a.read8(0x10000 + 200)).toBe(0); // the rest of the last page reads zero
    let fault: unknown = null;
    try {
      a.read8(0x10000 + 4096);
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(GuestFault);
    expect((fault as GuestFault).signo).toBe(7);
    a.destroy();
  });

  it('evicts pages of files nobody maps once past its limit, and reads them again later', () => {
    const { phys, cache, open } = setup(8);
    const pagesPerFile = 64;
    const files = Array.from({ length: 8 }, (_, i) => open(`f${i}`, String.fromCharCode(65 + i).repeat(pagesPerFile * 4096)));
    for (const f of files) {
      const a = new AddressSpace(phys);
      a.mapFixed(0x100000, pagesPerFile * 4096, PROT_READ, MAP_PRIVATE, '', 0, cache.backingFor(f));
      for (let p = 0; p < pagesPerFile; p++) a.read8(0x100000 + p * 4096);
      a.destroy();
    }
    expect(cache.pageCount).toBeLessThanOrEqual(cache.limit);
    const a = new AddressSpace(phys);
    a.mapFixed(0x100000, pagesPerFile * 4096, PROT_READ, MAP_PRIVATE, '', 0, cache.backingFor(files[0]));
    expect(a.read8(0x100000 + 5 * 4096 + 7)).toBe(65);
    a.destroy();
  });
});
