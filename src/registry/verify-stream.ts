/**
 * A pass-through stream that hashes what flows and fails at the end when the
 * content does not match its digest (or grows past its declared size), so a
 * consumer reading a blob straight off the network sees DIGEST_MISMATCH
 * instead of silently analysing tampered bytes.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BulkheadError } from '../core/errors.js';
import { splitDigest } from '../artifact/image/source.js';

export class DigestVerifier extends Transform {
  private readonly hash;
  private readonly expected: string;
  private readonly algorithm: string;
  private bytes = 0;

  constructor(
    private readonly digest: string,
    private readonly where: string,
    private readonly expectedSize?: number,
  ) {
    super();
    const [algorithm, hex] = splitDigest(digest, where);
    this.algorithm = algorithm;
    this.expected = hex;
    this.hash = createHash(algorithm);
  }

  get bytesSeen(): number {
    return this.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      done(
        new BulkheadError('DIGEST_MISMATCH', `blob ${this.digest} is larger than the ${this.expectedSize} bytes its descriptor declares`, {
          where: this.where,
          hint: 'the registry served different content than the manifest names; the image may have been tampered with',
        }),
      );
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest('hex');
    if (actual !== this.expected) {
      done(
        new BulkheadError('DIGEST_MISMATCH', `blob ${this.digest} does not match its digest (content is ${this.algorithm}:${actual})`, {
          where: this.where,
          hint: 'the registry served corrupt or tampered content; try again, and tell the registry owner if it persists',
        }),
      );
      return;
    }
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      done(
        new BulkheadError('DIGEST_MISMATCH', `blob ${this.digest} is ${this.bytes} bytes but its descriptor says ${this.expectedSize}`, {
          where: this.where,
          hint: 'the manifest and the blob disagree; the image is corrupt',
        }),
      );
      return;
    }
    done();
  }
}
