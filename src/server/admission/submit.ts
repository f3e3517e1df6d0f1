/**
 * Hands images scanned on demand to the Bulkhead server so it stores a scan
 * of them: `POST /api/v1/scans {target: "host/repo@sha256:…"}`, the image by
 * the digest the gate judged. The server pulls and scans it itself (its own
 * vulnerability DB and registry credentials), so the stored result is the
 * server's, not a copy of ours; the next admission of that digest then reads
 * it instead of scanning again.
 *
 * Outside the request's critical path: `submit` only enqueues; at most
 * `concurrency` calls run at once, at most `maxQueued` wait (more are
 * dropped and counted), and a digest is submitted at most once per
 * `windowMs` per process. Nothing here throws to the caller: outcomes,
 * including failures, go to `log`.
 */
import { BulkheadError } from '../../core/errors.js';
import type { ScanResult } from '../../core/types.js';
import { splitReference } from '../../sign/index.js';
import { callServer } from '../client.js';
import type { ScanServerConfig } from './config.js';

export interface ScanSubmissionEvent {
  event: 'scan-submission';
  /** The admission request whose scan on demand is submitted. */
  uid: string;
  image: string;
  /** `host/repo@sha256:…`, when the image has one. */
  target?: string;
  /** submitted: the server queued a scan; failed: it did not (see message); dropped: the queue was full; skipped: nothing to submit. */
  outcome: 'submitted' | 'failed' | 'dropped' | 'skipped';
  /** The server's scan id (submitted). */
  scanId?: string;
  /** Submissions dropped so far by this process (dropped). */
  dropped?: number;
  message?: string;
}

export interface ScanSubmitterOptions {
  /** Calls to the server at once (default 2). */
  concurrency?: number;
  /** Submissions waiting at most (default 100); more are dropped. */
  maxQueued?: number;
  /** A digest is submitted at most once in this window (default 10 min). */
  windowMs?: number;
  /** Time allowed for one call (default 30 s). */
  callTimeoutMs?: number;
  log?: (event: ScanSubmissionEvent) => void;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export interface ScanSubmitter {
  /** Enqueue the image of a scan made on demand; returns at once. */
  submit(uid: string, imageRef: string, result: ScanResult): void;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  /** Submissions dropped because the queue was full. */
  readonly dropped: number;
}

const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_REMEMBERED = 10_000;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The reference the server should scan: the repository of `imageRef` at the digest the scan read, or why there is none. */
export function submissionTarget(imageRef: string, result: ScanResult): { target: string } | { none: string } {
  const digest = result.image?.manifestDigest;
  if (!digest || !DIGEST.test(digest)) return { none: 'the scan on demand has no sha256 manifest digest' };
  const ref = splitReference(imageRef);
  if (!ref) return { none: 'the image reference does not parse' };
  return { target: `${ref.repository}@${digest}` };
}

export function createScanSubmitter(server: ScanServerConfig, options: ScanSubmitterOptions = {}): ScanSubmitter {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const maxQueued = Math.max(0, options.maxQueued ?? 100);
  const windowMs = options.windowMs ?? 10 * 60_000;
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  const base = new URL(server.url);
  const recent = new Map<string, number>();
  const queue: { uid: string; image: string; target: string }[] = [];
  let running = 0;
  let dropped = 0;
  let waiters: (() => void)[] = [];

  const safeLog = (e: ScanSubmissionEvent) => {
    try {
      log(e);
    } catch {
      // A broken log must not stop the queue.
    }
  };

  function seenRecently(digestTarget: string): boolean {
    const at = recent.get(digestTarget);
    if (at !== undefined && now() - at < windowMs) return true;
    if (recent.size >= MAX_REMEMBERED) {
      for (const [k, t] of recent) if (now() - t >= windowMs) recent.delete(k);
      if (recent.size >= MAX_REMEMBERED) recent.delete(recent.keys().next().value!);
    }
    recent.set(digestTarget, now());
    return false;
  }

  async function send(item: { uid: string; image: string; target: string }): Promise<void> {
    const base_ = { event: 'scan-submission' as const, uid: item.uid, image: item.image, target: item.target };
    try {
      const answer = await callServer({
        url: new URL('api/v1/scans', base),
        method: 'POST',
        body: { target: item.target },
        token: server.token,
        signal: AbortSignal.timeout(callTimeoutMs),
        maxBytes: MAX_ANSWER_BYTES,
        ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
        authHint: () =>
          server.token
            ? `the token from ${server.tokenSource ?? 'the configuration'} may not queue scans: give it the scanner role to store scans on demand`
            : 'set server.tokenFile or BULKHEAD_SERVER_TOKEN to an API token with the scanner role',
        setting: 'server.url',
      });
      const json = answer.json as { id?: unknown; message?: unknown } | undefined;
      if (answer.status === 202 && json && typeof json.id === 'string') {
        safeLog({ ...base_, outcome: 'submitted', scanId: json.id.slice(0, 200) });
        return;
      }
      const said = json && typeof json.message === 'string' ? `: ${json.message.slice(0, 500)}` : '';
      throw new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server answered ${answer.status} to the scan submission${said}`, { where: answer.where, hint: 'see the server log' });
    } catch (e) {
      safeLog({ ...base_, outcome: 'failed', message: e instanceof BulkheadError ? e.describe() : e instanceof Error ? e.message : String(e) });
    }
  }

  function pump(): void {
    while (running < concurrency && queue.length) {
      const item = queue.shift()!;
      running++;
      void send(item).finally(() => {
        running--;
        pump();
      });
    }
    if (!running && !queue.length) {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }
  }

  return {
    submit(uid, imageRef, result) {
      const t = submissionTarget(imageRef, result);
      if ('none' in t) {
        safeLog({ event: 'scan-submission', uid, image: imageRef, outcome: 'skipped', message: t.none });
        return;
      }
      if (seenRecently(t.target)) return;
      if (queue.length >= maxQueued) {
        dropped++;
        // Forget it: a later admission may submit it when the queue has room.
        recent.delete(t.target);
        safeLog({ event: 'scan-submission', uid, image: imageRef, target: t.target, outcome: 'dropped', dropped, message: `${maxQueued} submissions are already waiting` });
        return;
      }
      queue.push({ uid, image: imageRef, target: t.target });
      pump();
    },
    idle() {
      if (!running && !queue.length) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get dropped() {
      return dropped;
    },
  };
}
