/**
 * Per-layer analysis results in SQLite, keyed by the layer's diffID plus the
 * ids and versions of the analyzers that produced them (and the format of
 * the stored record). A known layer is never read again; changing any
 * analyzer changes the key, so stale results are never served.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import { BulkheadError } from '../core/errors.js';
import { sha256Hex } from '../artifact/image/source.js';

export const CACHE_SCHEMA_VERSION = 1;

export function defaultCacheDir(): string {
  if (process.env.BULKHEAD_CACHE_DIR) return process.env.BULKHEAD_CACHE_DIR;
  return envPaths('bulkhead', { suffix: '' }).cache;
}

export interface LayerCacheStats {
  entries: number;
  bytes: number;
  file: string;
}

export class LayerCache {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string], { data: Buffer }>;
  private readonly putStmt: Database.Statement<[string, string, number, Buffer]>;

  private constructor(readonly file: string) {
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version !== CACHE_SCHEMA_VERSION) {
      this.db.exec('DROP TABLE IF EXISTS layers');
      this.db.exec(
        'CREATE TABLE layers (key TEXT PRIMARY KEY, diff_id TEXT NOT NULL, created INTEGER NOT NULL, data BLOB NOT NULL)',
      );
      this.db.pragma(`user_version = ${CACHE_SCHEMA_VERSION}`);
    }
    this.getStmt = this.db.prepare('SELECT data FROM layers WHERE key = ?');
    this.putStmt = this.db.prepare('INSERT OR REPLACE INTO layers (key, diff_id, created, data) VALUES (?, ?, ?, ?)');
  }

  static open(dir: string = defaultCacheDir()): LayerCache {
    try {
      mkdirSync(dir, { recursive: true });
      return new LayerCache(path.join(dir, 'layers.sqlite'));
    } catch (e) {
      throw new BulkheadError('CACHE_UNAVAILABLE', `cannot open the layer cache: ${(e as Error).message}`, {
        where: dir,
        hint: 'choose a writable --cache-dir, or scan with --no-cache',
      });
    }
  }

  static key(diffID: string, fingerprint: string, format: number): string {
    return sha256Hex(`${diffID}\n${fingerprint}\n${format}`);
  }

  get<T>(key: string): T | undefined {
    const row = this.getStmt.get(key);
    if (!row) return undefined;
    try {
      return JSON.parse(gunzipSync(row.data).toString('utf8')) as T;
    } catch {
      // A damaged entry is a miss; the layer is read again and the entry replaced.
      return undefined;
    }
  }

  put(key: string, diffID: string, value: unknown): void {
    this.putStmt.run(key, diffID, Date.now(), gzipSync(JSON.stringify(value), { level: 1 }));
  }

  stats(): LayerCacheStats {
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(data)), 0) AS b FROM layers').get() as { n: number; b: number };
    return { entries: row.n, bytes: row.b, file: this.file };
  }

  clear(): number {
    return this.db.prepare('DELETE FROM layers').run().changes;
  }

  close(): void {
    this.db.close();
  }
}
