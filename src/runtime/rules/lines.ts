/**
 * JSON-lines reading for recorded events and audit logs: splits a byte
 * stream into lines without ever buffering more than `maxLineBytes` of one
 * line (a hostile file with no newline cannot exhaust memory), and parses
 * each line as JSON. Bad lines are reported with their number, never
 * dropped silently.
 */
import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE_BYTES = 1024 * 1024;

export type LineItem = { line: number; value: unknown } | { line: number; error: string };

export async function* jsonLines(stream: AsyncIterable<Buffer | string>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<LineItem> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let lineNo = 0;
  let skipping = false;
  const emit = function* (text: string): Generator<LineItem> {
    lineNo++;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return;
    try {
      yield { line: lineNo, value: JSON.parse(t) as unknown };
    } catch (err) {
      yield { line: lineNo, error: `not JSON: ${(err as Error).message}` };
    }
  };
  for await (const chunk of stream) {
    buf += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (skipping) {
        skipping = false;
        continue;
      }
      yield* emit(text);
    }
    if (buf.length > maxLineBytes) {
      if (!skipping) {
        lineNo++;
        yield { line: lineNo, error: `line longer than ${maxLineBytes} bytes, skipped` };
      }
      skipping = true;
      buf = '';
    }
  }
  buf += decoder.end();
  if (buf.length > 0 && !skipping) yield* emit(buf);
}
