/**
 * Text and JSON-lines sinks on any writable stream (stdout, a socket, a
 * file stream). Text follows Falco's console line: `time: Priority output`.
 */
import type { Writable } from 'node:stream';
import type { Alert, AlertSink, ErrorHandler, SinkStats } from './types.js';

export function alertText(a: Alert): string {
  return `${a.time}: ${a.priority} ${a.output}`;
}

/** The JSON form of an alert (one line, no trailing newline). */
export function alertJson(a: Alert): string {
  return JSON.stringify(a);
}

function streamSink(name: string, stream: Writable, render: (a: Alert) => string, onError?: ErrorHandler): AlertSink {
  const s: SinkStats = { received: 0, written: 0, failed: 0 };
  let closed = false;
  return {
    name,
    write(alert) {
      s.received++;
      if (closed) {
        s.failed++;
        onError?.(new Error(`${name} sink is closed`), alert);
        return Promise.resolve();
      }
      // Resolved when the stream has taken the line (or failed it): awaiting writes gives back-pressure.
      return new Promise<void>((resolve) => {
        try {
          stream.write(render(alert) + '\n', (err) => {
            if (err) {
              s.failed++;
              onError?.(err, alert);
            } else s.written++;
            resolve();
          });
        } catch (err) {
          s.failed++;
          onError?.(err as Error, alert);
          resolve();
        }
      });
    },
    async close() {
      closed = true;
    },
    stats: () => ({ ...s }),
  };
}

export function textSink(stream: Writable, onError?: ErrorHandler): AlertSink {
  return streamSink('text', stream, alertText, onError);
}

export function jsonLinesSink(stream: Writable, onError?: ErrorHandler): AlertSink {
  return streamSink('json', stream, alertJson, onError);
}
