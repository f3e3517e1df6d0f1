/**
 * `bulkhead db update`: bring the database up to date from an OSV bucket (or
 * a mirror with the same layout). An ecosystem seen for the first time comes
 * from its `all.zip`; afterwards only the records listed in its
 * `modified_id.csv` (newest first) above the first one already held are
 * fetched one by one. Every run writes a new file and swaps it in, so a failed
 * update leaves the old database exactly as it was.
 */
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { BulkheadError } from '../../core/errors.js';
import { buildDatabase, dbFilePath, defaultDbDir, removeQuietly, setMeta, tempDownloadPath } from './dbfile.js';
import { DEFAULT_ECOSYSTEMS, DEFAULT_REPOSITORY, isValidEcosystemName } from './ecosystems.js';
import { HttpClient, type HttpOptions } from './http.js';
import { OsvImporter, type ImportCounts } from './importer.js';
import { isValidOsvId } from './record.js';
import { META } from './schema.js';
import { VulnDb, missingDbError } from './store.js';
import { ZipError } from '../../core/zip.js';

export interface UpdateDbOptions {
  /** Database folder; default `<cache dir>/db`. */
  dir?: string;
  /** Base URL of the bucket or mirror; default the OSV bucket. */
  repository?: string;
  /** Base ecosystem names (`Debian`, `npm`); default DEFAULT_ECOSYSTEMS. */
  ecosystems?: readonly string[];
  /** No network at all: keep the current database, or fail clearly when there is none. */
  offline?: boolean;
  fetch?: typeof fetch;
  log?: (message: string) => void;
  /** Timeouts and retry pacing. */
  http?: Omit<HttpOptions, 'fetch' | 'log'>;
  /** Past this many changed records an ecosystem is downloaded whole again. Default 2000. */
  maxIncremental?: number;
  /** Records fetched at once during an incremental update. Default 8. */
  concurrency?: number;
}

export interface EcosystemUpdate {
  ecosystem: string;
  mode: 'full' | 'incremental' | 'unchanged';
  /** Individual record files fetched. */
  fetchedRecords: number;
  counts: ImportCounts;
  /** Newest `modified_id.csv` line now applied. */
  lastModifiedId?: string;
}

export interface UpdateDbResult {
  file: string;
  /** False when nothing was written (offline). */
  updated: boolean;
  ecosystems: EcosystemUpdate[];
  warnings: string[];
  warningTotal: number;
  /** HTTP requests sent, retries included. */
  requests: number;
  elapsedMs: number;
}

const LIMITS = {
  maxZipBytes: 4 * 1024 * 1024 * 1024,
  maxRecordBytes: 64 * 1024 * 1024,
  maxListingBytes: 1024 * 1024 * 1024,
  maxBadListingLines: 100,
} as const;

export async function updateDb(options: UpdateDbOptions = {}): Promise<UpdateDbResult> {
  const started = performance.now();
  const dir = options.dir ?? defaultDbDir();
  const file = dbFilePath(dir);
  if (options.offline) {
    if (!existsSync(file)) throw missingDbError(file);
    VulnDb.open(file).close(); // fails clearly on a damaged file or another schema version
    options.log?.('offline: the vulnerability database was not updated');
    return { file, updated: false, ecosystems: [], warnings: [], warningTotal: 0, requests: 0, elapsedMs: performance.now() - started };
  }
  const repository = checkRepository(options.repository ?? DEFAULT_REPOSITORY);
  const ecosystems = checkEcosystems(options.ecosystems ?? DEFAULT_ECOSYSTEMS);
  const previous = readPreviousState(file, repository, options.log);
  const client = new HttpClient({ ...options.http, fetch: options.fetch, log: options.log });

  const results = await buildDatabase(dir, { copyFrom: previous ? file : undefined }, async (db, context) => {
    const importer = new OsvImporter(db);
    context.ecosystemCounts = () => importer.ecosystemCounts();
    const out: EcosystemUpdate[] = [];
    db.exec('BEGIN');
    for (const ecosystem of ecosystems) {
      const feed = new EcosystemFeed(db, importer, client, repository, ecosystem, dir, options);
      out.push(await feed.update(previous?.get(ecosystem)));
    }
    setMeta(db, META.source, repository);
    db.exec('COMMIT');
    return { out, importer };
  });
  return {
    file,
    updated: true,
    ecosystems: results.out,
    warnings: results.importer.warnings,
    warningTotal: results.importer.warningTotal,
    requests: client.requests,
    elapsedMs: performance.now() - started,
  };
}

/**
 * The database a scan needs: the current file when there is one, else a first
 * download (or, offline, a clear error). Returns the file path.
 */
export async function ensureDb(options: UpdateDbOptions = {}): Promise<string> {
  const file = dbFilePath(options.dir ?? defaultDbDir());
  if (existsSync(file)) {
    try {
      VulnDb.open(file).close();
      return file;
    } catch (e) {
      // another schema version or a damaged file: rebuild it, unless offline
      if (options.offline) throw e;
      options.log?.(`${(e as Error).message}: downloading it again`);
    }
  } else if (options.offline) {
    throw missingDbError(file);
  } else {
    options.log?.('no vulnerability database yet: downloading it');
  }
  return (await updateDb(options)).file;
}

class EcosystemFeed {
  private readonly base: string;
  private readonly countsAtStart: ImportCounts;
  private fetchedRecords = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly importer: OsvImporter,
    private readonly client: HttpClient,
    repository: string,
    private readonly ecosystem: string,
    private readonly dir: string,
    private readonly options: UpdateDbOptions,
  ) {
    this.base = `${repository}/${encodeURIComponent(ecosystem)}`;
    this.countsAtStart = { ...importer.counts };
  }

  async update(lastLine: string | undefined): Promise<EcosystemUpdate> {
    let mode: EcosystemUpdate['mode'];
    let newest: string | undefined;
    if (lastLine === undefined) {
      await this.importZip();
      newest = (await this.catchUp(undefined, Infinity)).newest;
      mode = 'full';
    } else {
      const max = this.options.maxIncremental ?? 2000;
      const pass = await this.catchUp(lastLine, max);
      newest = pass.newest;
      if (pass.overflow) {
        this.options.log?.(`${this.ecosystem}: more than ${max} changed records, downloading all of them again`);
        await this.importZip();
        newest = (await this.catchUp(undefined, Infinity)).newest;
        mode = 'full';
      } else {
        mode = pass.changed > 0 ? 'incremental' : 'unchanged';
      }
    }
    const now = new Date().toISOString();
    if (newest) setMeta(this.db, META.lastModifiedIdPrefix + this.ecosystem, newest);
    setMeta(this.db, META.fetchedAtPrefix + this.ecosystem, now);
    if (mode !== 'unchanged') setMeta(this.db, META.fetchModePrefix + this.ecosystem, mode);
    const counts = diffCounts(this.importer.counts, this.countsAtStart);
    this.options.log?.(
      `${this.ecosystem}: ${mode}, ${counts.added} added, ${counts.replaced} replaced` +
        (counts.skipped ? `, ${counts.skipped} malformed skipped` : ''),
    );
    return { ecosystem: this.ecosystem, mode, fetchedRecords: this.fetchedRecords, counts, lastModifiedId: newest };
  }

  private async importZip(): Promise<void> {
    const url = `${this.base}/all.zip`;
    const temp = tempDownloadPath(this.dir, `${this.ecosystem}.zip`);
    try {
      this.options.log?.(`downloading ${url}`);
      await this.client.download(url, temp, LIMITS.maxZipBytes);
      try {
        this.importer.addZip(temp, url);
      } catch (e) {
        if (e instanceof ZipError) {
          throw new BulkheadError('IO', `the downloaded zip is damaged: ${e.message}`, {
            where: url,
            hint: 'run the update again later; the current database was left unchanged',
            cause: e,
          });
        }
        throw e;
      }
    } finally {
      removeQuietly(temp);
    }
  }

  /**
   * Walk `modified_id.csv` from the newest line down to the first record
   * already held (or `lastLine`), then fetch the newer ones. With more than
   * `max` newer lines nothing is fetched and `overflow` is set.
   */
  private async catchUp(
    lastLine: string | undefined,
    max: number,
  ): Promise<{ newest?: string; changed: number; overflow: boolean }> {
    const url = `${this.base}/modified_id.csv`;
    const pending: string[] = [];
    let newest: string | undefined;
    let bad = 0;
    for await (const raw of this.client.lines(url, LIMITS.maxListingBytes)) {
      const line = raw.trim();
      if (!line) continue;
      const parsed = parseListingLine(line);
      if (!parsed) {
        if (++bad > LIMITS.maxBadListingLines) {
          throw new BulkheadError('IO', 'the modified_id.csv listing is not in the expected format', {
            where: url,
            hint: 'check --db-repository; the current database was left unchanged',
          });
        }
        this.importer.warn(`ignored a malformed line in ${url}: ${JSON.stringify(line.slice(0, 120))}`);
        continue;
      }
      newest ??= line;
      if (line === lastLine || this.importer.has(parsed.id, parsed.modified)) break;
      pending.push(parsed.id);
      if (pending.length > max) return { newest, changed: pending.length, overflow: true };
    }
    await this.fetchRecords(pending);
    return { newest, changed: pending.length, overflow: false };
  }

  private async fetchRecords(ids: string[]): Promise<void> {
    const concurrency = Math.max(1, Math.min(this.options.concurrency ?? 8, 32));
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (!failure && next < ids.length) {
        const id = ids[next++]!;
        const url = `${this.base}/${encodeURIComponent(id)}.json`;
        try {
          const body = await this.client.getBytes(url, LIMITS.maxRecordBytes, true);
          if (failure) return;
          this.fetchedRecords++;
          if (body === undefined) {
            this.importer.warn(`record ${id} is listed but missing from the repository (${url})`);
            continue;
          }
          this.importer.addJson(body, url);
        } catch (e) {
          failure ??= { error: e };
        }
      }
    };
    // Every worker ends before this returns, so none writes after a failure is reported.
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
    if (failure) throw failure.error;
  }
}

/** `<RFC 3339 modified>,<id>` */
export function parseListingLine(line: string): { modified: string; id: string } | undefined {
  const comma = line.indexOf(',');
  if (comma <= 0) return undefined;
  const modified = line.slice(0, comma).trim();
  const id = line.slice(comma + 1).trim();
  if (Number.isNaN(Date.parse(modified)) || !isValidOsvId(id)) return undefined;
  return { modified, id };
}

function diffCounts(now: ImportCounts, before: ImportCounts): ImportCounts {
  return {
    read: now.read - before.read,
    added: now.added - before.added,
    replaced: now.replaced - before.replaced,
    unchanged: now.unchanged - before.unchanged,
    skipped: now.skipped - before.skipped,
  };
}

/**
 * Per-ecosystem newest applied lines of the current database, when it can be
 * built upon: same schema, same repository. Otherwise undefined: start afresh.
 */
function readPreviousState(file: string, repository: string, log?: (m: string) => void): Map<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  let db: VulnDb;
  try {
    db = VulnDb.open(file);
  } catch (e) {
    log?.(`the current vulnerability database cannot be reused (${(e as Error).message}): building a new one`);
    return undefined;
  }
  try {
    const status = db.status();
    if (status.source !== repository) return undefined;
    const state = new Map<string, string>();
    for (const feed of status.feeds) if (feed.lastModifiedId) state.set(feed.ecosystem, feed.lastModifiedId);
    return state;
  } finally {
    db.close();
  }
}

function checkRepository(repository: string): string {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new BulkheadError('USAGE', `not a URL: ${repository}`, { hint: 'pass --db-repository https://host/path' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BulkheadError('USAGE', `unsupported repository URL scheme ${url.protocol}`, {
      where: repository,
      hint: 'use an http(s) mirror, or bulkhead db import <zip|dir> for local files',
    });
  }
  return repository.replace(/\/+$/, '');
}

function checkEcosystems(ecosystems: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of ecosystems) {
    if (!isValidEcosystemName(e)) {
      throw new BulkheadError('USAGE', `not an OSV ecosystem name: ${JSON.stringify(e)}`, {
        hint: `use base names such as ${DEFAULT_ECOSYSTEMS.slice(0, 4).join(', ')}`,
      });
    }
    if (!out.includes(e)) out.push(e);
  }
  if (out.length === 0) throw new BulkheadError('USAGE', 'no ecosystems to update', { hint: 'name at least one ecosystem' });
  return out;
}

