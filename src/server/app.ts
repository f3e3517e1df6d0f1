/** The HTTP API: fastify, JSON schemas on every route, OpenAPI from those schemas. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { BulkheadError, exitCodeFor } from '../core/errors.js';
import { authenticate, ROLE_RANK, requiredRole } from './auth.js';
import { adminRoutes } from './routes/admin.js';
import type { AppContext } from './routes/context.js';
import { findingRoutes } from './routes/findings.js';
import { healthRoutes } from './routes/health.js';
import { imageRoutes } from './routes/images.js';
import { registryRoutes } from './routes/registries.js';
import { runtimeRoutes } from './routes/runtime.js';
import { scanRoutes } from './routes/scans.js';

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  tls?: { cert: string; key: string };
  /** The built dashboard (default: dist/web beside the compiled server, or ./dist/web); not served when absent. */
  webDir?: string;
}

/** Where the built dashboard is: dist/web next to dist/server, else dist/web under the working directory (tests from source). */
export function defaultWebDir(): string | undefined {
  const candidates = [fileURLToPath(new URL('../web', import.meta.url)), fileURLToPath(new URL('../../dist/web', import.meta.url))];
  return candidates.find((d) => existsSync(`${d}/index.html`));
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 40 * 1024 * 1024,
    ...(options.tls ? { https: { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) } } : {}),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  }) as unknown as FastifyInstance;

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Bulkhead API', version: '1', description: 'Scans, images, findings, Kubernetes posture and runtime alerts. Every /api route needs Authorization: Bearer <token>.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    (req as unknown as { t0: bigint }).t0 = process.hrtime.bigint();
    if (!req.url.startsWith('/api/')) return;
    const principal = await authenticate(ctx.store.admin, req, reply);
    if (!principal) return reply;
    req.principal = principal;
    const route = req.routeOptions.url ?? req.url;
    const need = requiredRole(req.method, route);
    if (ROLE_RANK[principal.role] < ROLE_RANK[need]) {
      return reply.code(403).send({ error: 'forbidden', message: `${req.method} ${route} needs the ${need} role; this token has ${principal.role}`, hint: 'use a token with that role' });
    }
    return undefined;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const t0 = (req as unknown as { t0?: bigint }).t0;
    if (t0 !== undefined) ctx.metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, Number(process.hrtime.bigint() - t0) / 1e9);
    // Every admin action that succeeded goes to the audit log (never the body: it may hold passwords).
    if (req.principal && req.method !== 'GET' && requiredRole(req.method, route) === 'admin' && reply.statusCode < 400) {
      const params = req.params as Record<string, string> | undefined;
      const body = req.body as Record<string, unknown> | undefined;
      const details: Record<string, unknown> = { status: reply.statusCode };
      for (const k of ['name', 'role', 'host', 'repositories']) if (body && typeof body === 'object' && k in body) details[k] = body[k];
      await ctx.store.admin.audit(req.principal.id, `${req.method} ${route}`, params?.id ?? null, details).catch(() => ctx.metrics.dbErrors.inc());
    }
  });

  app.setErrorHandler(async (err: Error & { validation?: unknown; statusCode?: number }, req, reply) => {
    if (err.validation) return reply.code(400).send({ error: 'invalid_request', message: err.message, where: `${req.method} ${req.url}`, hint: 'see /openapi.json for the request schema' });
    if (err instanceof BulkheadError) {
      const input = exitCodeFor(err.code) === 2;
      return reply.code(input ? 400 : 502).send({ error: err.code, message: err.message, where: err.where ?? '', hint: err.hint ?? '' });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error', hint: 'see the server log' });
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, ctx);
  scanRoutes(app, ctx);
  imageRoutes(app, ctx);
  findingRoutes(app, ctx);
  runtimeRoutes(app, ctx);
  registryRoutes(app, ctx);
  adminRoutes(app, ctx);
  const webDir = options.webDir ?? defaultWebDir();
  if (webDir && existsSync(`${webDir}/index.html`)) {
    // The dashboard: static files at /, the API stays under /api (the auth hook only guards /api).
    await app.register(fastifyStatic, { root: webDir, prefix: '/', index: ['index.html'], wildcard: false });
  }
  return app;
}

/** The OpenAPI 3 document of the API (for `bulkhead docs`: write it to docs/api/openapi.json). */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const unused = new Proxy({}, { get: () => { throw new Error('openApiDocument: no context'); } }) as AppContext;
  const app = await buildApp(unused);
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return doc;
}

/** Writes the OpenAPI document as pretty JSON (for `bulkhead docs`: docs/api/openapi.json). */
export async function writeOpenApiDocument(file: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
}
