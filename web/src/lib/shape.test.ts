import { describe, expect, it } from 'vitest';
import type { ComplianceSummary, Finding, Package } from '../api/types.js';
import { ago, bytes, sbomFileName, shortDigest } from './format.js';
import { countsByNamespace, filterK8sFindings, filterPackages, isFixable, k8sCategory, namespacesOf, packagesByLayer, sortFindings, vulnerabilityBreakdown } from './shape.js';

const vuln = (id: string, severity: Finding['severity'], fixedVersion?: string, extra: Partial<Finding> = {}): Finding => ({
  kind: 'vulnerability', id, title: id, severity, location: {}, references: [], ...(fixedVersion ? { fixedVersion } : {}), ...extra,
});
const pkg = (name: string, layer?: { index: number; diffID: string }): Package => ({
  id: `deb:${name}@1`, type: 'deb', name, version: '1.0', purl: `pkg:deb/debian/${name}@1.0`, foundBy: 'dpkg', locations: [], ...(layer ? { layer } : {}),
});

describe('vulnerabilityBreakdown', () => {
  it('splits by severity and fixability, leaving suppressed findings out', () => {
    const rows = vulnerabilityBreakdown([
      vuln('CVE-1', 'critical', '1.2'),
      vuln('CVE-2', 'critical'),
      vuln('CVE-3', 'high', '2', { status: 'will-not-fix' }),
      vuln('CVE-4', 'info', '1'),
      vuln('CVE-5', 'medium', '1', { suppressedBy: { kind: 'vex', source: 'x', reason: 'y' } }),
    ]);
    expect(rows).toEqual([
      { severity: 'critical', fixable: 1, unfixed: 1 },
      { severity: 'high', fixable: 0, unfixed: 1 },
      { severity: 'medium', fixable: 0, unfixed: 0 },
      { severity: 'low', fixable: 1, unfixed: 0 },
      { severity: 'unknown', fixable: 0, unfixed: 0 },
    ]);
    expect(isFixable({ fixedVersion: '', status: 'fixed' })).toBe(false);
  });
  it('sorts by severity then id', () => {
    expect(sortFindings([vuln('B', 'low'), vuln('C', 'critical'), vuln('A', 'low')]).map((f) => f.id)).toEqual(['C', 'A', 'B']);
  });
});

describe('packagesByLayer', () => {
  it('attributes packages by diffID, then index, and keeps the rest apart', () => {
    const layers = [{ index: 1, diffID: 'sha256:b', createdBy: 'RUN apt-get install curl' }, { index: 0, diffID: 'sha256:a', createdBy: 'ADD rootfs' }];
    const r = packagesByLayer(layers, [pkg('curl', { index: 1, diffID: 'sha256:b' }), pkg('bash', { index: 0, diffID: 'sha256:a' }), pkg('zlib', { index: 0, diffID: 'sha256:other' }), pkg('loose')]);
    expect(r.layers.map((l) => [l.layer.index, l.packages.map((p) => p.name)])).toEqual([[0, ['bash', 'zlib']], [1, ['curl']]]);
    expect(r.unattributed.map((p) => p.name)).toEqual(['loose']);
  });
  it('filters packages by every word', () => {
    const ps = [pkg('openssl'), pkg('libssl3'), pkg('bash')];
    expect(filterPackages(ps, 'SSL').map((p) => p.name)).toEqual(['openssl', 'libssl3']);
    expect(filterPackages(ps, 'ssl open').map((p) => p.name)).toEqual(['openssl']);
    expect(filterPackages(ps, '  ')).toHaveLength(3);
  });
});

describe('Kubernetes findings', () => {
  const obj = (namespace?: string) => ({ object: { apiVersion: 'v1', kind: 'Pod', name: 'p', ...(namespace ? { namespace } : {}) } });
  const fs: Finding[] = [
    { ...vuln('PSS:privileged', 'high'), kind: 'misconfiguration', location: obj('shop') },
    { ...vuln('BH-K8S-RBAC-001', 'critical'), kind: 'misconfiguration', location: obj() },
    { ...vuln('BH-K8S-WL-003', 'low'), kind: 'misconfiguration', location: obj('data') },
  ];
  const compliance: ComplianceSummary[] = [
    { framework: 'pss-baseline', title: 'PSS baseline', score: 50, controlsPassed: 1, controlsFailed: 1, controls: [{ control: 'Privileged', checks: ['PSS:privileged'], evaluated: 2, failed: 1, passed: 1 }] },
  ];
  it('filters by namespace, framework and category', () => {
    expect(namespacesOf(fs)).toEqual(['(cluster)', 'data', 'shop']);
    expect(filterK8sFindings(fs, compliance, { namespace: 'shop' }).map((f) => f.id)).toEqual(['PSS:privileged']);
    expect(filterK8sFindings(fs, compliance, { namespace: '(cluster)' }).map((f) => f.id)).toEqual(['BH-K8S-RBAC-001']);
    expect(filterK8sFindings(fs, compliance, { framework: 'pss-baseline' }).map((f) => f.id)).toEqual(['PSS:privileged']);
    expect(filterK8sFindings(fs, compliance, { framework: 'missing' })).toEqual([]);
    expect(filterK8sFindings(fs, compliance, { category: 'RBAC' }).map((f) => f.id)).toEqual(['BH-K8S-RBAC-001']);
    expect(fs.map(k8sCategory)).toEqual(['PSS', 'RBAC', 'Other']);
  });
  it('counts findings per namespace, worst first', () => {
    expect(countsByNamespace([...fs, { ...fs[0]!, severity: 'low' }])).toEqual([
      { namespace: '(cluster)', total: 1, critical: 1, high: 0, PSS: 0, RBAC: 1 },
      { namespace: 'shop', total: 2, critical: 0, high: 1, PSS: 2, RBAC: 0 },
      { namespace: 'data', total: 1, critical: 0, high: 0, PSS: 0, RBAC: 0 },
    ]);
  });
});

describe('format', () => {
  it('shortens digests, sizes and ages', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(shortDigest(null)).toBe('—');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(ago('2026-01-01T00:00:00Z', Date.parse('2026-01-01T02:30:00Z'))).toBe('2h ago');
    expect(ago(null, 0)).toBe('never');
  });
  it('makes safe SBOM file names from hostile digests', () => {
    expect(sbomFileName('sha256:abcdef0123456789', 'cyclonedx')).toBe('sbom-abcdef012345.cdx.json');
    expect(sbomFileName('../../etc/passwd', 'spdx-json')).toBe('sbom-ecad.spdx.json');
  });
});
