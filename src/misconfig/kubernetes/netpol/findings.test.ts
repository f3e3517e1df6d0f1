import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../core/types.js';
import { netpolChecks } from './checks.js';
import { netpolFindings } from './findings.js';
import { analyzeFixture, realisticDir } from './testdata/fixtures.js';

const fixture = fileURLToPath(new URL('./testdata/findings/findings.yaml', import.meta.url));
const brief = (f: Finding) => `${f.id} ${f.location.path?.replace(/.*\/testdata\//, '')}:${f.location.startLine}-${f.location.endLine}`;

describe('netpol checks', () => {
  it('have unique stable ids, the kubernetes kind and scheme:id references', () => {
    expect(netpolChecks.map((c) => c.id)).toEqual(['BH-NET-001', 'BH-NET-002', 'BH-NET-003', 'BH-NET-004', 'BH-NET-005', 'BH-NET-006', 'BH-NET-007', 'BH-NET-008', 'BH-NET-009']);
    for (const c of netpolChecks) {
      expect(c.kind).toBe('kubernetes');
      expect(c.references).toContain('nsa-k8s:network-separation');
      for (const r of c.references) expect(r).toMatch(/^(nsa-k8s|cis-k8s|kubescape|mitre-attack):[\w.-]+$/);
    }
  });
});

describe('netpolFindings on the findings fixture', () => {
  it('reports each problem at its line, and nothing for what is fine', async () => {
    const { model, connectivity } = await analyzeFixture([fixture]);
    expect(model.problems).toEqual([]);
    const findings = netpolFindings(model, { connectivity, riskyWorkloads: new Map([['loose/app/Pod', ['create pods']]]) });
    expect(findings.map(brief)).toEqual([
      // baseline-ns/a is isolated for ingress by the BANP, not for egress.
      'BH-NET-002 findings/findings.yaml:185-186',
      'BH-NET-001 findings/findings.yaml:8-9',
      'BH-NET-002 findings/findings.yaml:8-9',
      // guarded has a real default deny; loose isolates and then allows all; baseline-ns denies ingress by BANP.
      'BH-NET-004 findings/findings.yaml:184-184',
      'BH-NET-003 findings/findings.yaml:155-155',
      'BH-NET-004 findings/findings.yaml:155-155',
      'BH-NET-003 findings/findings.yaml:26-26',
      'BH-NET-004 findings/findings.yaml:26-26',
      // The two ipBlocks of egress-anywhere.
      'BH-NET-007 findings/findings.yaml:131-132',
      'BH-NET-007 findings/findings.yaml:133-134',
      // podSelector of guarded/typo.
      'BH-NET-005 findings/findings.yaml:115-117',
      // `- {}` both ways, and the ANP Allow from all namespaces.
      'BH-NET-006 findings/findings.yaml:160-160',
      'BH-NET-006 findings/findings.yaml:162-162',
      'BH-NET-006 findings/findings.yaml:175-177',
      // SSH open to 0.0.0.0/0 except 10/8 (no declared port: at the labels); PostgreSQL at its containerPort. The cache (10/8 only) is fine.
      'BH-NET-008 findings/findings.yaml:85-86',
      'BH-NET-008 findings/findings.yaml:15-16',
      'BH-NET-009 findings/findings.yaml:142-142',
      'BH-NET-009 findings/findings.yaml:6-6',
    ]);
    const byId = (id: string) => findings.filter((f) => f.id === id);
    expect(byId('BH-NET-008').map((f) => f.evidence)).toEqual([
      'guarded/ssh[Pod]: TCP 22 (SSH) reachable from 0.0.0.0/0 except 10.0.0.0/8: NP guarded/ssh ingress[0] (Allow)',
      'open/db[Pod]: TCP 5432 (PostgreSQL) reachable from 0.0.0.0/0; ::/0: not isolated for ingress',
    ]);
    expect(byId('BH-NET-007').map((f) => f.evidence)).toEqual([
      'NP guarded/egress-anywhere egress[0] allows egress to 0.0.0.0/0 on TCP 443',
      'NP guarded/egress-anywhere egress[0] allows egress to ::/0 on TCP 443',
    ]);
    const [lateral, self] = byId('BH-NET-009');
    expect(lateral!.evidence).toBe('internet -> Service open/db-lb type LoadBalancer -> open/db[Pod] -> loose/app[Pod] (All Connections); loose/app[Pod] holds risky RBAC: create pods');
    expect(lateral!.title).toBe('Lateral-movement path from an internet-exposed workload to a sensitive workload');
    expect(self!.title).toBe('Internet-exposed workload holds Secrets or risky RBAC permissions');
    expect(self!.evidence).toBe('internet -> Service open/db-lb type LoadBalancer -> open/db[Pod]; open/db[Pod] holds secret db-pass (volume)');
    expect(self!.severity).toBe('high');
    expect(self!.location.object).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'db', namespace: 'open' });
  });

  it('reports no lateral movement to a workload without secrets when no RBAC risk is given', async () => {
    const { model, connectivity } = await analyzeFixture([fixture]);
    const lateral = netpolFindings(model, { connectivity }).filter((f) => f.id === 'BH-NET-009');
    expect(lateral.map((f) => f.location.object?.name)).toEqual(['db']);
  });
});

describe('netpolFindings on the realistic example', () => {
  it('finds the unprotected namespaces, the internet egress and the lateral-movement paths', async () => {
    const { model, connectivity } = await analyzeFixture([realisticDir]);
    const findings = netpolFindings(model, { connectivity, riskyWorkloads: new Map([['backend/worker/Deployment', ['get secrets in all namespaces']]]) });
    expect(findings.map(brief)).toEqual([
      'BH-NET-001 realistic/kube-system.yaml:12-13',
      'BH-NET-002 realistic/kube-system.yaml:12-13',
      'BH-NET-001 realistic/monitoring.yaml:12-13',
      'BH-NET-003 realistic/namespaces.yaml:34-34',
      'BH-NET-004 realistic/namespaces.yaml:34-34',
      'BH-NET-003 realistic/namespaces.yaml:27-27',
      'BH-NET-004 realistic/namespaces.yaml:27-27',
      'BH-NET-007 realistic/backend.yaml:114-116',
      'BH-NET-009 realistic/backend.yaml:4-4',
      'BH-NET-009 realistic/backend.yaml:33-33',
      'BH-NET-009 realistic/db.yaml:4-4',
    ]);
    expect(findings.filter((f) => f.id === 'BH-NET-009').map((f) => f.evidence)).toEqual([
      'internet -> Service frontend/web type LoadBalancer -> frontend/web[Deployment] -> backend/api[Deployment] (TCP 8080); backend/api[Deployment] holds secret api-keys (env)',
      // CoreDNS may connect anywhere and Prometheus accepts anything: a path to the worker exists.
      'internet -> Service frontend/web type LoadBalancer -> frontend/web[Deployment] -> kube-system/coredns[Deployment] (TCP 53,UDP 53) -> monitoring/prometheus[Deployment] (All Connections) -> backend/worker[Deployment] (TCP 9090); backend/worker[Deployment] holds risky RBAC: get secrets in all namespaces',
      'internet -> Service frontend/web type LoadBalancer -> frontend/web[Deployment] -> backend/api[Deployment] (TCP 8080) -> db/postgres[StatefulSet] (TCP 5432); db/postgres[StatefulSet] holds secret postgres-credentials (volume)',
    ]);
  });
});
