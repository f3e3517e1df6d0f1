import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectsOfText, refOf, type JsonObject, type K8sObject } from '../input/index.js';
import { exposureFindings, workloadFindings } from './index.js';

/** A K8sObject around arbitrary data, as the loader would make it (without YAML in between). */
function objectOf(data: JsonObject, kind: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind,
    name: 'fuzz',
    namespace: typeof data['ns'] === 'string' ? data['ns'] : undefined,
    data,
    file: 'fuzz.yaml',
    range: { startLine: 1, endLine: 1 },
    locate: () => ({ startLine: 1, endLine: 1 }),
    ref: refOf('v1', kind, 'fuzz'),
  };
}

const kinds = fc.constantFrom('Pod', 'Deployment', 'CronJob', 'Job', 'DaemonSet', 'PodTemplate', 'Service', 'ConfigMap', 'Ingress', 'Secret', 'Widget');
const value = fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true, withMap: false, withSet: false });
const container = fc.oneof(
  value,
  fc.record(
    {
      name: fc.oneof(fc.string(), value),
      image: fc.oneof(fc.constantFrom('nginx', 'a:latest', 'r:5000/a@sha256:xyz', '@', ':', 'a:1.2'), fc.string(), value),
      env: fc.oneof(value, fc.array(fc.oneof(value, fc.record({ name: fc.oneof(fc.string(), value), value: fc.oneof(fc.string(), value) })))),
      args: fc.oneof(value, fc.array(fc.oneof(fc.string(), value))),
      securityContext: fc.oneof(value, fc.record({ capabilities: fc.oneof(value, fc.record({ add: value, drop: value })), runAsUser: value, privileged: value })),
      ports: fc.oneof(value, fc.array(fc.oneof(value, fc.record({ hostPort: value })))),
      resources: value,
      volumeMounts: value,
    },
    { requiredKeys: [] },
  ),
);
const podSpec = fc.record(
  {
    containers: fc.oneof(value, fc.array(container, { maxLength: 3 })),
    initContainers: fc.oneof(value, fc.array(container, { maxLength: 2 })),
    volumes: fc.oneof(value, fc.array(fc.oneof(value, fc.record({ name: value, hostPath: fc.oneof(value, fc.record({ path: fc.oneof(fc.string(), value) })) })))),
    hostPID: value,
    hostNetwork: value,
    hostAliases: value,
    securityContext: value,
    os: value,
    automountServiceAccountToken: value,
    serviceAccountName: value,
  },
  { requiredKeys: [] },
);
const data = fc.record(
  {
    ns: fc.oneof(fc.constant('default'), fc.string(), value),
    metadata: fc.oneof(value, fc.record({ annotations: value, labels: value, ownerReferences: value })),
    spec: fc.oneof(
      value,
      podSpec,
      fc.record({ template: fc.oneof(value, fc.record({ metadata: value, spec: podSpec })) }),
      fc.record({ jobTemplate: fc.record({ spec: fc.record({ template: fc.record({ spec: podSpec }) }) }) }),
      fc.record({ type: fc.constantFrom('NodePort', 'LoadBalancer'), selector: value, ports: value, externalIPs: value, loadBalancerSourceRanges: value, tls: value, rules: value }),
    ),
    data: fc.oneof(value, fc.dictionary(fc.string(), fc.oneof(fc.string(), value))),
  },
  { requiredKeys: [] },
);

describe('workload checks on arbitrary input', () => {
  it('never throw and always return findings with an id and a location', () => {
    fc.assert(
      fc.property(data, kinds, (d, kind) => {
        const obj = objectOf(d as JsonObject, kind);
        const findings = [...workloadFindings(obj), ...exposureFindings([obj])];
        for (const f of findings) {
          expect(f.id).toMatch(/^BH-K8S-0\d\d$/);
          expect(f.location.path).toBe('fuzz.yaml');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throw on documents that went through the real loader', () => {
    fc.assert(
      fc.property(data, kinds, (d, kind) => {
        let text: string;
        try {
          text = JSON.stringify({ apiVersion: 'v1', kind, metadata: { name: 'x' }, ...(d as object) });
        } catch {
          return;
        }
        for (const obj of objectsOfText(text, 'fuzz.json')) workloadFindings(obj);
      }),
      { numRuns: 150 },
    );
  });
});
