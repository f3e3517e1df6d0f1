import type { FastifyInstance } from 'fastify';
import type { RuntimeAlert } from '../store/index.js';
import type { AppContext } from './context.js';
import { anyObject } from './schemas.js';

const alertSchema = {
  type: 'object',
  required: ['time', 'rule', 'priority', 'output'],
  properties: {
    time: { type: 'string', maxLength: 64 },
    rule: { type: 'string', maxLength: 512 },
    priority: { type: 'string', maxLength: 64 },
    source: { type: 'string', maxLength: 128 },
    output: { type: 'string', maxLength: 65536 },
    outputFields: { type: 'object', additionalProperties: true },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 100 },
    container: {},
  },
} as const;

export function runtimeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: RuntimeAlert | RuntimeAlert[] }>(
    '/api/v1/runtime/alerts',
    {
      schema: {
        summary: 'Receive runtime alerts (one or an array)',
        tags: ['runtime'],
        body: { oneOf: [alertSchema, { type: 'array', items: alertSchema, maxItems: 10_000 }] },
        response: { 202: { type: 'object', properties: { accepted: { type: 'integer' } } } },
      },
    },
    async (req, reply) => {
      const alerts = Array.isArray(req.body) ? req.body : [req.body];
      await ctx.store.admin.addAlerts(alerts);
      for (const a of alerts) ctx.metrics.runtimeAlerts.inc({ priority: a.priority.toLowerCase() });
      return reply.code(202).send({ accepted: alerts.length });
    },
  );

  app.get<{ Querystring: { since?: string; limit?: number } }>(
    '/api/v1/runtime/alerts',
    {
      schema: {
        summary: 'Runtime alerts, newest first',
        tags: ['runtime'],
        querystring: { type: 'object', properties: { since: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } } },
      },
    },
    async (req) => ({ items: await ctx.store.admin.listAlerts(req.query.since, req.query.limit) }),
  );
}
