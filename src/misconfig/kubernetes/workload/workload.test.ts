import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../core/types.js';
import { objectsOfText, type K8sObject } from '../input/index.js';
import { exposureFindings, serviceAccountWithoutAutomount, workloadChecks, workloadFindings } from './index.js';

const dir = join(import.meta.dirname, 'testdata');
const load = (file: string): K8sObject[] => [...objectsOfText(readFileSync(join(dir, file), 'utf8'), file)];
const all = (objs: K8sObject[]): Finding[] => [...objs.flatMap((o) => workloadFindings(o)), ...exposureFindings(objs)];
const one = (yaml: string): Finding[] => [...objectsOfText(yaml, 'x.yaml')].flatMap((o) => workloadFindings(o));
const ids = (fs: Finding[]) => fs.map((f) => f.id);

/** A minimal Deployment in namespace `apps` with one container, the given pod spec lines spliced in. */
function deployment(container: string, podSpec = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: apps
spec:
  template:
    metadata:
      labels: {app: d}
    spec:
${podSpec
  .split('\n')
  .filter(Boolean)
  .map((l) => `      ${l}`)
  .join('\n')}
      containers:
        - name: c
${container
  .split('\n')
  .filter(Boolean)
  .map((l) => `          ${l}`)
  .join('\n')}
`;
}

describe('workload checks on the test manifests', () => {
  it('finds nothing in the hardened shop', () => {
    const findings = all(load('hardened.yaml'));
    expect(findings.map((f) => `${f.id} ${f.evidence}`)).toEqual([]);
  });

  it('finds every workload check in the bad manifest', () => {
    const found = new Set(ids(all(load('bad.yaml'))));
    const missing = workloadChecks.map((c) => c.id).filter((id) => !found.has(id));
    expect(missing).toEqual([]);
  });

  it('points each finding at the offending field', () => {
    const findings = all(load('bad.yaml'));
    const at = (id: string, evidence: RegExp) => {
      const f = findings.find((x) => x.id === id && evidence.test(x.evidence ?? ''));
      expect(f, `${id} ${evidence}`).toBeDefined();
      return [f!.location.path, f!.location.startLine];
    };
    expect(at('BH-K8S-005', /"nginx" has no tag/)).toEqual(['bad.yaml', 27]);
    expect(at('BH-K8S-011', /DB_PASSWORD=S3\*+/)).toEqual(['bad.yaml', 33]);
    expect(at('BH-K8S-011', /UPSTREAM_ID.*AWS access key/)).toEqual(['bad.yaml', 35]);
    expect(at('BH-K8S-011', /args\[2\].*postgres:\/\/app:/)).toEqual(['bad.yaml', 55]);
    expect(at('BH-K8S-015', /SYS_ADMIN/)).toEqual(['bad.yaml', 40]);
    expect(at('BH-K8S-021', /hostPID: true \(line 16\)/)).toEqual(['bad.yaml', 37]);
    expect(at('BH-K8S-022', /inherits runAsUser 0/)).toEqual(['bad.yaml', 24]);
    expect(at('BH-K8S-022', /"sidecar": securityContext.runAsUser is 0/)).toEqual(['bad.yaml', 60]);
    expect(at('BH-K8S-023', /allowPrivilegeEscalation is true/)).toEqual(['bad.yaml', 38]);
    expect(at('BH-K8S-024', /hostPort 80/)).toEqual(['bad.yaml', 30]);
    expect(at('BH-K8S-013', /docker.sock/)).toEqual(['bad.yaml', 65]);
    expect(at('BH-K8S-014', /"\/etc" is \/etc \(writable in "app"\)/)).toEqual(['bad.yaml', 69]);
    expect(at('BH-K8S-007', /busybox:1.36.*IfNotPresent/)).toEqual(['bad.yaml', 51]);
    expect(at('BH-K8S-019', /payments.internal/)).toEqual(['bad.yaml', 19]);
    expect(at('BH-K8S-020', /2 containers/)).toEqual(['bad.yaml', 18]);
    expect(at('BH-K8S-017', /LoadBalancer without loadBalancerSourceRanges.*default\/legacy\[Deployment\]/)).toEqual(['bad.yaml', 80]);
  });

  it('never shows a secret value in evidence or title', () => {
    const text = JSON.stringify(all(load('bad.yaml')));
    for (const secret of ['S3cr3t-Passw0rd!', 'AKIAZ4Q2VX7NS3LRK5WT', 'ghp_R8x2Lq7Vn4Tz9Kc3Wm6Yp1Hd5Fs0Gb2Ja7Ue', 'Zr8Kq2Lm5Np9Vx3T', 'hunter2hunter2', 'Xk9mQ2vL8pR4wZ7t']) {
      expect(text).not.toContain(secret);
    }
  });

  it('reports a secret inside a multi-line ConfigMap value on its own line', () => {
    const f = all(load('bad.yaml')).find((x) => x.id === 'BH-K8S-012' && x.evidence?.includes('application.properties'));
    const lines = readFileSync(join(dir, 'bad.yaml'), 'utf8').split('\n');
    expect(lines[f!.location.startLine! - 1]).toContain('spring.datasource.password=');
  });

  it('rates a read-only sensitive mount below a writable one, and / writable as critical', () => {
    const findings = all(load('bad.yaml'));
    expect(findings.find((f) => f.id === 'BH-K8S-014' && f.evidence?.includes('/var/lib/kubelet'))!.severity).toBe('medium');
    expect(findings.find((f) => f.id === 'BH-K8S-014' && f.evidence?.includes('"/etc"'))!.severity).toBe('high');
    const root = one(deployment('image: a:1.0.0\nvolumeMounts:\n  - {name: host, mountPath: /host}', 'volumes:\n  - name: host\n    hostPath: {path: /}'));
    expect(root.find((f) => f.id === 'BH-K8S-014')!.severity).toBe('critical');
  });
});

describe('individual workload checks', () => {
  it('automount: quiet with its own service account, the opt-in annotation, or a default SA that disables it', () => {
    expect(ids(one(deployment('image: a:1.0.0')))).toContain('BH-K8S-004');
    expect(ids(one(deployment('image: a:1.0.0', 'serviceAccountName: reporter')))).not.toContain('BH-K8S-004');
    expect(ids(one(deployment('image: a:1.0.0', 'automountServiceAccountToken: false')))).not.toContain('BH-K8S-004');
    const annotated = deployment('image: a:1.0.0').replace('labels: {app: d}', 'labels: {app: d}\n      annotations: {bulkhead.dev/needs-api-access: "true"}');
    expect(ids(one(annotated))).not.toContain('BH-K8S-004');
    const [sa] = [...objectsOfText('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: apps}\nautomountServiceAccountToken: false\n', 'sa.yaml')];
    const off = new Set([serviceAccountWithoutAutomount(sa!)!]);
    const [dep] = [...objectsOfText(deployment('image: a:1.0.0'), 'd.yaml')];
    expect(ids(workloadFindings(dep!, { automountDisabledServiceAccounts: off }))).not.toContain('BH-K8S-004');
    // An explicit true in the pod still mounts it.
    const [explicit] = [...objectsOfText(deployment('image: a:1.0.0', 'automountServiceAccountToken: true'), 'd.yaml')];
    expect(ids(workloadFindings(explicit!, { automountDisabledServiceAccounts: off }))).toContain('BH-K8S-004');
  });

  it('automount: static pods never get a token, so they are not reported', () => {
    const pod = (meta: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-scheduler\n  namespace: kube-system\n${meta}spec:\n  containers:\n    - name: s\n      image: registry.k8s.io/kube-scheduler:v1.28.4\n`;
    expect(ids(one(pod('')))).toContain('BH-K8S-004');
    expect(ids(one(pod('  labels: {component: kube-scheduler, tier: control-plane}\n')))).not.toContain('BH-K8S-004');
    expect(ids(one(pod('  annotations: {kubernetes.io/config.source: file}\n')))).not.toContain('BH-K8S-004');
    expect(ids(one(pod('  annotations: {kubernetes.io/config.mirror: abc}\n')))).not.toContain('BH-K8S-004');
    // The same labels on a Deployment's pods are no static pod.
    expect(ids(one(deployment('image: a:1.0.0').replace('labels: {app: d}', 'labels: {app: d, tier: control-plane}')))).toContain('BH-K8S-004');
  });

  it('images: latest, digest pins and pull policies', () => {
    const f = (c: string) => ids(one(deployment(c)));
    expect(f('image: nginx:latest')).toContain('BH-K8S-005');
    expect(f('image: nginx:latest')).not.toContain('BH-K8S-007'); // default policy for latest is Always
    expect(f('image: nginx:latest\nimagePullPolicy: IfNotPresent')).toContain('BH-K8S-007');
    expect(f('image: nginx:1.27.3')).toContain('BH-K8S-006');
    expect(f('image: nginx:1.27.3')).not.toContain('BH-K8S-007'); // a full version is taken as fixed
    expect(f('image: nginx:1.27')).toContain('BH-K8S-007'); // floats to the newest patch
    expect(f('image: nginx:stable-alpine')).toContain('BH-K8S-007');
    expect(f('image: nginx:1.27\nimagePullPolicy: Always')).not.toContain('BH-K8S-007');
    const pinned = f('image: localhost:5000/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    expect(pinned.filter((i) => ['BH-K8S-005', 'BH-K8S-006', 'BH-K8S-007'].includes(i))).toEqual([]);
  });

  it('probes: not expected of jobs, init containers, or readiness of containers without ports', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: apps}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: a:1.0.0
          ports: [{containerPort: 80}]
`;
    expect(ids(one(job)).filter((i) => i === 'BH-K8S-008' || i === 'BH-K8S-009')).toEqual([]);
    const worker = ids(one(deployment('image: a:1.0.0')));
    expect(worker).toContain('BH-K8S-008');
    expect(worker).not.toContain('BH-K8S-009');
  });

  it('resources: a missing CPU limit alone is informational; a limit stands in for the request', () => {
    const onlyCpuMissing = one(deployment('image: a:1.0.0\nresources:\n  limits: {memory: 128Mi}\n  requests: {cpu: 100m}'));
    expect(onlyCpuMissing.find((f) => f.id === 'BH-K8S-002')!.severity).toBe('info');
    expect(ids(onlyCpuMissing)).not.toContain('BH-K8S-003');
  });

  it('capabilities: CAP_ prefixes and lower case, NET_RAW dropped by ALL, privileged skips NET_RAW', () => {
    const added = one(deployment('image: a:1.0.0\nsecurityContext:\n  capabilities:\n    add: ["cap_sys_ptrace", "NET_BIND_SERVICE"]\n    drop: ["ALL"]'));
    expect(added.filter((f) => f.id === 'BH-K8S-015').map((f) => f.evidence)).toEqual(['container "c": capabilities.add includes SYS_PTRACE']);
    expect(ids(added)).not.toContain('BH-K8S-016');
    const dropsNetRaw = ids(one(deployment('image: a:1.0.0\nsecurityContext:\n  capabilities:\n    drop: ["NET_RAW"]')));
    expect(dropsNetRaw).not.toContain('BH-K8S-016');
    expect(ids(one(deployment('image: a:1.0.0\nsecurityContext: {privileged: true}')))).not.toContain('BH-K8S-016');
    expect(ids(one(deployment('image: a:1.0.0')))).toContain('BH-K8S-016');
  });

  it('Windows pods skip Linux-only settings', () => {
    const win = ids(one(deployment('image: mcr.microsoft.com/windows/servercore:ltsc2022', 'os: {name: windows}')));
    for (const id of ['BH-K8S-001', 'BH-K8S-015', 'BH-K8S-016', 'BH-K8S-022']) expect(win).not.toContain(id);
    expect(win).toContain('BH-K8S-002');
  });

  it('privileged alone, or hostPID alone, is left to the PSS checks', () => {
    expect(ids(one(deployment('image: a:1.0.0\nsecurityContext: {privileged: true}')))).not.toContain('BH-K8S-021');
    expect(ids(one(deployment('image: a:1.0.0', 'hostPID: true')))).not.toContain('BH-K8S-021');
  });

  it('env secrets: names about a secret, placeholders and references are not secrets', () => {
    const env = (name: string, value: string) => ids(one(deployment(`image: a:1.0.0\nenv:\n  - name: ${name}\n    value: ${JSON.stringify(value)}`)));
    expect(env('API_KEY', 'q8W2zL5xR7nT')).toContain('BH-K8S-011');
    expect(env('apiKey', 'q8W2zL5xR7nT')).toContain('BH-K8S-011');
    expect(env('client-secret', 'q8W2zL5xR7nT')).toContain('BH-K8S-011');
    expect(env('DB_PASSWORD', 'changeme')).not.toContain('BH-K8S-011');
    expect(env('DB_PASSWORD', '$(DB_PASSWORD_FROM_SECRET)')).not.toContain('BH-K8S-011');
    expect(env('DB_PASSWORD_FILE', '/run/secrets/db')).not.toContain('BH-K8S-011');
    expect(env('TOKEN_TTL', '3600s')).not.toContain('BH-K8S-011');
    expect(env('KEYCLOAK_REALM', 'shop')).not.toContain('BH-K8S-011');
  });

  it('namespaces: explicit default is low, none is info, cluster-scoped and built-in objects are skipped', () => {
    const none = one('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
    expect(none.map((f) => [f.id, f.severity])).toEqual([['BH-K8S-010', 'info']]);
    expect(one('apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n')).toEqual([]);
    expect(one('apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\nspec: {type: ClusterIP}\n')).toEqual([]);
  });

  it('ingress: a wildcard TLS host covers one label only', () => {
    const ing = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, namespace: apps}
spec:
  tls:
    - hosts: ["*.example.com"]
  rules:
    - host: www.example.com
    - host: a.b.example.com
    - host: example.com
`;
    expect(one(ing).map((f) => f.evidence)).toEqual([
      'host "a.b.example.com" is not listed in any spec.tls[].hosts',
      'host "example.com" is not listed in any spec.tls[].hosts',
    ]);
  });

  it('every check is well formed and its id unique', () => {
    const seen = new Set<string>();
    for (const c of workloadChecks) {
      expect(c.id).toMatch(/^BH-K8S-0\d\d$/);
      expect(seen.has(c.id)).toBe(false);
      seen.add(c.id);
      expect(c.kind).toBe('kubernetes');
      for (const r of c.references) expect(r).toMatch(/^(cis-k8s|nsa-k8s|kubescape|trivy|mitre-attack):\S+$/);
    }
  });
});
