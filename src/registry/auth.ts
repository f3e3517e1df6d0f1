/**
 * Registry authentication, learned from the registry itself: requests go out
 * anonymously until a 401 names a scheme. `Basic` sends the credentials on
 * every request; `Bearer` exchanges them (or nothing, for anonymous pulls) at
 * the token service named by `realm` for a token per scope set, cached until
 * shortly before it expires. Credentials are looked up once, lazily.
 */
import { BulkheadError } from '../core/errors.js';
import { resolveCredentials, type Credentials } from './credentials.js';
import { registryErrorText, safeUrl, statusError } from './errors.js';
import { exchange } from './exchange.js';
import { isInsecure, type RegistryOptions } from './options.js';
import type { RetryPolicy } from './retry.js';
import { header, readBody, readErrorBody, type HttpResponse, type HttpTransport } from './transport.js';
import { bearerChallenge, parseWwwAuthenticate } from './www-authenticate.js';

type Challenge = { kind: 'basic' } | { kind: 'bearer'; realm: string; service?: string };

interface CachedToken {
  token: string;
  expiresAt: number;
}

const MAX_TOKEN_RESPONSE = 256 * 1024;

export class RegistryAuth {
  private challenge: Challenge | undefined;
  private credentials: Promise<Credentials | undefined> | undefined;
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  /** The last 401 said the token lacked the scope (not that it was invalid). */
  private lastInsufficientScope = false;

  constructor(
    /** The registry as named (`docker.io`, `127.0.0.1:5000`): the key for credentials. */
    private readonly registry: string,
    private readonly transport: HttpTransport,
    private readonly options: RegistryOptions,
    private readonly policy: RetryPolicy,
  ) {}

  /** Where the credentials in use came from, when there are some. */
  async credentialSource(): Promise<string | undefined> {
    return (await this.creds())?.source;
  }

  get insufficientScope(): boolean {
    return this.lastInsufficientScope;
  }

  private creds(): Promise<Credentials | undefined> {
    this.credentials ??= resolveCredentials(this.registry, this.options);
    return this.credentials;
  }

  /** The Authorization header for a request needing `scopes`, when the registry has asked for auth. */
  async authorization(scopes: readonly string[]): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    const creds = await this.creds();
    if (c.kind === 'basic') {
      if (!creds || creds.username === undefined || creds.password === undefined) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    const token = await this.token(c, scopes, creds);
    return `Bearer ${token}`;
  }

  /**
   * A 401 arrived. Learn the challenge; true when sending again with
   * (new) authorization can help, false when it cannot.
   */
  async onUnauthorized(res: HttpResponse, scopes: readonly string[], sent: string | undefined): Promise<boolean> {
    const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
    const bearer = bearerChallenge(challenges);
    this.lastInsufficientScope = bearer?.error === 'insufficient_scope';
    if (bearer) {
      const next: Challenge = { kind: 'bearer', realm: bearer.realm };
      if (bearer.service !== undefined) next.service = bearer.service;
      const changed = this.challenge?.kind !== 'bearer' || this.challenge.realm !== next.realm || this.challenge.service !== next.service;
      this.challenge = next;
      if (!sent || changed) return true;
      // Our token was refused. Lacking scope, a new one would be no better; otherwise it may
      // have expired early: drop it, and the caller tries once more.
      this.tokens.delete(tokenKey(next, scopes));
      return !this.lastInsufficientScope;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const wasBasic = this.challenge?.kind === 'basic';
      this.challenge = { kind: 'basic' };
      if (sent && wasBasic) return false;
      const creds = await this.creds();
      return !!creds && creds.username !== undefined && creds.password !== undefined;
    }
    return false;
  }

  private async token(c: Extract<Challenge, { kind: 'bearer' }>, scopes: readonly string[], creds: Credentials | undefined): Promise<string> {
    const key = tokenKey(c, scopes);
    const cached = this.tokens.get(key);
    if (cached) {
      const t = await cached.catch(() => undefined);
      if (t && t.expiresAt > Date.now()) return t.token;
      if (this.tokens.get(key) === cached) this.tokens.delete(key);
    }
    // Another request may have started the same fetch meanwhile: share it.
    const running = this.tokens.get(key);
    if (running) return (await running).token;
    const pending = this.fetchToken(c, scopes, creds, Date.now());
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return (await pending).token;
  }

  private async fetchToken(c: Extract<Challenge, { kind: 'bearer' }>, scopes: readonly string[], creds: Credentials | undefined, now: number): Promise<CachedToken> {
    let realm: URL;
    try {
      realm = new URL(c.realm);
    } catch {
      throw new BulkheadError('REGISTRY_PROTOCOL', `the registry named an invalid token service "${c.realm.slice(0, 200)}"`, {
        where: this.registry,
        hint: 'the registry\'s WWW-Authenticate header is malformed; report it to the registry owner',
      });
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isInsecure(realm.host, this.options))) {
      throw new BulkheadError('REGISTRY_PROTOCOL', `the registry's token service is not HTTPS (${safeUrl(realm)})`, {
        where: safeUrl(realm),
        hint: `credentials and tokens are only sent over plain HTTP to hosts listed with --insecure-registry (here ${realm.host})`,
      });
    }
    const what = `token for ${scopes.join(' ') || 'registry access'}`;
    let res: HttpResponse;
    if (creds?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'bulkhead', refresh_token: creds.identityToken });
      if (c.service !== undefined) form.set('service', c.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await exchange(
        this.transport,
        { method: 'POST', url: realm, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) },
        { policy: this.policy, host: realm.host, what, retry: true, log: this.options.log },
      );
    } else {
      const url = new URL(realm);
      if (c.service !== undefined) url.searchParams.set('service', c.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (creds?.username !== undefined && creds.password !== undefined) {
        url.searchParams.set('account', creds.username);
        headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      }
      res = await exchange(this.transport, { method: 'GET', url, headers }, { policy: this.policy, host: realm.host, what, retry: true, log: this.options.log });
    }
    if (res.status !== 200) {
      const body = await readErrorBody(res);
      if (res.status === 401 || res.status === 403) {
        const said = registryErrorText(body);
        throw new BulkheadError(
          'REGISTRY_AUTH',
          creds
            ? `the token service refused the credentials${said ? ` (${said})` : ''}`
            : `the token service refused an anonymous token${said ? ` (${said})` : ''}`,
          {
            where: safeUrl(realm),
            hint: creds
              ? `the credentials from ${creds.source} were rejected; check the user name and password or token`
              : `log in (docker login ${this.registry}), pass --username with --password-stdin, or set BULKHEAD_REGISTRY_USERNAME and BULKHEAD_REGISTRY_PASSWORD`,
          },
        );
      }
      throw statusError({ what, url: realm, status: res.status, body, registry: this.registry, credentialSource: creds?.source });
    }
    const body = await readBody(res, MAX_TOKEN_RESPONSE);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      if (!body) throw new Error('too large');
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    } catch (e) {
      throw new BulkheadError('REGISTRY_PROTOCOL', `the token service answered with something other than a token (${(e as Error).message})`, {
        where: safeUrl(realm),
        hint: 'the token service is misconfigured or not a registry token service',
      });
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : '';
    if (!token || /[\s]/.test(token)) {
      throw new BulkheadError('REGISTRY_PROTOCOL', 'the token service answered without a usable token', {
        where: safeUrl(realm),
        hint: 'the token service is misconfigured or not a registry token service',
      });
    }
    // The spec's default and minimum lifetime is 60 s; refresh 10 s early.
    const expiresIn = typeof parsed.expires_in === 'number' && Number.isFinite(parsed.expires_in) ? Math.max(60, parsed.expires_in) : 60;
    const issued = typeof parsed.issued_at === 'string' ? Date.parse(parsed.issued_at) : NaN;
    const start = Number.isNaN(issued) || issued > now + 60_000 ? now : Math.min(issued, now);
    return { token, expiresAt: start + (expiresIn - 10) * 1000 };
  }
}

function tokenKey(c: Extract<Challenge, { kind: 'bearer' }>, scopes: readonly string[]): string {
  return `${c.realm}\n${c.service ?? ''}\n${[...scopes].sort().join(' ')}`;
}

/** The scope strings the token flow asks for. */
export const Scope = {
  pull: (repository: string) => `repository:${repository}:pull`,
  push: (repository: string) => `repository:${repository}:pull,push`,
  remove: (repository: string) => `repository:${repository}:delete`,
  catalog: 'registry:catalog:*',
} as const;

/** The `error` of a bearer challenge on a response, if any (for `insufficient_scope`). */
export function challengeError(res: HttpResponse): string | undefined {
  return bearerChallenge(parseWwwAuthenticate(header(res, 'www-authenticate')))?.error;
}
