/**
 * Checks of objects that are not pods: the namespace an object lands in,
 * credentials in ConfigMaps, and Ingress hosts served without TLS.
 */
import { findingFor } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import { asArray, asObject, asString, isObject, locationOf, type K8sObject } from '../input/object.js';
import { configMapSecretCheck, defaultNamespaceCheck, ingressTlsCheck } from './checks.js';
import { report, show } from './context.js';
import { secretInPair, secretInText } from './secret-values.js';

/** Namespaced kinds this check knows; cluster-scoped and unknown kinds (CRDs) are never reported. */
const NAMESPACED_KINDS = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate',
  'Rollout', 'DeploymentConfig', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'Ingress',
  'NetworkPolicy', 'PersistentVolumeClaim', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'LimitRange', 'ResourceQuota',
]);

/** Objects every cluster has in `default`: a dump listing them says nothing about the user's choices. */
function isBuiltinDefaultObject(obj: K8sObject): boolean {
  if (obj.kind === 'Service' && obj.name === 'kubernetes') return true;
  if (obj.kind === 'ConfigMap' && obj.name === 'kube-root-ca.crt') return true;
  if (obj.kind === 'ServiceAccount' && obj.name === 'default') return true;
  return false;
}

export function namespaceFindings(obj: K8sObject, out: Finding[]): void {
  if (!NAMESPACED_KINDS.has(obj.kind)) return;
  const ctx = { obj, out };
  if (obj.namespace === 'default') {
    if (isBuiltinDefaultObject(obj)) return;
    report(ctx, defaultNamespaceCheck, ['metadata', 'namespace'], `${obj.kind} "${obj.name}" is in the default namespace`);
  } else if (obj.namespace === undefined || obj.namespace === '') {
    report(ctx, defaultNamespaceCheck, ['metadata'], `${obj.kind} "${obj.name}" sets no namespace: it is created in the deploying context's namespace (default unless configured)`, {
      severity: 'info',
      title: 'Object sets no namespace',
    });
  }
}

const MAX_KEYS = 1000;
const MAX_FINDINGS_PER_CONFIGMAP = 20;

export function configMapFindings(obj: K8sObject, out: Finding[]): void {
  if (obj.kind !== 'ConfigMap') return;
  const data = asObject(obj.data['data']);
  if (!data) return;
  let count = 0;
  for (const [key, value] of Object.entries(data).slice(0, MAX_KEYS)) {
    if (count >= MAX_FINDINGS_PER_CONFIGMAP) break;
    if (typeof value !== 'string') continue;
    const multiLine = value.includes('\n');
    // A one-line value is a name=value pair; a multi-line value is a config file, scanned as text.
    const hit = multiLine ? secretInText(value, `data.${key.slice(0, 128)}`) : secretInPair(key, value, `data.${key.slice(0, 128)}`);
    if (!hit) continue;
    count++;
    const location = locationOf(obj, ['data', key]);
    // Block scalars start their text on the line after the key.
    if (multiLine && location.startLine !== undefined) {
      const line = Math.min(location.endLine ?? location.startLine, location.startLine + hit.line);
      location.startLine = line;
      location.endLine = line;
    }
    out.push(
      findingFor(configMapSecretCheck, location, {
        evidence: `${hit.shown}${hit.reason === 'name' ? '' : ` [${hit.reason}]`}`,
        title: `Secret in ConfigMap key ${key.slice(0, 128)}`,
      }),
    );
  }
}

/** Whether a TLS host entry covers a rule host (`*.example.com` covers one label). */
function covers(tlsHost: string, host: string): boolean {
  const t = tlsHost.toLowerCase();
  const h = host.toLowerCase();
  if (t === h) return true;
  if (t.startsWith('*.')) {
    const rest = h.slice(h.indexOf('.') + 1);
    return h.includes('.') && rest === t.slice(2);
  }
  return false;
}

export function ingressFindings(obj: K8sObject, out: Finding[]): void {
  if (obj.kind !== 'Ingress') return;
  const spec = asObject(obj.data['spec']);
  if (!spec) return;
  const ctx = { obj, out };
  const tls = asArray(spec['tls']).filter(isObject);
  const rules = asArray(spec['rules']);
  if (!tls.length) {
    const hosts = rules.map((r) => asString(asObject(r)?.['host'])).filter((h): h is string => !!h);
    report(ctx, ingressTlsCheck, rules.length ? ['spec', 'rules'] : ['spec'], `no spec.tls: ${hosts.length ? hosts.slice(0, 5).map((h) => show(h)).join(', ') : 'every host'} served over plain HTTP`);
    return;
  }
  const tlsHosts = tls.flatMap((t) => asArray(t['hosts'])).filter((h): h is string => typeof h === 'string');
  rules.slice(0, MAX_KEYS).forEach((r, i) => {
    const host = asString(asObject(r)?.['host']);
    if (!host || tlsHosts.some((t) => covers(t, host))) return;
    report(ctx, ingressTlsCheck, ['spec', 'rules', i, 'host'], `host ${show(host)} is not listed in any spec.tls[].hosts`);
  });
}
