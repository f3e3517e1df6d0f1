/**
 * The Kubernetes audit webhook backend: kube-apiserver (with
 * --audit-webhook-config-file) POSTs batches of audit events as an
 * `audit.k8s.io/v1` EventList; each event goes through the k8s_audit rules
 * and the alerts to the caller's output.
 *
 * The API server retries a batch on any non-2xx answer and holds the next
 * ones meanwhile, so a readable batch is answered 200 as soon as its events
 * are evaluated; alerts are handed to the (possibly slow) output afterwards,
 * in order, with a bound on how many may wait. Everything else is a 4xx with
 * a short reason: a body over the size cap (413), not JSON content (415),
 * unparsable JSON or not an audit Event/EventList (400), a missing or wrong
 * bearer token when one is required (401).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { BulkheadError } from '../../core/errors.js';
import type { K8sAuditEvent } from '../events.js';
import { auditEventsOf } from '../rules/event-schema.js';
import type { Alert, RuleSet } from '../rules/ruleset.js';
import { readRequestBody } from '../../core/request-body.js';

/** The path Falco's k8saudit plugin listens on, so that an existing webhook configuration can point here unchanged. */
export const AUDIT_WEBHOOK_PATH = '/k8s-audit';
/** The API server's batches are bounded by --audit-webhook-batch-max-size (default 400 events); this leaves room for RequestResponse bodies. */
export const MAX_AUDIT_BODY_BYTES = 16 * 1024 * 1024;
/** Alerts waiting for a slow output beyond this many are dropped (and counted), not queued without bound. */
export const MAX_PENDING_ALERTS = 10_000;
export const AUDIT_API_VERSION = 'audit.k8s.io/v1';
const MAX_REASON_CHARS = 200;

export interface AuditWebhookOptions {
  /** `host:port`, `:port` or a port number; port 0 picks a free one. */
  listen: string | number;
  /** PEM certificate (chain) and key: serve HTTPS. Without them, plain HTTP. */
  tls?: { cert: string; key: string };
  rules: RuleSet;
  /** Each alert, in order; awaited before the next one is handed over. */
  onAlert: (alert: Alert) => unknown;
  /** When set, POSTs must carry `Authorization: Bearer <token>`. */
  token?: string;
  maxBodyBytes?: number;
  maxPendingAlerts?: number;
  /** Output failures and rule evaluation failures (the server goes on). */
  onError?: (error: Error) => void;
}

export interface AuditWebhookStats {
  /** POSTs to the audit path. */
  requests: number;
  /** Of which answered 200. */
  accepted: number;
  /** Audit events evaluated. */
  events: number;
  /** Answered 400: not JSON, not an audit Event or EventList. */
  invalid: number;
  /** Answered 401. */
  unauthorized: number;
  /** Answered 413. */
  tooLarge: number;
  /** Answered 415. */
  unsupportedType: number;
  /** Alerts raised. */
  alerts: number;
  /** Alerts dropped because the output was too far behind. */
  dropped: number;
  /** Events on which the rule evaluation failed, and alerts the output refused. */
  errors: number;
}

export interface AuditWebhook {
  /** `http(s)://host:port/k8s-audit`: what the webhook kubeconfig's `server` names. */
  url: string;
  stats(): AuditWebhookStats;
  /** Resolves when every alert raised so far has been handed to the output. */
  settled(): Promise<void>;
  /** Stop listening, cut open connections, and wait for pending alerts. */
  close(): Promise<void>;
}

export function parseListenAddress(listen: string | number): { host: string; port: number } {
  const text = String(listen);
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:\s[\]]*):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new BulkheadError('USAGE', `--listen ${JSON.stringify(text)} is not host:port`, { where: '--listen', hint: 'e.g. --listen 0.0.0.0:9765, --listen :9765 or --listen 127.0.0.1:0 (any free port)' });
  const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : '0.0.0.0';
  return { host, port };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h);
  return m?.[1];
}

function send(res: ServerResponse, status: number, body: string | object, extra: Record<string, string> = {}): void {
  const json = typeof body !== 'string';
  const text = json ? JSON.stringify(body) : `${body}\n`;
  res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

const short = (s: string) => (s.length > MAX_REASON_CHARS ? `${s.slice(0, MAX_REASON_CHARS)}…` : s);

/** The audit events of a parsed body, or why it is not an audit Event/EventList of audit.k8s.io/v1. */
export function auditBatchOf(value: unknown): { events: K8sAuditEvent[] } | { error: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'the body is not a JSON object: expected an audit.k8s.io/v1 EventList' };
  const v = value as Record<string, unknown>;
  if (v.apiVersion !== AUDIT_API_VERSION) {
    return { error: `apiVersion ${short(JSON.stringify(v.apiVersion) ?? 'missing')}: expected ${AUDIT_API_VERSION} (kube-apiserver --audit-webhook-version=${AUDIT_API_VERSION})` };
  }
  if (v.kind !== 'EventList' && v.kind !== 'Event') return { error: `kind ${short(JSON.stringify(v.kind) ?? 'missing')}: expected EventList or Event` };
  return auditEventsOf(v);
}

/** Start the audit webhook backend. Resolves once it listens. */
export async function startAuditWebhook(options: AuditWebhookOptions): Promise<AuditWebhook> {
  const { host, port } = parseListenAddress(options.listen);
  const maxBody = options.maxBodyBytes ?? MAX_AUDIT_BODY_BYTES;
  const maxPending = options.maxPendingAlerts ?? MAX_PENDING_ALERTS;
  const expected = options.token === undefined ? undefined : digest(options.token);
  const onError = options.onError ?? (() => undefined);
  const stats: AuditWebhookStats = { requests: 0, accepted: 0, events: 0, invalid: 0, unauthorized: 0, tooLarge: 0, unsupportedType: 0, alerts: 0, dropped: 0, errors: 0 };
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();

  const deliver = (alert: Alert) => {
    if (pending >= maxPending) {
      stats.dropped++;
      return;
    }
    pending++;
    chain = chain
      .then(() => options.onAlert(alert))
      .then(
        () => undefined,
        (e: unknown) => {
          stats.errors++;
          onError(e instanceof Error ? e : new Error(String(e)));
        },
      )
      .finally(() => void pending--);
  };

  const evaluate = (events: K8sAuditEvent[]) => {
    for (const e of events) {
      stats.events++;
      let alerts: readonly Alert[];
      try {
        alerts = options.rules.evaluate(e);
      } catch (err) {
        stats.errors++;
        onError(new Error(`rule evaluation failed on audit event ${short(String(e.event.auditID ?? '?'))}: ${(err as Error).message}`));
        continue;
      }
      for (const a of alerts) {
        stats.alerts++;
        deliver(a);
      }
    }
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') return send(res, req.method === 'GET' ? 200 : 405, req.method === 'GET' ? 'ok' : 'use GET');
    if (path !== AUDIT_WEBHOOK_PATH) return send(res, 404, `not found: POST audit.k8s.io/v1 EventList JSON to ${AUDIT_WEBHOOK_PATH}`, { connection: 'close' });
    if (req.method !== 'POST') return send(res, 405, 'use POST', { allow: 'POST', connection: 'close' });
    stats.requests++;
    if (expected) {
      const given = bearerOf(req);
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        stats.unauthorized++;
        return send(res, 401, 'a bearer token is required (the token of the webhook kubeconfig user)', { 'www-authenticate': 'Bearer', connection: 'close' });
      }
    }
    const type = String(req.headers['content-type'] ?? '');
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (!/^application\/json\s*(;|$)/i.test(type) || encoding !== 'identity') {
      stats.unsupportedType++;
      return send(res, 415, 'the body must be application/json, not compressed', { connection: 'close' });
    }
    const body = await readRequestBody(req, maxBody);
    if (body === 'too-large') {
      stats.tooLarge++;
      return send(res, 413, `the body is larger than ${maxBody} bytes (lower --audit-webhook-batch-max-size)`, { connection: 'close' });
    }
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (e) {
      stats.invalid++;
      return send(res, 400, `the body is not JSON: ${short((e as Error).message)}`);
    }
    const batch = auditBatchOf(value);
    if ('error' in batch) {
      stats.invalid++;
      return send(res, 400, short(batch.error));
    }
    evaluate(batch.events);
    stats.accepted++;
    send(res, 200, { events: batch.events.length });
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res).catch((e: unknown) => {
      // Only a broken connection gets here (the handler itself has no failure path).
      stats.errors++;
      onError(e instanceof Error ? e : new Error(String(e)));
      if (!res.headersSent) send(res, 400, 'the request could not be read', { connection: 'close' });
      else res.destroy();
    });
  };

  let server: http.Server;
  try {
    server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handle) : http.createServer(handle);
  } catch (e) {
    throw new BulkheadError('KEY_INVALID', `the TLS certificate or key is not usable: ${(e as Error).message}`, { where: '--tls-cert/--tls-key', hint: 'give a PEM certificate and its PEM private key', cause: e });
  }
  // A batch of 16 MiB over a slow link still fits; an idle or trickling client does not hold a socket for long.
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new BulkheadError('IO', `cannot listen on ${host}:${port}: ${e.message}`, { where: `${host}:${port}`, hint: 'choose another --listen address', cause: e })));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}${AUDIT_WEBHOOK_PATH}`,
    stats: () => ({ ...stats }),
    settled: () => chain,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await chain;
    },
  };
}
