import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/load.js';
import { requestOf } from './match.js';
import { guessPlural, ResourceIndex } from './resources.js';
import { compileSelector, SelectorError } from './selector.js';

describe('resources', () => {
  it('knows built-in kinds and their scope', () => {
    const idx = new ResourceIndex();
    expect(idx.resourceOf('apps/v1', 'Deployment', 'x')).toEqual({ group: 'apps', version: 'v1', resource: 'deployments', namespaced: true });
    expect(idx.resourceOf('v1', 'Namespace')).toEqual({ group: '', version: 'v1', resource: 'namespaces', namespaced: false });
    expect(idx.resourceOf('networking.k8s.io/v1', 'NetworkPolicy', 'x').resource).toBe('networkpolicies');
  });

  it('learns custom resources from CRDs and guesses the rest', () => {
    const [crd] = objectsOfText(
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gateways.example.com\nspec:\n  group: example.com\n  scope: Cluster\n  names:\n    kind: Gateway\n    plural: gateways\n',
      'crd.yaml',
    );
    const idx = new ResourceIndex([crd!]);
    expect(idx.resourceOf('example.com/v1', 'Gateway', 'ns')).toEqual({ group: 'example.com', version: 'v1', resource: 'gateways', namespaced: false });
    expect(idx.resourceOf('example.com/v1', 'Policy', 'ns')).toEqual({ group: 'example.com', version: 'v1', resource: 'policies', namespaced: true, guessed: true });
    expect(['Ingress', 'Proxy', 'Batch', 'Key'].map(guessPlural)).toEqual(['ingresses', 'proxies', 'batches', 'keys']);
  });

  it('makes a CREATE request of each object, with the namespace the API server would use', () => {
    const objs = [
      ...objectsOfText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    x: y\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  generateName: job-\n  namespace: team\n', 'r.yaml'),
    ];
    const idx = new ResourceIndex();
    const namespaces = new Map([['team', objs[1]!]]);
    const [cm, ns, pod] = objs.map((o) => requestOf(o, idx, namespaces));
    expect([cm!.namespace, cm!.namespaceLabels]).toEqual(['default', { 'kubernetes.io/metadata.name': 'default' }]);
    expect([ns!.namespace, ns!.namespaceLabels]).toEqual(['team', { x: 'y', 'kubernetes.io/metadata.name': 'team' }]);
    expect([pod!.name, pod!.namespace, pod!.namespaceLabels]).toEqual(['', 'team', { x: 'y', 'kubernetes.io/metadata.name': 'team' }]);
  });
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'frontend' };
  it.each([
    [undefined, true],
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, false],
  ])('%j → %s', (selector, want) => {
    expect(compileSelector(selector)(labels)).toBe(want);
  });

  it.each([
    [[]],
    [{ matchLabels: { a: 1 } }],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }],
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }],
    [{ matchExpressions: [{ operator: 'Exists' }] }],
  ])('rejects %j', (selector) => {
    expect(() => compileSelector(selector)).toThrow(SelectorError);
  });
});
