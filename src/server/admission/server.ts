/**
 * The webhook endpoint: node:https, POST /validate with an AdmissionReview
 * JSON body, GET /healthz for probes. Bodies are bounded, slow clients are
 * cut off, and anything but a readable review gets a 4xx (the API server
 * then applies the webhook configuration's failurePolicy).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BulkheadError } from '../../core/errors.js';
import type { AdmissionConfig } from './config.js';
import { createAdmissionHandler, registryOptionsOf, type AdmissionDependencies } from './handler.js';
import { openOnDemandScanner, type OnDemandScanning } from './scanner.js';
import { readRequestBody } from '../../core/request-body.js';

/** The API server sends at most ~3 MiB objects; a review holds object and oldObject. */
export const MAX_REVIEW_BYTES = 8 * 1024 * 1024;

export interface AdmissionServerOptions {
  /** `host:port`, `:port` or a port number; port 0 picks a free one. Default `0.0.0.0:8443`. */
  listen?: string | number;
  /** PEM serving certificate and key: file paths, or the PEM text itself. */
  tlsCert: string;
  tlsKey: string;
  config: AdmissionConfig;
  dependencies?: AdmissionDependencies;
}

export interface AdmissionServer {
  /** `https://host:port` */
  url: string;
  close(): Promise<void>;
}

function pem(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (e) {
    throw new BulkheadError('TARGET_NOT_FOUND', `cannot read the ${what} ${value}: ${(e as Error).message}`, { where: value, hint: `give a PEM ${what} file (see deploy/admission/gen-certs.sh)` });
  }
}

export function parseListen(listen: string | number | undefined): { host: string; port: number } {
  if (listen === undefined) return { host: '0.0.0.0', port: 8443 };
  const text = String(listen);
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:\s]*):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new BulkheadError('USAGE', `--listen ${JSON.stringify(text)} is not host:port`, { where: '--listen', hint: 'e.g. --listen 0.0.0.0:8443 or --listen :8443' });
  const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : '0.0.0.0';
  return { host, port };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Start the webhook server. Resolves once it listens. */
export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const { host, port } = parseListen(options.listen);
  const tls = { cert: pem(options.tlsCert, 'TLS certificate'), key: pem(options.tlsKey, 'TLS key') };
  const deps: AdmissionDependencies = { ...options.dependencies };
  // Scans on demand with the configured vulnerability DB, unless the caller brings its own scanner.
  let onDemand: OnDemandScanning | undefined;
  const vulnDb = options.config.vulnDb;
  if (!deps.scanner && vulnDb && options.config.vulnerabilities) {
    onDemand = openOnDemandScanner({
      dbDir: vulnDb.dir,
      where: vulnDb.where,
      missingCode: vulnDb.where === '--db-dir' ? 'USAGE' : 'POLICY_INVALID',
      registry: registryOptionsOf(options.config, deps),
      ...(options.config.vulnerabilities.platform ? { platform: options.config.vulnerabilities.platform } : {}),
    });
    deps.scanner = onDemand.scanner;
  }
  const handler = createAdmissionHandler(options.config, deps);
  const server = https.createServer({ ...tls, minVersion: 'TLSv1.2' }, (req, res) => {
    void serve(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  });
  // The API server gives up after timeoutSeconds (≤ 30 s); never hold a socket longer than that.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') return send(res, req.method === 'GET' ? 200 : 405, req.method === 'GET' ? 'ok' : 'use GET');
    if (path !== '/validate') return send(res, 404, 'not found: POST AdmissionReview v1 JSON to /validate');
    if (req.method !== 'POST') return send(res, 405, 'use POST');
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) return send(res, 415, 'the body must be application/json');
    const body = await readRequestBody(req, MAX_REVIEW_BYTES);
    if (body === 'too-large') return send(res, 413, `the review is larger than ${MAX_REVIEW_BYTES} bytes`);
    let review: unknown;
    try {
      review = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return send(res, 400, `the body is not JSON: ${(e as Error).message}`);
    }
    try {
      send(res, 200, await handler(review));
    } catch (e) {
      if (e instanceof BulkheadError) return send(res, 400, e.describe());
      throw e;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => {
      onDemand?.close();
      reject(new BulkheadError('IO', `cannot listen on ${host}:${port}: ${e.message}`, { where: `${host}:${port}`, hint: 'choose another --listen address', cause: e }));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `https://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          onDemand?.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
