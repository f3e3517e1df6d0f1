import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/index.js';
import { blastRadius, riskyWorkloads } from './blast-radius.js';
import { rbacFindings } from './findings.js';
import { buildRbac, resolveAll } from './resolve.js';
import { whoCan } from './who-can.js';

const word = fc.constantFrom('*', '', 'get', 'list', 'create', 'update', 'bind', 'escalate', 'impersonate', 'approve', 'pods', 'pods/exec', '*/scale', 'secrets', 'nodes/proxy', 'users', 'apps', 'default', 'system:anonymous', 'system:authenticated', 'cluster-admin', 'edit', 'a', 'b', '/metrics', '/logs/*');
const strings = fc.array(word, { maxLength: 4 });
const anything = fc.jsonValue({ maxDepth: 3 });
const rule = fc.oneof(fc.record({ verbs: strings, apiGroups: strings, resources: strings, resourceNames: strings, nonResourceURLs: strings }, { requiredKeys: [] }), anything);
const selector = fc.oneof(
  fc.record({ matchLabels: fc.dictionary(word, fc.oneof(word, anything), { maxKeys: 2 }), matchExpressions: fc.array(fc.record({ key: word, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bad'), values: fc.oneof(strings, anything) }), { maxLength: 2 }) }, { requiredKeys: [] }),
  anything,
);
const subject = fc.oneof(fc.record({ kind: fc.constantFrom('User', 'Group', 'ServiceAccount', 'Robot'), name: fc.oneof(word, fc.constant('system:serviceaccount:a:b'), anything), namespace: fc.oneof(word, anything) }, { requiredKeys: [] }), anything);
const metadata = fc.record({ name: fc.oneof(word, anything), namespace: fc.oneof(word, anything), labels: fc.oneof(fc.dictionary(word, word, { maxKeys: 3 }), anything) }, { requiredKeys: [] });
const podSpec = fc.record({ serviceAccountName: fc.oneof(word, anything), automountServiceAccountToken: fc.oneof(fc.boolean(), anything), volumes: fc.oneof(fc.array(fc.record({ name: word, secret: fc.record({ secretName: word }), projected: fc.record({ sources: fc.array(anything, { maxLength: 2 }) }) }, { requiredKeys: [] }), { maxLength: 2 }), anything), containers: fc.oneof(fc.array(fc.record({ name: word, env: anything, envFrom: anything }, { requiredKeys: [] }), { maxLength: 2 }), anything) }, { requiredKeys: [] });

const object = fc.oneof(
  fc.record({ apiVersion: fc.constant('rbac.authorization.k8s.io/v1'), kind: fc.constantFrom('Role', 'ClusterRole'), metadata, rules: fc.oneof(fc.array(rule, { maxLength: 4 }), anything), aggregationRule: fc.oneof(fc.record({ clusterRoleSelectors: fc.oneof(fc.array(selector, { maxLength: 2 }), anything) }), anything) }, { requiredKeys: ['apiVersion', 'kind'] }),
  fc.record({ apiVersion: fc.constant('rbac.authorization.k8s.io/v1'), kind: fc.constantFrom('RoleBinding', 'ClusterRoleBinding'), metadata, subjects: fc.oneof(fc.array(subject, { maxLength: 3 }), anything), roleRef: fc.oneof(fc.record({ kind: fc.oneof(fc.constantFrom('Role', 'ClusterRole', 'Other'), anything), name: fc.oneof(word, anything) }, { requiredKeys: [] }), anything) }, { requiredKeys: ['apiVersion', 'kind'] }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ServiceAccount'), metadata, automountServiceAccountToken: anything }, { requiredKeys: ['apiVersion', 'kind'] }),
  fc.record({ apiVersion: fc.constant('apps/v1'), kind: fc.constantFrom('Deployment', 'PodTemplate'), metadata, spec: fc.oneof(fc.record({ template: fc.record({ spec: podSpec }) }), anything), template: fc.record({ spec: podSpec }) }, { requiredKeys: ['apiVersion', 'kind'] }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata, spec: fc.oneof(podSpec, anything) }, { requiredKeys: ['apiVersion', 'kind'] }),
);

describe('RBAC analysis on arbitrary objects', () => {
  it('never throws, whatever the fields hold', () => {
    fc.assert(
      fc.property(fc.array(object, { maxLength: 8 }), (docs) => {
        const text = docs.map((d) => JSON.stringify(d)).join('\n---\n');
        const objects = [...objectsOfText(text, 'fuzz.yaml')];
        const rbac = buildRbac(objects);
        const findings = rbacFindings(rbac, { includeDefaults: true });
        for (const f of findings) expect(f.rbac.chain.length).toBeGreaterThan(0);
        blastRadius(objects, rbac);
        riskyWorkloads(objects, rbac);
        resolveAll(rbac);
        whoCan(rbac, { verb: 'get', resource: 'secrets', namespace: 'a' });
        whoCan(rbac, { verb: 'get', resource: '/metrics' });
        whoCan(rbac, { verb: 'update', resource: 'deployments/scale', namespace: 'b', name: 'x' });
      }),
      { numRuns: 150 },
    );
  });
});
