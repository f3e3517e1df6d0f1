/**
 * Recording of the events a watch evaluates (`bulkhead runtime watch
 * --record FILE`), one JSON line per event: exactly what `bulkhead runtime
 * replay` reads back, so a recording replays to the same alerts.
 *
 * The watch runs as root and the events carry command lines, so the file is
 * created new (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600): never an existing
 * file, never through a symbolic link or a planted hard link. Lines are
 * buffered and written synchronously in blocks (and at least every second),
 * flushed by close() and, as a last resort, on process exit. The file is
 * bounded by `maxBytes`: the line that would pass it is not written and
 * recording stops there (the file always ends on a whole line), the watch
 * goes on.
 */
import { closeSync, constants, fsyncSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { BulkheadError } from '../core/errors.js';
import type { RuntimeEvent } from './events.js';

export const DEFAULT_RECORD_MAX_BYTES = 1024 ** 3;

export interface EventRecorderOptions {
  /** Stop recording before the file would pass this size; default 1 GiB. */
  maxBytes?: number;
  /** Called once when recording stops at maxBytes. */
  onLimit?: (stats: RecordingStats) => void;
  /** Called once when a write fails (recording stops) or an event cannot be serialised. */
  onError?: (e: Error) => void;
  /** Buffered bytes that trigger a write; default 64 KiB. */
  flushBytes?: number;
  /** Interval of the background flush in ms; default 1000, 0 for none. */
  flushIntervalMs?: number;
}

export interface RecordingStats {
  path: string;
  /** Events written to the file (buffered ones count once flushed). */
  events: number;
  /** Bytes written: the file's size. */
  bytes: number;
  /** Events not recorded: after recording stopped, lost in a failed write, or not serialisable. */
  skipped: number;
  /** Why recording stopped early. */
  stopped?: 'limit' | 'error';
}

export class EventRecorder {
  private fd: number | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private bufferedEvents = 0;
  private readonly s: RecordingStats;
  private readonly maxBytes: number;
  private readonly flushBytes: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onExit = () => this.flush();

  private constructor(fd: number, path: string, private readonly options: EventRecorderOptions) {
    this.fd = fd;
    this.s = { path, events: 0, bytes: 0, skipped: 0 };
    this.maxBytes = options.maxBytes ?? DEFAULT_RECORD_MAX_BYTES;
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    const every = options.flushIntervalMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => this.flush(), every);
      this.timer.unref();
    }
    process.on('exit', this.onExit);
  }

  /** Create `path` as a new file (mode 0600); a BulkheadError when it exists, is a symlink, or cannot be created. */
  static create(path: string, options: EventRecorderOptions = {}): EventRecorder {
    if (options.maxBytes !== undefined && !(Number.isSafeInteger(options.maxBytes) && options.maxBytes > 0)) {
      throw new BulkheadError('USAGE', `the recording limit ${options.maxBytes} is not a positive number of bytes`, { where: path });
    }
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (err) {
      throw openError(path, err as NodeJS.ErrnoException);
    }
    return new EventRecorder(fd, path, options);
  }

  /** Append one event (a JSON line); a no-op once recording has stopped. */
  record(event: RuntimeEvent): void {
    if (this.fd === undefined || this.s.stopped) {
      this.s.skipped++;
      return;
    }
    let line: string;
    try {
      line = `${JSON.stringify(event)}\n`;
    } catch (err) {
      this.s.skipped++;
      this.options.onError?.(new Error(`event not recorded: ${(err as Error).message}`));
      return;
    }
    const n = Buffer.byteLength(line, 'utf8');
    if (this.s.bytes + this.bufferedBytes + n > this.maxBytes) {
      this.s.stopped = 'limit';
      this.s.skipped++;
      this.flush();
      this.options.onLimit?.(this.stats());
      return;
    }
    this.buffer.push(line);
    this.bufferedBytes += n;
    this.bufferedEvents++;
    if (this.bufferedBytes >= this.flushBytes) this.flush();
  }

  /** Write what is buffered. A failed write stops recording (reported once through onError). */
  flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const data = Buffer.from(this.buffer.join(''), 'utf8');
    const events = this.bufferedEvents;
    this.buffer = [];
    this.bufferedBytes = 0;
    this.bufferedEvents = 0;
    let off = 0;
    try {
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      this.s.events += events;
      this.s.bytes += data.length;
    } catch (err) {
      // A partly written block leaves a cut last line: replay reports it as one invalid line.
      this.s.bytes += off;
      this.s.skipped += events;
      this.fail(err as Error);
    }
  }

  stats(): RecordingStats {
    return { ...this.s };
  }

  /** Flush, sync to disk and close; the final stats. Safe to call twice. */
  close(): RecordingStats {
    this.flush();
    if (this.fd !== undefined) {
      try {
        fsyncSync(this.fd);
      } catch {
        // not every file system syncs (pipes, some FUSE); the data was written
      }
      this.release();
    }
    return this.stats();
  }

  /** Close and remove the file (the watch never started: nothing worth keeping, and the name is free again). */
  discard(): void {
    this.buffer = [];
    this.bufferedBytes = 0;
    this.bufferedEvents = 0;
    this.release();
    try {
      unlinkSync(this.s.path);
    } catch {
      // already gone
    }
  }

  private fail(err: Error): void {
    if (this.s.stopped === 'error') return;
    this.s.stopped = 'error';
    this.options.onError?.(new Error(`recording to ${this.s.path} stopped: ${err.message}`));
  }

  private release(): void {
    if (this.timer) clearInterval(this.timer);
    process.off('exit', this.onExit);
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // closing a file we opened does not fail in a way we could act on
    }
    this.fd = undefined;
  }
}

function openError(path: string, err: NodeJS.ErrnoException): BulkheadError {
  if (err.code === 'EEXIST' || err.code === 'ELOOP') {
    let link = err.code === 'ELOOP';
    try {
      link ||= lstatSync(path).isSymbolicLink();
    } catch {
      // gone meanwhile: report as existing
    }
    return link
      ? new BulkheadError('USAGE', `the recording file ${path} is a symbolic link: refused`, { where: path, hint: 'give the path of a new file, not a link' })
      : new BulkheadError('USAGE', `the recording file ${path} already exists`, { where: path, hint: 'a recording never writes over a file: remove it or give a new name' });
  }
  return new BulkheadError('IO', `cannot create the recording file: ${err.message}`, { where: path, hint: 'check the directory exists and is writable', cause: err });
}

/** A byte size from the command line: `1048576`, `512KiB`, `100MiB`, `1GiB` (also K, M, G, KB, MB, GB as powers of 1024). */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|B)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2] ? 1024 ** ('KMGT'.indexOf(m[2].toUpperCase()) + 1) : 1;
  const n = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
