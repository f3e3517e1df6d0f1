import { describe, expect, it } from 'vitest';
import { rbacFindings, type RbacFinding } from './findings.js';
import { buildRbac } from './resolve.js';
import { describeSubject } from './subjects.js';
import { fixture } from './testdata/load.js';

const run = (name: string, options = {}) => {
  const f = fixture(name);
  return { ...f, findings: rbacFindings(buildRbac(f.objects), options) };
};
const summary = (fs: RbacFinding[]) => fs.map((f) => `${f.id} ${f.severity} ${describeSubject(f.rbac.subjects[0]!)}`).sort();

describe('risky permissions, one manifest set per risk', () => {
  it('BH-RBAC-001 wildcards: a full wildcard cluster-wide is critical and stands for every other risk', () => {
    const { findings } = run('risks/wildcard.yaml');
    expect(summary(findings)).toEqual(['BH-RBAC-001 critical User alice', 'BH-RBAC-001 medium User bob']);
    const alice = findings.find((f) => f.rbac.subjects[0]!.name === 'alice')!;
    expect(alice.evidence).toContain("'*' in verbs, resources, apiGroups (everything, so it can also read secrets, exec into pods");
    expect(alice.evidence).toContain('use nodes/proxy');
    expect(alice.rbac.chain).toEqual([
      expect.objectContaining({ binding: { kind: 'ClusterRoleBinding', name: 'god-to-alice' }, role: { kind: 'ClusterRole', name: 'god' }, ruleIndex: 0 }),
    ]);
    const bob = findings.find((f) => f.rbac.subjects[0]!.name === 'bob')!;
    expect(bob.rbac.chain[0]).toMatchObject({ namespace: 'dev', allows: "'*' in verbs" });
  });

  it('BH-RBAC-002 secrets: namespaced read high, a named secret medium, cluster-wide watch critical, create alone nothing', () => {
    const { findings, lineOf } = run('risks/secrets.yaml');
    expect(summary(findings)).toEqual([
      'BH-RBAC-002 critical Group auditors',
      'BH-RBAC-002 high ServiceAccount app/api',
      'BH-RBAC-002 medium ServiceAccount app/web',
    ]);
    const api = findings.find((f) => f.rbac.subjects[0]!.name === 'api')!;
    // Located at the subject entry of the binding, namespace defaulted from the RoleBinding.
    const nameLine = lineOf('name: api', 'name: api-reads-secrets');
    expect(api.location.startLine).toBeLessThanOrEqual(nameLine);
    expect(api.location.endLine).toBeGreaterThanOrEqual(nameLine);
    expect(api.location.object).toMatchObject({ kind: 'RoleBinding', name: 'api-reads-secrets', namespace: 'app' });
    expect(api.evidence).toBe('ServiceAccount app/api: get, list secrets in namespace app via RoleBinding app/api-reads-secrets → Role app/secret-reader rule 0');
    expect(api.rbac.chain[0]!.ruleLocation).toMatchObject({ path: 'testdata/risks/secrets.yaml', startLine: lineOf('- apiGroups: [""]') });
    expect(api.references).toEqual(expect.arrayContaining(['cis-k8s:5.1.2', 'kubescape:C-0186', 'trivy:KSV041']));
  });

  it('BH-RBAC-003/004/005 exec, attach (get), port-forward limited to one pod', () => {
    const { findings } = run('risks/pod-access.yaml');
    expect(summary(findings)).toEqual(['BH-RBAC-003 high Group oncall', 'BH-RBAC-004 high Group oncall', 'BH-RBAC-005 low Group oncall']);
    expect(findings.find((f) => f.id === 'BH-RBAC-004')!.rbac.chain[0]).toMatchObject({ allows: 'get pods/attach', ruleIndex: 1 });
  });

  it('BH-RBAC-006 create or modify workloads, not reading them', () => {
    const { findings } = run('risks/workloads.yaml');
    expect(summary(findings)).toEqual(['BH-RBAC-006 high ServiceAccount ci/ci']);
    expect(findings[0]!.rbac.chain.map((l) => l.allows)).toEqual(['create deployments.apps', 'update cronjobs.batch']);
  });

  it('BH-RBAC-007/008 escalate and bind, by scope and resourceNames', () => {
    const { findings } = run('risks/escalate-bind.yaml');
    expect(summary(findings)).toEqual([
      'BH-RBAC-007 critical User rbac-admin',
      'BH-RBAC-007 high User lead',
      'BH-RBAC-008 critical ServiceAccount platform/installer',
      'BH-RBAC-008 medium User lead',
    ]);
    // Through a RoleBinding only `escalate roles` counts; clusterroles are cluster-scoped.
    expect(findings.find((f) => f.id === 'BH-RBAC-007' && f.severity === 'high')!.rbac.chain[0]!.allows).toBe('escalate roles.rbac.authorization.k8s.io');
  });

  it('BH-RBAC-009 impersonation: users/groups cluster-wide critical, service accounts high, users via a RoleBinding nothing', () => {
    const { findings } = run('risks/impersonate.yaml');
    expect(summary(findings)).toEqual(['BH-RBAC-009 critical ServiceAccount gateway/auth-proxy', 'BH-RBAC-009 high ServiceAccount jobs/runner']);
  });

  it('BH-RBAC-010/013/014 cluster-scoped resources count only cluster-wide', () => {
    const { findings } = run('risks/cluster-scoped.yaml');
    expect(summary(findings)).toEqual([
      'BH-RBAC-010 high ServiceAccount monitoring/agent',
      'BH-RBAC-013 high ServiceAccount monitoring/agent',
      'BH-RBAC-014 medium ServiceAccount monitoring/agent',
    ]);
  });

  it('BH-RBAC-011/012/015 token requests, CSR approval (with and without a signer), deleting events', () => {
    const { findings } = run('risks/tokens-csr-events.yaml');
    expect(summary(findings)).toEqual([
      'BH-RBAC-011 high ServiceAccount ci/pipeline',
      'BH-RBAC-012 high User pki-bot',
      'BH-RBAC-012 medium User csr-viewer',
      'BH-RBAC-015 medium ServiceAccount ci/pipeline',
    ]);
    expect(findings.find((f) => f.id === 'BH-RBAC-015')!.rbac.chain.map((l) => l.allows)).toEqual(['delete events', 'deletecollection events.events.k8s.io']);
  });

  it('binding risks: cluster-admin (built-in), anonymous, all authenticated, default SA, missing and invalid roleRef', () => {
    const { findings, lineOf } = run('risks/bindings.yaml');
    expect(summary(findings)).toEqual([
      'BH-RBAC-001 critical Group ops',
      'BH-RBAC-016 high Group ops',
      'BH-RBAC-017 critical User system:anonymous',
      'BH-RBAC-018 high Group system:authenticated',
      'BH-RBAC-018 medium Group system:serviceaccounts',
      'BH-RBAC-019 medium ServiceAccount shop/default',
      'BH-RBAC-020 info User erin',
      'BH-RBAC-020 info User frank',
    ]);
    const admin = findings.find((f) => f.id === 'BH-RBAC-016')!;
    expect(admin.rbac.chain[0]!.role).toEqual({ kind: 'ClusterRole', name: 'cluster-admin', builtin: true });
    const wildcard = findings.find((f) => f.id === 'BH-RBAC-001')!;
    expect(wildcard.evidence).toContain('ClusterRole cluster-admin (built-in default, not in the input) rule 0');
    const dangling = findings.find((f) => f.title.includes('dangling'))!;
    expect(dangling.location.startLine).toBe(lineOf('roleRef:', 'name: dangling'));
    expect(dangling.title).toBe('RoleBinding shop/dangling refers to Role does-not-exist, which is not in the input');
    expect(findings.find((f) => f.title.includes('wrong-kind'))!.title).toContain('invalid roleRef');
  });
});

describe('bootstrap-policy bindings', () => {
  const dump = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: cluster-admin
  labels:
    kubernetes.io/bootstrapping: rbac-defaults
subjects:
  - kind: Group
    name: system:masters
roleRef:
  kind: ClusterRole
  name: cluster-admin
`;
  it('are skipped unless includeDefaults, and still resolve', async () => {
    const { objectsOfText } = await import('../input/index.js');
    const rbac = buildRbac([...objectsOfText(dump, 'dump.yaml')]);
    expect(rbacFindings(rbac)).toEqual([]);
    expect(summary(rbacFindings(rbac, { includeDefaults: true }))).toEqual(['BH-RBAC-001 critical Group system:masters', 'BH-RBAC-016 high Group system:masters']);
  });
});
