/** evaluatePod must never throw, whatever shape (or type) the pod fields have. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, K8sObject } from '../input/object.js';
import { podOf } from '../input/pod.js';
import { admissionVerdicts, namespacePolicy } from './namespace.js';
import { evaluatePod } from './evaluate.js';
import { pssFindings } from './findings.js';

const anyValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, 1, -1, '', 'ALL', 'Unconfined', 'RuntimeDefault', 'windows', 'Unmasked', 'x'),
  fc.jsonValue({ maxDepth: 3 }),
);
const securityContext = fc.dictionary(
  fc.constantFrom('privileged', 'capabilities', 'seccompProfile', 'appArmorProfile', 'seLinuxOptions', 'procMount', 'runAsUser', 'runAsNonRoot', 'allowPrivilegeEscalation', 'windowsOptions', 'sysctls'),
  fc.oneof(anyValue, fc.record({ type: anyValue, add: fc.array(anyValue), drop: fc.array(anyValue), hostProcess: anyValue, user: anyValue, name: anyValue })),
);
const container = fc.oneof(
  anyValue,
  fc.record(
    {
      name: anyValue,
      securityContext: fc.oneof(securityContext, anyValue),
      ports: fc.oneof(fc.array(fc.record({ hostPort: anyValue }, { requiredKeys: [] })), anyValue),
      livenessProbe: fc.oneof(fc.record({ httpGet: fc.record({ host: anyValue }), tcpSocket: anyValue }, { requiredKeys: [] }), anyValue),
      lifecycle: fc.oneof(fc.record({ preStop: fc.record({ httpGet: fc.record({ host: anyValue }) }) }), anyValue),
    },
    { requiredKeys: [] },
  ),
);
const spec = fc.record(
  {
    containers: fc.oneof(fc.array(container, { maxLength: 3 }), anyValue),
    initContainers: fc.oneof(fc.array(container, { maxLength: 2 }), anyValue),
    ephemeralContainers: fc.oneof(fc.array(container, { maxLength: 2 }), anyValue),
    securityContext: fc.oneof(securityContext, anyValue),
    volumes: fc.oneof(fc.array(fc.oneof(anyValue, fc.dictionary(fc.constantFrom('name', 'hostPath', 'nfs', 'emptyDir', 'weird'), anyValue))), anyValue),
    hostNetwork: anyValue,
    hostPID: anyValue,
    hostUsers: anyValue,
    os: fc.oneof(fc.record({ name: anyValue }), anyValue),
    runtimeClassName: anyValue,
  },
  { requiredKeys: [] },
);
const annotations = fc.dictionary(
  fc.constantFrom('seccomp.security.alpha.kubernetes.io/pod', 'container.apparmor.security.beta.kubernetes.io/x', 'container.seccomp.security.alpha.kubernetes.io/app', 'other'),
  anyValue,
);

function objectOf(data: JsonObject): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    name: 'fuzz',
    data,
    file: 'fuzz.yaml',
    range: { startLine: 1, endLine: 1 },
    locate: () => ({ startLine: 1, endLine: 1 }),
    ref: { apiVersion: 'v1', kind: 'Pod', name: 'fuzz' },
  };
}

describe('evaluatePod on hostile pod specs', () => {
  it('never throws, at any level and version', () => {
    const policy = namespacePolicy({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'baseline' });
    fc.assert(
      fc.property(spec, annotations, fc.constantFrom('latest', 'v1.0', 'v1.18', 'v1.24', 'v1.34', 'v1.35') , (s, a, version) => {
        const pod = podOf(objectOf({ metadata: { annotations: a }, spec: s }))!;
        expect(pod).toBeDefined();
        for (const level of ['baseline', 'restricted'] as const) {
          const results = evaluatePod(pod, level, version as 'latest');
          for (const r of results) if (!r.allowed) expect(typeof r.forbiddenReason).toBe('string');
          pssFindings(pod, level, version as 'latest');
        }
        admissionVerdicts(pod, policy);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON as a spec', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 })), (s) => {
        const pod = podOf(objectOf({ spec: s }));
        if (pod) evaluatePod(pod, 'restricted', 'latest');
      }),
      { numRuns: 200 },
    );
  });
});
