import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/index.js';
import { computeConnectivity } from './connectivity.js';
import { buildNetworkModel } from './model.js';
import { renderConnectivity } from './render.js';

const model = (text: string) => buildNetworkModel([...objectsOfText(text, 'in.yaml')]);
const pod = (ns: string, name: string, labels = '{app: x}', extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: ${labels}\n${extra}spec:\n  containers:\n    - name: c\n      image: i\n`;

describe('buildNetworkModel: workloads', () => {
  it('counts a controller once in a cluster dump (Deployment, its ReplicaSet, its Pods)', () => {
    const m = model(
      [
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: i}]}\n`,
        `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-5d8\n  namespace: shop\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: i}]}\n`,
        pod('shop', 'web-5d8-abc', '{app: web}', '  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8, controller: true}]\n'),
        // Its ReplicaSet is not in the input: the pod stays.
        pod('shop', 'orphan-xyz', '{app: web}', '  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, controller: true}]\n'),
        `apiVersion: v1\nkind: PodTemplate\nmetadata: {name: tpl, namespace: shop}\ntemplate:\n  metadata: {labels: {app: web}}\n  spec: {containers: [{name: c, image: i}]}\n`,
      ].join('---\n'),
    );
    expect(m.workloads.map((w) => w.key)).toEqual(['shop/orphan-xyz/Pod', 'shop/web/Deployment']);
    // Same namespace, labels and ports: one pod class.
    expect(m.classes).toHaveLength(1);
    expect(m.classes[0]!.workloads).toEqual([0, 1]);
  });

  it('leaves hostNetwork pods out, with a problem saying why', () => {
    const m = model(`apiVersion: v1\nkind: Pod\nmetadata: {name: node-agent, namespace: kube-system}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: i}]\n`);
    expect(m.workloads).toEqual([]);
    expect(m.problems).toEqual([{ where: 'in.yaml:5', object: 'kube-system/node-agent[Pod]', message: expect.stringContaining('hostNetwork pod') }]);
  });

  it('gives every namespace the automatic name label, which a given label cannot override', () => {
    const m = model(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {env: prod, kubernetes.io/metadata.name: other}\n---\n${pod('referenced', 'a')}`);
    expect(m.namespaces.get('shop')!.labels).toEqual({ env: 'prod', 'kubernetes.io/metadata.name': 'shop' });
    expect(m.namespaces.get('referenced')!.labels).toEqual({ 'kubernetes.io/metadata.name': 'referenced' });
    expect(m.namespaces.get('referenced')!.object).toBeUndefined();
  });
});

describe('buildNetworkModel: invalid policies', () => {
  it('reports what the API server would reject at its line, and matches nothing with it', () => {
    const m = model(
      [
        pod('t', 'a', '{app: a}'),
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: t}
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: In, values: []}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.0/33}
        - {}
        - ipBlock: {cidr: 10.0.0.0/8}
          podSelector: {}
      ports:
        - port: "80"
        - port: 8080
          endPort: 8000
        - protocol: ICMP
`,
        `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: no-priority}
spec:
  subject: {namespaces: {}}
`,
        `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: fail-closed}
spec:
  priority: 3
  subject: {namespaces: {}}
  egress:
    - action: Deny
      to:
        - domainNames: ["*.example.com"]
`,
        `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: calico, namespace: t}\nspec: {}\n`,
      ].join('---\n'),
    );
    expect(m.problems.map((p) => `${p.where} ${p.message}`)).toEqual([
      'in.yaml:16 spec.podSelector: In on "app" needs at least one value; it selects nothing',
      'in.yaml:21 ipBlock cidr "10.0.0.0/33" is not a CIDR; peer ignored',
      'in.yaml:22 a peer needs podSelector, namespaceSelector or ipBlock; ignored',
      'in.yaml:23 ipBlock cannot be combined with podSelector or namespaceSelector; peer ignored',
      'in.yaml:26 port "80" is neither a number nor a valid port name; entry ignored',
      'in.yaml:28 endPort needs a numeric port and must not be below it; entry ignored',
      'in.yaml:29 protocol "ICMP" is not TCP, UDP or SCTP; entry ignored',
      'in.yaml:34 priority must be an integer 0-1000; policy ignored',
      'in.yaml:46 peer has no field this analysis knows; treated as matching everything (fail closed)',
      'in.yaml:48 projectcalico.org/v3 NetworkPolicy is not modeled; connectivity ignores it',
    ]);
    expect(m.networkPolicies[0]!.subject.isEmpty()).toBe(true);
    expect(m.adminPolicies.map((p) => p.name)).toEqual(['fail-closed']);
    // The fail-closed Deny takes all egress away from t/a; the broken NetworkPolicy selects nothing, so ingress stays open.
    expect(renderConnectivity(computeConnectivity(m), 'text')).toBe('0.0.0.0/0 => t/a[Pod] : All Connections\n');
  });

  it('never confuses a Calico or Cilium policy with a NetworkPolicy', () => {
    const m = model(`${pod('t', 'a')}---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: t}\nspec: {}\n`);
    expect(m.networkPolicies).toEqual([]);
    expect(m.problems[0]!.message).toContain('cilium.io/v2 CiliumNetworkPolicy is not modeled');
  });

  it('models IPv6 only when a policy names an IPv6 CIDR, or when asked', () => {
    const v4 = model(pod('t', 'a'));
    expect(v4.families).toEqual([4]);
    expect(renderConnectivity(computeConnectivity(v4), 'text')).toBe('t/a[Pod] => 0.0.0.0/0 : All Connections\n0.0.0.0/0 => t/a[Pod] : All Connections\n');
    const asked = buildNetworkModel([...objectsOfText(pod('t', 'a'), 'in.yaml')], { ipv6: true });
    expect(renderConnectivity(computeConnectivity(asked), 'text')).toBe(
      't/a[Pod] => 0.0.0.0/0 : All Connections\nt/a[Pod] => ::/0 : All Connections\n0.0.0.0/0 => t/a[Pod] : All Connections\n::/0 => t/a[Pod] : All Connections\n',
    );
    const v6 = model(`${pod('t', 'a')}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: t}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to: [{ipBlock: {cidr: "2001:db8::/32"}}]\n`);
    expect(v6.families).toEqual([4, 6]);
    expect(renderConnectivity(computeConnectivity(v6), 'text')).toBe('t/a[Pod] => 2001:db8::/32 : All Connections\n0.0.0.0/0 => t/a[Pod] : All Connections\n::/0 => t/a[Pod] : All Connections\n');
  });

  it('reports a duplicate object once and uses the first', () => {
    const m = model(`${pod('t', 'a', '{app: one}')}---\n${pod('t', 'a', '{app: two}')}`);
    expect(m.workloads.map((w) => w.labels)).toEqual([{ app: 'one' }]);
    expect(m.problems.map((p) => p.message)).toEqual(['t/a[Pod] appears more than once; the first one is used']);
  });
});
