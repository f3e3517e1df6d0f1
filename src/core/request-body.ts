/**
 * The body of an incoming HTTP request (webhooks we serve), at most `max`
 * bytes. 'too-large' as soon as the declared length or the bytes received
 * pass the bound; the rest is drained and discarded, never buffered.
 */
import type { IncomingMessage } from 'node:http';

export function readRequestBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > max) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
