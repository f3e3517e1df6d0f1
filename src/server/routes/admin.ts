import type { FastifyInstance } from 'fastify';
import { newToken } from '../auth.js';
import type { Role } from '../store/index.js';
import type { AppContext } from './context.js';
import { anyObject, errorSchema, idParam, paging } from './schemas.js';

const tokenSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, createdAt: { type: 'string' }, lastUsedAt: { type: ['string', 'null'] } },
} as const;

export function adminRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: { name: string; role: Role } }>(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'Create an API token (shown once)',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, role: { type: 'string', enum: ['viewer', 'scanner', 'admin'] } },
        },
        response: { 201: { type: 'object', properties: { id: { type: 'string' }, token: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      const token = newToken();
      const row = await ctx.store.admin.createToken(req.body.name, req.body.role, token);
      return reply.code(201).send({ id: row.id, token });
    },
  );

  app.get('/api/v1/tokens', { schema: { summary: 'API tokens (never their secrets)', tags: ['auth'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: tokenSchema } } } } } }, async () => ({
    items: await ctx.store.admin.listTokens(),
  }));

  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    { schema: { summary: 'Revoke a token', tags: ['auth'], params: idParam, response: { 204: { type: 'null' }, 404: errorSchema } } },
    async (req, reply) => {
      if (!(await ctx.store.admin.deleteToken(req.params.id))) return reply.code(404).send({ error: 'not_found', message: `no token ${req.params.id}` });
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { limit?: number; offset?: number } }>(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Audit log of admin actions, newest first',
        tags: ['auth'],
        querystring: { type: 'object', properties: paging },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } } },
      },
    },
    async (req) => ({ items: await ctx.store.admin.listAudit(req.query.limit, req.query.offset) }),
  );

  app.get('/api/v1/notifications', { schema: { summary: 'Webhook URLs notified of new findings', tags: ['notifications'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } } } } }, async () => ({
    items: await ctx.store.admin.listNotifications(),
  }));

  app.post<{ Body: { url: string } }>(
    '/api/v1/notifications',
    {
      schema: {
        summary: 'Add a webhook URL',
        tags: ['notifications'],
        body: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', pattern: '^https?://', maxLength: 2048 } } },
        response: { 201: anyObject },
      },
    },
    async (req, reply) => reply.code(201).send(await ctx.store.admin.addNotification(req.body.url)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/notifications/:id',
    { schema: { summary: 'Remove a webhook URL', tags: ['notifications'], params: idParam, response: { 204: { type: 'null' }, 404: errorSchema } } },
    async (req, reply) => {
      if (!(await ctx.store.admin.deleteNotification(req.params.id))) return reply.code(404).send({ error: 'not_found', message: `no notification ${req.params.id}` });
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/admin/rescan',
    {
      schema: {
        summary: 'Re-match every stored image against the current vulnerability database',
        tags: ['admin'],
        response: { 200: { type: 'object', properties: { images: { type: 'integer' }, newFindings: { type: 'integer' }, scans: { type: 'array', items: { type: 'string' } } } }, 503: errorSchema },
      },
    },
    async (_req, reply) => {
      if (!ctx.rescan) return reply.code(503).send({ error: 'unavailable', message: 'rescans are not configured on this server' });
      return ctx.rescan();
    },
  );
}
