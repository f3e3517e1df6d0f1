/**
 * Vulnerability database and matching, each as a ratio measured in the same run:
 *   import ratio = importing ../shared/vulndata-bulk ÷ reading + JSON.parse of the same files
 *   match ratio  = matching a fixture image's inventory ÷ taking that inventory
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanImage } from '../src/pipeline/scan.js';
import { dbFilePath, importDb, VulnDb } from '../src/vuln/db/index.js';
import { createMatcher } from '../src/vuln/match/index.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : [],
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchVulnDb(shared: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const bulk = path.join(shared, 'vulndata-bulk');
  const files = jsonFiles(bulk);
  const parse: number[] = [];
  const imp: number[] = [];
  let size = 0;
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    for (const f of files) JSON.parse(readFileSync(f, 'utf8'));
    parse.push(performance.now() - t);
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-db-'));
    t = performance.now();
    await importDb({ dir, source: bulk });
    imp.push(performance.now() - t);
    size = statSync(dbFilePath(dir)).size;
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push({
    what: `import vulndata-bulk (${files.length} records)`,
    baselineMs: Math.round(median(parse)),
    ms: Math.round(median(imp)),
    ratio: +(median(imp) / median(parse)).toFixed(2),
    dbMiB: +(size / 1024 / 1024).toFixed(1),
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-db-'));
  await importDb({ dir, source: path.join(shared, 'vulndata') });
  const db = VulnDb.open(dbFilePath(dir));
  try {
    for (const tag of ['debian-bookworm', 'app-python', 'app-node']) {
      const inv: number[] = [];
      const match: number[] = [];
      let findings = 0;
      for (let r = 0; r < 3; r++) {
        let t = performance.now();
        const result = await scanImage(`oci:${path.join(shared, 'fixtures/images/oci')}:${tag}`, { cache: null, scanners: [] });
        inv.push(performance.now() - t);
        t = performance.now();
        findings = createMatcher(db).match(result).findings.length;
        match.push(performance.now() - t);
      }
      rows.push({ what: `match ${tag} (${findings} findings)`, baselineMs: Math.round(median(inv)), ms: Math.round(median(match)), ratio: +(median(match) / median(inv)).toFixed(3) });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
