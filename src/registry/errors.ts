/**
 * Registry answers and network failures as typed errors. Each HTTP status
 * class has its own code (a 429 is never "not found"), `where` is the URL
 * without credentials or upload state, and the hint says what to do.
 */
import { BulkheadError, type ErrorCode } from '../core/errors.js';

/** The URL for messages: no user info, and only harmless query parameters. */
export function safeUrl(url: URL | string): string {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return '(invalid URL)';
  }
  const keep = new URLSearchParams();
  for (const [k, v] of u.searchParams) if (['n', 'last', 'artifactType', 'mount', 'from', 'digest', 'service', 'scope'].includes(k)) keep.append(k, v);
  const query = keep.toString();
  return `${u.protocol}//${u.host}${u.pathname}${query ? `?${query}` : ''}`;
}

/** The first error of a registry's `{"errors":[{code,message}]}` body, cleaned for a terminal. */
export function registryErrorText(body: Buffer | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  let text: string | undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    if (first && (typeof first.code === 'string' || typeof first.message === 'string')) {
      text = [first.code, first.message].filter((x) => typeof x === 'string').join(': ');
    }
  } catch {
    text = body.toString('utf8');
  }
  if (!text) return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean || undefined;
}

export interface StatusContext {
  /** What we were doing: `manifest app:1.0`, `blob sha256:…`, `tags of app`. */
  what: string;
  url: URL;
  status: number;
  body?: Buffer;
  registry: string;
  /** Where the credentials came from, when some were sent. */
  credentialSource?: string;
  retryAfterMs?: number;
  /** The challenge said the token lacked scope (`error="insufficient_scope"`). */
  insufficientScope?: boolean;
}

export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'REGISTRY_AUTH';
  if (status === 403) return 'REGISTRY_FORBIDDEN';
  if (status === 404) return 'REGISTRY_NOT_FOUND';
  if (status === 429) return 'REGISTRY_RATE_LIMITED';
  if (status >= 500) return 'REGISTRY_UNAVAILABLE';
  if (status === 405 || status === 501) return 'REGISTRY_UNSUPPORTED';
  return 'REGISTRY_PROTOCOL';
}

const LOGIN_HINT = (registry: string) =>
  `log in (docker login ${registry}), pass --username with --password-stdin, or set BULKHEAD_REGISTRY_USERNAME and BULKHEAD_REGISTRY_PASSWORD`;

export function statusError(ctx: StatusContext): BulkheadError {
  const said = registryErrorText(ctx.body);
  const where = safeUrl(ctx.url);
  const tail = said ? ` (${said})` : '';
  let code = codeForStatus(ctx.status);
  let message: string;
  let hint: string;
  switch (code) {
    case 'REGISTRY_AUTH':
      if (ctx.insufficientScope && ctx.credentialSource) {
        code = 'REGISTRY_FORBIDDEN';
        message = `${ctx.what}: the registry accepted the credentials but they do not grant this access${tail}`;
        hint = `the account from ${ctx.credentialSource} lacks permission for this repository (or it does not exist); ask the registry owner`;
      } else if (ctx.credentialSource) {
        message = `${ctx.what}: the registry refused the credentials${tail}`;
        hint = `the credentials from ${ctx.credentialSource} were rejected; check the user name and password or token`;
      } else {
        message = `${ctx.what}: the registry requires authentication${tail}`;
        hint = `${LOGIN_HINT(ctx.registry)}; some registries also answer this way for a repository that does not exist`;
      }
      break;
    case 'REGISTRY_FORBIDDEN':
      message = `${ctx.what}: access denied by the registry${tail}`;
      hint = ctx.credentialSource
        ? `the account from ${ctx.credentialSource} lacks permission; ask the registry owner`
        : `${LOGIN_HINT(ctx.registry)} with an account that has access`;
      break;
    case 'REGISTRY_NOT_FOUND':
      message = `${ctx.what}: not found in the registry${tail}`;
      hint = 'check the repository name, tag or digest (bulkhead registry tags <repo> lists tags)';
      break;
    case 'REGISTRY_RATE_LIMITED':
      message = `${ctx.what}: the registry is rate limiting requests${tail}`;
      hint =
        ctx.retryAfterMs !== undefined
          ? `try again in ${Math.ceil(ctx.retryAfterMs / 1000)} s; authenticated pulls usually have a higher limit`
          : 'wait and try again; authenticated pulls usually have a higher limit';
      break;
    case 'REGISTRY_UNAVAILABLE':
      message = `${ctx.what}: the registry failed with HTTP ${ctx.status}${tail}`;
      hint = 'the registry is down or overloaded; try again later';
      break;
    case 'REGISTRY_UNSUPPORTED':
      message = `${ctx.what}: the registry does not support this operation (HTTP ${ctx.status})${tail}`;
      hint = 'the registry or its configuration does not offer this API (e.g. deletes disabled, read-only mirror)';
      break;
    default:
      message = `${ctx.what}: unexpected answer HTTP ${ctx.status} from the registry${tail}`;
      hint = 'the registry does not follow the OCI distribution spec here; report it with --debug output';
  }
  return new BulkheadError(code, message, { where, hint });
}

export function protocolError(message: string, url: URL | string, hint = 'the registry answered outside the OCI distribution spec'): BulkheadError {
  return new BulkheadError('REGISTRY_PROTOCOL', message, { where: safeUrl(url), hint });
}

const TLS_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

export type NetworkFailureKind = 'tls-cert' | 'plain-http' | 'transient' | 'dns' | 'other';

export function classifyNetworkError(e: unknown): { kind: NetworkFailureKind; code: string | undefined; text: string } {
  const err = e as NodeJS.ErrnoException & { reason?: string };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const text = err instanceof Error ? err.message : String(e);
  if (code && TLS_CERT_CODES.has(code)) return { kind: 'tls-cert', code, text };
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(text)) {
    return { kind: 'plain-http', code, text };
  }
  if (code === 'ENOTFOUND') return { kind: 'dns', code, text };
  if (code && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'TIMEOUT'].includes(code)) return { kind: 'transient', code, text };
  if (/socket hang up/i.test(text)) return { kind: 'transient', code: 'ECONNRESET', text };
  return { kind: 'other', code, text };
}

export function networkError(e: unknown, url: URL, host: string, what: string): BulkheadError {
  if (e instanceof BulkheadError) return e;
  const { kind, code, text } = classifyNetworkError(e);
  const where = safeUrl(url);
  switch (kind) {
    case 'tls-cert':
      return new BulkheadError('REGISTRY_UNAVAILABLE', `${what}: the TLS certificate of ${host} is not trusted (${code})`, {
        where,
        hint: `pass --ca-file with the CA that signed the registry's certificate (PEM); system CAs are trusted already`,
        cause: e,
      });
    case 'plain-http':
      return new BulkheadError('REGISTRY_UNAVAILABLE', `${what}: no TLS handshake with ${host}; it seems to serve plain HTTP`, {
        where,
        hint: `if you trust the network to it, pass --insecure-registry ${host} (plain HTTP is never used silently, not even for localhost)`,
        cause: e,
      });
    case 'dns':
      return new BulkheadError('REGISTRY_UNAVAILABLE', `${what}: cannot resolve ${host}`, { where, hint: 'check the registry name and your DNS', cause: e });
    default:
      return new BulkheadError('REGISTRY_UNAVAILABLE', `${what}: cannot reach ${host} (${code ?? text})`, {
        where,
        hint: 'check that the registry is up and reachable (proxy, firewall, port)',
        cause: e,
      });
  }
}
