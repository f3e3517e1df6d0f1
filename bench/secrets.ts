/**
 * Secret scanning throughput on a synthetic tree of source files, as a ratio
 * to reading the same bytes (a walk that reads every file and does nothing
 * else), both measured in the same run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanDirectory } from '../src/pipeline/scan.js';

/** Source-like files: code lines, some with keywords (`password`, `token`) that make the rules look closer. */
function makeTree(mb: number): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-src-'));
  const lines = [
    'export function add(a: number, b: number): number { return a + b; }',
    'const config = { retries: 3, timeoutMs: 2500, endpoint: process.env.API_URL };',
    '// password handling lives in auth/hash.ts; never log the token itself',
    'if (!user) throw new Error(`no such user: ${id}`);',
    'for (const item of items) total += item.price * item.quantity;',
    'const token = request.headers.authorization?.slice(7) ?? "";',
  ];
  const file = Array.from({ length: 1600 }, (_v, i) => lines[i % lines.length]).join('\n');
  const perDir = 100;
  const count = Math.ceil((mb * 1024 * 1024) / file.length);
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `pkg${Math.floor(i / perDir)}`);
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `module${i}.ts`), file);
  }
  return root;
}

function readAll(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += readAll(p);
    else n += readFileSync(p).length;
  }
  return n;
}

export async function benchSecrets(mb: number): Promise<Record<string, unknown>> {
  const root = makeTree(mb);
  try {
    const times: Array<[number, number]> = [];
    let bytes = 0;
    for (let r = 0; r < 3; r++) {
      let t = performance.now();
      bytes = readAll(root);
      const readMs = performance.now() - t;
      t = performance.now();
      await scanDirectory(root, 'fs', { scanners: ['secret'], requirePackages: false });
      times.push([readMs, performance.now() - t]);
    }
    times.sort((a, b) => a[1] - b[1]);
    const [readMs, scanMs] = times[1]!;
    const mib = bytes / 1024 / 1024;
    return {
      treeMiB: Math.round(mib),
      readMs: Math.round(readMs),
      scanMs: Math.round(scanMs),
      scanMiBps: Math.round(mib / (scanMs / 1000)),
      scanOverRead: +(scanMs / readMs).toFixed(2),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
