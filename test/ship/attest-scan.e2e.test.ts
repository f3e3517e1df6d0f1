/**
 * `bulkhead image <ref> --attest sbom,vuln --attest-key KEY` through the real
 * CLI against a real docker-registry: the attestations it pushes verify with
 * `verify-attestation`, carry exactly what the scan reported, replace those of
 * an earlier run, and drive a trust policy's attestation conditions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import type { ScanResult } from '../../src/core/types.js';
import { hasRegistry, pushFixture, startRegistry, type TestRegistry } from '../../src/registry/testing/registry-server.js';
import { importDb } from '../../src/vuln/db/index.js';
import { hasShared, SHARED_OCI } from '../helpers/shared-fixtures.js';

const skipReason = !hasRegistry ? 'attest-scan e2e skipped: no /usr/bin/docker-registry' : !hasShared ? `attest-scan e2e skipped: no ${SHARED_OCI}/index.json` : undefined;
if (skipReason) console.warn(skipReason);

const PASSWORD = 'attest scan password';
const made: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)('image --attest', () => {
  let reg: TestRegistry;
  let work: string;
  let dbDir: string;
  let ref: string;

  const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { PATH: process.env.PATH ?? '', BULKHEAD_CACHE_DIR: tmp('bh-attest-cache-'), DOCKER_CONFIG: tmp('bh-attest-docker-'), BULKHEAD_KEY_PASSWORD: PASSWORD, ...env },
      isTTY: false,
      cwd: work,
    };
    const code = await run(args, io);
    return { code, stdout, stderr };
  };
  const reg_ = () => ['--insecure-registry', reg.host];
  const db = () => ['--db-dir', dbDir, '--offline'];

  beforeAll(async () => {
    work = tmp('bh-attest-work-');
    reg = await startRegistry({ auth: 'none' });
    await pushFixture(reg, 'debian-bookworm', 'apps/debian', { destTag: '12' });
    ref = `${reg.host}/apps/debian:12`;
    dbDir = tmp('bh-attest-vdb-');
    await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
    expect((await cli(['key', 'generate', '--output-prefix', 'ci'])).code).toBe(0);
    expect((await cli(['key', 'generate', '--output-prefix', 'other'])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await reg?.stop();
  });

  it('pushes an SBOM and a vulnerability attestation that verify and carry what the scan reported', async () => {
    const scan = await cli(['image', ref, '--attest', 'sbom,vuln', '--attest-key', 'ci.key', '-f', 'json', ...reg_(), ...db()]);
    expect(scan.code, scan.stderr).toBe(0);
    const result = JSON.parse(scan.stdout) as ScanResult;
    expect(scan.stderr).toMatch(/attested .*apps\/debian@sha256:[a-f0-9]{64}: CycloneDX SBOM \(88 packages\) at /);
    const vulns = result.findings.filter((f) => f.kind === 'vulnerability');
    expect(vulns.length).toBeGreaterThan(0);
    expect(scan.stderr).toContain(`vulnerabilities (${vulns.length}) at `);

    const sbom = await cli(['verify-attestation', ref, '--key', 'ci.pub', '--type', 'cyclonedx', ...reg_()]);
    expect(sbom.code, sbom.stderr).toBe(0);
    const [bom] = JSON.parse(sbom.stdout) as Array<{ predicate: { bomFormat: string; components: Array<{ purl?: string }> } }>;
    expect(bom!.predicate.bomFormat).toBe('CycloneDX');
    expect(bom!.predicate.components.map((c) => c.purl).filter(Boolean).sort()).toEqual(result.packages.map((p) => p.purl).sort());

    const vuln = await cli(['verify-attestation', ref, '--key', 'ci.pub', '--type', 'vuln', ...reg_()]);
    expect(vuln.code, vuln.stderr).toBe(0);
    const [v] = JSON.parse(vuln.stdout) as Array<{ predicate: { scanner: { result: { summary: Record<string, number>; findings: Array<{ id: string }> } } } }>;
    const summary = v!.predicate.scanner.result.summary;
    for (const s of ['critical', 'high', 'medium', 'low'] as const) expect(summary[s], s).toBe(vulns.filter((f) => f.severity === s).length);
    expect(new Set(v!.predicate.scanner.result.findings.map((f) => f.id))).toEqual(new Set(vulns.map((f) => f.id)));

    // Another key does not verify them.
    expect((await cli(['verify-attestation', ref, '--key', 'other.pub', '--type', 'vuln', ...reg_()])).code).toBe(1);
  }, 180_000);

  it('replaces the attestations of an earlier run and reflects --severity, so a policy condition sees the new result', async () => {
    const again = await cli(['image', ref, '--attest', 'vuln', '--attest-key', 'ci.key', '--severity', 'LOW', '-f', 'json', '-q', ...reg_(), ...db()]);
    expect(again.code, again.stderr).toBe(0);
    const all = await cli(['verify-attestation', ref, '--key', 'ci.pub', ...reg_()]);
    const predicates = JSON.parse(all.stdout) as Array<{ predicateType: string; predicate: { scanner?: { result: { summary: Record<string, number> } } } }>;
    expect(predicates.map((p) => p.predicateType).sort()).toEqual(['https://cosign.sigstore.dev/attestation/vuln/v1', 'https://cyclonedx.org/bom']);
    const summary = predicates.find((p) => p.predicate.scanner)!.predicate.scanner!.result.summary;
    expect(summary.critical).toBe(0);
    expect(summary.high).toBe(0);
    expect(summary.low).toBeGreaterThan(0);

    writeFileSync(
      path.join(work, 'policy.yaml'),
      [
        'version: 1',
        'keys:',
        '  ci: { path: ci.pub }',
        'rules:',
        '  - repositories: ["**/apps/**"]',
        '    attestations:',
        '      - { type: cyclonedx, keys: [ci] }',
        '      - { type: vuln, keys: [ci], conditions: { maxSeverity: low } }',
        '',
      ].join('\n'),
    );
    const allowed = await cli(['verify', '--policy', 'policy.yaml', ref, ...reg_()]);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    writeFileSync(path.join(work, 'strict.yaml'), readPolicy().replace('maxSeverity: low', 'maxCounts: { low: 0 }'));
    const denied = await cli(['verify', '--policy', 'strict.yaml', ref, ...reg_()]);
    expect(denied.code, denied.stdout + denied.stderr).toBe(1);
  }, 180_000);

  it('refuses bad combinations before scanning', async () => {
    const local = await cli(['image', `oci:${path.resolve('examples/image')}:example`, '--attest', 'sbom', '--attest-key', 'ci.key', ...db()]);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--attest needs a registry image');
    const noKey = await cli(['image', ref, '--attest', 'sbom', ...reg_(), ...db()]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--attest needs --attest-key');
    const badKind = await cli(['image', ref, '--attest', 'provenance', '--attest-key', 'ci.key', ...reg_(), ...db()]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('--attest provenance is not one of sbom, vuln');
    const wrongPassword = await cli(['image', ref, '--attest', 'sbom', '--attest-key', 'ci.key', ...reg_(), ...db()], { BULKHEAD_KEY_PASSWORD: 'wrong' });
    expect(wrongPassword.code).toBe(2);
    expect(wrongPassword.stdout).toBe('');
  }, 120_000);

  const readPolicy = () => readFileSync(path.join(work, 'policy.yaml'), 'utf8');
});
