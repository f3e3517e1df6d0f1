/**
 * Platform commands: `server` (HTTP API + dashboard, SQLite or PostgreSQL),
 * `worker` (scan jobs from the PostgreSQL queue) and `admission` (the
 * ValidatingAdmissionWebhook endpoint).
 */
import path from 'node:path';
import { Command } from 'commander';
import { BulkheadError, ExitCode } from '../core/errors.js';
import { runWorker, startServer } from '../server/index.js';
import { defaultCacheDir } from '../cache/layer-cache.js';
import { defaultDbDir } from '../vuln/db/index.js';
import { loadAdmissionConfig, startAdmissionServer } from '../server/admission/index.js';
import type { CliContext } from './context.js';
import { collect, readAllStdin, registryOptionsFrom, untilSignal } from './registry-options.js';
import { resolveFlags } from './flags.js';
import { loadPublicKeyFiles } from './keys.js';

const count = (v: string, flag: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BulkheadError('USAGE', `${flag} ${v} is not a whole number`);
  return n;
};

export function registerPlatform(ctx: CliContext): void {
  const { program, io, setCode, given, addFlags } = ctx;
  /** Registry flags (insecure hosts, CA file, credentials) and --verify-key for the image scans a server or worker runs. */
  const imageAccess = async (self: Command, verifyKey: string[] | undefined) => ({
    registry: await registryOptionsFrom(resolveFlags(['registry'], given(self), io.env), io.cwd, io.env, io.readStdin ?? readAllStdin),
    ...(verifyKey?.length ? { verifyKeys: loadPublicKeyFiles(verifyKey, io.cwd) } : {}),
  });
  program.addCommand(
    addFlags(new Command('server')
      .description('the HTTP API (OpenAPI at /openapi.json) and the dashboard: scans, inventory, findings, Kubernetes posture, runtime alerts, registries watched, rescans when the vulnerability DB changes')
      .option('--listen <addr>', 'host:port', '127.0.0.1:8080')
      .option('--database <url>', 'postgres://… for PostgreSQL (many servers and workers); default SQLite in --data-dir')
      .option('--data-dir <dir>', 'where the SQLite database lives (default: <cache dir>/server)')
      .option('--db-dir <dir>', 'vulnerability database folder (default: <cache dir>/db)')
      .option('--workers <n>', 'scan jobs run at once in this process (0: enqueue only, PostgreSQL with bulkhead worker)', '2')
      .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
      .option('--tls-key <file>', 'and this key (PEM)')
      .option('--allow-local-targets', 'accept oci:/docker-archive:/directory targets on this machine (demos, tests)')
      .option('--verify-key <file>', 'public key image signatures are verified against after each registry scan (repeatable); without it signatures are only counted', collect),
      ['registry'])
      .action(async (o: { listen: string; database?: string; dataDir?: string; dbDir?: string; workers: string; tlsCert?: string; tlsKey?: string; allowLocalTargets?: boolean; verifyKey?: string[] }, self: Command) => {
        const workers = count(o.workers, '--workers');
        if (!o.database && workers === 0) throw new BulkheadError('USAGE', 'with SQLite the server runs the scans itself: --workers must be at least 1', { hint: 'use --database postgres://… for separate workers' });
        if (!!o.tlsCert !== !!o.tlsKey) throw new BulkheadError('USAGE', '--tls-cert and --tls-key go together');
        const server = await startServer({
          listen: o.listen,
          ...(o.database ? { database: o.database } : {}),
          dataDir: path.resolve(io.cwd, o.dataDir ?? path.join(defaultCacheDir(), 'server')),
          dbDir: path.resolve(io.cwd, o.dbDir ?? defaultDbDir()),
          workers,
          allowLocalTargets: o.allowLocalTargets === true,
          ...(o.tlsCert && o.tlsKey ? { tls: { cert: path.resolve(io.cwd, o.tlsCert), key: path.resolve(io.cwd, o.tlsKey) } } : {}),
          ...(await imageAccess(self, o.verifyKey)),
          onAdminToken: (token) => io.stderr(`initial admin token (shown once, store it): ${token}\n`),
          logger: true,
        });
        io.stderr(`bulkhead server on ${server.url} (dashboard at /, API at /api/v1, OpenAPI at /openapi.json)\n`);
        await untilSignal();
        await server.close();
        setCode(ExitCode.ok);
      }),
  );
  program.addCommand(
    addFlags(new Command('worker')
      .description('take scan jobs from the PostgreSQL queue (run any number, on any machine)')
      .requiredOption('--database <url>', 'postgres://… shared with the server')
      .option('--db-dir <dir>', 'vulnerability database folder (default: <cache dir>/db)')
      .option('--concurrency <n>', 'jobs at once', '2')
      .option('--verify-key <file>', 'public key image signatures are verified against after each registry scan (repeatable)', collect),
      ['registry'])
      .action(async (o: { database: string; dbDir?: string; concurrency: string; verifyKey?: string[] }, self: Command) => {
        const worker = await runWorker({
          database: o.database,
          dbDir: path.resolve(io.cwd, o.dbDir ?? defaultDbDir()),
          concurrency: Math.max(1, count(o.concurrency, '--concurrency')),
          ...(await imageAccess(self, o.verifyKey)),
          log: (msg, data) => io.stderr(`${JSON.stringify({ msg, ...data })}\n`),
        });
        io.stderr('worker running; Ctrl-C to stop after the current jobs\n');
        await untilSignal();
        await worker.stop(true);
        setCode(ExitCode.ok);
      }),
  );
  program.addCommand(
    new Command('admission')
      .description('serve the Kubernetes ValidatingAdmissionWebhook (AdmissionReview v1 over HTTPS): Pod Security Standards, trust policy, vulnerability gate, VAP policies')
      // Not requiredOption: the global --config (flag-values file) takes the value wherever it is written; read it from there.
      .option('--config <file>', 'admission config YAML, required (see deploy/admission/configmap.yaml); server.tokenFile or BULKHEAD_SERVER_TOKEN for its Bulkhead server')
      .requiredOption('--tls-cert <file>', 'serving certificate (PEM)')
      .requiredOption('--tls-key <file>', 'serving key (PEM)')
      .option('--listen <addr>', 'host:port, :port or a port', '0.0.0.0:8443')
      .option('--db-dir <dir>', 'vulnerability database folder for scans on demand, opened read-only (overrides vulnDb in the config; fill it with bulkhead db update --db-dir)')
      .action(async (o: { config?: string; tlsCert: string; tlsKey: string; listen: string; dbDir?: string }, self: Command) => {
        const file = o.config ?? (given(self)['config'] as string | undefined) ?? (given(program)['config'] as string | undefined);
        if (!file) throw new BulkheadError('USAGE', 'bulkhead admission needs --config <file>', { where: '--config', hint: 'the admission configuration YAML, see deploy/admission/configmap.yaml' });
        const config = loadAdmissionConfig(path.resolve(io.cwd, file), { env: io.env });
        if (o.dbDir) config.vulnDb = { dir: path.resolve(io.cwd, o.dbDir), where: '--db-dir' };
        if (config.vulnerabilities && !config.server && !config.vulnDb) {
          io.stderr('warning: the vulnerability gate has no Bulkhead server (server.url) and no vulnerability database (vulnDb, --db-dir): every image counts as unscanned\n');
        }
        if (config.server && !config.server.token) io.stderr('warning: server.url is set without a token (server.tokenFile or BULKHEAD_SERVER_TOKEN): the server will likely refuse the lookups\n');
        if (config.server && config.vulnDb && config.vulnerabilities) {
          io.stderr('images scanned on demand are submitted to server.url by digest (POST /api/v1/scans) so it stores them: its token needs the scanner role, else each submission is logged as refused\n');
        }
        const server = await startAdmissionServer({
          listen: o.listen,
          tlsCert: path.resolve(io.cwd, o.tlsCert),
          tlsKey: path.resolve(io.cwd, o.tlsKey),
          config,
          dependencies: {
            log: (e) => io.stderr(`${JSON.stringify(e)}\n`),
          },
        });
        io.stderr(`admission webhook listening on ${server.url}\n`);
        await untilSignal();
        await server.close();
        setCode(ExitCode.ok);
      }),
  );
}
