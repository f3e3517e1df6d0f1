/** Bearer tokens: random secrets, stored as sha256 hashes, roles viewer < scanner < admin. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, type AdminStore, type Role, type TokenRow } from './store/index.js';

export const ROLE_RANK: Record<Role, number> = { viewer: 0, scanner: 1, admin: 2 };

export function newToken(): string {
  return `bh_${randomBytes(24).toString('base64url')}`;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: TokenRow;
  }
}

/**
 * Resolves the bearer token: hashed, looked up by hash, and the stored hash
 * compared again in constant time. 401 without a valid token.
 */
export async function authenticate(admin: AdminStore, req: FastifyRequest, reply: FastifyReply): Promise<TokenRow | null> {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m?.[1]) {
    void reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'missing bearer token', hint: 'send Authorization: Bearer <token>' });
    return null;
  }
  const hash = hashToken(m[1]);
  const row = (await admin.tokenByHash(hash)) as (TokenRow & { hash: string }) | null;
  if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) {
    void reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ error: 'unauthorized', message: 'unknown or revoked token', hint: 'create a token with POST /api/v1/tokens (admin)' });
    return null;
  }
  void admin.touchToken(row.id).catch(() => undefined);
  const { hash: _h, ...principal } = row;
  return principal;
}

/** The role a request needs: GET → viewer; scans, alerts, registry events → scanner; the rest → admin. */
export function requiredRole(method: string, routeUrl: string): Role {
  // Webhook URLs often embed secrets (chat hooks): admin only, like tokens and the audit log.
  const adminReads = ['/api/v1/tokens', '/api/v1/audit', '/api/v1/notifications'];
  if (method === 'GET' || method === 'HEAD') return adminReads.some((p) => routeUrl.startsWith(p)) ? 'admin' : 'viewer';
  if (method === 'POST' && ['/api/v1/scans', '/api/v1/runtime/alerts', '/api/v1/registry-events'].includes(routeUrl)) return 'scanner';
  return 'admin';
}
