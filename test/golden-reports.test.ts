/**
 * Golden files for the table and JSON reports of the bundled example image
 * scanned against the example OSV records. Run-specific values (time,
 * duration, paths, tool version) are fixed before rendering. Rewritten only
 * with UPDATE_GOLDEN=1; review the diff before committing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../src/core/types.js';
import { scanImage } from '../src/pipeline/scan.js';
import { renderJson } from '../src/report/json.js';
import { renderTable } from '../src/report/table.js';
import { dbFilePath, importDb, VulnDb } from '../src/vuln/db/index.js';
import { createMatcher } from '../src/vuln/match/index.js';
import { EXAMPLE_DIR } from './helpers/example-image.js';
import { tempDir } from './helpers/image-builder.js';

const golden = (name: string) => path.join(path.dirname(new URL(import.meta.url).pathname), 'golden', name);

function compare(name: string, actual: string): void {
  const file = golden(name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('report goldens of the example image', () => {
  let result: ScanResult;
  beforeAll(async () => {
    const dir = tempDir();
    await importDb({ dir, source: path.resolve(EXAMPLE_DIR, '../osv') });
    const db = VulnDb.open(dbFilePath(dir));
    try {
      result = await scanImage(`oci:${EXAMPLE_DIR}:example`, { cache: null, matcher: createMatcher(db) });
    } finally {
      db.close();
    }
    // OS end of life and image age depend on today's date; their own tests fix the date.
    result.findings = result.findings.filter((f) => f.id !== 'BH-IMG-011' && f.id !== 'BH-IMG-012');
    result.createdAt = '2026-01-01T00:00:00.000Z';
    result.stats.durationMs = 0;
    result.tool.version = '0.0.0-test';
    result.target.name = 'oci:examples/image:example';
    if (result.image) result.image.reference = result.target.name;
  });

  it('table', () => compare('example.table.txt', renderTable(result, { color: false })));
  it('json', () => compare('example.json', renderJson(result)));
});
