/** The vulnerability database a server or worker matches with, reopened when it changes on disk. */
import { existsSync, statSync } from 'node:fs';
import { dbFilePath, VulnDb } from '../../vuln/db/index.js';
import { createMatcher, type Matcher } from '../../vuln/match/index.js';

export interface VulnSource {
  /** A matcher over the current database, or undefined when there is none. */
  matcher(): Matcher | undefined;
  /** A stable version string of the current database (build/update time), or null. */
  version(): string | null;
  present(): boolean;
  close(): void;
}

export function openVulnSource(dbDir: string | undefined): VulnSource {
  let db: VulnDb | undefined;
  let stamp = '';
  const file = dbDir ? dbFilePath(dbDir) : undefined;
  const current = (): VulnDb | undefined => {
    if (!file || !existsSync(file)) return undefined;
    const st = statSync(file);
    const s = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (!db || s !== stamp) {
      db?.close();
      db = VulnDb.open(file);
      stamp = s;
    }
    return db;
  };
  return {
    matcher: () => {
      const d = current();
      return d ? createMatcher(d) : undefined;
    },
    version: () => {
      const d = current();
      if (!d) return null;
      const s = d.status();
      return `${s.updatedAt ?? s.createdAt ?? ''}|${s.records}|${s.source ?? ''}`;
    },
    present: () => !!file && existsSync(file),
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}
