/**
 * One async query interface over SQLite (better-sqlite3) and PostgreSQL (pg).
 * SQL is written once with `?` placeholders in a portable subset; the
 * PostgreSQL adapter numbers them ($1, $2, …).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BulkheadError } from '../../core/errors.js';

export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;
export type Param = string | number | null;

export interface Db {
  readonly dialect: Dialect;
  query<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  /** Runs a statement; returns the number of rows changed. */
  exec(sql: string, params?: readonly Param[]): Promise<number>;
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$n`, leaving quoted strings alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else out += ch;
  }
  return out;
}

/** A tiny FIFO lock: SQLite has one connection, so a transaction must not interleave with other work. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly lock = new Lock();
  constructor(private readonly raw: Database.Database) {}

  private runQuery<T>(sql: string, params: readonly Param[]): T[] {
    const st = this.raw.prepare(sql);
    return (st.reader ? st.all(...params) : (st.run(...params), [])) as T[];
  }
  private runExec(sql: string, params: readonly Param[]): number {
    if (params.length === 0 && sql.includes(';')) {
      this.raw.exec(sql);
      return 0;
    }
    return this.raw.prepare(sql).run(...params).changes;
  }
  query<T = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    return this.lock.run(async () => this.runQuery<T>(sql, params));
  }
  exec(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.lock.run(async () => this.runExec(sql, params));
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.raw.exec('BEGIN IMMEDIATE');
      const tx: Db = {
        dialect: 'sqlite',
        query: async <R>(sql: string, params: readonly Param[] = []) => this.runQuery<R>(sql, params),
        exec: async (sql: string, params: readonly Param[] = []) => this.runExec(sql, params),
        transaction: (inner) => inner(tx),
        close: async () => undefined,
      };
      try {
        const out = await fn(tx);
        this.raw.exec('COMMIT');
        return out;
      } catch (err) {
        this.raw.exec('ROLLBACK');
        throw err;
      }
    });
  }
  async close(): Promise<void> {
    await this.lock.run(async () => this.raw.close());
  }
}

type Queryable = pg.Pool | pg.PoolClient;

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly conn: Queryable,
    private readonly onError?: () => void,
  ) {}
  async query<T = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    try {
      const res = await this.conn.query(numberPlaceholders(sql), params as Param[]);
      return res.rows as T[];
    } catch (err) {
      this.onError?.();
      throw err;
    }
  }
  async exec(sql: string, params: readonly Param[] = []): Promise<number> {
    try {
      const res = await this.conn.query(params.length ? numberPlaceholders(sql) : sql, params as Param[]);
      return res.rowCount ?? 0;
    } catch (err) {
      this.onError?.();
      throw err;
    }
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (!(this.conn instanceof pg.Pool)) return fn(this);
    const client = await this.conn.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new PostgresDb(client, this.onError));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    if (this.conn instanceof pg.Pool) await this.conn.end();
  }
}

export interface OpenDbOptions {
  /** `postgres://…` / `postgresql://…`, or a SQLite file path. */
  database?: string;
  /** Data folder: the SQLite file `bulkhead.sqlite` goes here when `database` is not given. */
  dataDir: string;
  poolSize?: number;
  /** Called on every failed statement (metrics). */
  onError?: () => void;
}

export function isPostgresUrl(s: string | undefined): s is string {
  return !!s && /^postgres(ql)?:\/\//i.test(s);
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (isPostgresUrl(options.database)) {
    const pool = new pg.Pool({ connectionString: options.database, max: options.poolSize ?? 10 });
    pool.on('error', () => options.onError?.());
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new BulkheadError('IO', `cannot connect to PostgreSQL: ${(err as Error).message}`, {
        where: redactUrl(options.database),
        hint: 'check the --database URL, that the server is up, and the credentials',
        cause: err,
      });
    }
    return new PostgresDb(pool, options.onError);
  }
  const file = options.database ?? path.join(options.dataDir, 'bulkhead.sqlite');
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('busy_timeout = 5000');
    raw.pragma('foreign_keys = ON');
    return new SqliteDb(raw);
  } catch (err) {
    throw new BulkheadError('IO', `cannot open the SQLite database: ${(err as Error).message}`, {
      where: file,
      hint: 'check that the data directory exists and is writable',
      cause: err,
    });
  }
}

/** A database URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<database url>';
  }
}
