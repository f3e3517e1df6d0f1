/**
 * Which workloads a NodePort or LoadBalancer Service (or one with
 * externalIPs) makes reachable from outside the cluster. This needs every
 * object, so it is a collector: `add` each object as it streams by (only
 * exposing Services and the label sets of pod templates are kept), then
 * `findings()` once at the end.
 *
 * A Service selects a workload when every key/value of its selector is in
 * the workload's pod template labels and both are in the same namespace (an
 * unset namespace is `default`, as the API server would make it). A Service
 * without a selector has endpoints managed by hand; it is reported without
 * workloads.
 */
import { findingFor } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import { asArray, asObject, asString, asStringMap, describeObject, locationOf, type K8sObject } from '../input/object.js';
import { podOf } from '../input/pod.js';
import { externalIpsCheck, serviceExposureCheck } from './checks.js';

interface WorkloadLabels {
  namespace: string;
  labels: Record<string, string>;
  name: string;
}

/** Annotations that make a cloud load balancer internal (no public address). */
const INTERNAL_LB_ANNOTATIONS: ReadonlyArray<[string, (v: string) => boolean]> = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', (v) => v !== 'false'],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', (v) => v === 'internal'],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', (v) => v === 'true'],
  ['networking.gke.io/load-balancer-type', (v) => v.toLowerCase() === 'internal'],
  ['cloud.google.com/load-balancer-type', (v) => v.toLowerCase() === 'internal'],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', (v) => v === 'true'],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', (v) => v === 'true'],
];
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

const MAX_LISTED = 10;

export class ExposureCollector {
  private readonly services: K8sObject[] = [];
  private readonly workloads: WorkloadLabels[] = [];

  add(obj: K8sObject): void {
    if (obj.kind === 'Service') {
      const spec = asObject(obj.data['spec']);
      const type = asString(spec?.['type']);
      if (type === 'NodePort' || type === 'LoadBalancer' || asArray(spec?.['externalIPs']).length) this.services.push(obj);
      return;
    }
    // Pods owned by a controller (cluster dumps list both) would repeat their workload.
    const owners = asArray(asObject(obj.data['metadata'])?.['ownerReferences']);
    if (owners.length && (obj.kind === 'Pod' || obj.kind === 'ReplicaSet' || obj.kind === 'Job')) return;
    const pod = podOf(obj);
    if (!pod) return;
    this.workloads.push({ namespace: obj.namespace ?? 'default', labels: pod.labels, name: describeObject(obj.ref) });
  }

  findings(): Finding[] {
    const out: Finding[] = [];
    for (const svc of this.services) this.serviceFindings(svc, out);
    return out;
  }

  private selected(namespace: string, selector: Record<string, string>): string[] {
    const keys = Object.entries(selector);
    if (!keys.length) return [];
    return this.workloads.filter((w) => w.namespace === namespace && keys.every(([k, v]) => w.labels[k] === v)).map((w) => w.name)
      .sort();
  }

  private serviceFindings(svc: K8sObject, out: Finding[]): void {
    const spec = asObject(svc.data['spec']) ?? {};
    const type = asString(spec['type']) ?? 'ClusterIP';
    const namespace = svc.namespace ?? 'default';
    const rawSelector = asObject(spec['selector']);
    const selector = asStringMap(rawSelector);
    const targets = this.selected(namespace, selector);
    const ports = asArray(spec['ports'])
      .map((p) => asObject(p))
      .filter((p) => p !== undefined)
      .map((p) => `${String(p['port'] ?? '?')}/${asString(p['protocol']) ?? 'TCP'}${typeof p['nodePort'] === 'number' ? ` (nodePort ${p['nodePort']})` : ''}`);
    const portText = ports.length ? `ports ${ports.slice(0, MAX_LISTED).join(', ')}${ports.length > MAX_LISTED ? ', …' : ''}` : 'no ports';
    const selects = !rawSelector || !Object.keys(selector).length
      ? 'no selector (endpoints managed outside Kubernetes)'
      : targets.length
        ? `selects ${targets.slice(0, MAX_LISTED).join(', ')}${targets.length > MAX_LISTED ? `, … (${targets.length})` : ''}`
        : 'selects no workload in the scanned input';

    if (type === 'LoadBalancer' || type === 'NodePort') {
      let severity: Finding['severity'];
      let how: string;
      if (type === 'NodePort') {
        severity = 'medium';
        how = 'NodePort: open on every node';
      } else {
        const annotations = asStringMap(asObject(svc.data['metadata'])?.['annotations']);
        const internal = INTERNAL_LB_ANNOTATIONS.find(([k, test]) => annotations[k] !== undefined && test(annotations[k]!.trim()));
        const ranges = [
          ...asArray(spec['loadBalancerSourceRanges']).filter((r): r is string => typeof r === 'string'),
          ...(annotations[SOURCE_RANGES_ANNOTATION] ?? '').split(',').map((r) => r.trim()).filter(Boolean),
        ];
        const open = !ranges.length || ranges.some((r) => OPEN_RANGES.has(r));
        if (internal) {
          severity = 'low';
          how = `LoadBalancer, internal (${internal[0]})`;
        } else if (open) {
          severity = 'high';
          how = ranges.length ? `LoadBalancer open to ${ranges.filter((r) => OPEN_RANGES.has(r)).join(', ')}` : 'LoadBalancer without loadBalancerSourceRanges: reachable from the internet';
        } else {
          severity = 'low';
          how = `LoadBalancer restricted to ${ranges.slice(0, MAX_LISTED).join(', ')}`;
        }
      }
      out.push(
        findingFor(serviceExposureCheck, locationOf(svc, ['spec', 'type']), {
          severity,
          title: `Service ${svc.name} exposes ${targets.length ? `${targets.length} workload${targets.length === 1 ? '' : 's'}` : 'endpoints'} outside the cluster`,
          evidence: `${how}; ${portText}; ${selects}`,
        }),
      );
    }
    const externalIPs = asArray(spec['externalIPs']).filter((ip): ip is string => typeof ip === 'string');
    if (externalIPs.length) {
      out.push(
        findingFor(externalIpsCheck, locationOf(svc, ['spec', 'externalIPs']), {
          evidence: `externalIPs ${externalIPs.slice(0, MAX_LISTED).join(', ')}; ${portText}; ${selects}`,
        }),
      );
    }
  }
}

/** Exposure findings of a whole input (see ExposureCollector for streaming use). */
export function exposureFindings(objects: Iterable<K8sObject>): Finding[] {
  const collector = new ExposureCollector();
  for (const o of objects) collector.add(o);
  return collector.findings();
}
