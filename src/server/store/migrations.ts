/**
 * The one migration set for both databases. Portable SQL only: TEXT, INTEGER,
 * text ids (UUIDs), ISO-8601 timestamps as TEXT, JSON as TEXT.
 */
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE images (digest TEXT PRIMARY KEY, refs TEXT NOT NULL, os TEXT, layers TEXT, packages INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT NOT NULL, last_scanned_at TEXT, last_scan_id TEXT)`,
      `CREATE TABLE inventories (digest TEXT PRIMARY KEY, scan_id TEXT NOT NULL, target TEXT NOT NULL, packages TEXT NOT NULL, os TEXT, updated_at TEXT NOT NULL)`,
      `CREATE TABLE scans (id TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL, content TEXT, status TEXT NOT NULL,
        created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, error TEXT, image_digest TEXT,
        n_critical INTEGER NOT NULL DEFAULT 0, n_high INTEGER NOT NULL DEFAULT 0, n_medium INTEGER NOT NULL DEFAULT 0,
        n_low INTEGER NOT NULL DEFAULT 0, n_unknown INTEGER NOT NULL DEFAULT 0, n_fixable INTEGER NOT NULL DEFAULT 0,
        n_total INTEGER NOT NULL DEFAULT 0, result TEXT, worker TEXT, completions INTEGER NOT NULL DEFAULT 0)`,
      `CREATE INDEX scans_created ON scans (created_at)`,
      `CREATE INDEX scans_image ON scans (image_digest)`,
      `CREATE TABLE jobs (id TEXT PRIMARY KEY, scan_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT, lease_until TEXT, created_at TEXT NOT NULL)`,
      `CREATE INDEX jobs_status ON jobs (status, created_at)`,
      `CREATE TABLE findings (scan_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
        status TEXT, package TEXT, package_version TEXT, fixed_version TEXT, title TEXT NOT NULL, location TEXT, data TEXT NOT NULL,
        PRIMARY KEY (scan_id, seq))`,
      `CREATE INDEX findings_sev ON findings (severity, kind)`,
      `CREATE TABLE runtime_alerts (id TEXT PRIMARY KEY, time TEXT NOT NULL, rule TEXT NOT NULL, priority TEXT NOT NULL, source TEXT,
        container TEXT, output TEXT NOT NULL, fields TEXT, tags TEXT, received_at TEXT NOT NULL)`,
      `CREATE INDEX alerts_time ON runtime_alerts (time)`,
      `CREATE TABLE signatures (digest TEXT PRIMARY KEY, signed INTEGER NOT NULL, checked_at TEXT NOT NULL, details TEXT)`,
      `CREATE TABLE registries (id TEXT PRIMARY KEY, host TEXT NOT NULL, repositories TEXT NOT NULL, interval_seconds INTEGER NOT NULL,
        username TEXT, password_plaintext_secret TEXT, created_at TEXT NOT NULL, last_polled_at TEXT)`,
      `CREATE TABLE registry_tags (registry_id TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
        seen_at TEXT NOT NULL, PRIMARY KEY (registry_id, repository, tag))`,
      `CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, last_used_at TEXT)`,
      `CREATE TABLE audit_log (id TEXT PRIMARY KEY, time TEXT NOT NULL, actor TEXT, action TEXT NOT NULL, target TEXT, details TEXT)`,
      `CREATE INDEX audit_time ON audit_log (time)`,
      `CREATE TABLE notifications (id TEXT PRIMARY KEY, url TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'signature-state',
    // verified | invalid | unsigned | unverified (signatures present, no key configured); `signed` stays 1 only for verified.
    statements: [`ALTER TABLE signatures ADD COLUMN state TEXT`],
  },
];

/** Any constant: the advisory lock key migrations take on PostgreSQL. */
const MIGRATION_LOCK = 727_001;

/**
 * Applies every migration not applied yet, each in a transaction. Safe to run
 * from several servers at once: PostgreSQL takes a transaction advisory lock,
 * SQLite a write lock (BEGIN IMMEDIATE). Returns the versions applied now.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const s of m.statements) await tx.exec(s);
      await tx.exec('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** True when every known migration is applied (readiness). */
export async function migrationsApplied(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<boolean> {
  try {
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    return migrations.every((m) => done.has(m.version));
  } catch {
    return false;
  }
}
