/**
 * Speed of the NetworkPolicy analysis on a synthetic cluster, for the
 * integrator's bench/: `benchNetpol(2000, 500)` builds namespaces of
 * tiered apps (web → api → db/cache, workers, a monitoring namespace that
 * scrapes named ports), default-deny and DNS policies per namespace, tier
 * policies with named ports, cross-namespace selectors with matchExpressions,
 * ipBlocks with excepts, two AdminNetworkPolicies and a baseline, loads them
 * through the real loader (one JSON List) and times each phase.
 */
import { objectsOfText } from '../input/index.js';
import { computeConnectivity, rawConnectionsOf } from './connectivity.js';
import { netpolFindings } from './findings.js';
import { buildNetworkModel } from './model.js';
import { renderConnectivityChunks } from './render.js';

export interface NetpolBenchResult {
  workloads: number;
  policies: number;
  namespaces: number;
  classes: number;
  atoms: number;
  rows: number;
  connections: number;
  loadMs: number;
  modelMs: number;
  connectivityMs: number;
  /** Rendering every allowed connection as text (streamed, as the CLI writes it). */
  renderTextMs: number;
  textBytes: number;
  findingsMs: number;
  totalMs: number;
  heapUsedMiB: number;
  rssMiB: number;
}

const TIERS = ['web', 'api', 'db', 'cache', 'worker'] as const;

type Json = Record<string, unknown>;

const labels = (m: Record<string, string>) => ({ matchLabels: m });

function deployment(ns: string, name: string, tier: string, i: number): Json {
  const ports: Json[] = [
    { name: 'http', containerPort: 8080 + (i % 3) },
    { name: 'metrics', containerPort: 9090 },
  ];
  if (tier === 'db') ports.push({ name: 'postgres', containerPort: 5432 });
  if (tier === 'cache') ports.push({ name: 'redis', containerPort: 6379 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: labels({ app: name }),
      template: {
        metadata: { labels: { app: name, tier, version: `v${i % 3}` } },
        spec: {
          containers: [{ name: 'main', image: `registry.example/${name}:1`, ports }],
          ...(tier === 'db' ? { volumes: [{ name: 'creds', secret: { secretName: `${name}-creds` } }] } : {}),
        },
      },
    },
  };
}

function policy(ns: string, name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

/** The synthetic cluster as one JSON List document. */
export function syntheticCluster(workloads: number, policies: number): string {
  const perNs = 40;
  const nsCount = Math.max(2, Math.ceil(workloads / perNs));
  const items: Json[] = [];
  for (let n = 0; n < nsCount; n++) {
    const ns = n === 0 ? 'monitoring' : `team-${n}`;
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: n === 0 ? { purpose: 'monitoring' } : { team: `t${n % 10}`, env: n % 2 ? 'prod' : 'dev' } } });
  }
  for (let i = 0; i < workloads; i++) {
    const n = i % nsCount;
    const ns = n === 0 ? 'monitoring' : `team-${n}`;
    const tier = TIERS[Math.floor(i / nsCount) % TIERS.length]!;
    items.push(deployment(ns, `app-${i}`, tier, i));
    if (tier === 'web' && i % 7 === 0) items.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `app-${i}`, namespace: ns }, spec: { type: 'LoadBalancer', selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 'http' }] } });
  }
  const dns = { to: [{ namespaceSelector: labels({ 'kubernetes.io/metadata.name': 'kube-system' }), podSelector: labels({ 'k8s-app': 'kube-dns' }) }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };
  let made = 0;
  for (let n = 1; n < nsCount && made < policies; n++) {
    const ns = `team-${n}`;
    items.push(policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    made++;
    if (made < policies) {
      items.push(policy(ns, 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dns] }));
      made++;
    }
  }
  let k = 0;
  while (made < policies) {
    const n = 1 + (k % (nsCount - 1));
    const ns = `team-${n}`;
    const tier = TIERS[Math.floor(k / (nsCount - 1)) % TIERS.length]!;
    const prev = TIERS[(TIERS.indexOf(tier) + TIERS.length - 1) % TIERS.length]!;
    const spec: Json = {
      podSelector: labels({ tier }),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: labels({ tier: prev }) }], ports: [{ port: 'http' }] },
        { from: [{ namespaceSelector: labels({ purpose: 'monitoring' }) }], ports: [{ port: 'metrics' }] },
        ...(k % 4 === 0 ? [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [`t${k % 10}`, `t${(k + 3) % 10}`] }] }, podSelector: { matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v0'] }] } }], ports: [{ port: 8080, endPort: 8090 }] }] : []),
      ],
      egress: [
        { to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] } }], ports: [{ port: 'postgres' }, { port: 'redis' }] },
        ...(k % 3 === 0 ? [{ to: [{ ipBlock: { cidr: `10.${k % 256}.0.0/16`, except: [`10.${k % 256}.${k % 7}.0/24`] } }], ports: [{ port: 443 }] }] : []),
        ...(k % 11 === 0 ? [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ port: 443 }] }] : []),
      ],
    };
    items.push(policy(ns, `${tier}-${k}`, spec));
    made++;
    k++;
  }
  const anpNs = { namespaces: labels({ env: 'prod' }) };
  items.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: 'monitoring-pass' },
    spec: { priority: 10, subject: anpNs, ingress: [{ action: 'Pass', from: [{ namespaces: labels({ purpose: 'monitoring' }) }], ports: [{ namedPort: 'metrics' }] }] },
  });
  items.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: 'deny-ssh' },
    spec: { priority: 20, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { protocol: 'TCP', port: 22 } }] }] },
  });
  items.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name: 'default' },
    spec: { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] },
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

export function benchNetpol(workloads = 2000, policies = 500): NetpolBenchResult {
  const text = syntheticCluster(workloads, policies);
  const t0 = performance.now();
  const objects = [...objectsOfText(text, 'synthetic.json')];
  const t1 = performance.now();
  const model = buildNetworkModel(objects);
  const t2 = performance.now();
  const connectivity = computeConnectivity(model);
  const t3 = performance.now();
  let connections = 0;
  for (const _c of rawConnectionsOf(connectivity)) connections++;
  const t3b = performance.now();
  let textBytes = 0;
  for (const chunk of renderConnectivityChunks(connectivity, 'text')) textBytes += chunk.length;
  const t4 = performance.now();
  netpolFindings(model, { connectivity });
  const t5 = performance.now();
  const mem = process.memoryUsage();
  const ms = (a: number, b: number) => Math.round(b - a);
  return {
    workloads: model.workloads.length,
    policies: model.networkPolicies.length + model.adminPolicies.length + model.baselinePolicies.length,
    namespaces: model.namespaces.size,
    classes: model.classes.length,
    atoms: model.atoms.length,
    rows: connectivity.stats.rows,
    connections,
    loadMs: ms(t0, t1),
    modelMs: ms(t1, t2),
    connectivityMs: ms(t2, t3),
    renderTextMs: ms(t3b, t4),
    textBytes,
    findingsMs: ms(t4, t5),
    totalMs: ms(t0, t5) - ms(t3, t3b),
    heapUsedMiB: Math.round(mem.heapUsed / 1048576),
    rssMiB: Math.round(mem.rss / 1048576),
  };
}
