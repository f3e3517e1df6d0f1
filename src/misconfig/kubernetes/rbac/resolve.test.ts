import { describe, expect, it } from 'vitest';
import { buildRbac, can, effectivePermissions, knownSubjects, permissionsJson, resolveAll } from './resolve.js';
import type { RequestAttributes } from './match.js';
import type { Subject } from './subjects.js';
import { fixture } from './testdata/load.js';

const { objects } = fixture('semantics.yaml');
const rbac = buildRbac(objects);
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });
const user = (name: string): Subject => ({ kind: 'User', name });
/** `binding via subject` for each grant, so a test shows which path allowed it. */
const why = (s: Subject, a: RequestAttributes) => can(rbac, s, a).map((g) => `${g.binding.name} via ${g.via.kind} ${g.via.name}`);

describe('RoleBinding to a ClusterRole', () => {
  const pods = { verb: 'get', apiGroup: '', resource: 'pods', name: 'p' };
  it('grants in the binding namespace only, with the ServiceAccount namespace defaulted from the binding', () => {
    expect(why(sa('a', 'app'), { ...pods, namespace: 'a' })).toEqual(['read-pods via ServiceAccount app']);
    expect(why(sa('a', 'app'), { ...pods, namespace: 'b' })).toEqual([]);
    expect(why(sa('b', 'app'), { ...pods, namespace: 'a' })).toEqual([]);
  });
  it('never grants cluster-wide requests or cluster-scoped resources', () => {
    expect(why(sa('a', 'app'), { verb: 'list', apiGroup: '', resource: 'pods' })).toEqual([]);
    expect(why(sa('a', 'app'), { verb: 'get', apiGroup: '', resource: 'nodes', name: 'n1' })).toEqual([]);
  });
  it('never grants non-resource URLs', () => {
    expect(why(user('url-user'), { verb: 'get', path: '/metrics' })).toEqual([]);
  });
});

describe('implicit groups', () => {
  it('every service account is in system:serviceaccounts, its namespace group and system:authenticated', () => {
    expect(why(sa('x', 'any'), { verb: 'get', path: '/metrics' })).toEqual(['sa-metrics via Group system:serviceaccounts']);
    expect(why(sa('b', 'any'), { verb: 'get', apiGroup: '', resource: 'configmaps', name: 'c', namespace: 'q' })).toEqual(['ns-b-sas via Group system:serviceaccounts:b']);
    expect(why(sa('a', 'any'), { verb: 'get', apiGroup: '', resource: 'configmaps', name: 'c', namespace: 'q' })).toEqual([]);
    expect(why(sa('a', 'any'), { verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'l', namespace: 'q' })).toEqual(['all-authenticated via Group system:authenticated']);
  });
  it('users are authenticated, not service accounts; anonymous is only unauthenticated', () => {
    expect(why(user('alice'), { verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'l', namespace: 'q' })).toEqual(['all-authenticated via Group system:authenticated']);
    expect(why(user('alice'), { verb: 'get', path: '/metrics' })).toEqual([]);
    expect(why(user('alice'), { verb: 'get', path: '/version' })).toEqual([]);
    expect(why(user('system:anonymous'), { verb: 'get', path: '/version' })).toEqual(['anonymous-version via Group system:unauthenticated']);
    expect(why(user('system:anonymous'), { verb: 'get', apiGroup: 'coordination.k8s.io', resource: 'leases', name: 'l', namespace: 'q' })).toEqual([]);
  });
});

describe('rule details', () => {
  it('resourceNames allow the named object only, and never a list', () => {
    const cm = { verb: 'get', apiGroup: '', resource: 'configmaps', namespace: 'a' };
    expect(why(user('named-user'), { ...cm, name: 'app-config' })).toEqual(['named via User named-user']);
    expect(why(user('named-user'), { ...cm, name: 'other' })).toEqual([]);
    expect(why(user('named-user'), { ...cm, verb: 'list' })).toEqual([]);
  });
  it('nonResourceURLs match exactly or by a trailing-* prefix', () => {
    expect(why(sa('x', 'y'), { verb: 'get', path: '/logs/kube-apiserver.log' })).toHaveLength(1);
    expect(why(sa('x', 'y'), { verb: 'get', path: '/logsx' })).toEqual([]);
    expect(why(sa('x', 'y'), { verb: 'get', path: '/metrics/extra' })).toEqual([]);
    expect(why(sa('x', 'y'), { verb: 'post', path: '/metrics' })).toEqual([]);
  });
  it('a User named system:serviceaccount:<ns>:<name> is that service account, and */scale covers every scale subresource of the group', () => {
    const scale = { verb: 'update', apiGroup: 'apps', namespace: 'a', name: 'w', subresource: 'scale' };
    expect(why(sa('a', 'worker'), { ...scale, resource: 'deployments' })).toEqual(['as-user via ServiceAccount worker']);
    expect(why(sa('a', 'worker'), { ...scale, resource: 'statefulsets' })).toHaveLength(1);
    expect(why(sa('a', 'worker'), { ...scale, resource: 'deployments', subresource: undefined })).toEqual([]);
    expect(why(sa('a', 'worker'), { ...scale, apiGroup: '', resource: 'replicationcontrollers' })).toEqual([]);
  });
  it('a ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody and is reported', () => {
    expect(rbac.model.bindings.find((b) => b.name === 'orphan-sa')!.subjects).toEqual([]);
    expect(rbac.model.problems.map((p) => p.message)).toContain('ClusterRoleBinding orphan-sa: ServiceAccount orphan has no namespace and never matches');
  });
});

describe('effective permissions', () => {
  it('list every rule per scope with its chain, including implicit groups', () => {
    const p = effectivePermissions(rbac, sa('a', 'app'));
    expect(p.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:a', 'system:authenticated']);
    expect(p.clusterWide.map((g) => `${g.binding.name} ${g.via.name} #${g.rule.index}`).sort()).toEqual(['all-authenticated system:authenticated #0', 'sa-metrics system:serviceaccounts #0']);
    expect([...p.byNamespace.keys()]).toEqual(['a']);
    expect(p.byNamespace.get('a')!.map((g) => g.rule.index)).toEqual([0, 1]);
    const json = permissionsJson(p);
    expect(json.scopes.map((s) => s.namespace ?? '*')).toEqual(['*', 'a']);
    expect(json.scopes[1]!.rules[0]).toEqual({
      verbs: ['get', 'list'],
      apiGroups: [''],
      resources: ['pods'],
      resourceNames: [],
      nonResourceURLs: [],
      via: { binding: { kind: 'RoleBinding', name: 'read-pods', namespace: 'a' }, role: { kind: 'ClusterRole', name: 'pod-reader' }, ruleIndex: 0 },
    });
    expect(json.scopes[0]!.rules.map((r) => r.via.viaGroup).sort()).toEqual(['system:authenticated', 'system:serviceaccounts']);
  });

  it('cover every known identity', () => {
    const names = knownSubjects(rbac).map((s) => `${s.kind}:${s.namespace ?? ''}:${s.name}`);
    expect(names).toEqual([
      'ServiceAccount:a:app',
      'ServiceAccount:a:worker',
      'User::named-user',
      'User::system:anonymous',
      'User::url-user',
      'Group::system:authenticated',
      'Group::system:serviceaccounts',
      'Group::system:serviceaccounts:b',
      'Group::system:unauthenticated',
    ]);
    expect(resolveAll(rbac)).toHaveLength(names.length);
  });
});
