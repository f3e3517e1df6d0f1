/** Hostile policies and manifests: loading fails only with POLICY_INVALID, evaluation never throws. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../../core/errors.js';
import { objectsOfText } from '../input/load.js';
import type { JsonObject, K8sObject } from '../input/object.js';
import { evaluatePolicies } from './findings.js';
import { loadAdmissionPolicies } from './policy.js';

function objectOf(apiVersion: string, kind: string, data: JsonObject, namespace?: string): K8sObject {
  const name = typeof (data['metadata'] as JsonObject | undefined)?.['name'] === 'string' ? ((data['metadata'] as JsonObject)['name'] as string) : 'fuzz';
  return {
    apiVersion,
    kind,
    name,
    ...(namespace ? { namespace } : {}),
    data: { ...data, apiVersion, kind },
    file: 'fuzz.yaml',
    range: { startLine: 1, endLine: 1 },
    locate: () => ({ startLine: 1, endLine: 1 }),
    ref: { apiVersion, kind, name },
  };
}

const anyValue = fc.oneof(fc.constantFrom(null, true, 1, 'x', '*', 'CREATE', 'Deny', 'Fail', 'object.spec', 'true', "object.x >"), fc.jsonValue({ maxDepth: 3 }));

describe('loading hostile policies', () => {
  it('either loads or throws POLICY_INVALID', () => {
    const spec = fc.record(
      {
        failurePolicy: anyValue,
        paramKind: fc.oneof(anyValue, fc.record({ apiVersion: anyValue, kind: anyValue })),
        matchConstraints: fc.oneof(anyValue, fc.record({ resourceRules: fc.oneof(anyValue, fc.array(fc.dictionary(fc.constantFrom('apiGroups', 'apiVersions', 'resources', 'operations', 'scope'), anyValue))) }, { requiredKeys: [] })),
        validations: fc.oneof(anyValue, fc.array(fc.record({ expression: anyValue, message: anyValue, messageExpression: anyValue, reason: anyValue }, { requiredKeys: [] }), { maxLength: 3 })),
        variables: fc.oneof(anyValue, fc.array(fc.record({ name: anyValue, expression: anyValue }, { requiredKeys: [] }), { maxLength: 3 })),
        matchConditions: fc.oneof(anyValue, fc.array(fc.record({ name: anyValue, expression: anyValue }, { requiredKeys: [] }), { maxLength: 2 })),
        auditAnnotations: fc.oneof(anyValue, fc.array(fc.record({ key: anyValue, valueExpression: anyValue }, { requiredKeys: [] }), { maxLength: 2 })),
      },
      { requiredKeys: [] },
    );
    const bindingSpec = fc.record(
      { policyName: fc.constantFrom('p', 'q'), validationActions: fc.oneof(anyValue, fc.array(fc.constantFrom('Deny', 'Warn', 'Audit', 'x'))), paramRef: anyValue, matchResources: anyValue },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(spec, bindingSpec, (s, b) => {
        const objects = [
          objectOf('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', { metadata: { name: 'p' }, spec: s }),
          objectOf('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', { metadata: { name: 'b' }, spec: b }),
        ];
        try {
          const policies = loadAdmissionPolicies(objects);
          evaluatePolicies(policies, [...objects, objectOf('apps/v1', 'Deployment', { metadata: { name: 'd' }, spec: { replicas: 1 } }, 'default')]);
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
          expect((e as BulkheadError).code).toBe('POLICY_INVALID');
          expect((e as BulkheadError).where).toMatch(/^fuzz\.yaml:\d+$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluating realistic policies on hostile manifests', () => {
  const file = fileURLToPath(new URL('./testdata/policies.yaml', import.meta.url));
  const policyObjects = [...objectsOfText(readFileSync(file, 'utf8'), file)];
  const policies = loadAdmissionPolicies(policyObjects);

  it('never throws', () => {
    const kinds = fc.constantFrom<[string, string]>(['apps/v1', 'Deployment'], ['v1', 'Pod'], ['v1', 'ConfigMap'], ['v1', 'Namespace'], ['example.com/v1', 'Widget'], ['apps/v1', 'StatefulSet']);
    const data = fc.record(
      {
        metadata: fc.oneof(anyValue, fc.record({ name: anyValue, labels: fc.oneof(anyValue, fc.dictionary(fc.constantFrom('team', 'env', 'bulkhead.example/skip-image-check'), anyValue)) }, { requiredKeys: [] })),
        spec: fc.oneof(
          anyValue,
          fc.record({ replicas: anyValue, containers: anyValue, template: fc.oneof(anyValue, fc.record({ spec: fc.record({ containers: fc.oneof(anyValue, fc.array(fc.record({ image: anyValue, resources: anyValue }, { requiredKeys: [] }))) }) })) }, { requiredKeys: [] }),
        ),
        data: anyValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(kinds, data, fc.constantFrom(undefined, 'prod', 'dev', 'policy-config')), { maxLength: 4 }), (docs) => {
        const objects = docs.map(([[apiVersion, kind], d, ns]) => objectOf(apiVersion, kind, d as JsonObject, ns));
        const findings = evaluatePolicies(policies, [...policyObjects, ...objects]);
        for (const f of findings) expect(f.id).toMatch(/^VAP:/);
      }),
      { numRuns: 200 },
    );
  });
});
