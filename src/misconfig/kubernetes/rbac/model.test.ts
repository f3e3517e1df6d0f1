import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/index.js';
import { buildRbacModel } from './model.js';
import { buildRbac, can } from './resolve.js';
import { fixture } from './testdata/load.js';

const rulesOf = (model: ReturnType<typeof buildRbacModel>, name: string) => model.clusterRoles.get(name)!.rules.map((r) => `${r.role.name}#${r.index}`);

describe('aggregated ClusterRoles', () => {
  const { objects } = fixture('aggregation.yaml');
  const model = buildRbacModel(objects);

  it('collect the rules of every selected role, transitively, and nothing else', () => {
    expect(rulesOf(model, 'monitoring').sort()).toEqual(['mon-deep#0', 'mon-middle#0', 'mon-pods#0']);
    expect(rulesOf(model, 'mon-middle').sort()).toEqual(['mon-deep#0', 'mon-middle#0']);
  });

  it('terminate on cycles, each side getting both', () => {
    expect(rulesOf(model, 'loop-a').sort()).toEqual(['loop-a#0', 'loop-b#0']);
    expect(rulesOf(model, 'loop-b').sort()).toEqual(['loop-a#0', 'loop-b#0']);
  });

  it('join the built-in edit and, through edit, admin, but not view', () => {
    expect(rulesOf(model, 'edit')).toContain('widgets-edit#0');
    expect(rulesOf(model, 'admin')).toContain('widgets-edit#0');
    expect(rulesOf(model, 'view')).not.toContain('widgets-edit#0');
    // admin ⊇ edit ⊇ view, as on a cluster.
    expect(rulesOf(model, 'admin')).toEqual(expect.arrayContaining(rulesOf(model, 'edit')));
    expect(rulesOf(model, 'edit')).toEqual(expect.arrayContaining(rulesOf(model, 'view')));
    expect(rulesOf(model, 'admin')).toContain('system:aggregate-to-admin#1');
    expect(rulesOf(model, 'edit')).not.toContain('system:aggregate-to-admin#1');
  });

  it('grant through the chain, naming the role the rule is written in', () => {
    const rbac = buildRbac(objects);
    const prom = { kind: 'ServiceAccount' as const, namespace: 'monitoring', name: 'prometheus' };
    const grants = can(rbac, prom, { verb: 'get', apiGroup: '', resource: 'endpoints', namespace: 'x' });
    expect(grants.map((g) => `${g.binding.name}→${g.binding.role!.name} rule ${g.rule.index} of ${g.rule.role.name}`)).toEqual(['prometheus→monitoring rule 0 of mon-deep']);
    expect(can(rbac, prom, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'x' })).toEqual([]);
    const devs = { kind: 'Group' as const, name: 'team-devs' };
    const viewers = { kind: 'Group' as const, name: 'team-viewers' };
    const widgets = { verb: 'create', apiGroup: 'example.com', resource: 'widgets', namespace: 'team' };
    expect(can(rbac, devs, widgets)).toHaveLength(1);
    expect(can(rbac, viewers, widgets)).toEqual([]);
    expect(can(rbac, devs, { verb: 'get', apiGroup: '', resource: 'secrets', name: 's', namespace: 'team' })).toHaveLength(1);
    expect(can(rbac, viewers, { verb: 'get', apiGroup: '', resource: 'secrets', name: 's', namespace: 'team' })).toEqual([]);
    expect(can(rbac, devs, { verb: 'get', apiGroup: '', resource: 'secrets', name: 's', namespace: 'other' })).toEqual([]);
  });
});

describe('model building on odd input', () => {
  const text = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: odd, namespace: x}
rules: not-a-list
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: partial}
rules:
  - "a string"
  - apiGroups: [""]
    resources: [pods]
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, 7, null]
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions: [{key: a, operator: Near}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
subjects: [{kind: Robot, name: r2}, {kind: User}, {kind: ServiceAccount, name: nons}, {kind: User, name: ok}]
roleRef: {kind: ClusterRole}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
`;
  const model = buildRbacModel(objectsOfText(text, 'odd.yaml'));

  it('keeps what it can, reports the rest with file:line, and never throws', () => {
    expect(model.clusterRoles.get('partial')!.ownRules.map((r) => r.verbs)).toEqual([[], [], ['get']]);
    expect(model.bindings[0]!.subjects.map((s) => s.subject)).toEqual([{ kind: 'User', name: 'ok' }]);
    expect(model.bindings[0]!.roleStatus).toBe('invalid');
    expect(model.serviceAccounts.has('default/app')).toBe(true);
    const messages = model.problems.map((p) => `${p.where} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'odd.yaml:5 Role odd: rules is not a list; the role grants nothing',
        'odd.yaml:11 ClusterRole partial rule 0: not a mapping; rule ignored',
        'odd.yaml:12 ClusterRole partial rule 1: no verbs; rule ignored',
        expect.stringMatching(/^odd\.yaml:19 ClusterRole partial: operator of "a" must be In, NotIn, Exists or DoesNotExist; selector ignored$/),
        expect.stringMatching(/^odd\.yaml:24 ClusterRoleBinding b subject 0: needs kind User, Group or ServiceAccount/),
        'odd.yaml:24 ClusterRoleBinding b: ServiceAccount nons has no namespace and never matches',
        'odd.yaml:25 ClusterRoleBinding b: roleRef needs a kind and a name; the binding grants nothing',
      ]),
    );
  });
});
