/**
 * Writes OSV records into a database under construction. Records come from
 * `all.zip` exports, folders of `*.json` (a bucket mirror or a plain dump) or
 * single fetched files. Each record is validated; a bad one is skipped with a
 * counted warning naming it. A record already present is replaced only by a
 * newer `modified`.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { BulkheadError } from '../../core/errors.js';
import { GIT_ECOSYSTEM, splitEcosystem } from './ecosystems.js';
import { KNOWN_RECORD_FIELDS, parseOsvRecord, type OsvRecord } from './record.js';
import { META, createRecordIndexes, normalizePackageName } from './schema.js';
import { ZipArchive, ZipError, type ZipLimits } from '../../core/zip.js';
import { buildDatabase, dbFilePath, defaultDbDir, setMeta } from './dbfile.js';

/** Bounds for walking an import folder. */
export const IMPORT_LIMITS = {
  maxFiles: 5_000_000,
  maxDepth: 4,
  maxRecordBytes: 64 * 1024 * 1024,
  /** Warning texts kept; the count goes on beyond. */
  maxWarningTexts: 200,
} as const;

export interface ImportCounts {
  /** Records read (valid or not). */
  read: number;
  /** New ids written. */
  added: number;
  /** Existing ids replaced by a newer `modified`. */
  replaced: number;
  /** Records already present with the same or a newer `modified`. */
  unchanged: number;
  /** Malformed records left out. */
  skipped: number;
}

export type AddOutcome = 'added' | 'replaced' | 'unchanged' | 'skipped';

export class OsvImporter {
  readonly counts: ImportCounts = { read: 0, added: 0, replaced: 0, unchanged: 0, skipped: 0 };
  /** One line per skipped record (the first IMPORT_LIMITS.maxWarningTexts), naming id and file. */
  readonly warnings: string[] = [];
  private warningCount = 0;

  private readonly selectModified: Database.Statement<[string], { modified: string }>;
  private readonly deleteAffected: Database.Statement<[string]>;
  private readonly deleteAliases: Database.Statement<[string]>;
  private readonly upsertVuln: Database.Statement<unknown[]>;
  private readonly insertAffected: Database.Statement<unknown[]>;
  private readonly insertAlias: Database.Statement<[string, string, string]>;
  /**
   * Writing into an empty database: ids written so far are tracked here
   * (no lookups), the id indexes are built at the end, and records per
   * ecosystem are counted on the way.
   */
  private readonly fresh: { modified: Map<string, string>; ecosystems: Map<string, Set<string>>; exact: boolean } | undefined;
  private recordIndexes: boolean;

  constructor(private readonly db: Database.Database) {
    const empty = db.prepare('SELECT 1 FROM vulns LIMIT 1').get() === undefined;
    this.fresh = empty ? { modified: new Map(), ecosystems: new Map(), exact: true } : undefined;
    this.recordIndexes = !empty;
    if (!empty) createRecordIndexes(db);
    this.selectModified = db.prepare('SELECT modified FROM vulns WHERE id = ?');
    this.deleteAffected = db.prepare('DELETE FROM affected WHERE vuln_id = ?');
    this.deleteAliases = db.prepare('DELETE FROM aliases WHERE vuln_id = ?');
    this.upsertVuln = db.prepare(
      `INSERT OR REPLACE INTO vulns (id, modified, published, withdrawn, summary, details, schema_version,
        severity_json, aliases_json, upstream_json, related_json, references_json, credits_json,
        database_specific_json, extra_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAffected = db.prepare(
      `INSERT INTO affected (vuln_id, ordinal, ecosystem, release, name, normalized_name, purl, ranges_json,
        versions_json, severity_json, ecosystem_specific_json, database_specific_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAlias = db.prepare('INSERT INTO aliases (alias, vuln_id, kind) VALUES (?, ?, ?)');
  }

  /** Total warnings, including those whose text was not kept. */
  get warningTotal(): number {
    return this.warningCount;
  }

  warn(message: string): void {
    this.warningCount++;
    if (this.warnings.length < IMPORT_LIMITS.maxWarningTexts) this.warnings.push(message);
  }

  /** Add one record from its JSON text; `where` names the file or URL for warnings. */
  addJson(text: string | Buffer, where: string): AddOutcome {
    let value: unknown;
    try {
      value = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
    } catch (e) {
      this.counts.read++;
      this.counts.skipped++;
      this.warn(`skipped OSV record in ${where}: not JSON (${(e as Error).message})`);
      return 'skipped';
    }
    return this.addValue(value, where);
  }

  /** Add one parsed JSON value. */
  addValue(value: unknown, where: string): AddOutcome {
    this.counts.read++;
    const parsed = parseOsvRecord(value);
    if (!parsed.ok) {
      this.counts.skipped++;
      this.warn(`skipped OSV record ${parsed.id ?? '(no id)'} in ${where}: ${parsed.reason}`);
      return 'skipped';
    }
    const outcome = this.write(parsed.record, value as Record<string, unknown>);
    this.counts[outcome]++;
    return outcome;
  }

  /** Whether the database holds `id` at `modified` or newer. */
  has(id: string, modified: string): boolean {
    const held = this.modifiedOf(id);
    return held !== undefined && !isNewer(modified, held);
  }

  /** Records per base ecosystem when counted exactly during the import (an empty start, no replacements). */
  ecosystemCounts(): Map<string, number> | undefined {
    if (!this.fresh?.exact) return undefined;
    return new Map([...this.fresh.ecosystems].map(([name, ids]) => [name, ids.size]));
  }

  private modifiedOf(id: string): string | undefined {
    if (this.fresh) return this.fresh.modified.get(id);
    return this.selectModified.get(id)?.modified;
  }

  /**
   * Import every `*.json` entry of a zip file, read from disk one entry at a
   * time. Throws ZipError on a damaged archive or one over the limits.
   */
  addZip(file: string, label: string = file, limits: Partial<ZipLimits> = {}): void {
    const zip = ZipArchive.openFile(file, { label, ...limits });
    try {
      for (const entry of zip.entries) {
        if (!entry.name.endsWith('.json') || entry.name.endsWith('/')) continue;
        this.addJson(zip.read(entry), `${label}!${entry.name}`);
      }
    } finally {
      zip.close();
    }
  }

  /**
   * Import a folder: `*.json` records and `all.zip` exports, in the folder and
   * in sub-folders (the bucket layout `<Ecosystem>/all.zip` or `<Ecosystem>/<id>.json`).
   * Symbolic links are not followed.
   */
  addDirectory(dir: string): void {
    let files = 0;
    const walk = (current: string, depth: number): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(current, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
      } catch (e) {
        this.warn(`cannot read folder ${current}: ${(e as Error).message}`);
        return;
      }
      for (const entry of entries) {
        const full = path.join(current, entry.name);
        if (entry.isDirectory()) {
          if (depth < IMPORT_LIMITS.maxDepth) walk(full, depth + 1);
        } else if (!entry.isFile()) {
          continue;
        } else if (entry.name.endsWith('.json')) {
          if (++files > IMPORT_LIMITS.maxFiles) throw limitError(dir);
          const text = this.readRecordFile(full);
          if (text !== undefined) this.addJson(text, full);
        } else if (entry.name.endsWith('.zip')) {
          this.addZip(full);
        }
      }
    };
    walk(dir, 0);
  }

  /** A record file's text, or undefined (counted and warned) when unreadable or over the size limit. */
  private readRecordFile(file: string): string | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const size = fstatSync(fd).size;
      if (size > IMPORT_LIMITS.maxRecordBytes) throw new Error(`${size} bytes is over the size limit`);
      const buf = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const n = readSync(fd, buf, done, size - done, done);
        if (n <= 0) break;
        done += n;
      }
      return buf.toString('utf8', 0, done);
    } catch (e) {
      this.counts.read++;
      this.counts.skipped++;
      this.warn(`skipped OSV record in ${file}: cannot read (${(e as Error).message})`);
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private write(record: OsvRecord, original: Record<string, unknown>): 'added' | 'replaced' | 'unchanged' {
    const id = record.id;
    const existing = this.modifiedOf(id);
    if (existing !== undefined) {
      if (!isNewer(record.modified, existing)) return 'unchanged';
      if (!this.recordIndexes) {
        createRecordIndexes(this.db);
        this.recordIndexes = true;
      }
      this.deleteAffected.run(id);
      this.deleteAliases.run(id);
      if (this.fresh) this.fresh.exact = false;
    }
    this.fresh?.modified.set(id, record.modified);
    let extra: Record<string, unknown> | undefined;
    for (const key in original) {
      if (!KNOWN_RECORD_FIELDS.has(key)) (extra ??= {})[key] = original[key];
    }
    this.upsertVuln.run(
      id,
      record.modified,
      record.published ?? null,
      record.withdrawn ?? null,
      record.summary ?? null,
      record.details ?? null,
      record.schema_version ?? null,
      jsonOrNull(record.severity),
      jsonOrNull(record.aliases),
      jsonOrNull(record.upstream),
      jsonOrNull(record.related),
      jsonOrNull(record.references),
      jsonOrNull(record.credits),
      jsonOrNull(record.database_specific),
      extra ? JSON.stringify(extra) : null,
    );
    const affected = record.affected ?? [];
    for (let i = 0; i < affected.length; i++) {
      const a = affected[i]!;
      let ecosystem: string;
      let release: string;
      let name: string;
      let normalized: string;
      if (a.package) {
        ({ base: ecosystem, release } = splitEcosystem(a.package.ecosystem));
        name = a.package.name;
        normalized = normalizePackageName(ecosystem, name);
      } else {
        // Validation guarantees GIT ranges here; file them under their repository.
        ecosystem = GIT_ECOSYSTEM;
        release = '';
        name = a.ranges?.[0]?.repo ?? '';
        normalized = name;
      }
      if (this.fresh?.exact) {
        let ids = this.fresh.ecosystems.get(ecosystem);
        if (!ids) this.fresh.ecosystems.set(ecosystem, (ids = new Set()));
        ids.add(id);
      }
      this.insertAffected.run(
        id,
        i,
        ecosystem,
        release,
        name,
        normalized,
        a.package?.purl ?? null,
        jsonOrNull(a.ranges),
        jsonOrNull(a.versions),
        jsonOrNull(a.severity),
        jsonOrNull(a.ecosystem_specific),
        jsonOrNull(a.database_specific),
      );
    }
    const seen = new Set<string>();
    for (const alias of record.aliases ?? []) {
      if (alias !== id && !seen.has(alias)) {
        seen.add(alias);
        this.insertAlias.run(alias, id, 'alias');
      }
    }
    for (const upstream of record.upstream ?? []) {
      if (upstream !== id && !seen.has(upstream)) {
        seen.add(upstream);
        this.insertAlias.run(upstream, id, 'upstream');
      }
    }
    return existing !== undefined ? 'replaced' : 'added';
  }
}

function jsonOrNull(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return JSON.stringify(value);
}

/** `a` strictly newer than `b` (RFC 3339 times; unparsable ones compare as text). */
export function isNewer(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a > b;
  return ta > tb;
}

function limitError(dir: string): BulkheadError {
  return new BulkheadError('LIMIT_EXCEEDED', `more than ${IMPORT_LIMITS.maxFiles} files to import`, {
    where: dir,
    hint: 'import a smaller folder, or the per-ecosystem all.zip files',
  });
}

export interface ImportDbOptions {
  /** Database folder; default `<cache dir>/db`. */
  dir?: string;
  /** A zip file (`all.zip`) or a folder of OSV JSON files and/or zips. */
  source: string;
  /** `replace` (default) builds a new database from the source alone; `merge` adds it to the current one. */
  mode?: 'replace' | 'merge';
  log?: (message: string) => void;
}

export interface ImportDbResult {
  file: string;
  counts: ImportCounts;
  warnings: string[];
  warningTotal: number;
  elapsedMs: number;
}

/** `bulkhead db import <zip|dir>`: build the database from local files, no network. */
export async function importDb(options: ImportDbOptions): Promise<ImportDbResult> {
  const dir = options.dir ?? defaultDbDir();
  const source = path.resolve(options.source);
  let info;
  try {
    info = statSync(source);
  } catch {
    throw new BulkheadError('USAGE', `no such file or folder to import: ${options.source}`, {
      where: source,
      hint: 'name an OSV all.zip or a folder of OSV JSON files',
    });
  }
  const final = dbFilePath(dir);
  const copyFrom = options.mode === 'merge' && existsSync(final) ? final : undefined;
  const started = performance.now();
  return buildDatabase(dir, { copyFrom }, (db, context) => {
    const importer = new OsvImporter(db);
    context.ecosystemCounts = () => importer.ecosystemCounts();
    db.exec('BEGIN');
    try {
      if (info.isDirectory()) importer.addDirectory(source);
      else importer.addZip(source);
    } catch (e) {
      if (e instanceof ZipError) {
        throw new BulkheadError(e.code, `cannot read the zip file: ${e.message}`, {
          where: e.where ?? source,
          hint:
            e.code === 'LIMIT_EXCEEDED'
              ? 'this is larger than an OSV export should be; the current database was left unchanged'
              : 'download the OSV export again; the current database was left unchanged',
          cause: e,
        });
      }
      throw e;
    }
    setMeta(db, META.source, source);
    db.exec('COMMIT');
    options.log?.(
      `imported ${importer.counts.added + importer.counts.replaced} records from ${source}` +
        (importer.counts.skipped ? `, skipped ${importer.counts.skipped} malformed` : ''),
    );
    return {
      file: final,
      counts: importer.counts,
      warnings: importer.warnings,
      warningTotal: importer.warningTotal,
      elapsedMs: performance.now() - started,
    };
  });
}
