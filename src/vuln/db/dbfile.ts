/**
 * Where the database file lives and how a new one replaces the old: every
 * write goes to a temporary file in the same folder, which is renamed over the
 * old file only once it is complete and on disk. Readers keep the file they
 * opened; a failed or killed build leaves the old database as it was.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BulkheadError } from '../../core/errors.js';
import { defaultCacheDir } from '../../cache/layer-cache.js';
import { DB_FILE_NAME, META, createLookupIndexes, createTables, writeEcosystemCounts } from './schema.js';

/** The database folder when none is given: `<cache dir>/db`. */
export function defaultDbDir(): string {
  return path.join(defaultCacheDir(), 'db');
}

export function dbFilePath(dir: string): string {
  return path.join(dir, DB_FILE_NAME);
}

const TEMP_MARK = '.tmp-';
/** Leftovers of killed builds older than this are removed by the next build. */
const STALE_TEMP_MS = 6 * 60 * 60 * 1000;

export interface BuildOptions {
  /** Start from a copy of this database instead of an empty one. */
  copyFrom?: string;
}

export interface BuildContext {
  /** Set by the writer when it counted records per ecosystem exactly (saves a recount). */
  ecosystemCounts?: () => ReadonlyMap<string, number> | undefined;
}

/**
 * Build a database in a temporary file and swap it in. `fill` receives the
 * open, writable handle; when it returns, lookup indexes and counts are
 * brought up to date and the file replaces `<dir>/vulns.sqlite`.
 */
export async function buildDatabase<T>(
  dir: string,
  options: BuildOptions,
  fill: (db: Database.Database, context: BuildContext) => T | Promise<T>,
): Promise<T> {
  ensureDir(dir);
  removeStaleTemps(dir);
  const final = dbFilePath(dir);
  const temp = `${final}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
  let db: Database.Database | undefined;
  try {
    if (options.copyFrom) copyFileSync(options.copyFrom, temp);
    db = new Database(temp);
    // The file is private until the rename, so durability is only needed at the end.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -131072');
    if (!options.copyFrom) {
      // Larger pages suit rows holding whole advisory texts.
      db.pragma('page_size = 16384');
      createTables(db);
      const now = new Date().toISOString();
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(META.createdAt, now);
    }
    const context: BuildContext = {};
    const result = await fill(db, context);
    createLookupIndexes(db);
    writeEcosystemCounts(db, context.ecosystemCounts?.());
    setMeta(db, META.updatedAt, new Date().toISOString());
    db.pragma('journal_mode = DELETE');
    db.close();
    db = undefined;
    fsyncFile(temp);
    renameSync(temp, final);
    fsyncDir(dir);
    return result;
  } catch (e) {
    try {
      db?.close();
    } catch {
      // already failing; the temporary file is removed below
    }
    removeQuietly(temp);
    throw e;
  }
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
}

export function getMeta(db: Database.Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new BulkheadError('CACHE_UNAVAILABLE', `cannot create the vulnerability database folder: ${(e as Error).message}`, {
      where: dir,
      hint: 'choose a writable --cache-dir',
      cause: e,
    });
  }
}

function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(DB_FILE_NAME + TEMP_MARK) && !name.startsWith('download' + TEMP_MARK)) continue;
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > STALE_TEMP_MS) unlinkSync(file);
    } catch {
      // another process may have removed or renamed it
    }
  }
}

/** A temporary file name for a download, cleaned like build leftovers. */
export function tempDownloadPath(dir: string, label: string): string {
  const safe = label.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 64);
  return path.join(dir, `download${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}-${safe}`);
}

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there
  }
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform can fsync a directory; the rename itself is atomic
  }
}
