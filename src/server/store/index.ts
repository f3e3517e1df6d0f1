/** Storage for the server: one query layer and one migration set over SQLite and PostgreSQL. */
import { AdminStore } from './admin.js';
import { openDb, type Db, type OpenDbOptions } from './db.js';
import { JobStore } from './jobs.js';
import { migrate } from './migrations.js';
import { ScanStore } from './scans.js';

export { openDb, isPostgresUrl, redactUrl, numberPlaceholders } from './db.js';
export type { Db, Dialect, Param, Row, OpenDbOptions } from './db.js';
export { migrate, migrationsApplied, MIGRATIONS } from './migrations.js';
export { ScanStore, imageDigestOf } from './scans.js';
export type { NewScan, ImageItem, FindingItem, Inventory } from './scans.js';
export { AdminStore, hashToken, ROLES } from './admin.js';
export type { Role, TokenRow, AuditEntry, RuntimeAlert, RegistryWatch } from './admin.js';
export { JobStore } from './jobs.js';
export { summarize, emptySummary } from './rows.js';
export type { Summary, ScanItem, ScanKind, ScanStatus } from './rows.js';

export interface Store {
  db: Db;
  scans: ScanStore;
  admin: AdminStore;
  jobs: JobStore;
  close(): Promise<void>;
}

/** Opens the database, applies migrations, returns the stores. */
export async function openStore(options: OpenDbOptions): Promise<Store> {
  const db = await openDb(options);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { db, scans: new ScanStore(db), admin: new AdminStore(db), jobs: new JobStore(db), close: () => db.close() };
}
