import type { FastifyInstance } from 'fastify';
import { migrationsApplied } from '../store/index.js';
import type { AppContext } from './context.js';

export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['health'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Database reachable, migrations applied, vulnerability database present',
        tags: ['health'],
        response: {
          '2xx': { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'boolean' } } } },
          503: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'boolean' } } } },
        },
      },
    },
    async (_req, reply) => {
      let database = false;
      try {
        await ctx.store.db.query('SELECT 1 AS ok');
        database = true;
      } catch {
        ctx.metrics.dbErrors.inc();
      }
      const checks = { database, migrations: database && (await migrationsApplied(ctx.store.db)), vulnerabilityDb: ctx.vuln.present() };
      const ok = Object.values(checks).every(Boolean);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['health'], produces: ['text/plain'] } }, async (_req, reply) => {
    try {
      for (const [status, n] of Object.entries(await ctx.store.scans.countByStatus())) ctx.metrics.scansByStatus.set({ status }, n);
      ctx.metrics.queueDepth.set(await ctx.queue.depth());
    } catch {
      ctx.metrics.dbErrors.inc();
    }
    return reply.header('content-type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
