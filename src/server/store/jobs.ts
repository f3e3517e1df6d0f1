/** The SQLite-mode jobs table: lease-based claims, crash-safe re-queue. */
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { num } from './rows.js';

export interface ClaimedJob {
  id: string;
  scanId: string;
  attempts: number;
}

export class JobStore {
  constructor(private readonly db: Db) {}

  async enqueue(scanId: string): Promise<string> {
    const id = randomUUID();
    await this.db.exec("INSERT INTO jobs (id, scan_id, status, created_at) VALUES (?, ?, 'queued', ?)", [id, scanId, new Date().toISOString()]);
    return id;
  }

  /** Takes the oldest queued job under a lease (atomic: one transaction). */
  async claim(owner: string, leaseMs: number): Promise<ClaimedJob | null> {
    return this.db.transaction(async (tx) => {
      const r = (await tx.query("SELECT id, scan_id, attempts FROM jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1"))[0];
      if (!r) return null;
      const until = new Date(Date.now() + leaseMs).toISOString();
      const n = await tx.exec("UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued'", [
        owner,
        until,
        String(r.id),
      ]);
      return n === 1 ? { id: String(r.id), scanId: String(r.scan_id), attempts: num(r.attempts) + 1 } : null;
    });
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<void> {
    await this.db.exec("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'running'", [new Date(Date.now() + leaseMs).toISOString(), id, owner]);
  }

  async finish(id: string, status: 'done' | 'failed'): Promise<void> {
    await this.db.exec('UPDATE jobs SET status = ?, lease_until = NULL WHERE id = ?', [status, id]);
  }

  /** Running jobs whose lease ran out (their process died) go back to the queue. */
  async requeueExpired(at = new Date()): Promise<number> {
    return this.db.exec("UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE status = 'running' AND lease_until < ?", [at.toISOString()]);
  }

  async depth(): Promise<number> {
    return num((await this.db.query("SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'"))[0]?.n);
  }
}
