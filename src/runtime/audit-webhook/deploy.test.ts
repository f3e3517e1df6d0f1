/**
 * deploy/audit-webhook: the webhook kubeconfig, the Service and the
 * Deployment agree on address, port and path; the Deployment's arguments are
 * ones the CLI accepts; and the audit policy records, at a level that carries
 * what they read, every resource the Falco k8s audit rules look at, without
 * ever logging secret contents.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { AUDIT_WEBHOOK_PATH, parseListenAddress } from './index.js';
import { K8S_AUDIT_RULES } from './testing.js';

const DEPLOY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/audit-webhook');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are checked field by field
type Manifest = Record<string, any>;
const load = (name: string) => parse(readFileSync(path.join(DEPLOY, name), 'utf8')) as Manifest;
const docs = parseAllDocuments(readFileSync(path.join(DEPLOY, 'deployment.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
const ofKind = (kind: string) => docs.find((d) => d.kind === kind)!;

interface PolicyRule {
  level: string;
  verbs?: string[];
  users?: string[];
  nonResourceURLs?: string[];
  resources?: { group: string; resources?: string[] }[];
}

/** The level the policy gives a request (first matching rule), as kube-apiserver decides it. */
function levelOf(rules: PolicyRule[], req: { verb: string; resource: string; user?: string }): string {
  for (const r of rules) {
    if (r.nonResourceURLs) continue;
    if (r.verbs && !r.verbs.includes(req.verb)) continue;
    if (r.users && !r.users.includes(req.user ?? 'alice')) continue;
    if (r.resources && !r.resources.some((g) => !g.resources || g.resources.includes(req.resource))) continue;
    return r.level;
  }
  return 'None';
}

describe('deploy/audit-webhook', () => {
  it('the kubeconfig points at the Service ClusterIP, port and the webhook path, with a CA and a token', () => {
    const kc = load('webhook-kubeconfig.yaml');
    expect(kc).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': 'bulkhead-audit' });
    const cluster = kc.clusters[0].cluster;
    const url = new URL(cluster.server);
    const svc = ofKind('Service');
    expect(url.protocol).toBe('https:');
    expect(url.hostname).toBe(svc.spec.clusterIP);
    expect(Number(url.port || 443)).toBe(svc.spec.ports[0].port);
    expect(url.pathname).toBe(AUDIT_WEBHOOK_PATH);
    expect(cluster['certificate-authority-data']).toBeTruthy();
    expect(kc.users[0].user.token).toBeTruthy();
  });

  it('the Deployment runs the command on the port the Service targets, with TLS, token and rules mounted', () => {
    const dep = ofKind('Deployment');
    const c = dep.spec.template.spec.containers[0];
    const args = c.args as string[];
    expect(args.slice(0, 2)).toEqual(['runtime', 'audit-webhook']);
    const flag = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    const svc = ofKind('Service');
    const port = c.ports.find((p: { name: string }) => p.name === svc.spec.ports[0].targetPort);
    expect(parseListenAddress(flag('--listen')!).port).toBe(port.containerPort);
    const mounts = c.volumeMounts as { name: string; mountPath: string }[];
    for (const [f, volume] of [['--tls-cert', 'tls'], ['--tls-key', 'tls'], ['--token-file', 'token'], ['--rules', 'rules']] as const) {
      expect(flag(f)!.startsWith(`${mounts.find((m) => m.name === volume)!.mountPath}/`)).toBe(true);
    }
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    expect(docs.every((d) => d.kind === 'Namespace' || d.metadata.namespace === ofKind('Namespace').metadata.name)).toBe(true);
  });

  it('the audit policy records what the Falco k8s audit rules read, and never secret contents', () => {
    const policy = load('audit-policy.yaml');
    expect(policy).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy' });
    expect(policy.omitStages).toEqual(['RequestReceived']);
    const rules = policy.rules as PolicyRule[];
    const falco = readFileSync(K8S_AUDIT_RULES, 'utf8');
    const resources = [...new Set([...falco.matchAll(/ka\.target\.resource\s*=\s*([a-z]+)/g)].map((m) => m[1]!))];
    expect(resources.length).toBeGreaterThan(8);
    for (const resource of resources) {
      const write = levelOf(rules, { verb: 'create', resource });
      expect({ resource, write }).toEqual({ resource, write: resource === 'secrets' ? 'Metadata' : 'RequestResponse' });
      expect({ resource, get: levelOf(rules, { verb: 'get', resource }) }).toEqual({ resource, get: 'Metadata' });
    }
    for (const sub of ['pods/exec', 'pods/attach', 'pods/ephemeralcontainers']) expect(levelOf(rules, { verb: 'create', resource: sub })).toBe('RequestResponse');
    expect(levelOf(rules, { verb: 'update', resource: 'secrets' })).toBe('Metadata');
    expect(levelOf(rules, { verb: 'create', resource: 'somecustomresources' })).toBe('Metadata');
    expect(levelOf(rules, { verb: 'update', resource: 'leases' })).toBe('None');
  });
});
