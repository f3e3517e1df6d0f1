import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/types.js';
import { attestImage } from './attest.js';
import { generateKeyPair, type GeneratedKeyPair } from './keys.js';
import { loadPolicy, parsePolicy, type TrustPolicy } from './policy.js';
import { assertPolicyAllowed, evaluatePolicy, splitReference } from './policy-evaluate.js';
import { signImage } from './sign-image.js';
import { fixtureJson, fixtureText } from './testing/fixtures.js';
import { MemoryArtifactStore } from './testing/memory-store.js';
import { buildVulnPredicate, evaluateVulnConditions, extractVulnerabilities } from './vuln-predicate.js';

const EXAMPLE = new URL('./testdata/policy-example.yaml', import.meta.url).pathname;
const IMAGE = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}');
const NOW = new Date('2025-06-01T12:00:00Z');

let release: GeneratedKeyPair;
let intruder: GeneratedKeyPair;
let policy: TrustPolicy;
beforeAll(async () => {
  [release, intruder] = await Promise.all([generateKeyPair('', { scrypt: { N: 32768, r: 8, p: 1 } }), generateKeyPair('', { scrypt: { N: 32768, r: 8, p: 1 } })]);
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-policy-'));
  writeFileSync(join(dir, 'release.pub'), release.publicKeyPem);
  writeFileSync(join(dir, 'policy.yaml'), readFileSync(EXAMPLE, 'utf8'));
  policy = loadPolicy(join(dir, 'policy.yaml'));
}, 20_000);

const vuln = (severity: Finding['severity'], id: string, suppressed = false): Finding => ({
  kind: 'vulnerability',
  id,
  title: id,
  severity,
  location: {},
  references: [],
  ...(suppressed ? { suppressedBy: { kind: 'vex', source: 'vex.json', reason: 'not affected' } } : {}),
});
const scan = (findings: Finding[]) => ({ tool: { name: 'bulkhead' as const, version: '0.1.0' }, findings });

async function prodImage(): Promise<{ store: MemoryArtifactStore; digest: string }> {
  const store = new MemoryArtifactStore('127.0.0.1:5000/prod/app');
  const digest = await store.addImage(IMAGE, '1.0');
  return { store, digest };
}

describe('loading policies', () => {
  it('loads the example, resolving key paths relative to the file', () => {
    expect(policy.rules.map((r) => r.name)).toEqual(['production', 'everything in the local registry is signed']);
    expect(policy.rules[0]!.signatures!.keys[0]!.hint).toBe(release.privateKey.publicKey.hint);
    expect(policy.rules[0]!.attestations.map((a) => a.predicateType)).toEqual(['https://cyclonedx.org/bom', 'https://cosign.sigstore.dev/attestation/vuln/v1']);
    // Attestations without their own keys reuse the rule's signature keys.
    expect(policy.rules[0]!.attestations[0]!.keys[0]!.hint).toBe(release.privateKey.publicKey.hint);
  });

  const bad: [string, string, RegExp, number][] = [
    ['not YAML', 'version: 1\nrules: [\n', /not valid YAML/, 3],
    ['unknown field', 'version: 1\nrules:\n  - repositories: ["a/**"]\n    signature: {}\n', /unrecognized key|Unrecognized key/i, 3],
    ['undefined key name', 'version: 1\nrules:\n  - repositories: ["a/**"]\n    signatures:\n      keys: [nope]\n', /key "nope" is not defined/, 5],
    ['unreadable inline key', 'version: 1\nkeys: {k: {pem: "x"}}\n', /key in the policy cannot be loaded/, 2],
    ['wrong version', 'version: 2\n', /version/, 1],
    ['duplicate keys', 'version: 1\nversion: 1\n', /not valid YAML/, 2],
    ['bad duration', 'version: 1\nrules:\n  - repositories: ["a"]\n    attestations:\n      - type: vuln\n        keys: [{pem: "x"}]\n        conditions: {maxAge: soon}\n', /duration/, 7],
    ['bad type', 'version: 1\nrules:\n  - repositories: ["a"]\n    attestations:\n      - type: sbom\n', /unknown attestation type/, 5],
  ];
  for (const [name, text, message, line] of bad) {
    it(`${name} → POLICY_INVALID at line ${line}`, () => {
      try {
        parsePolicy(text, { source: 'p.yaml' });
        throw new Error('expected an error');
      } catch (e) {
        expect(e).toMatchObject({ code: 'POLICY_INVALID', where: `p.yaml:${line}` });
        expect((e as Error).message).toMatch(message);
      }
    });
  }

  it('maxCounts may name only some severities', () => {
    const text = `version: 1\nrules:\n  - repositories: ["a"]\n    attestations:\n      - type: vuln\n        keys:\n          - pem: |\n${release.publicKeyPem.trim().split('\n').map((l) => `              ${l}`).join('\n')}\n        conditions: {maxCounts: {low: 0}}\n`;
    const policy = parsePolicy(text, { source: 'p.yaml' });
    expect(policy.rules[0]!.attestations[0]!.conditions).toEqual({ maxCounts: { low: 0 } });
  });

  it('conditions are only for vuln attestations', () => {
    const text = `version: 1\nrules:\n  - repositories: ["a"]\n    attestations:\n      - type: cyclonedx\n        keys:\n          - pem: |\n${release.publicKeyPem.trim().split('\n').map((l) => `              ${l}`).join('\n')}\n        conditions: {maxSeverity: high}\n`;
    expect(() => parsePolicy(text, { source: 'p.yaml' })).toThrow(/only defined for vuln/);
  });

  it('a missing policy file is POLICY_INVALID naming the file', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(expect.objectContaining({ code: 'POLICY_INVALID', where: '/nonexistent/policy.yaml' }));
  });
});

describe('evaluatePolicy', () => {
  it('denies images from untrusted registries without touching the store', async () => {
    const store = new MemoryArtifactStore('evil.example/app');
    const d = await evaluatePolicy(policy, 'evil.example/app:1', store);
    expect(d.allowed).toBe(false);
    expect(d.reasons.at(-1)).toMatchObject({ check: 'registry', ok: false });
    expect(store.calls).toEqual([]);
  });

  it('applies the default to repositories no rule covers', async () => {
    const d = await evaluatePolicy(policy, 'build.corp.example/tools/x:1', new MemoryArtifactStore('build.corp.example/tools/x'));
    expect(d).toMatchObject({ allowed: false, reasons: [{ check: 'registry', ok: true }, { check: 'default', ok: false }] });
    const allowAll = { ...policy, default: 'allow' as const };
    expect((await evaluatePolicy(allowAll, 'build.corp.example/tools/x:1', new MemoryArtifactStore())).allowed).toBe(true);
  });

  it('production image: unsigned → denied with where it looked; then signed, SBOM and clean scan → allowed', async () => {
    const { store, digest } = await prodImage();
    const ref = '127.0.0.1:5000/prod/app:1.0';
    const unsigned = await evaluatePolicy(policy, ref, store, { now: NOW });
    expect(unsigned.allowed).toBe(false);
    expect(unsigned.digest).toBe(digest);
    expect(unsigned.reasons.filter((r) => !r.ok).map((r) => r.check)).toEqual(['signature', 'attestation', 'attestation', 'signature']);
    expect(unsigned.reasons.find((r) => r.check === 'signature')!.message).toMatch(/no signature found .*\.sig/);

    await signImage(store, digest, store.repository, release.privateKey, { annotations: { env: 'prod' } });
    await attestImage(store, digest, fixtureText('cosign-attestation', 'predicates', 'bom-go-mod.cyclonedx.json'), 'cyclonedx', release.privateKey);
    await attestImage(store, digest, buildVulnPredicate(scan([vuln('critical', 'CVE-2024-1'), vuln('high', 'CVE-2024-2')]), { startedOn: '2025-05-31T00:00:00Z', finishedOn: '2025-05-31T00:10:00Z' }), 'vuln', release.privateKey);
    const critical = await evaluatePolicy(policy, ref, store, { now: NOW });
    expect(critical.allowed).toBe(false);
    expect(critical.reasons.filter((r) => !r.ok)).toEqual([expect.objectContaining({ check: 'condition', rule: 'production', message: expect.stringMatching(/1 vulnerability above high \(CVE-2024-1 critical\)/) })]);

    // A newer scan where the critical is suppressed by VEX: the newest attestation decides.
    await attestImage(store, digest, buildVulnPredicate(scan([vuln('critical', 'CVE-2024-1', true), vuln('high', 'CVE-2024-2')]), { startedOn: '2025-06-01T00:00:00Z', finishedOn: '2025-06-01T00:10:00Z' }), 'vuln', release.privateKey);
    const ok = await evaluatePolicy(policy, ref, store, { now: NOW });
    expect(ok.allowed, JSON.stringify(ok.reasons)).toBe(true);
    expect((await evaluatePolicy(policy, ref, store, { now: new Date('2025-07-01T00:00:00Z') })).reasons.find((r) => !r.ok)?.message).toMatch(/older than 7d/);
  }, 20_000);

  it('a signature by another key or without the required annotation does not satisfy the rule', async () => {
    const { store, digest } = await prodImage();
    await signImage(store, digest, store.repository, intruder.privateKey, { annotations: { env: 'prod' } });
    await signImage(store, digest, store.repository, release.privateKey, { annotations: { env: 'dev' } });
    const d = await evaluatePolicy(policy, `127.0.0.1:5000/prod/app@${digest}`, store, { now: NOW });
    const sig = d.reasons.find((r) => r.check === 'signature' && r.rule === 'production')!;
    expect(sig.ok).toBe(false);
    expect(sig.message).toMatch(/SIGNATURE_INVALID|does not verify/);
    expect(sig.message).toMatch(/env is "dev", not "prod"/);
    // The second rule only needs the key, which the env=dev signature satisfies.
    expect(d.reasons.find((r) => r.check === 'signature' && r.rule !== 'production')!.ok).toBe(true);
  });

  it('a tag that does not exist is denied with the reason', async () => {
    const d = await evaluatePolicy(policy, '127.0.0.1:5000/prod/app:nope', new MemoryArtifactStore('127.0.0.1:5000/prod/app'));
    expect(d).toMatchObject({ allowed: false });
    expect(d.reasons.at(-1)!.message).toMatch(/tag nope does not exist/);
    expect(() => assertPolicyAllowed(d, '127.0.0.1:5000/prod/app:nope', 'policy.yaml')).toThrow(expect.objectContaining({ code: 'VERIFICATION_FAILED', where: 'policy.yaml', message: expect.stringMatching(/policy denies .*tag nope does not exist/) }));
  });

  it('splitReference normalizes Docker Hub names', () => {
    expect(splitReference('nginx')).toEqual({ registry: 'docker.io', repository: 'docker.io/library/nginx' });
    expect(splitReference('team/app:1')).toMatchObject({ registry: 'docker.io', repository: 'docker.io/team/app', tag: '1' });
    expect(splitReference('localhost:5000/a@sha256:' + 'a'.repeat(64))).toMatchObject({ registry: 'localhost:5000', digest: `sha256:${'a'.repeat(64)}` });
  });
});

describe('vulnerability predicates', () => {
  it('cosign test predicate (result null) cannot prove anything: conditions fail closed', () => {
    const p = fixtureJson('cosign-attestation', 'predicates', 'vuln-predicate.json');
    expect(extractVulnerabilities(p)).toMatchObject({ ok: false });
    expect(evaluateVulnConditions(p, { maxSeverity: 'high' }, NOW)[0]).toMatch(/cannot evaluate/);
  });

  it('reads Trivy and Grype results', () => {
    const trivy = { scanner: { uri: 'pkg:github/aquasecurity/trivy', result: { Results: [{ Vulnerabilities: [{ VulnerabilityID: 'CVE-1', Severity: 'CRITICAL', PkgName: 'openssl', InstalledVersion: '3.0' }] }] } }, metadata: { scanFinishedOn: '2025-06-01T00:00:00Z' } };
    expect(evaluateVulnConditions(trivy, { maxSeverity: 'high' }, NOW)).toEqual(['1 vulnerability above high (CVE-1 critical)']);
    const grype = { scanner: { uri: 'grype', result: { matches: [{ vulnerability: { id: 'CVE-2', severity: 'Medium' }, artifact: { name: 'x', version: '1' } }, { vulnerability: { id: 'CVE-3', severity: 'Negligible' } }] } } };
    expect(evaluateVulnConditions(grype, { maxSeverity: 'high', maxCounts: { medium: 0 } }, NOW)).toEqual(['1 medium vulnerabilities, more than the 0 allowed']);
    const ex = extractVulnerabilities(grype);
    expect(ex.ok && ex.vulnerabilities.map((v) => v.severity)).toEqual(['medium', 'info']);
  });
});
