/**
 * The OCI distribution client for one registry: every request goes through
 * `request`, which applies the transport policy (HTTPS unless listed
 * insecure), authentication (learned from 401 challenges), retries and
 * redirects, and turns unexpected answers into typed errors. The API
 * operations (manifests, blobs, uploads, lists, referrers) live in
 * manifests.ts, blobs.ts, uploads.ts and lists.ts over this core.
 */
import { BulkheadError } from '../core/errors.js';
import { RegistryAuth, challengeError } from './auth.js';
import { protocolError, safeUrl, statusError } from './errors.js';
import { exchange } from './exchange.js';
import { DEFAULT_TIMEOUT_MS, endpointHost, isInsecure, type RegistryOptions } from './options.js';
import { parseRetryAfter, retryPolicy, type RetryPolicy } from './retry.js';
import { drain, header, HttpTransport, readErrorBody, type HttpRequest, type HttpResponse } from './transport.js';

export interface RegistryRequest {
  method: HttpRequest['method'];
  /** A path (`/v2/…`) on the registry, or an absolute URL the registry gave us (upload locations, links). */
  target: string | URL;
  /** Token scopes this request needs (`repository:app:pull`). */
  scopes: readonly string[];
  /** Answers that count as success; anything else becomes a typed error. */
  expect: readonly number[];
  headers?: Record<string, string>;
  body?: Buffer;
  /** For messages: `manifest app:1.0`. */
  what: string;
  /** Default true; false for requests that must not be repeated. */
  retry?: boolean;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Repository names as the distribution spec allows them (no `..`, no empty components). */
export const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const TAG = /^[\w][\w.-]{0,127}$/;
export const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function checkRepository(repository: string): string {
  if (repository.length > 255 || !REPOSITORY_NAME.test(repository)) {
    throw new BulkheadError('USAGE', `"${repository.slice(0, 100)}" is not a valid repository name`, {
      hint: 'repository names are lower-case path components like team/app',
    });
  }
  return repository;
}

export function checkReference(reference: string): string {
  if (!TAG.test(reference) && !DIGEST.test(reference)) {
    throw new BulkheadError('USAGE', `"${reference.slice(0, 100)}" is neither a tag nor a sha256/sha512 digest`, {
      hint: 'tags are up to 128 of [A-Za-z0-9_.-]; digests look like sha256:<64 hex>',
    });
  }
  return reference;
}

export class RegistryClient {
  /** The registry as named (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** The host:port requests go to (`registry-1.docker.io` for Docker Hub). */
  readonly host: string;
  readonly baseUrl: URL;
  readonly options: RegistryOptions;
  readonly policy: RetryPolicy;
  private readonly transport: HttpTransport;
  readonly auth: RegistryAuth;

  constructor(registry: string, options: RegistryOptions = {}) {
    this.registry = registry;
    this.host = endpointHost(registry);
    if (!/^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i.test(this.host)) {
      throw new BulkheadError('USAGE', `"${registry.slice(0, 100)}" is not a registry host`, { hint: 'name a registry as host or host:port, e.g. registry.example:5000' });
    }
    this.options = options;
    this.policy = retryPolicy(options.retry);
    const insecure = isInsecure(registry, options) || isInsecure(this.host, options);
    this.baseUrl = new URL(`${insecure ? 'http' : 'https'}://${this.host}/`);
    this.transport = new HttpTransport({ caFile: options.caFile, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    this.auth = new RegistryAuth(registry, this.transport, options, this.policy);
  }

  /** `/v2/` without authentication: status, scheme asked for, API version header. */
  async ping(): Promise<{ status: number; challenge?: string; apiVersion?: string }> {
    const url = new URL('/v2/', this.baseUrl);
    const res = await exchange(this.transport, { method: 'GET', url }, { policy: this.policy, host: this.host, what: 'registry API check', retry: true, log: this.options.log });
    drain(res);
    const out: { status: number; challenge?: string; apiVersion?: string } = { status: res.status };
    const challenge = header(res, 'www-authenticate');
    if (challenge) out.challenge = challenge.split(/[\s,]/)[0]!.toLowerCase();
    const api = header(res, 'docker-distribution-api-version');
    if (api) out.apiVersion = api;
    return out;
  }

  /** Send one request with auth, retries and redirects; answers outside `expect` throw typed errors. */
  async request(r: RegistryRequest): Promise<HttpResponse> {
    let url = typeof r.target === 'string' && r.target.startsWith('/') ? new URL(r.target, this.baseUrl) : new URL(r.target.toString());
    this.checkUrl(url, url.origin === this.baseUrl.origin);
    let triedAuth = false;
    for (let hop = 0; ; hop++) {
      const own = url.origin === this.baseUrl.origin;
      const authorization = own ? await this.auth.authorization(r.scopes) : undefined;
      const headers: Record<string, string> = { ...r.headers };
      if (authorization) headers.Authorization = authorization;
      const req: HttpRequest = { method: r.method, url, headers };
      if (r.body) req.body = r.body;
      const res = await exchange(this.transport, req, {
        policy: this.policy,
        host: url.host,
        what: r.what,
        retry: r.retry ?? true,
        log: this.options.log,
      });
      if (res.status === 401 && own && !triedAuth) {
        triedAuth = true;
        if (await this.auth.onUnauthorized(res, r.scopes, authorization)) {
          drain(res);
          hop--;
          continue;
        }
      }
      if (REDIRECTS.has(res.status) && (r.method === 'GET' || r.method === 'HEAD')) {
        drain(res);
        const location = header(res, 'location');
        if (!location || hop >= MAX_REDIRECTS) throw protocolError(`${r.what}: ${location ? 'too many redirects' : 'redirect without a Location'}`, url);
        url = new URL(location, url);
        // Authorization never follows a redirect to another origin (blob storage, CDN).
        this.checkUrl(url, url.origin === this.baseUrl.origin);
        continue;
      }
      if (r.expect.includes(res.status)) return res;
      const body = r.method === 'HEAD' ? undefined : await readErrorBody(res);
      if (r.method === 'HEAD') drain(res);
      const ctx: Parameters<typeof statusError>[0] = { what: r.what, url, status: res.status, body, registry: this.registry };
      if (authorization) {
        const source = await this.auth.credentialSource();
        if (source) ctx.credentialSource = source;
      }
      if (res.status === 401) ctx.insufficientScope = challengeError(res) === 'insufficient_scope';
      const retryAfter = parseRetryAfter(header(res, 'retry-after'));
      if (retryAfter !== undefined) ctx.retryAfterMs = retryAfter;
      throw statusError(ctx);
    }
  }

  /** Plain HTTP only to listed hosts, including after redirects; nothing but http(s). */
  private checkUrl(url: URL, own: boolean): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && (own ? this.baseUrl.protocol === 'http:' : isInsecure(url.host, this.options))) return;
    throw new BulkheadError('REGISTRY_PROTOCOL', `the registry sent us to ${safeUrl(url)}, which is not HTTPS`, {
      where: safeUrl(url),
      hint: `plain HTTP is used only for hosts listed with --insecure-registry (${url.host} is not)`,
    });
  }

  close(): void {
    this.transport.close();
  }
}
