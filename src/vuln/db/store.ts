/**
 * Read-only access to a built vulnerability database: the lookups matching
 * needs (affected entries by ecosystem, release and package name; records
 * by id or alias) and the status `bulkhead db status` shows. Open once, query
 * many times; the handle never writes, so any number of scans share the file.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { BulkheadError } from '../../core/errors.js';
import { dbFilePath, defaultDbDir } from './dbfile.js';
import type { OsvEvent, OsvRange, OsvReference, OsvSeverity } from './record.js';
import { DB_SCHEMA_VERSION, META } from './schema.js';

export interface VulnRecord {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  aliases: string[];
  /** Ids this record was derived from (e.g. the CVE behind a DEBIAN-CVE record). */
  upstream: string[];
  related: string[];
  references: OsvReference[];
  databaseSpecific?: Record<string, unknown>;
}

export interface AffectedEntry {
  vulnId: string;
  /** Base ecosystem (`Debian`). */
  ecosystem: string;
  /** Release suffix (`12`), '' when none. */
  release: string;
  /** The package name as the record wrote it. */
  name: string;
  normalizedName: string;
  purl?: string;
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
  vuln: VulnRecord;
}

export type { OsvEvent, OsvRange };

export interface EcosystemFeedStatus {
  ecosystem: string;
  /** Newest `modified_id.csv` line applied (`<modified>,<id>`). */
  lastModifiedId?: string;
  fetchedAt?: string;
  mode?: string;
}

export interface DbStatus {
  present: true;
  file: string;
  schemaVersion: number;
  sizeBytes: number;
  source?: string;
  createdAt?: string;
  updatedAt?: string;
  /** Milliseconds since the last update, when known. */
  ageMs?: number;
  /** Older than the allowed age (see `maxAgeMs`): scans should warn. */
  stale: boolean;
  records: number;
  withdrawn: number;
  /** Records per base ecosystem, largest first. */
  ecosystems: { name: string; count: number }[];
  feeds: EcosystemFeedStatus[];
}

export interface DbMissing {
  present: false;
  file: string;
}

/** A database older than this makes scans warn unless configured otherwise. */
export const DEFAULT_MAX_DB_AGE_MS = 7 * 24 * 60 * 60 * 1000;

interface VulnRow {
  id: string;
  modified: string;
  published: string | null;
  withdrawn: string | null;
  summary: string | null;
  details: string | null;
  severity_json: string | null;
  aliases_json: string | null;
  upstream_json: string | null;
  related_json: string | null;
  references_json: string | null;
  database_specific_json: string | null;
}

interface AffectedRow {
  vuln_id: string;
  ecosystem: string;
  release: string;
  name: string;
  normalized_name: string;
  purl: string | null;
  ranges_json: string | null;
  versions_json: string | null;
  severity_json: string | null;
  ecosystem_specific_json: string | null;
  database_specific_json: string | null;
}

const VULN_COLUMNS =
  'id, modified, published, withdrawn, summary, details, severity_json, aliases_json, upstream_json, related_json, references_json, database_specific_json';

export class VulnDb {
  private readonly db: Database.Database;
  private readonly affectedStmt: Database.Statement<[string, string, string], AffectedRow>;
  private readonly vulnStmt: Database.Statement<[string], VulnRow>;
  private readonly aliasStmt: Database.Statement<[string], { vuln_id: string }>;
  private readonly aliasesOfStmt: Database.Statement<[string], { alias: string }>;
  /** Parsed records shared between lookups (many packages share records). */
  private readonly vulnCache = new Map<string, VulnRecord>();

  private constructor(readonly file: string) {
    if (!existsSync(file)) throw missingDbError(file);
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw unreadableDbError(file, e);
    }
    try {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version !== DB_SCHEMA_VERSION) {
        throw new BulkheadError(
          'CACHE_UNAVAILABLE',
          `the vulnerability database has schema version ${version}, this version of bulkhead reads version ${DB_SCHEMA_VERSION}`,
          { where: file, hint: 'run bulkhead db update (or bulkhead db import <zip|dir>) to rebuild it' },
        );
      }
      this.affectedStmt = this.db.prepare(
        `SELECT vuln_id, ecosystem, release, name, normalized_name, purl, ranges_json, versions_json, severity_json,
           ecosystem_specific_json, database_specific_json
         FROM affected WHERE ecosystem = ? AND release = ? AND normalized_name = ? ORDER BY vuln_id, ordinal`,
      );
      this.vulnStmt = this.db.prepare(`SELECT ${VULN_COLUMNS} FROM vulns WHERE id = ?`);
      this.aliasStmt = this.db.prepare('SELECT DISTINCT vuln_id FROM aliases WHERE alias = ? ORDER BY vuln_id');
      this.aliasesOfStmt = this.db.prepare('SELECT alias FROM aliases WHERE vuln_id = ? ORDER BY alias');
    } catch (e) {
      this.db.close();
      if (e instanceof BulkheadError) throw e;
      throw unreadableDbError(file, e);
    }
  }

  /** Open `<dir>/vulns.sqlite` (or a file path ending in `.sqlite`) read-only. */
  static open(fileOrDir: string = defaultDbDir()): VulnDb {
    const file = fileOrDir.endsWith('.sqlite') ? fileOrDir : dbFilePath(fileOrDir);
    return new VulnDb(file);
  }

  close(): void {
    this.vulnCache.clear();
    this.db.close();
  }

  /**
   * Affected entries for one package: `ecosystem` is the base name (`Debian`,
   * `npm`), `release` the suffix ('' for none), `normalizedName` the result of
   * `normalizePackageName`. Withdrawn records are left out unless asked for.
   */
  findAffected(
    ecosystem: string,
    release: string,
    normalizedName: string,
    options: { includeWithdrawn?: boolean } = {},
  ): AffectedEntry[] {
    const out: AffectedEntry[] = [];
    for (const row of this.affectedStmt.iterate(ecosystem, release, normalizedName)) {
      const vuln = this.getVuln(row.vuln_id);
      if (!vuln) continue;
      if (vuln.withdrawn && !options.includeWithdrawn) continue;
      out.push({
        vulnId: row.vuln_id,
        ecosystem: row.ecosystem,
        release: row.release,
        name: row.name,
        normalizedName: row.normalized_name,
        purl: row.purl ?? undefined,
        ranges: parseJson<OsvRange[]>(row.ranges_json) ?? [],
        versions: parseJson<string[]>(row.versions_json) ?? [],
        severity: parseJson<OsvSeverity[]>(row.severity_json) ?? [],
        ecosystemSpecific: parseJson(row.ecosystem_specific_json),
        databaseSpecific: parseJson(row.database_specific_json),
        vuln,
      });
    }
    return out;
  }

  /** One record by id. */
  getVuln(id: string): VulnRecord | undefined {
    const cached = this.vulnCache.get(id);
    if (cached) return cached;
    const row = this.vulnStmt.get(id);
    if (!row) return undefined;
    const vuln = toVuln(row);
    if (this.vulnCache.size >= 20_000) this.vulnCache.clear();
    this.vulnCache.set(id, vuln);
    return vuln;
  }

  /** Ids of the records that list `alias` among their aliases or upstream ids. */
  findByAlias(alias: string): string[] {
    return this.aliasStmt.all(alias).map((r) => r.vuln_id);
  }

  /** Aliases and upstream ids stored for a record. */
  aliasesOf(id: string): string[] {
    return this.aliasesOfStmt.all(id).map((r) => r.alias);
  }

  status(options: { maxAgeMs?: number; now?: number } = {}): DbStatus {
    const meta = new Map(
      (this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
    );
    const counts = this.db.prepare('SELECT COUNT(*) AS n, COUNT(withdrawn) AS w FROM vulns').get() as { n: number; w: number };
    const ecosystems = this.db
      .prepare('SELECT name, count FROM ecosystems ORDER BY count DESC, name')
      .all() as { name: string; count: number }[];
    const feeds = new Map<string, EcosystemFeedStatus>();
    const feed = (ecosystem: string): EcosystemFeedStatus => {
      let f = feeds.get(ecosystem);
      if (!f) feeds.set(ecosystem, (f = { ecosystem }));
      return f;
    };
    for (const [key, value] of meta) {
      if (key.startsWith(META.lastModifiedIdPrefix)) feed(key.slice(META.lastModifiedIdPrefix.length)).lastModifiedId = value;
      else if (key.startsWith(META.fetchedAtPrefix)) feed(key.slice(META.fetchedAtPrefix.length)).fetchedAt = value;
      else if (key.startsWith(META.fetchModePrefix)) feed(key.slice(META.fetchModePrefix.length)).mode = value;
    }
    const updatedAt = meta.get(META.updatedAt);
    const updatedMs = updatedAt ? Date.parse(updatedAt) : NaN;
    const now = options.now ?? Date.now();
    const ageMs = Number.isNaN(updatedMs) ? undefined : Math.max(0, now - updatedMs);
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_DB_AGE_MS;
    return {
      present: true,
      file: this.file,
      schemaVersion: DB_SCHEMA_VERSION,
      sizeBytes: statSync(this.file).size,
      source: meta.get(META.source),
      createdAt: meta.get(META.createdAt),
      updatedAt,
      ageMs,
      stale: ageMs === undefined || ageMs > maxAgeMs,
      records: counts.n,
      withdrawn: counts.w,
      ecosystems,
      feeds: [...feeds.values()].sort((a, b) => a.ecosystem.localeCompare(b.ecosystem)),
    };
  }
}

/** `bulkhead db status`: what the database in `dir` holds, or that there is none. */
export function dbStatus(
  dir: string = defaultDbDir(),
  options: { maxAgeMs?: number; now?: number } = {},
): DbStatus | DbMissing {
  const file = dbFilePath(dir);
  if (!existsSync(file)) return { present: false, file };
  const db = VulnDb.open(file);
  try {
    return db.status(options);
  } finally {
    db.close();
  }
}

export function missingDbError(file: string): BulkheadError {
  return new BulkheadError('CACHE_UNAVAILABLE', 'no vulnerability database', {
    where: file,
    hint: 'run bulkhead db update, or bulkhead db import <zip|dir>',
  });
}

function unreadableDbError(file: string, cause: unknown): BulkheadError {
  return new BulkheadError('CACHE_UNAVAILABLE', `cannot read the vulnerability database: ${(cause as Error).message}`, {
    where: file,
    hint: 'run bulkhead db update (or bulkhead db import <zip|dir>) to rebuild it',
    cause,
  });
}

function toVuln(row: VulnRow): VulnRecord {
  return {
    id: row.id,
    modified: row.modified,
    published: row.published ?? undefined,
    withdrawn: row.withdrawn ?? undefined,
    summary: row.summary ?? undefined,
    details: row.details ?? undefined,
    severity: parseJson<OsvSeverity[]>(row.severity_json) ?? [],
    aliases: parseJson<string[]>(row.aliases_json) ?? [],
    upstream: parseJson<string[]>(row.upstream_json) ?? [],
    related: parseJson<string[]>(row.related_json) ?? [],
    references: parseJson<OsvReference[]>(row.references_json) ?? [],
    databaseSpecific: parseJson(row.database_specific_json),
  };
}

function parseJson<T = Record<string, unknown>>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}
