/**
 * `benchRbac(n)`: synthesize a cluster with n bindings (4 in 5 RoleBindings
 * spread over n/50 namespaces, the rest ClusterRoleBindings; roles with a
 * realistic mix of harmless and risky rules, aggregated ClusterRoles, one
 * workload per two bindings) and time each phase. Objects are built in
 * memory, so the figures are RBAC resolution, not YAML parsing. For the
 * integrator's bench/.
 */
import { refOf, type JsonObject, type K8sObject } from '../input/index.js';
import { blastRadius } from './blast-radius.js';
import { rbacFindings } from './findings.js';
import { buildRbac, resolveAll } from './resolve.js';
import { whoCan } from './who-can.js';

export interface RbacBenchResult {
  bindings: number;
  roles: number;
  workloads: number;
  subjects: number;
  buildMs: number;
  findingsMs: number;
  findings: number;
  blastRadiusMs: number;
  resolveAllMs: number;
  whoCanMs: number;
  whoCanQuestions: number;
  heapUsedMiB: number;
}

function object(data: JsonObject): K8sObject {
  const md = data['metadata'] as JsonObject;
  const name = md['name'] as string;
  const namespace = md['namespace'] as string | undefined;
  const range = { startLine: 1, endLine: 1 };
  return {
    apiVersion: data['apiVersion'] as string,
    kind: data['kind'] as string,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    data,
    file: 'synthetic.yaml',
    range,
    locate: () => range,
    ref: refOf(data['apiVersion'] as string, data['kind'] as string, name, namespace),
  };
}

const RULES = [
  { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['app-tls'] },
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
];

export function synthesizeRbacObjects(n: number): K8sObject[] {
  const objs: K8sObject[] = [];
  const nsCount = Math.max(1, Math.floor(n / 50));
  const ns = (i: number) => `team-${i % nsCount}`;
  const rbac = 'rbac.authorization.k8s.io/v1';
  const clusterRoles = Math.max(5, Math.floor(n / 100));
  for (let i = 0; i < clusterRoles; i++) {
    const labels = i % 10 === 0 ? { 'example.com/aggregate-to-ops': 'true' } : {};
    objs.push(object({ apiVersion: rbac, kind: 'ClusterRole', metadata: { name: `cr-${i}`, labels }, rules: [RULES[i % RULES.length], RULES[(i + 3) % RULES.length]] }));
  }
  objs.push(object({ apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'ops' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-ops': 'true' } }] }, rules: [] }));
  for (let i = 0; i < nsCount * 5; i++) {
    objs.push(object({ apiVersion: rbac, kind: 'Role', metadata: { name: `role-${Math.floor(i / nsCount)}`, namespace: ns(i) }, rules: [RULES[i % RULES.length], RULES[(i + 1) % RULES.length]] }));
  }
  for (let i = 0; i < n; i++) {
    const namespace = ns(i);
    const subjects = [
      { kind: 'ServiceAccount', name: `sa-${i % 40}`, namespace },
      ...(i % 3 === 0 ? [{ kind: 'User', name: `user-${i % 500}@example.com` }] : []),
      ...(i % 7 === 0 ? [{ kind: 'Group', name: `group-${i % 30}` }] : []),
    ];
    if (i % 5 === 4) {
      objs.push(object({ apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: `crb-${i}` }, subjects, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: i % 50 === 4 ? 'ops' : `cr-${i % clusterRoles}` } }));
    } else {
      const toCluster = i % 4 === 0;
      objs.push(object({ apiVersion: rbac, kind: 'RoleBinding', metadata: { name: `rb-${i}`, namespace }, subjects, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: toCluster ? 'ClusterRole' : 'Role', name: toCluster ? (i % 8 === 0 ? 'edit' : `cr-${i % clusterRoles}`) : `role-${i % 5}` } }));
    }
    if (i % 2 === 0) {
      objs.push(object({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace }, spec: { template: { metadata: {}, spec: { serviceAccountName: `sa-${i % 40}`, containers: [{ name: 'app', image: 'app:1' }] } } } }));
    }
  }
  return objs;
}

export function benchRbac(n: number): RbacBenchResult {
  const objs = synthesizeRbacObjects(n);
  const time = <T>(f: () => T): [T, number] => {
    const t = performance.now();
    const v = f();
    return [v, Math.round((performance.now() - t) * 10) / 10];
  };
  const [rbac, buildMs] = time(() => buildRbac(objs));
  const [findings, findingsMs] = time(() => rbacFindings(rbac));
  const [, blastRadiusMs] = time(() => blastRadius(objs, rbac));
  const [all, resolveAllMs] = time(() => resolveAll(rbac));
  const questions = [
    { verb: 'get', resource: 'secrets', namespace: 'team-0' },
    { verb: 'create', resource: 'pods/exec', namespace: 'team-1' },
    { verb: 'update', resource: 'deployments', namespace: 'team-2' },
    { verb: 'list', resource: 'secrets' },
    { verb: 'create', resource: 'jobs', namespace: 'team-3' },
  ];
  const rounds = 20;
  const [, whoCanMs] = time(() => {
    for (let r = 0; r < rounds; r++) for (const q of questions) whoCan(rbac, q);
  });
  return {
    bindings: rbac.model.bindings.length,
    roles: rbac.model.roles.size + rbac.model.clusterRoles.size,
    workloads: objs.filter((o) => o.kind === 'Deployment').length,
    subjects: all.length,
    buildMs,
    findingsMs,
    findings: findings.length,
    blastRadiusMs,
    resolveAllMs,
    whoCanMs,
    whoCanQuestions: rounds * questions.length,
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
  };
}
