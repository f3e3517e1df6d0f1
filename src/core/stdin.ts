/** All of stdin as text, bounded: `-` inputs and `--password-stdin` read through this. */
import { BulkheadError } from './errors.js';

export async function readStdinText(maxBytes: number, input: AsyncIterable<unknown> = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > maxBytes) throw new BulkheadError('LIMIT_EXCEEDED', `stdin is larger than ${maxBytes} bytes`, { where: '-', hint: 'split the input' });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
