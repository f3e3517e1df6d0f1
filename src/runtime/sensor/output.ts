/**
 * bpftrace's `-f json` stdout, one message per line: `attached_probes`,
 * `lost_events` (records the kernel dropped because the perf buffer was
 * full), `value` (our tuples), and whatever else bpftrace prints. A line that
 * is not valid JSON or not one of those shapes is reported as malformed,
 * never dropped silently: a hostile process must not be able to hide an
 * event by breaking its line.
 */

export type OutputMessage =
  | { type: 'attached'; probes: number }
  | { type: 'lost'; count: number }
  | { type: 'tuple'; values: Array<string | number> }
  | { type: 'other'; messageType: string }
  | { type: 'malformed'; reason: string };

/** Longest line accepted: a tuple holds at most one 200-byte string, escaped up to 10 bytes per byte. */
export const MAX_LINE_BYTES = 64 * 1024;

export function parseOutputLine(line: Buffer | string): OutputMessage {
  // bpftrace 0.17 escapes every byte >= 0x80, so lines are ASCII; latin1 keeps raw bytes of other versions one char per byte.
  const text = typeof line === 'string' ? line : line.toString('latin1');
  if (text.length > MAX_LINE_BYTES) return { type: 'malformed', reason: `line longer than ${MAX_LINE_BYTES} bytes` };
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    return { type: 'malformed', reason: `not JSON: ${(e as Error).message}` };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { type: 'malformed', reason: 'not a JSON object' };
  const { type, data } = msg as { type?: unknown; data?: unknown };
  if (typeof type !== 'string') return { type: 'malformed', reason: 'no "type"' };
  switch (type) {
    case 'attached_probes': {
      const probes = (data as { probes?: unknown } | null)?.probes;
      return typeof probes === 'number' ? { type: 'attached', probes } : { type: 'malformed', reason: 'attached_probes without a probe count' };
    }
    case 'lost_events': {
      const events = (data as { events?: unknown } | null)?.events;
      return typeof events === 'number' && Number.isFinite(events) && events >= 0
        ? { type: 'lost', count: events }
        : { type: 'malformed', reason: 'lost_events without a count' };
    }
    case 'value': {
      if (!Array.isArray(data)) return { type: 'other', messageType: 'value' };
      if (!data.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
        return { type: 'malformed', reason: 'tuple with a value that is neither a string nor a number' };
      }
      return { type: 'tuple', values: data as Array<string | number> };
    }
    default:
      return { type: 'other', messageType: type };
  }
}

/** Splits a byte stream into lines without decoding it; overlong lines are cut off and reported once. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly onLine: (line: Buffer) => void,
    private readonly onOverlong: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.take(chunk.subarray(start, nl), true);
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start), false);
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 && !this.discarding) this.emit();
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }

  private take(part: Buffer, complete: boolean): void {
    if (!this.discarding) {
      if (this.pendingBytes + part.length > MAX_LINE_BYTES) {
        this.discarding = true;
        this.pending = [];
        this.pendingBytes = 0;
        this.onOverlong();
      } else {
        this.pending.push(part);
        this.pendingBytes += part.length;
      }
    }
    if (complete) {
      if (!this.discarding) this.emit();
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = false;
    }
  }

  private emit(): void {
    const line = this.pending.length === 1 ? Buffer.from(this.pending[0]!) : Buffer.concat(this.pending);
    if (line.length > 0) this.onLine(line);
  }
}
