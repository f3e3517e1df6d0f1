/**
 * `bulkhead image|sbom --server URL` through the real CLI entry point against a
 * real server (SQLite) that pulls from a real registry (docker-registry fed
 * by skopeo): the result reported by the client is the server's stored scan,
 * and matches a local scan of the same image with the same database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import type { ScanResult } from '../../src/core/types.js';
import { freePort, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from '../../src/registry/testing/registry-server.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { importDb } from '../../src/vuln/db/index.js';
import { hasShared, SHARED_OCI } from '../helpers/shared-fixtures.js';

const skipReason = !hasRegistry ? 'submit e2e skipped: no /usr/bin/docker-registry' : !hasShared ? `submit e2e skipped: no ${SHARED_OCI}/index.json` : undefined;
if (skipReason) console.warn(skipReason);

const made: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { PATH: process.env.PATH ?? '', BULKHEAD_CACHE_DIR: tmp('bh-submit-cache-'), DOCKER_CONFIG: tmp('bh-submit-docker-'), ...env },
    isTTY: false,
    cwd: process.cwd(),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

const findingKeys = (r: ScanResult) => r.findings.map((f) => `${f.id} ${f.package?.name ?? ''} ${f.location?.path ?? ''}`).sort();

describe.skipIf(skipReason !== undefined)('scans submitted to a server from the CLI', () => {
  let reg: TestRegistry;
  let server: RunningServer;
  let dbDir: string;
  let ref: string;
  let token: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushFixture(reg, 'debian-bookworm', 'apps/debian', { destTag: '12' });
    ref = `${reg.host}/apps/debian:12`;
    dbDir = tmp('bh-submit-vdb-');
    await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
    server = await startServer({ listen: '127.0.0.1:0', dataDir: tmp('bh-submit-data-'), workers: 1, allowLocalTargets: false, dbDir, registry: optionsFor(reg), rescanIntervalMs: 0, watchIntervalMs: 0, env: {} });
    token = server.adminToken!;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await reg?.stop();
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it('image --server reports the server\'s scan, the same as a local scan with the same database', async () => {
    const remote = await cli(['image', ref, '--server', server.url, '-f', 'json'], { BULKHEAD_SERVER_TOKEN: token });
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stderr).toMatch(/submitted scan [0-9a-f-]{36} to http:\/\/127\.0\.0\.1:\d+/);
    const fromServer = JSON.parse(remote.stdout) as ScanResult;
    expect(fromServer.packages).toHaveLength(88);

    const local = await cli(['image', ref, '--insecure-registry', reg.host, '--db-dir', dbDir, '--offline', '-f', 'json', '-q']);
    expect(local.code, local.stderr).toBe(0);
    const here = JSON.parse(local.stdout) as ScanResult;
    expect(findingKeys(fromServer)).toEqual(findingKeys(here));
    expect(fromServer.findings.filter((f) => f.kind === 'vulnerability').length).toBeGreaterThan(0);

    // The scan is kept on the server.
    const scans = await fetch(`${server.url}/api/v1/scans?status=done`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ items: { target: string }[] }>);
    expect(scans.items.map((s) => s.target)).toContain(ref);
  }, 120_000);

  it('applies the local report options (--severity, --fail-on) to the server\'s result', async () => {
    const all = JSON.parse((await cli(['image', ref, '--server', server.url, '-f', 'json', '-q'], { BULKHEAD_SERVER_TOKEN: token })).stdout) as ScanResult;
    const worst = all.findings.some((f) => f.severity === 'critical') ? 'critical' : 'high';
    const gated = await cli(['image', ref, '--server', server.url, '--fail-on', worst, '--severity', worst, '-f', 'json', '-q'], { BULKHEAD_SERVER_TOKEN: token });
    const shown = JSON.parse(gated.stdout) as ScanResult;
    expect(shown.findings.every((f) => f.severity === worst)).toBe(true);
    expect(gated.code).toBe(shown.findings.length > 0 ? 1 : 0);
  }, 120_000);

  it('sbom --server sends the document and reports the matches', async () => {
    const local = await cli(['image', ref, '--insecure-registry', reg.host, '--scanners', 'secret', '-f', 'cyclonedx', '-q']);
    expect(local.code, local.stderr).toBe(0);
    const file = path.join(tmp('bh-submit-sbom-'), 'debian.cdx.json');
    writeFileSync(file, local.stdout);
    const r = await cli(['sbom', file, '--server', server.url, '-f', 'json', '-q'], { BULKHEAD_SERVER_TOKEN: token });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.target.name).toBe('debian.cdx.json');
    expect(result.packages).toHaveLength(88);
    expect(result.findings.some((f) => f.kind === 'vulnerability')).toBe(true);
  }, 120_000);

  it('says why, with exit 3, when the server refuses or fails; exit 2 for a local target', async () => {
    const noToken = await cli(['image', ref, '--server', server.url]);
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toMatch(/server refused the request \(401.*BULKHEAD_SERVER_TOKEN/);

    const missing = await cli(['image', `${reg.host}/apps/debian:nope`, '--server', server.url], { BULKHEAD_SERVER_TOKEN: token });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/the server's scan of .*apps\/debian:nope failed: .*nope/);

    const local = await cli(['image', 'oci:examples/image:example', '--server', server.url], { BULKHEAD_SERVER_TOKEN: token });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('is not a registry reference');

    const closed = await freePort();
    const down = await cli(['image', ref, '--server', `http://127.0.0.1:${closed}`], { BULKHEAD_SERVER_TOKEN: token });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`cannot reach the Bulkhead server: ECONNREFUSED (at http://127.0.0.1:${closed}/api/v1/scans)`);
  }, 120_000);
});
