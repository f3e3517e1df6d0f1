/**
 * A scan worker as its own process, for the scale-out test (bundled by
 * testing/bundle.ts, spawned with node, killed with SIGKILL).
 * Env: BH_DATABASE, BH_DB_DIR, BH_NAME, BH_SLOW_MS (delay after claiming a job),
 * BH_EXPIRE (seconds). Prints `ready` and `claimed <scanId>` lines.
 */
import { runWorker } from '../server.js';

const env = process.env;
const slow = Number(env.BH_SLOW_MS ?? 0);
const worker = await runWorker({
  database: env.BH_DATABASE ?? '',
  ...(env.BH_DB_DIR ? { dbDir: env.BH_DB_DIR } : {}),
  name: env.BH_NAME ?? `worker-${process.pid}`,
  concurrency: 2,
  boss: { maintenanceIntervalSeconds: 1, pollingIntervalSeconds: 0.5, expireInSeconds: Number(env.BH_EXPIRE ?? 900) },
  beforeScan: async (scanId) => {
    process.stdout.write(`claimed ${scanId}\n`);
    if (slow) await new Promise((r) => setTimeout(r, slow));
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.stop(true).then(() => process.exit(0));
});
