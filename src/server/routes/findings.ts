import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.js';
import type { FindingQuery } from '../store/scans.js';
import { anyObject, errorSchema, paging } from './schemas.js';

const int = { type: 'integer' } as const;

export function findingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: FindingQuery }>(
    '/api/v1/findings',
    {
      schema: {
        summary: 'Findings of the latest scan of every target',
        tags: ['findings'],
        querystring: {
          type: 'object',
          properties: {
            ...paging,
            kind: { type: 'string', enum: ['vulnerability', 'misconfiguration', 'secret', 'license', 'runtime', 'policy'] },
            severity: { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'info', 'unknown'] },
            fixable: { type: 'boolean', description: 'true: a fixed version exists; false: none' },
            status: { type: 'string', enum: ['affected', 'fixed', 'unfixed', 'will-not-fix', 'not-affected', 'end-of-life'] },
            package: { type: 'string', maxLength: 512, description: 'exact package name' },
            id: { type: 'string', maxLength: 200, description: 'exact finding id (CVE-…, GHSA-…, BH-…)' },
            target: { type: 'string', maxLength: 2048, description: 'exact scan target' },
            scanId: { type: 'string', maxLength: 200 },
            q: { type: 'string', maxLength: 200, description: 'substring of id, title or package, any case' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject }, total: int } } },
      },
    },
    async (req) => ctx.store.scans.listFindings(req.query),
  );

  app.get(
    '/api/v1/overview',
    {
      schema: {
        summary: 'Counts, risk trend and top issues for the dashboard',
        tags: ['overview'],
        response: {
          200: {
            type: 'object',
            properties: {
              counts: { type: 'object', properties: { images: int, scans: int, critical: int, high: int, fixable: int, runtimeAlerts24h: int } },
              riskTrend: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, critical: int, high: int, medium: int, low: int } } },
              topIssues: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, severity: { type: 'string' }, images: int, fixable: { type: 'boolean' } } },
              },
            },
          },
        },
      },
    },
    async () => ctx.store.scans.overview(new Date(Date.now() - 86_400_000).toISOString()),
  );

  app.get(
    '/api/v1/kubernetes',
    {
      schema: {
        summary: 'The latest Kubernetes report',
        tags: ['kubernetes'],
        response: {
          200: {
            type: 'object',
            properties: {
              scanId: { type: 'string' },
              createdAt: { type: 'string' },
              compliance: { type: 'array', items: anyObject },
              findings: { type: 'array', items: anyObject },
              connectivity: anyObject,
              kubernetes: anyObject,
            },
          },
          404: errorSchema,
        },
      },
    },
    async (_req, reply) => {
      const latest = await ctx.store.scans.latestScanOfKind('kubernetes');
      if (!latest) return reply.code(404).send({ error: 'not_found', message: 'no Kubernetes report yet', hint: 'POST /api/v1/scans with kind kubernetes' });
      const r = latest.result;
      const out: Record<string, unknown> = { scanId: latest.id, createdAt: latest.createdAt, compliance: r.compliance ?? [], findings: r.findings };
      if (r.kubernetes?.connectivity) out.connectivity = r.kubernetes.connectivity;
      if (r.kubernetes) out.kubernetes = r.kubernetes;
      return out;
    },
  );
}
