import type { FastifyInstance } from 'fastify';
import { BulkheadError } from '../../core/errors.js';
import type { ScanKind } from '../store/index.js';
import type { AppContext } from './context.js';
import { isLocalTarget } from '../targets.js';
import { errorSchema, idParam, paging, scanItemSchema } from './schemas.js';

export const MAX_CONTENT = 32 * 1024 * 1024;

export function scanRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: { target: string; kind?: 'image' | 'sbom' | 'kubernetes'; content?: string } }>(
    '/api/v1/scans',
    {
      schema: {
        summary: 'Queue a scan',
        tags: ['scans'],
        body: {
          type: 'object',
          required: ['target'],
          additionalProperties: false,
          properties: {
            target: { type: 'string', minLength: 1, maxLength: 2048 },
            kind: { type: 'string', enum: ['image', 'sbom', 'kubernetes'] },
            content: { type: 'string', maxLength: MAX_CONTENT },
          },
        },
        response: { 202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } }, 400: errorSchema },
      },
    },
    async (req, reply) => {
      const kind: ScanKind = req.body.kind ?? 'image';
      const { target, content } = req.body;
      if (kind === 'image') {
        if (content !== undefined) throw new BulkheadError('USAGE', 'image scans take a reference, not content', { where: 'body.content', hint: 'omit content, or set kind to sbom or kubernetes' });
        if (!ctx.allowLocalTargets && isLocalTarget(target)) {
          throw new BulkheadError('USAGE', `local targets are refused by this server: ${target}`, {
            where: 'body.target',
            hint: 'submit a registry reference (host/repo:tag or @digest), or start the server with local targets allowed',
          });
        }
      } else if (content === undefined) {
        throw new BulkheadError('USAGE', `${kind} scans need the document in "content"`, { where: 'body.content', hint: 'send the SBOM or manifests as a string' });
      }
      const scan = await ctx.store.scans.createScan({ kind, target, ...(content !== undefined ? { content } : {}) });
      await ctx.queue.enqueue(scan.id);
      return reply.code(202).send({ id: scan.id, status: 'queued' });
    },
  );

  app.get<{ Querystring: { limit?: number; offset?: number; kind?: string; status?: string } }>(
    '/api/v1/scans',
    {
      schema: {
        summary: 'List scans, newest first',
        tags: ['scans'],
        querystring: {
          type: 'object',
          properties: { ...paging, kind: { type: 'string', enum: ['image', 'sbom', 'kubernetes', 'rescan'] }, status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: scanItemSchema }, total: { type: 'integer' } } } },
      },
    },
    async (req) => ctx.store.scans.listScans(req.query),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/scans/:id',
    { schema: { summary: 'One scan, with its ScanResult when done', tags: ['scans'], params: idParam, response: { 200: scanItemSchema, 404: errorSchema } } },
    async (req, reply) => {
      const scan = await ctx.store.scans.getScan(req.params.id, true);
      if (!scan) return reply.code(404).send({ error: 'not_found', message: `no scan ${req.params.id}`, hint: 'list scans with GET /api/v1/scans' });
      return scan;
    },
  );
}
