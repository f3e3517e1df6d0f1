/**
 * End-to-end tests of the ship commands (`image` from a registry, `key
 * generate`, `sign`, `verify`, `attest`, `verify-attestation`, `verify
 * --policy`, `registry audit`) through the real CLI entry point `run(argv,
 * io)`, against real docker-registry processes (plain HTTP, htpasswd, TLS)
 * fed with the shared OCI fixture images by skopeo.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import type { ScanResult } from '../../src/core/types.js';
import { hasRegistry, pushFixture, startRegistry, type TestRegistry } from '../../src/registry/testing/registry-server.js';
import { hasShared, SHARED_OCI } from '../helpers/shared-fixtures.js';

const skipReason = !hasRegistry
  ? 'ship e2e skipped: /usr/bin/docker-registry is missing (apt-get install docker-registry)'
  : !hasShared
    ? `ship e2e skipped: shared fixtures are absent (${SHARED_OCI}/index.json)`
    : undefined;
if (skipReason) console.warn(skipReason);

const made: string[] = [];
const tmp = (prefix = 'bulkhead-ship-e2e-') => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const KEY_PASSWORD = 'correct horse battery staple';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with no ambient credentials, a private cache, and the key password set. */
async function cli(args: string[], opts: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {
      PATH: process.env.PATH ?? '',
      BULKHEAD_CACHE_DIR: tmp('bulkhead-ship-cache-'),
      DOCKER_CONFIG: tmp('bulkhead-ship-docker-'),
      BULKHEAD_KEY_PASSWORD: KEY_PASSWORD,
      ...opts.env,
    },
    isTTY: false,
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.stdin !== undefined ? { readStdin: async () => opts.stdin! } : {}),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

const NO_DB = ['--scanners', 'secret,misconfig', '-q'];
const purls = (json: string): string[] => {
  const r = JSON.parse(json) as ScanResult;
  return r.packages.map((p) => p.purl ?? `${p.type}:${p.name}@${p.version}`).sort();
};

describe.skipIf(skipReason !== undefined)('ship commands end to end', () => {
  let open: TestRegistry;
  let locked: TestRegistry;
  let tls: TestRegistry;
  const work = tmp();
  const sharedCache = tmp('bulkhead-ship-cache-');
  let signedRef = '';
  let unsignedRef = '';

  beforeAll(async () => {
    [open, locked, tls] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' }), startRegistry({ tls: true })]);
    await Promise.all([
      pushFixture(open, 'app-node', 'app', { destTag: '1' }),
      pushFixture(open, 'debian-bookworm', 'app', { destTag: 'unsigned' }),
      pushFixture(locked, 'app-node', 'app', { destTag: '1' }),
      pushFixture(tls, 'app-node', 'app', { destTag: '1' }),
    ]);
    signedRef = `${open.host}/app:1`;
    unsignedRef = `${open.host}/app:unsigned`;
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop(), tls?.stop()]);
  });

  describe('image from a registry', () => {
    let localPurls: string[];
    beforeAll(async () => {
      const local = await cli(['image', `oci:${SHARED_OCI}:app-node`, '-f', 'json', ...NO_DB]);
      expect(local.code, local.stderr).toBe(0);
      localPurls = purls(local.stdout);
    });

    it('scans a plain-HTTP registry image listed with --insecure-registry, finding the same packages as the OCI layout', async () => {
      // A fresh layer cache: every layer comes over the wire. Later scans of this image reuse it.
      const r = await cli(['image', signedRef, '--insecure-registry', open.host, '-f', 'json', ...NO_DB], { env: { BULKHEAD_CACHE_DIR: sharedCache } });
      expect(r.code, r.stderr).toBe(0);
      expect(localPurls.length).toBeGreaterThan(10);
      expect(purls(r.stdout)).toEqual(localPurls);
      expect((JSON.parse(r.stdout) as ScanResult).image?.reference).toBe(signedRef);
    });

    it('refuses plain HTTP without --insecure-registry (exit 3)', async () => {
      const r = await cli(['image', signedRef, '-f', 'json', ...NO_DB]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/plain HTTP/);
      expect(r.stderr).toContain(`--insecure-registry ${open.host}`);
    });

    it('reports a missing tag as not found (exit 3)', async () => {
      const r = await cli(['image', `${open.host}/app:does-not-exist`, '--insecure-registry', open.host, '-f', 'json', ...NO_DB]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/app:does-not-exist: not found in the registry/);
      expect(r.stderr).toMatch(/MANIFEST_UNKNOWN/);
    });

    it('rejects a wrong password read with --password-stdin (exit 3) and accepts the right one', async () => {
      const base = ['image', `${locked.host}/app:1`, '--insecure-registry', locked.host, '--username', locked.username!, '--password-stdin', '-f', 'json', ...NO_DB];
      const wrong = await cli(base, { stdin: 'not-the-password\n' });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/refused the credentials/);
      expect(wrong.stderr).not.toContain('not-the-password');
      const right = await cli(base, { stdin: `${locked.password!}\n` });
      expect(right.code, right.stderr).toBe(0);
      expect(purls(right.stdout)).toEqual(localPurls);
    });

    it('needs credentials for the htpasswd registry', async () => {
      const r = await cli(['image', `${locked.host}/app:1`, '--insecure-registry', locked.host, '-f', 'json', ...NO_DB]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/auth|credential/i);
    });

    it('trusts a TLS registry with --ca-file and says why it fails without it', async () => {
      const withCa = await cli(['image', `${tls.host}/app:1`, '--ca-file', tls.caFile!, '-f', 'json', ...NO_DB]);
      expect(withCa.code, withCa.stderr).toBe(0);
      expect(purls(withCa.stdout)).toEqual(localPurls);
      const without = await cli(['image', `${tls.host}/app:1`, '-f', 'json', ...NO_DB]);
      expect(without.code).toBe(3);
      expect(without.stderr).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
      expect(without.stderr).toContain('--ca-file');
    });
  });

  describe('keys, signatures and attestations', () => {
    const reg = () => ['--insecure-registry', open.host];
    const key = path.join(work, 'release.key');
    const pub = path.join(work, 'release.pub');
    const otherPub = path.join(work, 'other.pub');

    beforeAll(async () => {
      const g = await cli(['key', 'generate', '--output-prefix', 'release'], { cwd: work });
      expect(g.code, g.stderr).toBe(0);
      const o = await cli(['key', 'generate', '--output-prefix', 'other'], { cwd: work });
      expect(o.code, o.stderr).toBe(0);
    });

    it('key generate writes an encrypted private key (0600) and a public key, and will not overwrite them', async () => {
      expect(statSync(key).mode & 0o777).toBe(0o600);
      expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
      expect(readFileSync(pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(readFileSync(pub, 'utf8')).not.toBe(readFileSync(otherPub, 'utf8'));
      const again = await cli(['key', 'generate', '--output-prefix', 'release'], { cwd: work });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/release\.key exists/);
      const noPassword = await cli(['key', 'generate', '--output-prefix', 'nopw'], { cwd: work, env: { BULKHEAD_KEY_PASSWORD: undefined } });
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toMatch(/no password/);
    });

    it('signs, then verifies with the key and the annotation', async () => {
      const s = await cli(['sign', signedRef, '--key', 'release.key', '-a', 'env=prod', ...reg()], { cwd: work });
      expect(s.code, s.stderr).toBe(0);
      expect(s.stdout).toMatch(/^signed .*app@sha256:[a-f0-9]{64} /);
      const v = await cli(['verify', signedRef, '--key', 'release.pub', ...reg()], { cwd: work });
      expect(v.code, v.stderr).toBe(0);
      expect(v.stdout).toMatch(/verified/);
      const withAnnotation = await cli(['verify', signedRef, '--key', 'release.pub', '-a', 'env=prod', ...reg()], { cwd: work });
      expect(withAnnotation.code, withAnnotation.stderr).toBe(0);
    });

    it('rejects another key with a precise reason (exit 1)', async () => {
      const v = await cli(['verify', signedRef, '--key', 'other.pub', ...reg()], { cwd: work });
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(/^rejected tag sha256-[a-f0-9]{64}\.sig layer 0: the signature does not verify with ECDSA P-256 key other\.pub/m);
      expect(v.stderr).toMatch(/none of the 1 signature\(s\) .* verified/);
    });

    it('rejects an annotation the signature does not carry (exit 1)', async () => {
      const v = await cli(['verify', signedRef, '--key', 'release.pub', '-a', 'env=dev', ...reg()], { cwd: work });
      expect(v.code).toBe(1);
      expect(v.stdout).toContain('annotations do not match: env is "prod", not "dev"');
    });

    it('says there is no signature on an unsigned image (exit 1)', async () => {
      const v = await cli(['verify', unsignedRef, '--key', 'release.pub', ...reg()], { cwd: work });
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(/^no signature found for sha256:[a-f0-9]{64}; looked at tag .*\.sig and referrers/);
      expect(v.stderr).toMatch(/no signature found/);
    });

    it('prints verification as JSON', async () => {
      const ok = await cli(['verify', signedRef, '--key', 'release.pub', '-f', 'json', ...reg()], { cwd: work });
      expect(ok.code, ok.stderr).toBe(0);
      const result = JSON.parse(ok.stdout) as { signatures: Array<{ verified: boolean }> };
      expect(result.signatures.some((s) => s.verified)).toBe(true);
      const bad = await cli(['verify', signedRef, '--key', 'other.pub', '-f', 'json', ...reg()], { cwd: work });
      expect(bad.code).toBe(1);
      const rejected = JSON.parse(bad.stdout) as { signatures: Array<{ verified: boolean; failure?: string }> };
      expect(rejected.signatures.length).toBeGreaterThan(0);
      expect(rejected.signatures.every((s) => !s.verified)).toBe(true);
      expect(rejected.signatures[0]?.failure).toBe('SIGNATURE_INVALID');
    });

    it('attests a CycloneDX SBOM made by bulkhead and verifies it by type', async () => {
      const sbom = await cli(['image', signedRef, '-f', 'cyclonedx', ...NO_DB, ...reg()], { env: { BULKHEAD_CACHE_DIR: sharedCache } });
      expect(sbom.code, sbom.stderr).toBe(0);
      expect(JSON.parse(sbom.stdout).bomFormat).toBe('CycloneDX');
      writeFileSync(path.join(work, 'sbom.json'), sbom.stdout);

      const a = await cli(['attest', signedRef, '--predicate', 'sbom.json', '--type', 'cyclonedx', '--key', 'release.key', ...reg()], { cwd: work });
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toMatch(/attested .* \(cyclonedx\) at /);

      const v = await cli(['verify-attestation', signedRef, '--key', 'release.pub', '--type', 'cyclonedx', ...reg()], { cwd: work });
      expect(v.code, v.stderr).toBe(0);
      const predicates = JSON.parse(v.stdout) as Array<{ predicateType: string; predicate: { bomFormat?: string; components?: Array<{ purl?: string }> } }>;
      expect(predicates).toHaveLength(1);
      expect(predicates[0]?.predicateType).toBe('https://cyclonedx.org/bom');
      expect(predicates[0]?.predicate.bomFormat).toBe('CycloneDX');
      // The predicate is the SBOM that went in, not a stand-in.
      expect(predicates[0]?.predicate).toEqual(JSON.parse(sbom.stdout));

      const wrongType = await cli(['verify-attestation', signedRef, '--key', 'release.pub', '--type', 'spdx', ...reg()], { cwd: work });
      expect(wrongType.code).toBe(1);
      expect(wrongType.stderr).toContain('predicate type is https://cyclonedx.org/bom, not https://spdx.dev/Document');
      const wrongKey = await cli(['verify-attestation', signedRef, '--key', 'other.pub', '--type', 'cyclonedx', ...reg()], { cwd: work });
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toMatch(/DSSE signature does not verify with ECDSA P-256 key other\.pub/);
    });

    it('evaluates a trust policy requiring a signature by the key', async () => {
      const policy = path.join(work, 'policy.yaml');
      writeFileSync(
        policy,
        [
          'version: 1',
          `registries: ["${open.host}"]`,
          'keys:',
          '  release: { path: release.pub }',
          'rules:',
          '  - name: signed-apps',
          `    repositories: ["${open.host}/**"]`,
          '    signatures:',
          '      keys: [release]',
          'default: deny',
          '',
        ].join('\n'),
      );
      const signed = await cli(['verify', '--policy', 'policy.yaml', signedRef, ...reg()], { cwd: work });
      expect(signed.code, `${signed.stdout}${signed.stderr}`).toBe(0);
      expect(signed.stdout).toMatch(/ok +signed-apps: 1 of 1 signature\(s\) on sha256:[a-f0-9]+… verified/);
      const unsigned = await cli(['verify', '--policy', 'policy.yaml', unsignedRef, ...reg()], { cwd: work });
      expect(unsigned.code).toBe(1);
      expect(unsigned.stdout).toMatch(/FAIL signed-apps: not signed by .*release\.pub: no signature found/);
      expect(unsigned.stderr).toMatch(/policy denies .*app:unsigned/);
      const json = await cli(['verify', '--policy', 'policy.yaml', '-f', 'json', unsignedRef, ...reg()], { cwd: work });
      expect(json.code).toBe(1);
      expect((JSON.parse(json.stdout) as { allowed: boolean }).allowed).toBe(false);
    });

    it('registry audit reports plain HTTP, anonymous push and pull, and which tags are signed (exit 1)', async () => {
      const r = await cli(['registry', 'audit', open.host, ...reg(), '-f', 'json']);
      expect(r.code, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as {
        transport: { tls: boolean; plainHttp: boolean };
        access: { anonymousPull: string; anonymousPush: string };
        repositories: Array<{ name: string; tags: Array<{ tag: string; signed: boolean; attestations: string[] }> }>;
        findings: Array<{ id: string; severity: string }>;
      };
      expect(report.transport).toMatchObject({ tls: false, plainHttp: true });
      expect(report.access).toMatchObject({ anonymousPull: 'allowed', anonymousPush: 'allowed' });
      const tags = report.repositories.find((x) => x.name === 'app')?.tags ?? [];
      expect(tags.map((t) => t.tag).sort()).toEqual(['1', 'unsigned']);
      expect(tags.find((t) => t.tag === '1')).toMatchObject({ signed: true });
      expect(tags.find((t) => t.tag === '1')?.attestations.length).toBeGreaterThan(0);
      expect(tags.find((t) => t.tag === 'unsigned')).toMatchObject({ signed: false });
      const ids = report.findings.map((f) => f.id);
      expect(ids).toEqual(expect.arrayContaining(['BH-REG-001', 'BH-REG-002', 'BH-REG-005']));
    });

    it('registry audit text says anonymous access is denied on the htpasswd registry', async () => {
      const r = await cli(['registry', 'audit', locked.host, '--insecure-registry', locked.host]);
      // Pull can only be probed where a repository is known; with the catalog closed it is unknown, never "allowed".
      expect(r.stdout).toMatch(/anonymous pull: (denied|unknown), anonymous push: denied/);
    });
  });
});
