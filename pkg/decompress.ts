// Streaming decompressors for the tar members of a .deb, chosen by the member
// name's extension: gzip (node:zlib), xz (xz-decompress, WebAssembly), zstd
// (fzstd, pure JS), bzip2 (unbzip2-stream, pure JS) or none. All are streams,
// so memory stays bounded whatever the size of data.tar.

import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createRequire } from 'node:module';
import type { XzReadableStream as XzType } from 'xz-decompress';
import type { Decompress as ZstdType } from 'fzstd';
import { PkgError } from './errors.js';

// Both decoders are CommonJS; load them through require so plain Node ESM works.
const require = createRequire(import.meta.url);
const { XzReadableStream } = require('xz-decompress') as { XzReadableStream: typeof XzType };
const { Decompress: ZstdDecompress } = require('fzstd') as { Decompress: typeof ZstdType };

export type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'none';

export function compressionOf(member: string, base: string): Compression {
  const ext = member.slice(base.length);
  switch (ext) {
    case '': return 'none';
    case '.gz': return 'gzip';
    case '.xz': return 'xz';
    case '.zst': return 'zstd';
    case '.bz2': return 'bzip2';
    default: throw new PkgError(`archive member '${member}' uses unknown compression '${ext}'`);
  }
}

/**
 * zstd through fzstd. fzstd emits everything one push() decodes at once, and a
 * few bytes of RLE blocks can expand to megabytes, so input is fed in small
 * slices from an async generator: each `yield` waits for the consumer, which
 * keeps memory bounded even for a "zip bomb" of zeros.
 */
function zstdStream(input: Readable): Readable {
  const SLICE = 256;
  const FLUSH = 64 * 1024;
  async function* gen(): AsyncGenerator<Buffer> {
    let out: Buffer[] = [];
    let outLen = 0;
    const d = new ZstdDecompress((chunk) => {
      out.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      outLen += chunk.byteLength;
    });
    const feed = (data: Uint8Array, final: boolean) => {
      try {
        d.push(data, final);
      } catch (e) {
        throw new PkgError(`zstd data is corrupt or truncated: ${(e as Error).message}`);
      }
    };
    for await (const chunk of input) {
      const c = chunk as Buffer;
      for (let off = 0; off < c.length; off += SLICE) {
        feed(new Uint8Array(c.buffer, c.byteOffset + off, Math.min(SLICE, c.length - off)), false);
        if (outLen >= FLUSH) {
          const ready = out;
          out = [];
          outLen = 0;
          // Small pieces are joined; big bursts are handed over chunk by chunk.
          if (ready.length > 1 && ready.length * 128 * 1024 > FLUSH * 8) for (const b of ready) yield b;
          else yield Buffer.concat(ready);
        }
      }
    }
    feed(new Uint8Array(0), true);
    if (outLen) yield Buffer.concat(out);
  }
  return Readable.from(gen(), { objectMode: false });
}

/** Wrap a compressed byte stream in the matching decompressor. */
export function decompressStream(input: Readable, c: Compression): Readable {
  switch (c) {
    case 'none': {
      return input.pipe(new PassThrough());
    }
    case 'gzip': {
      const g = createGunzip({ chunkSize: 256 * 1024 });
      input.on('error', (e) => g.destroy(e));
      return input.pipe(g);
    }
    case 'zstd':
      return zstdStream(input);
    case 'bzip2': {
      const unbzip2 = require('unbzip2-stream') as () => NodeJS.ReadWriteStream;
      const b = unbzip2();
      const out = new PassThrough();
      input.on('error', (e) => out.destroy(e));
      b.on('error', (e: Error) => out.destroy(new PkgError(`bzip2 data is corrupt: ${e.message ?? e}`)));
      input.pipe(b as unknown as NodeJS.WritableStream);
      (b as unknown as Readable).pipe(out);
      return out;
    }
    case 'xz': {
      const web = Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>;
      const xz = new XzReadableStream(web);
      return Readable.fromWeb(xz as unknown as WebReadableStream<Uint8Array>);
    }
  }
}
