import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/index.js';
import { exposedWorkloads, secretsOf } from './exposure.js';
import { buildNetworkModel } from './model.js';

const deploy = (name: string, extra = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n${extra}      containers: [{name: c, image: i}]\n`;
const svc = (name: string, app: string, spec: string, annotations = '{}') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop, annotations: ${annotations}}\nspec:\n  selector: {app: ${app}}\n${spec}`;

describe('exposedWorkloads', () => {
  it('knows which Services and Ingresses put a workload on the internet', () => {
    const text = [
      deploy('public'),
      deploy('internal'),
      deploy('ranged'),
      deploy('nodeport'),
      deploy('ingressed'),
      deploy('private'),
      svc('public', 'public', '  type: LoadBalancer\n'),
      svc('internal', 'internal', '  type: LoadBalancer\n', '{networking.gke.io/load-balancer-type: Internal}'),
      svc('ranged', 'ranged', '  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24]\n'),
      svc('nodeport', 'nodeport', '  type: NodePort\n'),
      svc('ingressed', 'ingressed', '  type: ClusterIP\n'),
      svc('private', 'private', '  type: ClusterIP\n'),
      `apiVersion: v1\nkind: Service\nmetadata: {name: manual, namespace: shop}\nspec: {type: LoadBalancer}\n`,
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site, namespace: shop}\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            backend: {service: {name: ingressed, port: {number: 80}}}\n          - path: /x\n            backend: {service: {name: missing, port: {number: 80}}}\n`,
    ].join('---\n');
    const model = buildNetworkModel([...objectsOfText(text, 'svc.yaml')]);
    const exposed = exposedWorkloads(model);
    const byName = Object.fromEntries([...exposed].map(([id, es]) => [model.workloads[id]!.name, es.map((e) => e.reason)]));
    expect(byName).toEqual({
      public: ['Service shop/public type LoadBalancer'],
      internal: ['Service shop/internal type LoadBalancer (node ports)'],
      ranged: ['Service shop/ranged type LoadBalancer (node ports)'],
      nodeport: ['Service shop/nodeport type NodePort (node ports)'],
      ingressed: ['Ingress shop/site backend ingressed'],
    });
    expect(model.services.find((s) => s.name === 'manual')!.workloads).toEqual([]);
    expect(model.services.find((s) => s.name === 'internal')!.internal).toBe(true);
  });

  it('lists the Secrets a workload mounts or reads into its environment', () => {
    const extra = `      volumes:\n        - {name: a, secret: {secretName: tls}}\n        - {name: b, projected: {sources: [{secret: {name: bundle}}, {configMap: {name: cm}}]}}\n`;
    const text = deploy('app', extra).replace('containers: [{name: c, image: i}]', 'containers: [{name: c, image: i, env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: p}}}], envFrom: [{secretRef: {name: all}}]}]');
    const model = buildNetworkModel([...objectsOfText(text, 'app.yaml')]);
    expect(secretsOf(model.workloads[0]!)).toEqual(['secret all (envFrom)', 'secret bundle (projected volume)', 'secret db (env)', 'secret tls (volume)']);
  });
});
