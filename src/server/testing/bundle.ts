/** Bundles testing/worker-entry.ts into one ESM file (rolldown, a declared dev dependency) so tests can spawn real worker processes. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export async function bundleWorker(): Promise<string> {
  const { build } = (await import('rolldown')) as unknown as {
    build(o: Record<string, unknown>): Promise<unknown>;
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../../..');
  const outDir = path.join(root, 'node_modules', '.cache', 'bulkhead-server-test');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'worker.mjs');
  await build({
    input: path.join(here, 'worker-entry.ts'),
    platform: 'node',
    external: (id: string) => !id.startsWith('.') && !path.isAbsolute(id),
    output: { file, format: 'esm' },
    logLevel: 'silent',
  });
  return file;
}
