/**
 * A read-only reader for rpm's sqlite database (`rpmdb.sqlite`, Fedora 33+,
 * RHEL 9, Rocky/Alma 9): header blobs in `Packages(hnum, blob)`.
 *
 * The file is opened from memory (sqlite deserialisation), never from disk.
 * rpm keeps the database in WAL mode, which an in-memory database cannot
 * open, so the copy's header is switched to rollback journaling first
 * (bytes 18 and 19); a WAL file beside it, if any, is not consulted.
 * The schema is hostile input too: a view, virtual table or generated
 * column named Packages could make a plain SELECT compute without end, so
 * only an ordinary table with stored columns is read, with functions from
 * the schema disallowed (trusted_schema off).
 */
import Database from 'better-sqlite3';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function isSqlite(buf: Buffer): boolean {
  return buf.length >= 100 && buf.subarray(0, 16).equals(MAGIC);
}

export function readRpmSqlite(buf: Buffer, maxValues: number): { values: Array<{ key: number; value: Buffer }>; warnings: string[] } {
  if (!isSqlite(buf)) return { values: [], warnings: ['not an sqlite database'] };
  const copy = Buffer.from(buf);
  if (copy[18] === 2 || copy[19] === 2) {
    copy[18] = 1;
    copy[19] = 1;
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(copy, { readonly: true });
    db.pragma('trusted_schema = OFF');
    const table = db.prepare("SELECT type, sql FROM sqlite_master WHERE name = 'Packages' COLLATE NOCASE").get() as
      | { type: string; sql: string | null }
      | undefined;
    if (!table) return { values: [], warnings: ['no Packages table'] };
    if (table.type !== 'table' || /^\s*create\s+virtual/i.test(table.sql ?? '')) {
      return { values: [], warnings: [`Packages is a ${table.type === 'table' ? 'virtual table' : table.type}, not read`] };
    }
    const columns = db.pragma('table_xinfo(Packages)') as Array<{ name: string; hidden: number }>;
    if (columns.some((c) => c.hidden !== 0)) return { values: [], warnings: ['Packages has generated or hidden columns, not read'] };
    const names = new Set(columns.map((c) => c.name.toLowerCase()));
    if (!names.has('hnum') || !names.has('blob')) return { values: [], warnings: ['Packages has no hnum and blob columns'] };

    const warnings: string[] = [];
    const values: Array<{ key: number; value: Buffer }> = [];
    let notBlob = 0;
    for (const row of db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate() as IterableIterator<{ hnum: unknown; blob: unknown }>) {
      if (values.length >= maxValues) {
        warnings.push(`only the first ${maxValues} entries were read`);
        break;
      }
      if (!Buffer.isBuffer(row.blob) || typeof row.hnum !== 'number') {
        notBlob++;
        continue;
      }
      values.push({ key: row.hnum, value: row.blob });
    }
    if (notBlob) warnings.push(`${notBlob} rows without a header blob skipped`);
    return { values, warnings };
  } catch (e) {
    return { values: [], warnings: [`unreadable sqlite database (${(e as Error).message})`] };
  } finally {
    db?.close();
  }
}
