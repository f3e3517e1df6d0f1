/**
 * The SQLite layout of the vulnerability database. One file, built from OSV
 * records, read by many scans at once. `user_version` carries
 * DB_SCHEMA_VERSION; a file with another number is rebuilt, never guessed at.
 */
import type Database from 'better-sqlite3';
import { splitEcosystem } from './ecosystems.js';

export const DB_SCHEMA_VERSION = 1;

/** File name of the database inside the database directory. */
export const DB_FILE_NAME = 'vulns.sqlite';

const TABLES = `
CREATE TABLE IF NOT EXISTS vulns (
  id TEXT PRIMARY KEY,
  modified TEXT NOT NULL,
  published TEXT,
  withdrawn TEXT,
  summary TEXT,
  details TEXT,
  schema_version TEXT,
  severity_json TEXT,
  aliases_json TEXT,
  upstream_json TEXT,
  related_json TEXT,
  references_json TEXT,
  credits_json TEXT,
  database_specific_json TEXT,
  extra_json TEXT
);
CREATE TABLE IF NOT EXISTS affected (
  vuln_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  ecosystem TEXT NOT NULL,
  release TEXT NOT NULL,
  name TEXT NOT NULL,
  normalized_name TEXT NOT NULL,
  purl TEXT,
  ranges_json TEXT,
  versions_json TEXT,
  severity_json TEXT,
  ecosystem_specific_json TEXT,
  database_specific_json TEXT
);
CREATE TABLE IF NOT EXISTS aliases (
  alias TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ecosystems (
  name TEXT PRIMARY KEY,
  count INTEGER NOT NULL
);
`;

/**
 * Lookup indexes, created after the bulk insert of a new database (building
 * them once at the end is cheaper than maintaining them row by row).
 */
const LOOKUP_INDEXES = `
CREATE INDEX IF NOT EXISTS affected_package ON affected (ecosystem, release, normalized_name);
CREATE INDEX IF NOT EXISTS aliases_alias ON aliases (alias);
`;

/** Rows by record id: needed to replace a record; built up front only when a build starts from an existing file. */
const RECORD_INDEXES = `
CREATE INDEX IF NOT EXISTS affected_vuln ON affected (vuln_id);
CREATE INDEX IF NOT EXISTS aliases_vuln ON aliases (vuln_id);
`;

/** Meta keys. Per-ecosystem keys are `<prefix><Ecosystem>`. */
export const META = {
  /** Where the data came from: the repository URL, or the imported path. */
  source: 'source',
  /** When this file was last written (RFC 3339). */
  updatedAt: 'updated_at',
  /** When the file was first built (RFC 3339). */
  createdAt: 'created_at',
  /** The newest `modified_id.csv` line already applied, per ecosystem. */
  lastModifiedIdPrefix: 'modified_id:',
  /** When an ecosystem was last fetched (RFC 3339). */
  fetchedAtPrefix: 'fetched_at:',
  /** How an ecosystem was last fetched: `full` or `incremental`. */
  fetchModePrefix: 'fetch_mode:',
} as const;

export function createTables(db: Database.Database): void {
  db.exec(TABLES);
  db.pragma(`user_version = ${DB_SCHEMA_VERSION}`);
}

export function createLookupIndexes(db: Database.Database): void {
  db.exec(LOOKUP_INDEXES);
  db.exec(RECORD_INDEXES);
}

export function createRecordIndexes(db: Database.Database): void {
  db.exec(RECORD_INDEXES);
}

/**
 * Records per base ecosystem (a record affecting npm and Maven counts in
 * both): taken from `known` when the writer counted them, else recounted.
 */
export function writeEcosystemCounts(db: Database.Database, known?: ReadonlyMap<string, number>): void {
  db.exec('DELETE FROM ecosystems');
  if (known) {
    const insert = db.prepare('INSERT INTO ecosystems (name, count) VALUES (?, ?)');
    for (const [name, count] of known) insert.run(name, count);
    return;
  }
  db.exec(
    'INSERT INTO ecosystems (name, count) SELECT ecosystem, COUNT(DISTINCT vuln_id) FROM affected GROUP BY ecosystem',
  );
}

/**
 * The name under which a package is stored and looked up, so that spellings
 * the ecosystem treats as equal meet:
 * - PyPI: PEP 503 (lower case, runs of `-`, `_`, `.` become one `-`);
 * - crates.io: crates.io treats case and `-`/`_` as the same crate;
 * - NuGet and Packagist: ids are case-insensitive;
 * - Maven: `groupId:artifactId`, without surrounding blanks;
 * - everything else (npm, Go module paths, Debian/Alpine/RPM source package
 *   names, RubyGems, …) as written: those names are case-sensitive.
 * `ecosystem` may carry a release suffix (`Debian:12`); only the base matters.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  switch (splitEcosystem(ecosystem).base) {
    case 'PyPI':
      return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
    case 'crates.io':
      return name.trim().toLowerCase().replace(/_/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.trim().toLowerCase();
    case 'Maven':
      return name
        .split(':')
        .map((part) => part.trim())
        .join(':');
    default:
      return name;
  }
}
