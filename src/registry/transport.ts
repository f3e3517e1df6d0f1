/**
 * One HTTP exchange with a registry (or its token service): node:http(s)
 * with keep-alive agents, the system CAs plus an optional extra CA file, a
 * timeout for the answer and for stalls while streaming a body. No retries,
 * redirects or auth here: the client decides those.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { BulkheadError } from '../core/errors.js';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, unread. Consume or destroy it. */
  body: http.IncomingMessage;
  url: URL;
}

export interface TransportOptions {
  caFile?: string;
  timeoutMs: number;
  userAgent?: string;
}

const MAX_ERROR_BODY = 64 * 1024;

export class HttpTransport {
  private httpsAgent: Promise<https.Agent> | undefined;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly options: TransportOptions) {}

  private agentFor(url: URL): Promise<http.Agent> {
    if (url.protocol === 'http:') return Promise.resolve(this.httpAgent);
    this.httpsAgent ??= this.makeHttpsAgent();
    return this.httpsAgent;
  }

  private async makeHttpsAgent(): Promise<https.Agent> {
    const caFile = this.options.caFile;
    if (!caFile) return new https.Agent({ keepAlive: true, maxSockets: 16 });
    let pem: string;
    try {
      pem = await readFile(caFile, 'utf8');
    } catch (e) {
      throw new BulkheadError('USAGE', `cannot read the CA file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
        where: caFile,
        hint: '--ca-file must name a readable PEM file with one or more CA certificates',
      });
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new BulkheadError('USAGE', 'the CA file holds no PEM certificate', {
        where: caFile,
        hint: '--ca-file expects PEM ("-----BEGIN CERTIFICATE-----"); convert DER with openssl x509 -inform der',
      });
    }
    return new https.Agent({ keepAlive: true, maxSockets: 16, ca: [...tls.rootCertificates, pem] });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const agent = await this.agentFor(req.url);
    const lib = req.url.protocol === 'http:' ? http : https;
    const headers: Record<string, string> = { 'User-Agent': this.options.userAgent ?? 'bulkhead', ...req.headers };
    if (req.body) headers['Content-Length'] = String(req.body.length);
    else if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH') headers['Content-Length'] = '0';
    const timeoutMs = this.options.timeoutMs;
    return new Promise<HttpResponse>((resolve, reject) => {
      const request = lib.request(req.url, { method: req.method, headers, agent }, (res) => {
        // Answer arrived: from here on only a long stall of the body stream counts as a timeout.
        request.setTimeout(Math.max(timeoutMs * 4, 120_000));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
      });
      request.setTimeout(timeoutMs, () => {
        const err = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' });
        request.destroy(err);
      });
      request.on('error', reject);
      request.end(req.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    void this.httpsAgent?.then((a) => a.destroy(), () => undefined);
  }
}

/** Read a whole body, at most `max` bytes; `undefined` when it is larger (the rest is discarded). */
export async function readBody(res: HttpResponse, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > max) {
        res.body.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (total > max) return undefined;
    throw e;
  }
  return Buffer.concat(chunks);
}

/** The body of an error answer, bounded, never throwing. */
export async function readErrorBody(res: HttpResponse): Promise<Buffer | undefined> {
  try {
    return await readBody(res, MAX_ERROR_BODY);
  } catch {
    return undefined;
  }
}

/** Discard a body so the socket returns to the pool. */
export function drain(res: HttpResponse): void {
  res.body.resume();
  res.body.on('error', () => undefined);
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
