// Streaming decompressors for the tar members of a .deb, chosen by the member
// name's extension: gzip (node:zlib), xz (xz-decompress, WebAssembly), zstd
// (fzstd, pure JS), bzip2 (unbzip2-stream, pure JS) or none. All are streams,
// so memory stays bounded whatever the size of data.tar.

import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
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

class ZstdTransform extends Transform {
  private readonly d: ZstdType;
  constructor() {
    super();
    this.d = new ZstdDecompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      cb();
    } catch (e) {
      cb(new PkgError(`zstd data is corrupt: ${(e as Error).message}`));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(0), true);
      cb();
    } catch (e) {
      cb(new PkgError(`zstd data is corrupt or truncated: ${(e as Error).message}`));
    }
  }
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
    case 'zstd': {
      const z = new ZstdTransform();
      input.on('error', (e) => z.destroy(e));
      return input.pipe(z);
    }
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
