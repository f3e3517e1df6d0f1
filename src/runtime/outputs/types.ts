/**
 * Where alerts go. A sink takes alerts one at a time (in order) and is closed
 * once; failures are counted in its stats and reported through `onError`,
 * never thrown into the event loop of the engine.
 */
import type { Alert } from '../rules/index.js';

export type { Alert };

export interface SinkStats {
  /** Alerts handed to the sink. */
  received: number;
  /** Alerts written or delivered. */
  written: number;
  /** Alerts that could not be written or delivered. */
  failed: number;
}

export interface AlertSink {
  readonly name: string;
  write(alert: Alert): Promise<void>;
  /** Flush and release resources; writes after close fail. */
  close(): Promise<void>;
  stats(): SinkStats;
}

export type ErrorHandler = (err: Error, alert?: Alert) => void;
