/** `bulkhead server` and `bulkhead worker`: wiring store, queue, API, rescans and registry watch. */
import { hostname } from 'node:os';
import type { FastifyServerOptions } from 'fastify';
import { BulkheadError } from '../core/errors.js';
import type { RegistryOptions } from '../registry/index.js';
import type { PublicKey } from '../sign/index.js';
import { buildApp } from './app.js';
import { newToken } from './auth.js';
import type { ExecuteContext } from './jobs/execute.js';
import { BossQueue, LocalQueue, type BossQueueOptions, type JobQueue } from './jobs/queue.js';
import { openVulnSource } from './jobs/vulndb.js';
import { createMetrics, type Metrics } from './metrics.js';
import { webhookNotifier } from './rescan/notify.js';
import { rescanAll, rescanIfDbChanged } from './rescan/rescan.js';
import { pollDue } from './rescan/watch.js';
import { hashToken, isPostgresUrl, openStore, redactUrl, type Store } from './store/index.js';

export interface ServerOptions {
  /** `host:port`; default `127.0.0.1:8080`; port 0 picks a free one. */
  listen?: string;
  /** `postgres://…` for PostgreSQL; otherwise SQLite in dataDir. */
  database?: string;
  dataDir: string;
  tls?: { cert: string; key: string };
  /** Scan jobs run at once in this process; 0 = enqueue only (PostgreSQL with separate workers). */
  workers: number;
  allowLocalTargets: boolean;
  /** Vulnerability database folder. */
  dbDir?: string;
  /** The initial admin token (else BULKHEAD_ADMIN_TOKEN, else a random one), created when no token exists. */
  adminToken?: string;
  /** Called once with a newly created initial admin token (print it). */
  onAdminToken?: (token: string) => void;
  logger?: FastifyServerOptions['logger'];
  /** How often the vulnerability DB version is checked (default 10 min; 0 disables). */
  rescanIntervalMs?: number;
  /** How often watched registries are considered for polling (default 30 s; 0 disables). */
  watchIntervalMs?: number;
  /** For registry images scanned and watched: insecure hosts, CA file, default credentials. */
  registry?: RegistryOptions;
  /** Public keys image signatures are verified against after each registry scan. */
  verifyKeys?: readonly PublicKey[];
  /** pg-boss tuning (tests). */
  boss?: Partial<BossQueueOptions>;
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  url: string;
  store: Store;
  metrics: Metrics;
  /** The initial admin token when this start created it. */
  adminToken?: string;
  close(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new BulkheadError('USAGE', `cannot read --listen ${listen}`, { where: '--listen', hint: 'use host:port, e.g. 127.0.0.1:8080 or [::1]:8080' });
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function makeQueue(store: Store, ctx: ExecuteContext, options: Pick<ServerOptions, 'database' | 'boss'>): JobQueue {
  if (isPostgresUrl(options.database)) return new BossQueue(ctx, { connectionString: options.database, ...options.boss });
  return new LocalQueue(store, ctx);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const metrics = createMetrics(true);
  const store = await openStore({ database: options.database, dataDir: options.dataDir, onError: () => metrics.dbErrors.inc() });
  const vuln = openVulnSource(options.dbDir);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const log = (msg: string, data?: Record<string, unknown>) => app?.log.info(data ?? {}, msg);
  const exec: ExecuteContext = {
    store,
    vuln,
    worker: `server-${hostname()}-${process.pid}`,
    onFinished: (outcome, ms) => metrics.jobDuration.observe({ outcome }, ms / 1000),
    log,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.verifyKeys ? { verifyKeys: options.verifyKeys } : {}),
  };
  const queue = makeQueue(store, exec, options);
  const timers: NodeJS.Timeout[] = [];
  try {
    let created: string | undefined;
    const wanted = options.adminToken ?? env.BULKHEAD_ADMIN_TOKEN;
    if ((await store.admin.countTokens()) === 0) {
      created = wanted ?? newToken();
      const row = await store.admin.createToken('initial-admin', 'admin', created);
      await store.admin.audit(null, 'token.create-initial', row.id, { name: row.name });
      if (!wanted) options.onAdminToken?.(created);
    } else if (wanted && !(await store.admin.tokenByHash(hashToken(wanted)))) {
      const row = await store.admin.createToken('configured-admin', 'admin', wanted);
      await store.admin.audit(null, 'token.create-configured', row.id, { name: row.name });
    }
    const rescanDeps = { store, vuln, notify: webhookNotifier(store, log), log };
    app = await buildApp(
      { store, queue, vuln, metrics, allowLocalTargets: options.allowLocalTargets, rescan: () => rescanAll(rescanDeps) },
      { logger: options.logger ?? false, ...(options.tls ? { tls: options.tls } : {}) },
    );
    await queue.startWorkers(options.workers);
    await rescanIfDbChanged(rescanDeps).catch((err) => log('rescan failed', { error: (err as Error).message }));
    const rescanEvery = options.rescanIntervalMs ?? 600_000;
    if (rescanEvery > 0) timers.push(setInterval(() => void rescanIfDbChanged(rescanDeps).catch((err) => log('rescan failed', { error: (err as Error).message })), rescanEvery));
    const watchEvery = options.watchIntervalMs ?? 30_000;
    if (watchEvery > 0) {
      const deps = { store, queue, log, ...(options.registry ? { registry: options.registry } : {}) };
      timers.push(setInterval(() => void pollDue(deps).catch((err) => log('registry watch failed', { error: (err as Error).message })), watchEvery));
    }
    for (const t of timers) t.unref();
    const { host, port } = parseListen(options.listen ?? '127.0.0.1:8080');
    await app.listen({ host, port });
    const addr = app.server.address();
    const boundPort = typeof addr === 'object' && addr ? addr.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    const url = `${options.tls ? 'https' : 'http'}://${shownHost}:${boundPort}`;
    app.log.info({ url, database: isPostgresUrl(options.database) ? redactUrl(options.database) : 'sqlite', workers: options.workers }, 'bulkhead server listening');
    const running: RunningServer = {
      url,
      store,
      metrics,
      close: async () => {
        for (const t of timers) clearInterval(t);
        await app?.close();
        await queue.stop(true);
        vuln.close();
        await store.close();
      },
    };
    if (created) running.adminToken = created;
    return running;
  } catch (err) {
    for (const t of timers) clearInterval(t);
    await app?.close().catch(() => undefined);
    await queue.stop(false).catch(() => undefined);
    vuln.close();
    await store.close().catch(() => undefined);
    throw err;
  }
}

export interface WorkerOptions {
  /** PostgreSQL URL (workers share the pg-boss queue). */
  database: string;
  dbDir?: string;
  /** Jobs at once (default 2). */
  concurrency?: number;
  /** Worker name in scan rows (default host-pid). */
  name?: string;
  boss?: Partial<BossQueueOptions>;
  registry?: RegistryOptions;
  verifyKeys?: readonly PublicKey[];
  log?: ExecuteContext['log'];
  /** Test hook, see ExecuteContext.beforeScan. */
  beforeScan?: (scanId: string) => Promise<void>;
  onFinished?: ExecuteContext['onFinished'];
}

export interface RunningWorker {
  /** graceful (default): let running jobs finish; otherwise drop them (pg-boss retries them after expiry). */
  stop(graceful?: boolean): Promise<void>;
}

/** A scan worker process: takes jobs from the pg-boss queue. PostgreSQL only. */
export async function runWorker(options: WorkerOptions): Promise<RunningWorker> {
  if (!isPostgresUrl(options.database)) {
    throw new BulkheadError('USAGE', 'workers need a PostgreSQL database', { where: '--database', hint: 'pass --database postgres://…; with SQLite the server runs jobs itself (--workers N)' });
  }
  const store = await openStore({ database: options.database, dataDir: '.', poolSize: 4 });
  const vuln = openVulnSource(options.dbDir);
  const ctx: ExecuteContext = { store, vuln, worker: options.name ?? `worker-${hostname()}-${process.pid}` };
  if (options.registry) ctx.registry = options.registry;
  if (options.verifyKeys) ctx.verifyKeys = options.verifyKeys;
  if (options.log) ctx.log = options.log;
  if (options.beforeScan) ctx.beforeScan = options.beforeScan;
  if (options.onFinished) ctx.onFinished = options.onFinished;
  const queue = new BossQueue(ctx, { connectionString: options.database, ...options.boss });
  await queue.startWorkers(options.concurrency ?? 2);
  return {
    stop: async (graceful = true) => {
      await queue.stop(graceful);
      vuln.close();
      if (graceful) await store.close();
      else void store.close().catch(() => undefined);
    },
  };
}
