import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.js';
import { errorSchema, idParam } from './schemas.js';

const registrySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    host: { type: 'string' },
    repositories: { type: 'array', items: { type: 'string' } },
    intervalSeconds: { type: 'integer' },
    username: { type: ['string', 'null'] },
    hasPassword: { type: 'boolean' },
    createdAt: { type: 'string' },
    lastPolledAt: { type: ['string', 'null'] },
  },
} as const;

interface DistributionEvent {
  action?: string;
  target?: { repository?: string; digest?: string; tag?: string; mediaType?: string };
  request?: { host?: string };
}

const MANIFEST_TYPES = /manifest|image\.index|manifest\.list/i;

export function registryRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/registries', { schema: { summary: 'Watched registries', tags: ['registries'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: registrySchema } } } } } }, async () => ({
    items: await ctx.store.admin.listRegistries(),
  }));

  app.post<{ Body: { host: string; repositories: string[]; intervalSeconds: number; username?: string; password?: string } }>(
    '/api/v1/registries',
    {
      schema: {
        summary: 'Watch a registry (polled for new digests)',
        tags: ['registries'],
        body: {
          type: 'object',
          required: ['host', 'repositories', 'intervalSeconds'],
          additionalProperties: false,
          properties: {
            host: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$' },
            repositories: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 255 } },
            intervalSeconds: { type: 'integer', minimum: 10, maximum: 604800 },
            username: { type: 'string', maxLength: 255 },
            password: { type: 'string', maxLength: 4096 },
          },
        },
        response: { 201: registrySchema },
      },
    },
    async (req, reply) => reply.code(201).send(await ctx.store.admin.addRegistry(req.body)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/registries/:id',
    { schema: { summary: 'Stop watching a registry', tags: ['registries'], params: idParam, response: { 204: { type: 'null' }, 404: errorSchema } } },
    async (req, reply) => {
      if (!(await ctx.store.admin.deleteRegistry(req.params.id))) return reply.code(404).send({ error: 'not_found', message: `no registry ${req.params.id}` });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { events: DistributionEvent[] } }>(
    '/api/v1/registry-events',
    {
      schema: {
        summary: 'Docker distribution notifications: a scan per pushed manifest',
        tags: ['registries'],
        body: { type: 'object', required: ['events'], properties: { events: { type: 'array', maxItems: 1000, items: { type: 'object', additionalProperties: true } } } },
        response: { 202: { type: 'object', properties: { queued: { type: 'array', items: { type: 'string' } } } } },
      },
    },
    async (req, reply) => {
      const seen = new Set<string>();
      const queued: string[] = [];
      for (const e of req.body.events) {
        const t = e.target;
        const host = e.request?.host;
        if (e.action !== 'push' || !t?.repository || !t.digest || !host) continue;
        if (t.mediaType && !MANIFEST_TYPES.test(t.mediaType)) continue;
        if (!/^sha256:[a-f0-9]{64}$/.test(t.digest) || !/^[a-z0-9._/-]+$/.test(t.repository) || !/^[A-Za-z0-9.-]+(:[0-9]+)?$/.test(host)) continue;
        const ref = `${host}/${t.repository}@${t.digest}`;
        if (seen.has(ref)) continue;
        seen.add(ref);
        const scan = await ctx.store.scans.createScan({ kind: 'image', target: ref });
        await ctx.queue.enqueue(scan.id);
        queued.push(scan.id);
      }
      return reply.code(202).send({ queued });
    },
  );
}
