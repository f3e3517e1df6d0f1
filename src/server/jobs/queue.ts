/**
 * Scans are jobs. Two queues behind one interface:
 * - LocalQueue (SQLite mode): an in-process runner with bounded concurrency over
 *   the `jobs` table; leases are renewed while a job runs, and on start running
 *   jobs with a dead lease go back to the queue (crash-safe).
 * - BossQueue (PostgreSQL mode): pg-boss 10; API servers only enqueue when they
 *   have no workers; `runWorker` processes take jobs. A killed worker's job
 *   expires and is retried by pg-boss; completion is idempotent (executeScan).
 */
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Store } from '../store/index.js';
import { executeScan, type ExecuteContext } from './execute.js';

export const SCAN_QUEUE = 'bulkhead-scan';

export interface JobQueue {
  enqueue(scanId: string): Promise<void>;
  /** Starts taking jobs with this many at once (0: enqueue only). */
  startWorkers(concurrency: number): Promise<void>;
  depth(): Promise<number>;
  /** graceful: wait for running jobs; otherwise drop them (they are retried elsewhere). */
  stop(graceful?: boolean): Promise<void>;
}

export interface LocalQueueOptions {
  leaseMs?: number;
  pollMs?: number;
}

export class LocalQueue implements JobQueue {
  private readonly owner = `local-${randomUUID()}`;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private running = 0;
  private concurrency = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Set<Promise<void>>();
  private pumping = false;

  constructor(
    private readonly store: Store,
    private readonly ctx: ExecuteContext,
    options: LocalQueueOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 500;
  }

  async enqueue(scanId: string): Promise<void> {
    await this.store.jobs.enqueue(scanId);
    void this.pump();
  }

  async startWorkers(concurrency: number): Promise<void> {
    this.concurrency = concurrency;
    if (concurrency <= 0) return;
    await this.store.jobs.requeueExpired();
    const tick = () => {
      if (this.stopped) return;
      void this.store.jobs
        .requeueExpired()
        .catch(() => undefined)
        .then(() => this.pump())
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    tick();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.running < this.concurrency) {
        const job = await this.store.jobs.claim(this.owner, this.leaseMs);
        if (!job) break;
        this.running++;
        const p = this.runOne(job.id, job.scanId).finally(() => {
          this.running--;
          this.active.delete(p);
          void this.pump();
        });
        this.active.add(p);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async runOne(jobId: string, scanId: string): Promise<void> {
    const renew = setInterval(() => void this.store.jobs.renew(jobId, this.owner, this.leaseMs).catch(() => undefined), Math.max(1000, this.leaseMs / 3));
    try {
      const outcome = await executeScan(this.ctx, scanId);
      await this.store.jobs.finish(jobId, outcome === 'failed' ? 'failed' : 'done');
    } catch {
      // The store failed: leave the lease to run out so the job is retried.
    } finally {
      clearInterval(renew);
    }
  }

  depth(): Promise<number> {
    return this.store.jobs.depth();
  }

  async stop(graceful = true): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (graceful) await Promise.allSettled([...this.active]);
  }
}

export interface BossQueueOptions {
  connectionString: string;
  /** Seconds a job may run before pg-boss considers its worker dead and retries it. */
  expireInSeconds?: number;
  retryLimit?: number;
  /** pg-boss maintenance interval (expiry checks). */
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export class BossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private started: Promise<void> | undefined;

  constructor(
    private readonly ctx: ExecuteContext | undefined,
    private readonly options: BossQueueOptions,
  ) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      max: 4,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    });
    this.boss.on('error', () => undefined);
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      await this.boss.createQueue(SCAN_QUEUE, {
        name: SCAN_QUEUE,
        retryLimit: this.options.retryLimit ?? 5,
        retryDelay: 1,
        expireInSeconds: this.options.expireInSeconds ?? 900,
      });
    })();
    return this.started;
  }

  async enqueue(scanId: string): Promise<void> {
    await this.start();
    await this.boss.send(SCAN_QUEUE, { scanId }, { retryLimit: this.options.retryLimit ?? 5, retryDelay: 1, expireInSeconds: this.options.expireInSeconds ?? 900 });
  }

  async startWorkers(concurrency: number): Promise<void> {
    await this.start();
    const ctx = this.ctx;
    if (!ctx || concurrency <= 0) return;
    for (let i = 0; i < concurrency; i++) {
      let id = '';
      id = await this.boss.work<{ scanId: string }>(
        SCAN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async (jobs) => {
          for (const job of jobs) await executeScan(ctx, job.data.scanId);
          // A job was there: poll again at once instead of after the interval.
          if (jobs.length && id) setImmediate(() => this.boss.notifyWorker(id));
        },
      );
    }
  }

  async depth(): Promise<number> {
    await this.start();
    return this.boss.getQueueSize(SCAN_QUEUE);
  }

  async stop(graceful = true): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    await this.boss.stop({ graceful, wait: graceful, timeout: graceful ? 30_000 : 1, close: true });
  }
}
