import type { FastifyInstance } from 'fastify';
import { rendererFor } from '../../report/registry.js';
import type { AppContext } from './context.js';
import { anyObject, errorSchema, imageItemProps, paging, summarySchema } from './schemas.js';

const digestParam = { type: 'object', required: ['digest'], properties: { digest: { type: 'string', maxLength: 200 } } } as const;

export function imageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { limit?: number; offset?: number } }>(
    '/api/v1/images',
    {
      schema: {
        summary: 'Images seen, with the counts of their last scan',
        tags: ['images'],
        querystring: { type: 'object', properties: { ...paging }, additionalProperties: false },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { ...imageItemProps, packages: { type: 'integer' } } } }, total: { type: 'integer' } } },
        },
      },
    },
    async (req) => ctx.store.scans.listImages(req.query),
  );

  app.get<{ Params: { digest: string } }>(
    '/api/v1/images/:digest',
    {
      schema: {
        summary: 'One image: layers, packages, vulnerabilities, scan history',
        tags: ['images'],
        params: digestParam,
        response: {
          200: {
            type: 'object',
            properties: {
              ...imageItemProps,
              layers: { type: 'array', items: anyObject },
              packages: { type: 'array', items: anyObject },
              vulnerabilities: { type: 'array', items: anyObject },
              history: { type: 'array', items: { type: 'object', properties: { scanId: { type: 'string' }, at: { type: 'string' }, summary: summarySchema } } },
            },
          },
          404: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const image = await ctx.store.scans.getImage(req.params.digest);
      if (!image) return reply.code(404).send({ error: 'not_found', message: `no image ${req.params.digest}`, hint: 'list images with GET /api/v1/images' });
      const inventory = await ctx.store.scans.getInventory(image.digest);
      const findings = image.lastScanId ? await ctx.store.scans.findingsOfScan(image.lastScanId) : [];
      return {
        ...image,
        packages: inventory?.packages ?? [],
        vulnerabilities: findings.filter((f) => f.kind === 'vulnerability'),
        history: await ctx.store.scans.imageHistory(image.digest),
      };
    },
  );

  app.get<{ Params: { digest: string }; Querystring: { format?: 'cyclonedx' | 'spdx-json' } }>(
    '/api/v1/images/:digest/sbom',
    {
      schema: {
        summary: "The image's SBOM from its last scan",
        tags: ['images'],
        params: digestParam,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['cyclonedx', 'spdx-json'], default: 'cyclonedx' } } },
        response: { 200: anyObject, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const result = await ctx.store.scans.lastResultOfImage(req.params.digest);
      if (!result) return reply.code(404).send({ error: 'not_found', message: `no scanned image ${req.params.digest}`, hint: 'scan it first' });
      const format = req.query.format ?? 'cyclonedx';
      const body = rendererFor(format).render(result, { color: false });
      const name = `${req.params.digest.replace(/[^a-zA-Z0-9]+/g, '-')}.${format === 'cyclonedx' ? 'cdx' : 'spdx'}.json`;
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .serializer((s: unknown) => s as string)
        .send(body);
    },
  );
}
