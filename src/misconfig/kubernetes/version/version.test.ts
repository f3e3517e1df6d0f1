import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/image-builder.js';
import { importDb, VulnDb } from '../../../vuln/db/index.js';
import { createMatcher } from '../../../vuln/match/index.js';
import { objectsOfText } from '../input/index.js';
import {
  clusterVersion,
  distinctVersions,
  kubernetesPackages,
  MINOR_RELEASES,
  parseK8sVersion,
  parseK8sVersionFlag,
  RELEASES_AS_OF,
  VersionCollector,
  versionFindings,
  versionSupport,
} from './index.js';

const dir = join(import.meta.dirname, 'testdata');
const TODAY = '2026-11-29';
const v = (text: string) => parseK8sVersion(text)!;

describe('the release table', () => {
  it('lists 1.19 … 1.35 in order, each ending about 14 months after its release', () => {
    expect(MINOR_RELEASES.map((r) => r.minor)).toEqual(Array.from({ length: 17 }, (_, i) => `1.${19 + i}`));
    for (const r of MINOR_RELEASES) {
      const months = (new Date(r.endOfLife).getTime() - new Date(r.released).getTime()) / (30.44 * 24 * 3600 * 1000);
      expect(months, r.minor).toBeGreaterThan(13);
      expect(months, r.minor).toBeLessThan(16);
      // A final patch ships at most weeks before the end of life.
      if (r.final) expect(new Date(r.endOfLife).getTime() - new Date(RELEASES_AS_OF).getTime(), r.minor).toBeLessThan(31 * 24 * 3600 * 1000);
    }
  });
});

describe('parseK8sVersion', () => {
  it('reads upstream, pre-release and provider versions', () => {
    expect(v('v1.29.3')).toEqual({ major: 1, minor: 29, patch: 3, upstream: 'v1.29.3', raw: 'v1.29.3' });
    expect(v('1.30.0-rc.1').vendor).toBeUndefined();
    expect(v('v1.29.3-eks-adc7111')).toMatchObject({ upstream: 'v1.29.3', vendor: 'eks-adc7111' });
    expect(v('v1.28.5+k3s1')).toMatchObject({ upstream: 'v1.28.5', vendor: 'k3s1' });
    expect(v('v1.27.8-gke.1067004').vendor).toBe('gke.1067004');
    expect(parseK8sVersion('latest')).toBeUndefined();
    expect(parseK8sVersion('v1.29')).toBeUndefined();
  });

  it('turns a bad --k8s-version into a usage error with a hint', () => {
    expect(() => parseK8sVersionFlag('1.29')).toThrow(expect.objectContaining({ code: 'USAGE', where: '--k8s-version', hint: expect.stringMatching(/v1\.29\.3/) }));
  });
});

describe('versionSupport and versionFindings', () => {
  it('reports an end-of-life minor with its date and how long ago', () => {
    const f = versionFindings({ version: v('v1.25.4'), source: 'registry.k8s.io/kube-apiserver:v1.25.4 (kube-apiserver.yaml:30)', location: { path: 'kube-apiserver.yaml', startLine: 30 } }, TODAY);
    expect(f.map((x) => [x.id, x.severity, x.status, x.title])).toEqual([
      ['BH-K8S-300', 'high', 'end-of-life', 'Kubernetes 1.25 is past its end of life (2023-10-28)'],
      ['BH-K8S-301', 'medium', undefined, 'Kubernetes v1.25.4 is behind the final patch 1.25.16'],
    ]);
    expect(f[0]!.evidence).toBe('v1.25.4 from registry.k8s.io/kube-apiserver:v1.25.4 (kube-apiserver.yaml:30): upstream support ended 2023-10-28, 1128 days before 2026-11-29');
    expect(f[0]!.location).toEqual({ path: 'kube-apiserver.yaml', startLine: 30 });
  });

  it('knows 1.34 ended in October 2026 and 1.35 is still supported on 2026-11-29', () => {
    expect(versionSupport(v('v1.34.2'), TODAY).status).toBe('end-of-life');
    const s = versionSupport(v('v1.35.1'), TODAY);
    expect(s.status).toBe('supported');
    expect(s.notes.join('\n')).toMatch(/estimated/);
    expect(s.notes.join('\n')).toMatch(/release table is from 2025-06-17/);
    expect(versionFindings({ version: v('v1.35.1'), source: '--k8s-version' }, TODAY)).toEqual([]);
  });

  it('judges by the date given, not the clock', () => {
    expect(versionSupport(v('v1.31.10'), '2025-06-20').status).toBe('supported');
    expect(versionSupport(v('v1.31.10'), '2025-10-29').status).toBe('end-of-life');
    expect(versionSupport(v('v1.31.10'), '2025-06-20').notes).toEqual([]);
  });

  it('says when it cannot judge: minors newer or older than the table', () => {
    const newer = versionSupport(v('v1.37.0'), TODAY);
    expect(newer.status).toBe('unknown');
    expect(newer.notes.join('\n')).toMatch(/newer than Bulkhead's release table/);
    expect(versionFindings({ version: v('v1.37.0'), source: 'x' }, TODAY)).toEqual([]);
    const older = versionFindings({ version: v('v1.16.3'), source: 'x' }, TODAY);
    expect(older.map((f) => f.id)).toEqual(['BH-K8S-300']);
  });

  it('qualifies the patch finding when the table may be behind, and softens provider builds', () => {
    const f = versionFindings({ version: v('v1.32.1-eks-5e0fdde'), source: 'kubelet of node ip-10-0-1-5' }, '2025-08-01');
    expect(f.map((x) => x.id)).toEqual(['BH-K8S-301']);
    expect(f[0]!.evidence).toMatch(/1\.32\.6 is the latest patch known to Bulkhead's table \(as of 2025-06-17\); newer ones may exist; v1\.32\.1-eks-5e0fdde is a provider build/);
    const eol = versionFindings({ version: v('v1.29.3-eks-adc7111'), source: 'x' }, TODAY);
    expect(eol[0]!.severity).toBe('medium');
  });
});

describe('clusterVersion', () => {
  const dump = [...objectsOfText(readFileSync(join(dir, 'cluster-dump.yaml'), 'utf8'), 'cluster-dump.yaml')];

  it('prefers the API server image, with its file and line', () => {
    const c = clusterVersion(dump)!;
    expect(c.version.raw).toBe('v1.27.2');
    expect(c.source).toBe('registry.k8s.io/kube-apiserver:v1.27.2 (cluster-dump.yaml:38)');
    expect(c.location).toMatchObject({ path: 'cluster-dump.yaml', startLine: 38, object: { kind: 'Pod', name: 'kube-apiserver-cp-1' } });
    expect(distinctVersions(c).map((x) => x.raw)).toEqual(['v1.26.9', 'v1.27.2']);
  });

  it('falls back to the lowest kubelet of the Nodes, and an explicit version wins over everything', () => {
    const nodes = dump.filter((o) => o.kind === 'Node');
    expect(clusterVersion(nodes)!.source).toBe('kubelet of node worker-1 (cluster-dump.yaml:26)');
    const c = new VersionCollector();
    for (const o of dump) c.add(o);
    expect(c.result('v1.33.1')).toMatchObject({ source: '--k8s-version', version: { raw: 'v1.33.1' } });
    expect(clusterVersion([])).toBeUndefined();
  });
});

describe('kubernetesPackages', () => {
  it('gives a Go module the vulnerability matcher finds advisories for', async () => {
    const pkgs = kubernetesPackages({ version: v('v1.26.5'), source: '--k8s-version' });
    expect(pkgs).toEqual([
      { id: 'golang:k8s.io/kubernetes@v1.26.5', type: 'golang', name: 'k8s.io/kubernetes', version: 'v1.26.5', purl: 'pkg:golang/k8s.io/kubernetes@v1.26.5', foundBy: 'k8s-cluster-version', locations: ['--k8s-version'] },
    ]);
    expect(pkgs[0]!.purl).toBe(new PackageURL('golang', 'k8s.io', 'kubernetes', 'v1.26.5', undefined, undefined).toString());

    // End to end through the real importer and matcher, with a hand-written OSV record.
    const dbDir = tempDir('bulkhead-k8s-db-');
    await importDb({ dir: dbDir, source: join(dir, 'osv') });
    const db = VulnDb.open(dbDir);
    try {
      const matcher = createMatcher(db);
      const vulnerable = matcher.match({ packages: pkgs });
      expect(vulnerable.findings.map((f) => [f.id, f.fixedVersion])).toEqual([['CVE-2023-2727', '1.26.6']]);
      const fixed = matcher.match({ packages: kubernetesPackages({ version: v('v1.27.3'), source: 'x' }) });
      expect(fixed.findings).toEqual([]);
    } finally {
      db.close();
    }
  });
});
