/**
 * The model builder and everything after it never throw on hostile input:
 * objects shaped like workloads, namespaces, services and policies with
 * random (often invalid) selectors, CIDRs, ports and actions, mixed with
 * arbitrary JSON in every field. `explain` may refuse an endpoint, but only
 * with a BulkheadError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../../core/errors.js';
import { objectsOfText } from '../input/index.js';
import { classConn, computeConnectivity, connectionsOf } from './connectivity.js';
import { explain } from './explain.js';
import { netpolFindings } from './findings.js';
import { buildNetworkModel } from './model.js';
import { hasPort, PROTOCOLS } from './ports.js';
import { CONNECTIVITY_FORMATS, renderConnectivity } from './render.js';

const junk = fc.jsonValue({ maxDepth: 2 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: junk });
const key = fc.constantFrom('app', 'tier', 'env', 'k8s-app', 'kubernetes.io/metadata.name');
const value = fc.constantFrom('a', 'b', 'web', 'db', 't', 'u', '');
const labels = fc.dictionary(key, value, { maxKeys: 3 });
const selector = maybe(
  fc.oneof(
    fc.constant({}),
    fc.record({ matchLabels: labels }),
    fc.record({
      matchLabels: fc.option(labels, { nil: undefined }),
      matchExpressions: fc.array(fc.record({ key, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'), values: fc.array(value, { maxLength: 2 }) }), { maxLength: 2 }),
    }),
  ),
);
const ip = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  fc.constantFrom('::', '2001:db8::', '::ffff:1.2.3.4', 'fe80::1'),
);
const cidr = maybe(fc.oneof(fc.tuple(ip, fc.integer({ min: -1, max: 130 })).map(([a, p]) => `${a}/${p}`), fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8', '10.0.0.0'), fc.string({ maxLength: 8 })));
const portValue = maybe(fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom('http', 'metrics', '80', 'dns')));
const protocol = fc.constantFrom(undefined, 'TCP', 'UDP', 'SCTP', 'ICMP');
const npPort = maybe(fc.record({ protocol, port: fc.option(portValue, { nil: undefined }), endPort: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }) }, { requiredKeys: [] }));
const npPeer = maybe(
  fc.oneof(
    fc.record({ podSelector: selector }),
    fc.record({ namespaceSelector: selector }),
    fc.record({ podSelector: selector, namespaceSelector: selector }),
    fc.record({ ipBlock: fc.record({ cidr, except: fc.option(fc.array(cidr, { maxLength: 2 }), { nil: undefined }) }) }),
    fc.constant({}),
  ),
);
const npRule = (dir: 'from' | 'to') => maybe(fc.record({ [dir]: fc.option(fc.array(npPeer, { maxLength: 3 }), { nil: undefined }), ports: fc.option(fc.array(npPort, { maxLength: 3 }), { nil: undefined }) }, { requiredKeys: [] }));
const ns = fc.constantFrom('t', 'u', 'default');
const meta = (name: fc.Arbitrary<string>, namespaced: boolean): fc.Arbitrary<Record<string, unknown>> => (namespaced ? fc.record({ name, namespace: ns, labels }) : fc.record({ name, labels }));
const networkPolicy = fc.record({
  apiVersion: fc.constant('networking.k8s.io/v1'),
  kind: fc.constant('NetworkPolicy'),
  metadata: meta(fc.constantFrom('p1', 'p2', 'p3'), true),
  spec: maybe(
    fc.record(
      {
        podSelector: selector,
        policyTypes: maybe(fc.subarray(['Ingress', 'Egress', 'Bogus'])),
        ingress: maybe(fc.array(npRule('from'), { maxLength: 3 })),
        egress: maybe(fc.array(npRule('to'), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    ),
  ),
});
const adminPeer = maybe(
  fc.oneof(
    fc.record({ namespaces: selector }),
    fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) }),
    fc.record({ networks: fc.array(cidr, { maxLength: 2 }) }),
    fc.record({ nodes: selector }),
    fc.constant({}),
  ),
);
const adminPort = maybe(
  fc.oneof(
    fc.record({ portNumber: maybe(fc.record({ protocol, port: portValue })) }),
    fc.record({ namedPort: maybe(fc.constantFrom('http', 'metrics')) }),
    fc.record({ portRange: maybe(fc.record({ protocol, start: portValue, end: portValue })) }),
  ),
);
const adminRule = (dir: 'from' | 'to') =>
  maybe(fc.record({ name: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }), action: fc.constantFrom('Allow', 'Deny', 'Pass', 'Nope'), [dir]: fc.array(adminPeer, { maxLength: 3 }), ports: fc.option(fc.array(adminPort, { maxLength: 2 }), { nil: undefined }) }, { requiredKeys: ['action'] }));
const adminPolicy = fc.record({
  apiVersion: fc.constant('policy.networking.k8s.io/v1alpha1'),
  kind: fc.constantFrom('AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'),
  metadata: meta(fc.constantFrom('default', 'a1', 'a2'), false),
  spec: maybe(
    fc.record(
      {
        priority: maybe(fc.integer({ min: -1, max: 1001 })),
        subject: maybe(fc.oneof(fc.record({ namespaces: selector }), fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) }))),
        ingress: maybe(fc.array(adminRule('from'), { maxLength: 3 })),
        egress: maybe(fc.array(adminRule('to'), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    ),
  ),
});
const containerPort = maybe(fc.record({ name: fc.option(fc.constantFrom('http', 'metrics', 'dns'), { nil: undefined }), containerPort: portValue, protocol }, { requiredKeys: [] }));
const workload = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constantFrom('Pod', 'Pod', 'Pod', 'PodTemplate'),
  metadata: meta(fc.constantFrom('w1', 'w2', 'w3', 'w4'), true),
  spec: maybe(fc.record({ hostNetwork: fc.constantFrom(false, false, false, true), containers: fc.array(maybe(fc.record({ name: fc.constant('c'), image: fc.constant('i'), ports: fc.array(containerPort, { maxLength: 3 }) })), { maxLength: 2 }) })),
});
const namespace = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata: meta(ns, false) });
const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata: meta(fc.constantFrom('s1', 's2'), true),
  spec: maybe(fc.record({ type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'), selector: maybe(labels), loadBalancerSourceRanges: maybe(fc.array(cidr, { maxLength: 2 })) }, { requiredKeys: [] })),
});
const object = fc.oneof(networkPolicy, networkPolicy, adminPolicy, workload, workload, workload, namespace, service);

describe('netpol fuzz', () => {
  it('builds, analyzes and renders any mix of objects without throwing', () => {
    fc.assert(
      fc.property(fc.array(object, { maxLength: 10 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }), (items, ipv6, port) => {
        const objects = [...objectsOfText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'fuzz.json')];
        const model = buildNetworkModel(objects, { ipv6 });
        const connectivity = computeConnectivity(model);
        for (const x of connectionsOf(connectivity)) expect(x.conn === 'all' || Array.isArray(x.conn)).toBe(true);
        for (const f of netpolFindings(model, { connectivity, riskyWorkloads: new Map(model.workloads.map((w) => [w.key, ['x']])) })) expect(f.location.path).toBe('fuzz.json');
        for (const format of CONNECTIVITY_FORMATS) expect(typeof renderConnectivity(connectivity, format)).toBe('string');
        for (const p of model.problems) expect(p.where).toMatch(/^fuzz\.json:\d+$/);
        const [a, b] = model.workloads;
        if (a) {
          try {
            explain(model, { from: `${a.namespace}/${a.name}/${a.kind}`, to: b ? `${b.namespace}/${b.name}` : '203.0.113.7', ...(port !== undefined ? { port } : {}) });
          } catch (e) {
            expect(e).toBeInstanceOf(BulkheadError);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('the shared-row matrix agrees with a fresh evaluation of each single port', () => {
    fc.assert(
      fc.property(fc.array(object, { minLength: 3, maxLength: 10 }), (items) => {
        const model = buildNetworkModel([...objectsOfText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'fuzz.json')]);
        const c = computeConnectivity(model);
        for (const a of model.workloads) {
          for (const b of model.workloads) {
            const matrix = model.conns.get(classConn(c, a.classId, b.classId));
            for (const protocol of PROTOCOLS) {
              for (const port of [22, 53, 80, 443, 8080, 9090]) {
                const fresh = explain(model, { from: `${a.namespace}/${a.name}/${a.kind}`, to: `${b.namespace}/${b.name}/${b.kind}`, port, protocol });
                expect(fresh.allowed).toBe(hasPort(matrix, protocol, port));
              }
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
