/**
 * The fixture app-node carries secrets (see ../shared/fixtures/README.md): an
 * RSA key added in layer 3 and deleted in layer 4, an AWS key pair and a
 * GitHub token in /app/.env, DB_PASSWORD in the config. Every one must be
 * reported, and no output format may show a whole secret.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../src/core/types.js';
import { scanImage } from '../src/pipeline/scan.js';
import { renderers } from '../src/report/registry.js';
import { hasShared, layerDigests, layerFiles, SHARED_OCI } from './helpers/shared-fixtures.js';

describe.skipIf(!hasShared)('secrets of the fixture images', () => {
  let node: ScanResult;
  let secrets: string[];
  beforeAll(async () => {
    node = await scanImage(`oci:${SHARED_OCI}:app-node`, { cache: null });
    const files = await layerFiles(layerDigests('app-node')[2]!, (p) => p === '/app/.env' || p === '/root/.ssh/id_rsa');
    const env = files.get('/app/.env')!.toString('utf8');
    const key = files.get('/root/.ssh/id_rsa')!.toString('utf8');
    // The raw values: everything after `=` in .env, and the base64 body lines of the key.
    secrets = [
      ...env.split('\n').filter((l) => l.includes('=')).map((l) => l.slice(l.indexOf('=') + 1).replace(/^["']|["']$/g, '')),
      ...key.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----')),
    ].filter((s) => s.length >= 16);
    // The config as stored in the image, not as reported (reports mask it).
    const { readFileSync } = await import('node:fs');
    const config = JSON.parse(readFileSync(`${SHARED_OCI}/blobs/${node.image!.configDigest.replace(':', '/')}`, 'utf8')) as { config: { Env: string[] } };
    const dbPassword = config.config.Env.find((e) => e.startsWith('DB_PASSWORD='))!.slice('DB_PASSWORD='.length);
    secrets.push(dbPassword);
  });

  it('reports the private key deleted in layer 4 as still present in layer 2, the AWS pair, the GitHub token and DB_PASSWORD', () => {
    const ids = (path: string) => node.findings.filter((f) => f.location.path === path).map((f) => f.id).sort();
    expect(ids('/app/.env')).toEqual(['BH-SEC-001', 'BH-SEC-002', 'BH-SEC-017']);
    const key = node.findings.find((f) => f.location.path === '/root/.ssh/id_rsa')!;
    expect(key.kind).toBe('secret');
    expect(key.location.layer?.index).toBe(2);
    expect(key.title).toContain('still in the image');
    expect(node.findings.find((f) => f.id === 'BH-IMG-002')?.title).toContain('DB_PASSWORD');
    for (const id of ['BH-IMG-001', 'BH-IMG-006']) expect(node.findings.some((f) => f.id === id), id).toBe(true);
    expect(node.findings.some((f) => f.id === 'BH-IMG-007' && f.location.path === '/app/server.js')).toBe(true);
  });

  it('never prints a whole secret, in any output format', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const r of renderers) {
      const text = r.render(node, { color: false });
      for (const s of secrets) expect(text.includes(s), `${r.name} shows a secret`).toBe(false);
    }
  });

  it('finds none of those in app-python', async () => {
    const py = await scanImage(`oci:${SHARED_OCI}:app-python`, { cache: null });
    expect(py.findings.filter((f) => f.kind === 'secret')).toEqual([]);
    expect(py.findings.some((f) => ['BH-IMG-001', 'BH-IMG-002', 'BH-IMG-006'].includes(f.id))).toBe(false);
  });
});
