import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/index.js';
import { ExposureCollector, exposureFindings } from './index.js';

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api, tier: backend}}
    spec:
      containers: [{name: c, image: "a:1.0.0"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db, tier: backend}}
    spec:
      containers: [{name: c, image: "a:1.0.0"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: other}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, image: "a:1.0.0"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: api-7d9c-x2k
  namespace: shop
  labels: {app: api}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9c, uid: "1"}]
spec:
  containers: [{name: c, image: "a:1.0.0"}]
---
apiVersion: v1
kind: Service
metadata:
  name: public
  namespace: shop
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: "0.0.0.0/0"
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["198.51.100.0/24"]
  selector: {tier: backend}
  ports: [{port: 443, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: office
  namespace: shop
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["198.51.100.0/24"]
  selector: {app: api}
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations:
    networking.gke.io/load-balancer-type: "Internal"
spec:
  type: LoadBalancer
  selector: {app: api}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec:
  type: NodePort
  ports: [{port: 9000, nodePort: 30900}]
---
apiVersion: v1
kind: Service
metadata: {name: cluster-only, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80}]
`;

describe('exposureFindings', () => {
  const objs = [...objectsOfText(yaml, 'svc.yaml')];
  const findings = exposureFindings(objs);
  const byName = (name: string) => findings.filter((f) => f.location.object?.name === name);

  it('matches selectors against pod template labels in the same namespace only, skipping controller-owned pods', () => {
    const [pub] = byName('public');
    expect(pub!.evidence).toBe('LoadBalancer open to 0.0.0.0/0; ports 443/TCP; selects shop/api[Deployment], shop/db[StatefulSet]');
    expect(pub!.severity).toBe('high');
    expect(pub!.title).toBe('Service public exposes 2 workloads outside the cluster');
    expect(pub!.location.startLine).toBe(46);
  });

  it('grades load balancers by reach: source ranges and internal annotations lower the severity', () => {
    expect(byName('office').map((f) => [f.severity, f.evidence])).toEqual([['low', 'LoadBalancer restricted to 198.51.100.0/24; ports 443/TCP; selects shop/api[Deployment]']]);
    expect(byName('internal')[0]!.severity).toBe('low');
    expect(byName('internal')[0]!.evidence).toContain('internal (networking.gke.io/load-balancer-type)');
  });

  it('reports a selector-less NodePort without workloads, and never a ClusterIP Service', () => {
    expect(byName('manual').map((f) => f.evidence)).toEqual(['NodePort: open on every node; ports 9000/TCP (nodePort 30900); no selector (endpoints managed outside Kubernetes)']);
    expect(byName('cluster-only')).toEqual([]);
  });

  it('gives the same answer streamed through the collector, in any order', () => {
    const c = new ExposureCollector();
    for (const o of [...objs].reverse()) c.add(o);
    const streamed = c.findings().map((f) => f.evidence).sort();
    expect(streamed).toEqual(findings.map((f) => f.evidence).sort());
  });
});
