/**
 * The shipped manifests (deploy/admission/) read as Kubernetes objects: the
 * webhook is configured as the handler expects, the Service reaches the
 * Deployment's port, and the webhook's own pods pass PSS restricted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getIn, objectsOfText, podOf, type K8sObject } from '../../misconfig/kubernetes/input/index.js';
import { evaluatePod, forbiddenSummary } from '../../misconfig/kubernetes/pss/index.js';
import { parseAdmissionConfig, DEFAULT_DEADLINE_MS } from './config.js';
import type { Editable } from './testing.js';

const deployDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/admission');
const objects: K8sObject[] = readdirSync(deployDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => [...objectsOfText(readFileSync(path.join(deployDir, f), 'utf8'), f)]);
const find = (kind: string) => {
  const o = objects.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind} in deploy/admission`);
  return o;
};

describe('deploy/admission manifests', () => {
  it('the ValidatingWebhookConfiguration: v1 reviews, /validate, deadline-aware timeout, side effects, exclusions', () => {
    const hook = getIn(find('ValidatingWebhookConfiguration').data, ['webhooks', 0]) as Record<string, Editable>;
    expect(hook['admissionReviewVersions']).toEqual(['v1']);
    expect(hook['clientConfig'].service).toMatchObject({ name: 'bulkhead-admission', namespace: 'bulkhead-admission', path: '/validate', port: 443 });
    expect(['Fail', 'Ignore']).toContain(hook['failurePolicy']);
    expect(hook['timeoutSeconds'] * 1000).toBeGreaterThan(DEFAULT_DEADLINE_MS);
    expect(['None', 'NoneOnDryRun']).toContain(hook['sideEffects']);
    const excluded = hook['namespaceSelector'].matchExpressions.find((m: { key: string }) => m.key === 'kubernetes.io/metadata.name');
    expect(excluded.operator).toBe('NotIn');
    expect(excluded.values).toEqual(expect.arrayContaining(['kube-system', 'bulkhead-admission']));
    const resources = (hook['rules'] as { resources: string[]; operations: string[] }[]).flatMap((r) => r.resources);
    expect(resources).toEqual(expect.arrayContaining(['pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']));
    for (const r of hook['rules'] as { operations: string[] }[]) expect(r.operations.sort()).toEqual(['CREATE', 'UPDATE']);
  });

  it('the Service targets the Deployment port and the Deployment runs `bulkhead admission` with TLS', () => {
    const dep = find('Deployment');
    const svc = find('Service');
    const container = getIn(dep.data, ['spec', 'template', 'spec', 'containers', 0]) as { args: string[]; ports: { name: string; containerPort: number }[] };
    expect(getIn(svc.data, ['spec', 'ports', 0, 'targetPort'])).toBe(container.ports[0]!.name);
    expect(container.args[0]).toBe('admission');
    expect(container.args).toEqual(expect.arrayContaining(['--tls-cert=/etc/bulkhead/tls/tls.crt', '--tls-key=/etc/bulkhead/tls/tls.key', '--listen=0.0.0.0:8443']));
    expect(getIn(svc.data, ['spec', 'selector'])).toEqual(getIn(dep.data, ['spec', 'template', 'metadata', 'labels']));
  });

  it('the webhook pods pass Pod Security restricted', () => {
    const pod = podOf(find('Deployment'))!;
    expect(forbiddenSummary(evaluatePod(pod, 'restricted', 'latest'))).toBe('');
  });

  it('the ConfigMap holds a valid admission configuration', () => {
    const text = getIn(find('ConfigMap').data, ['data', 'admission.yaml']);
    expect(typeof text).toBe('string');
    const c = parseAdmissionConfig(text as string, { source: 'configmap.yaml' });
    expect(c.deadlineMs).toBeLessThan((getIn(find('ValidatingWebhookConfiguration').data, ['webhooks', 0, 'timeoutSeconds']) as number) * 1000);
  });
});
