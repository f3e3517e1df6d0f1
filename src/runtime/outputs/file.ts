/**
 * Append alerts to a file, one per line (JSON or text). The file is opened
 * in append mode and created with mode 0600 (alerts carry command lines).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BulkheadError } from '../../core/errors.js';
import { alertJson, alertText } from './text.js';
import type { Alert, AlertSink, ErrorHandler, SinkStats } from './types.js';

export interface FileSinkOptions {
  format?: 'json' | 'text';
  onError?: ErrorHandler;
}

/** Opens (creates) the file now, so that a bad path fails at start-up with a BulkheadError (IO). */
export async function fileSink(path: string, options: FileSinkOptions = {}): Promise<AlertSink> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'a', 0o600);
  } catch (err) {
    throw new BulkheadError('IO', `cannot open the alert file: ${(err as Error).message}`, { where: path, hint: 'check the directory exists and is writable', cause: err });
  }
  const render = options.format === 'text' ? alertText : alertJson;
  const s: SinkStats = { received: 0, written: 0, failed: 0 };
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const write = async (alert: Alert): Promise<void> => {
    try {
      await fh.appendFile(render(alert) + '\n', 'utf8');
      s.written++;
    } catch (err) {
      s.failed++;
      options.onError?.(err as Error, alert);
    }
  };
  return {
    name: `file:${path}`,
    write(alert) {
      s.received++;
      if (closed) {
        s.failed++;
        options.onError?.(new Error('file sink is closed'), alert);
        return Promise.resolve();
      }
      chain = chain.then(() => write(alert));
      return chain;
    },
    async close() {
      if (closed) return;
      closed = true;
      await chain;
      await fh.close();
    },
    stats: () => ({ ...s }),
  };
}
