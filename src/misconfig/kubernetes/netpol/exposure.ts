/**
 * What reaches a workload from outside the cluster, and what a compromise of
 * it would hand over: Services (LoadBalancer, NodePort, externalIPs) and
 * Ingress backends make workloads internet-exposed; mounted Secrets (volumes,
 * projected volumes, env and envFrom) make them worth reaching.
 *
 * A LoadBalancer is internet-facing unless a cloud annotation makes it
 * internal or its source ranges (field or annotation) leave out 0.0.0.0/0 and
 * ::/0. NodePorts and externalIPs count as exposed (the node and external
 * addresses are outside the model), and so does every Ingress backend (we
 * cannot see whether the ingress controller is public).
 */
import { asArray, asObject, asString, asStringMap, containersOf, describeObject, getIn, type FieldPath, type K8sObject } from '../input/index.js';
import { report, type ParseContext } from './policies.js';
import { parseProtocol } from './ports.js';
import type { IngressInfo, NetworkModel, ServiceInfo, ServicePort, Workload } from './types.js';

const INTERNAL_LB: ReadonlyArray<[string, (v: string) => boolean]> = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', (v) => v !== 'false'],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', (v) => v === 'internal'],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', (v) => v === 'true'],
  ['networking.gke.io/load-balancer-type', (v) => v.toLowerCase() === 'internal'],
  ['cloud.google.com/load-balancer-type', (v) => v.toLowerCase() === 'internal'],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', (v) => v === 'true'],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', (v) => v === 'true'],
];
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

export function parseServices(ctx: ParseContext, objects: readonly K8sObject[], model: Pick<NetworkModel, 'workloads'>): { services: ServiceInfo[]; ingresses: IngressInfo[] } {
  const services: ServiceInfo[] = [];
  const ingresses: IngressInfo[] = [];
  for (const obj of objects) {
    const namespace = obj.namespace ?? 'default';
    const spec = asObject(obj.data['spec']);
    if (!spec) {
      report(ctx, obj, ['spec'], `${obj.kind} has no spec; ignored`);
      continue;
    }
    if (obj.kind === 'Service') {
      const annotations = asStringMap(asObject(obj.data['metadata'])?.['annotations']);
      const rawSelector = spec['selector'];
      const selector = asStringMap(rawSelector);
      const hasSelector = Object.keys(selector).length > 0;
      const ports: ServicePort[] = asArray(spec['ports']).flatMap((p) => {
        const o = asObject(p);
        const protocol = parseProtocol(o?.['protocol']);
        if (!o || !protocol) return [];
        const sp: ServicePort = { protocol };
        if (typeof o['port'] === 'number') sp.port = o['port'];
        if (typeof o['nodePort'] === 'number') sp.nodePort = o['nodePort'];
        if (typeof o['targetPort'] === 'number' || typeof o['targetPort'] === 'string') sp.targetPort = o['targetPort'];
        return [sp];
      });
      const ranges = asArray(spec['loadBalancerSourceRanges']).filter((x): x is string => typeof x === 'string');
      const annotated = annotations[SOURCE_RANGES_ANNOTATION];
      if (annotated) ranges.push(...annotated.split(',').map((s) => s.trim()).filter(Boolean));
      const workloads = hasSelector ? model.workloads.filter((w) => w.namespace === namespace && Object.entries(selector).every(([k, v]) => w.labels[k] === v)).map((w) => w.id) : [];
      services.push({
        object: obj,
        namespace,
        name: obj.name,
        type: asString(spec['type']) ?? 'ClusterIP',
        ...(hasSelector ? { selector } : {}),
        ports,
        loadBalancerSourceRanges: ranges,
        externalIPs: asArray(spec['externalIPs']).filter((x): x is string => typeof x === 'string'),
        internal: INTERNAL_LB.some(([k, test]) => annotations[k] !== undefined && test(annotations[k])),
        workloads,
      });
    } else {
      const backends: IngressInfo['backends'] = [];
      const add = (path: FieldPath) => {
        const v1 = asString(getIn(obj.data, [...path, 'service', 'name']));
        const beta = asString(getIn(obj.data, [...path, 'serviceName']));
        if (v1) backends.push({ service: v1, path: [...path, 'service', 'name'] });
        else if (beta) backends.push({ service: beta, path: [...path, 'serviceName'] });
      };
      add(['spec', 'defaultBackend']);
      add(['spec', 'backend']);
      asArray(spec['rules']).forEach((_r, i) => {
        asArray(getIn(spec, ['rules', i, 'http', 'paths'])).forEach((_p, j) => add(['spec', 'rules', i, 'http', 'paths', j, 'backend']));
      });
      ingresses.push({ object: obj, namespace, name: obj.name, backends });
    }
  }
  return { services, ingresses };
}

export interface Exposure {
  /** The Service or Ingress. */
  via: K8sObject;
  /** `Service shop/web type LoadBalancer`, … */
  reason: string;
}

const OPEN = new Set(['0.0.0.0/0', '::/0']);

/** Internet-exposed workloads (by id), with what exposes each. */
export function exposedWorkloads(model: NetworkModel): Map<number, Exposure[]> {
  const out = new Map<number, Exposure[]>();
  const add = (id: number, e: Exposure) => {
    const list = out.get(id) ?? [];
    if (!list.some((x) => x.via === e.via)) list.push(e);
    out.set(id, list);
  };
  for (const s of model.services) {
    const label = `Service ${s.namespace}/${s.name}`;
    let reason: string | undefined;
    if (s.type === 'LoadBalancer' && !s.internal && (s.loadBalancerSourceRanges.length === 0 || s.loadBalancerSourceRanges.some((r) => OPEN.has(r)))) reason = `${label} type LoadBalancer`;
    else if (s.type === 'NodePort' || s.type === 'LoadBalancer') reason = `${label} type ${s.type} (node ports)`;
    else if (s.externalIPs.length) reason = `${label} externalIPs ${s.externalIPs.join(',')}`;
    if (reason) for (const id of s.workloads) add(id, { via: s.object, reason });
  }
  for (const ing of model.ingresses) {
    for (const b of ing.backends) {
      const svc = model.services.find((s) => s.namespace === ing.namespace && s.name === b.service);
      if (!svc) continue;
      for (const id of svc.workloads) add(id, { via: ing.object, reason: `Ingress ${ing.namespace}/${ing.name} backend ${b.service}` });
    }
  }
  return out;
}

/** Secrets a workload mounts or reads into its environment: `secret db-creds (volume)`. */
export function secretsOf(w: Workload): string[] {
  const out = new Set<string>();
  for (const v of asArray(w.pod.spec['volumes'])) {
    const vol = asObject(v);
    const name = asString(getIn(vol, ['secret', 'secretName']));
    if (name) out.add(`secret ${name} (volume)`);
    for (const src of asArray(getIn(vol, ['projected', 'sources']))) {
      const n = asString(getIn(src, ['secret', 'name']));
      if (n) out.add(`secret ${n} (projected volume)`);
    }
  }
  for (const c of containersOf(w.pod)) {
    for (const e of asArray(c.data['env'])) {
      const n = asString(getIn(e, ['valueFrom', 'secretKeyRef', 'name']));
      if (n) out.add(`secret ${n} (env)`);
    }
    for (const e of asArray(c.data['envFrom'])) {
      const n = asString(getIn(e, ['secretRef', 'name']));
      if (n) out.add(`secret ${n} (envFrom)`);
    }
  }
  return [...out].sort();
}

export const describeWorkload = (w: Workload): string => describeObject({ apiVersion: w.object.apiVersion, kind: w.kind, name: w.name, namespace: w.namespace });
