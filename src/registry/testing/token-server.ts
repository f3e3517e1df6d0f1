/**
 * A small registry token service for tests (the Docker token auth spec):
 * GET /token?service=…&scope=…, Basic credentials optional, answers a JWT
 * signed ES256 with the signer's certificate in `x5c` (distribution 2.8
 * verifies the chain against its rootcertbundle, then the signature), with
 * `iss`, `aud`, `exp`, `nbf`, `iat`, `jti` and `access` claims.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenSigner } from './certs.js';

export interface TokenServerOptions {
  signer: TokenSigner;
  issuer: string;
  service: string;
  username: string;
  password: string;
  /** Anonymous requests get pull access (else no access at all). */
  anonymousPull: boolean;
  /** OAuth2 refresh token (Docker's `identitytoken`) accepted by POST /token for `username`. */
  refreshToken: string;
}

export interface TokenServer {
  realm: string;
  host: string;
  /** Requests seen, for tests that check caching (no secrets recorded). */
  requests: Array<{ scopes: string[]; user?: string; method: string }>;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function grant(scope: string, authenticated: boolean, anonymousPull: boolean): { type: string; name: string; actions: string[] } | undefined {
  // type:name:actions, where name may itself contain ':' (registry:catalog:*)
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const wanted = scope.slice(last + 1).split(',').filter(Boolean);
  const actions = authenticated ? wanted : anonymousPull && type === 'repository' ? wanted.filter((a) => a === 'pull') : [];
  return { type, name, actions };
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(options.signer.keyPem);
  const requests: TokenServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
      res.writeHead(404).end();
      return;
    }
    const refused = () => {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="token"' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] }));
    };
    let user: string | undefined;
    let params = url.searchParams;
    if (req.method === 'POST') {
      // OAuth2: grant_type=refresh_token (identity tokens) or password.
      params = new URLSearchParams(body);
      const grant = params.get('grant_type');
      if (grant === 'refresh_token' && params.get('refresh_token') === options.refreshToken) user = options.username;
      else if (grant === 'password' && params.get('username') === options.username && params.get('password') === options.password) user = options.username;
      else {
        refused();
        return;
      }
    }
    const auth = req.headers.authorization;
    if (req.method === 'GET' && auth) {
      const m = /^Basic\s+(.+)$/i.exec(auth);
      const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (colon < 0 || decoded.slice(0, colon) !== options.username || decoded.slice(colon + 1) !== options.password) {
        refused();
        return;
      }
      user = options.username;
    }
    const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    requests.push(user ? { scopes, user, method: req.method } : { scopes, method: req.method });
    if (params.get('service') !== options.service) {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'unknown service' }] }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [options.signer.certDerBase64] };
    const claims = {
      iss: options.issuer,
      sub: user ?? '',
      aud: options.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: scopes.map((s) => grant(s, user !== undefined, options.anonymousPull)).filter((g) => g !== undefined),
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${signingInput}.${b64url(signature)}`;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    realm: `http://${host}/token`,
    host,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
