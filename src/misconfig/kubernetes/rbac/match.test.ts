import { describe, expect, it } from 'vitest';
import { nonResourceURLMatches, resourceMatches, ruleAllows, type RequestAttributes } from './match.js';
import type { PolicyRule } from './model.js';

const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...r });

describe('rule matching as the RBAC authorizer does it', () => {
  it.each<[string, Partial<PolicyRule>, RequestAttributes, boolean]>([
    ['exact', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'get', apiGroup: '', resource: 'pods' }, true],
    ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'list', apiGroup: '', resource: 'pods' }, false],
    ['other group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, { verb: 'get', apiGroup: '', resource: 'pods' }, false],
    ['* verbs', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, { verb: 'deletecollection', apiGroup: '', resource: 'pods' }, true],
    ['* groups', { verbs: ['get'], apiGroups: ['*'], resources: ['widgets'] }, { verb: 'get', apiGroup: 'example.com', resource: 'widgets' }, true],
    ['* resources covers subresources', { verbs: ['create'], apiGroups: [''], resources: ['*'] }, { verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec' }, true],
    ['pods does not cover pods/exec', { verbs: ['create'], apiGroups: [''], resources: ['pods'] }, { verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec' }, false],
    ['*/scale', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }, true],
    ['*/scale is not the resource', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, { verb: 'update', apiGroup: 'apps', resource: 'deployments' }, false],
    ['*/scale is not */status', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'status' }, false],
    ['resourceNames with the name', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, { verb: 'get', apiGroup: '', resource: 'secrets', name: 'a' }, true],
    ['resourceNames, other name', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, { verb: 'get', apiGroup: '', resource: 'secrets', name: 'b' }, false],
    ['resourceNames never match a list', { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, { verb: 'list', apiGroup: '', resource: 'secrets' }, false],
    ['a resource rule never matches a URL', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verb: 'get', path: '/metrics' }, false],
    ['a URL rule never matches a resource', { verbs: ['get'], nonResourceURLs: ['*'] }, { verb: 'get', apiGroup: '', resource: 'pods' }, false],
    ['any group when the question has none', { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] }, { verb: 'get', resource: 'widgets' }, true],
  ])('%s', (_name, r, a, expected) => {
    expect(ruleAllows(rule(r), a)).toBe(expected);
  });

  it.each<[string[], string, boolean]>([
    [['/healthz'], '/healthz', true],
    [['/healthz'], '/healthz/etcd', false],
    [['/healthz/*'], '/healthz/etcd', true],
    [['/healthz/*'], '/healthz', false],
    [['/healthz*'], '/healthzzz', true],
    [['/api/**'], '/api/v1', true],
    [['*'], '/anything', true],
  ])('nonResourceURLs %j for %s: %s', (urls, path, expected) => {
    expect(nonResourceURLMatches(rule({ nonResourceURLs: urls }), path)).toBe(expected);
    expect(ruleAllows(rule({ verbs: ['get'], nonResourceURLs: urls }), { verb: 'get', path })).toBe(expected);
  });

  it('*/x matches only a subresource of exactly that name', () => {
    expect(resourceMatches(rule({ resources: ['*/exec'] }), 'pods/exec', 'exec')).toBe(true);
    expect(resourceMatches(rule({ resources: ['*/exec'] }), 'pods/xexec', 'xexec')).toBe(false);
  });
});
