import { describe, expect, it } from 'vitest';
import { blastRadius, riskyWorkloads, workloadIdentities } from './blast-radius.js';
import { objectsOfText } from '../input/index.js';
import { buildRbac } from './resolve.js';
import { fixture } from './testdata/load.js';

const { objects, lineOf } = fixture('workloads.yaml');
const rbac = buildRbac(objects);

describe('workload identities and tokens', () => {
  it('resolve the service account and whether its token is mounted', () => {
    const ids = workloadIdentities(objects, rbac).map((w) => `${w.object.kind} ${w.object.name}: ${w.serviceAccount.namespace}/${w.serviceAccount.name} ${w.tokenMounted ? 'token' : `no token (${w.noToken})`}`);
    expect(ids).toEqual([
      'Deployment api: app/api token',
      'Deployment batch: app/api no token (the pod sets automountServiceAccountToken: false)',
      'Deployment quiet-app: app/quiet no token (ServiceAccount app/quiet sets automountServiceAccountToken: false)',
      'Deployment quiet-projected: app/quiet token',
      'StatefulSet forced: app/quiet token',
      'Pod legacy: app/api token',
      'CronJob nightly: app/default token',
      'DaemonSet scraper: monitoring/scraper token',
      'Deployment db: data/db no token (the pod sets automountServiceAccountToken: false)',
      'Deployment harmless: data/default no token (the pod sets automountServiceAccountToken: false)',
    ]);
  });
});

describe('blast radius findings (BH-RBAC-030)', () => {
  const findings = blastRadius(objects, rbac);
  const byWorkload = (name: string) => findings.filter((f) => f.rbac.workload!.name === name);

  it('report each risky permission each token-carrying workload inherits, at the service account line', () => {
    expect(findings.every((f) => f.id === 'BH-RBAC-030')).toBe(true);
    expect([...new Set(findings.map((f) => f.rbac.workload!.name))]).toEqual(['api', 'quiet-projected', 'forced', 'legacy', 'nightly', 'scraper']);
    const api = byWorkload('api');
    expect(api.map((f) => [f.title, f.severity])).toEqual([['app/api[Deployment] runs as ServiceAccount app/api, which can read secrets', 'high']]);
    expect(api[0]!.location.startLine).toBe(lineOf('serviceAccountName: api', 'name: api'));
    expect(byWorkload('legacy')[0]!.location.startLine).toBe(lineOf('serviceAccount: api', 'name: legacy'));
  });

  it('follow the default service account to the built-in edit role, located at the pod spec', () => {
    const nightly = byWorkload('nightly');
    expect(nightly.map((f) => f.title.replace(/.*which can /, '')).sort()).toEqual([
      'attach to pods',
      'create or modify workloads',
      'create service account tokens',
      'exec into pods',
      'impersonate other identities',
      'port-forward to pods',
      'read secrets',
    ]);
    expect(nightly[0]!.location.startLine).toBe(lineOf('restartPolicy: OnFailure') - 1); // the pod template's `spec:`
    expect(nightly[0]!.evidence).toContain('(no serviceAccountName: the default)');
    expect(nightly[0]!.evidence).toContain('ClusterRole edit (built-in default, not in the input)');
  });

  it('include what implicit groups are bound to', () => {
    const [scraper, ...rest] = byWorkload('scraper');
    expect(rest).toEqual([]);
    expect(scraper!.rbac.chain).toEqual([expect.objectContaining({ viaGroup: 'system:serviceaccounts:monitoring', allows: 'create pods/exec' })]);
    expect(scraper!.evidence).toContain('as a member of Group system:serviceaccounts:monitoring');
  });
});

describe('a workload bound to cluster-admin', () => {
  it('gets one critical finding that says it can do everything', () => {
    const text = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: tiller}
subjects: [{kind: ServiceAccount, name: tiller, namespace: kube-system}]
roleRef: {kind: ClusterRole, name: cluster-admin}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tiller, namespace: kube-system}
spec: {template: {spec: {serviceAccountName: tiller, containers: [{name: t, image: tiller}]}}}
`;
    const objs = [...objectsOfText(text, 'tiller.yaml')];
    const fs = blastRadius(objs, buildRbac(objs));
    expect(fs.map((f) => [f.severity, f.title])).toEqual([['critical', 'kube-system/tiller[Deployment] runs as ServiceAccount kube-system/tiller, which can use wildcard permissions']]);
    expect(fs[0]!.evidence).toContain('everything, so it can also read secrets');
  });
});

describe('riskyWorkloads (for NetworkPolicy lateral movement)', () => {
  it('lists workloads with risky RBAC or mounted secrets, with reasons', () => {
    const m = riskyWorkloads(objects);
    expect([...m.keys()]).toEqual([
      'app/api/Deployment',
      'app/quiet-projected/Deployment',
      'app/forced/StatefulSet',
      'app/legacy/Pod',
      'app/nightly/CronJob',
      'monitoring/scraper/DaemonSet',
      'data/db/Deployment',
    ]);
    expect(m.get('app/api/Deployment')).toEqual(['service account app/api can read secrets (in app; BH-RBAC-002, high)']);
    expect(m.get('monitoring/scraper/DaemonSet')).toEqual(['service account monitoring/scraper can exec into pods (cluster-wide; BH-RBAC-003, high)']);
    expect(m.get('data/db/Deployment')).toEqual([
      'mounts secret db-tls as volume tls',
      'mounts secret db-ca in projected volume bundle',
      'reads secret db-admin into env of container db',
      'imports secret db-env with envFrom in container db',
    ]);
  });
});
