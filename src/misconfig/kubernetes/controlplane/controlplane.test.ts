import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../core/types.js';
import { objectsOfText, type K8sObject } from '../input/index.js';
import { apiserverRules } from './apiserver.js';
import { controllerManagerRules, etcdRules, schedulerRules } from './controllers.js';
import { componentsIn, controlPlaneChecks, controlPlaneFindings } from './index.js';

const dir = join(import.meta.dirname, 'testdata');
const load = (file: string): K8sObject[] => [...objectsOfText(readFileSync(join(dir, file), 'utf8'), file)];
const findingsOf = (file: string): Finding[] => load(file).flatMap((o) => controlPlaneFindings(o));
const idsOf = (fs: Finding[]) => [...new Set(fs.map((f) => f.id))].sort();
const ruleIds = (rules: ReadonlyArray<{ check: { id: string } }>) => rules.map((r) => r.check.id).sort();

/** A static pod running `command` (one word per item). */
function staticPod(command: string[], extra = ''): K8sObject {
  const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: kube-system}
spec:
  containers:
  - name: c
    image: registry.k8s.io/kube-apiserver:v1.30.2
${extra}    command:
${command.map((w) => `    - ${JSON.stringify(w)}`).join('\n')}
`;
  return [...objectsOfText(yaml, 'pod.yaml')][0]!;
}
const ids = (obj: K8sObject) => idsOf(controlPlaneFindings(obj));

describe('control plane manifests', () => {
  it('finds nothing in hardened kubeadm manifests', () => {
    for (const f of ['kube-apiserver.good.yaml', 'kube-controller-manager.good.yaml', 'kube-scheduler.good.yaml', 'etcd.good.yaml', 'kubelet-config.good.yaml']) {
      expect(findingsOf(f).map((x) => `${f}: ${x.id} ${x.evidence}`)).toEqual([]);
    }
  });

  it('detects the component of each manifest: command, image entrypoint with args, or a shell wrapper', () => {
    expect(load('kube-apiserver.bad.yaml').flatMap(componentsIn)).toEqual(['kube-apiserver']);
    expect(load('kube-controller-manager.bad.yaml').flatMap(componentsIn)).toEqual(['kube-controller-manager']);
    expect(load('kube-scheduler.bad.yaml').flatMap(componentsIn)).toEqual(['kube-scheduler']);
    expect(load('etcd.bad.yaml').flatMap(componentsIn)).toEqual(['etcd']);
  });

  it('fails every rule of each component on the bad manifests', () => {
    expect(idsOf(findingsOf('kube-apiserver.bad.yaml'))).toEqual(ruleIds(apiserverRules));
    expect(idsOf(findingsOf('kube-controller-manager.bad.yaml'))).toEqual(ruleIds(controllerManagerRules));
    expect(idsOf(findingsOf('kube-scheduler.bad.yaml'))).toEqual(ruleIds(schedulerRules));
    expect(idsOf(findingsOf('etcd.bad.yaml'))).toEqual(ruleIds(etcdRules));
  });

  it('points at the flag item, or at the command array for a missing flag, and names the CIS id', () => {
    const fs = findingsOf('kube-apiserver.bad.yaml');
    const get = (id: string) => fs.find((f) => f.id === id)!;
    expect(get('BH-K8S-105')).toMatchObject({
      severity: 'critical',
      title: 'API server authorizes every request (AlwaysAllow) (CIS 1.2.6)',
      evidence: 'CIS 1.2.6: --authorization-mode=AlwaysAllow includes AlwaysAllow',
      location: { path: 'kube-apiserver.bad.yaml', startLine: 17, endLine: 17, object: { kind: 'Pod', name: 'kube-apiserver', namespace: 'kube-system' } },
    });
    expect(get('BH-K8S-105').references).toContain('cis-k8s:1.2.6');
    expect(get('BH-K8S-100').evidence).toBe('CIS 1.2.1: --anonymous-auth is absent; kube-apiserver defaults to true');
    expect(get('BH-K8S-100').location).toMatchObject({ startLine: 13, endLine: 29 });
    expect(get('BH-K8S-119').evidence).toBe('CIS 1.2.20: --request-timeout 0s (no timeout)');
    expect(get('BH-K8S-119').location.startLine).toBe(22);
    expect(get('BH-K8S-112').location.startLine).toBe(19);
    // Repeated list flags accumulate; broken ciphers raise the severity.
    expect(get('BH-K8S-127')).toMatchObject({ severity: 'medium', evidence: 'CIS 1.2.29: --tls-cipher-suites includes TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA' });
    expect(get('BH-K8S-127').location.startLine).toBe(28);
  });

  it('lets an etcd flag win over its ETCD_ variable, and reads variables where there is no flag', () => {
    const fs = findingsOf('etcd.bad.yaml');
    expect(fs.find((f) => f.id === 'BH-K8S-139')!.evidence).toBe('CIS 2.2: --client-cert-auth=false');
    const peerAuto = fs.find((f) => f.id === 'BH-K8S-143')!;
    expect(peerAuto.evidence).toBe('CIS 2.6: --peer-auto-tls=true');
    const lines = readFileSync(join(dir, 'etcd.bad.yaml'), 'utf8').split('\n');
    expect(lines[peerAuto.location.startLine! - 1]).toContain('value: "true"');
    expect(lines[peerAuto.location.startLine! - 2]).toContain('ETCD_PEER_AUTO_TLS');
    expect(fs.find((f) => f.id === 'BH-K8S-138')!.evidence).toBe('CIS 2.1: --key-file is not set');
  });
});

describe('kube-apiserver defaults', () => {
  it('judges a bare kube-apiserver by its documented defaults', () => {
    const bare = ids(staticPod(['kube-apiserver']));
    // Everything except the checks whose default complies: token file unset (1.2.2), AlwaysAdmit
    // not enabled (1.2.10), ServiceAccount and NamespaceLifecycle on by default (1.2.12/13),
    // request timeout 60s (1.2.20), service-account lookup on (1.2.21).
    const complies = ['BH-K8S-101', 'BH-K8S-109', 'BH-K8S-111', 'BH-K8S-112', 'BH-K8S-119', 'BH-K8S-120'];
    expect(bare).toEqual(ruleIds(apiserverRules).filter((id) => !complies.includes(id)));
  });

  it('leaves authorization modes alone when --authorization-config decides', () => {
    const withConfig = ids(staticPod(['kube-apiserver', '--authorization-config=/etc/kubernetes/authz.yaml']));
    for (const id of ['BH-K8S-105', 'BH-K8S-106', 'BH-K8S-107']) expect(withConfig).not.toContain(id);
  });

  it('reads the removed --admission-control flag as the exact plugin list', () => {
    const legacy = ids(staticPod(['kube-apiserver', '--admission-control=NodeRestriction']));
    expect(legacy).toContain('BH-K8S-111'); // ServiceAccount not listed, and no defaults with --admission-control
    expect(legacy).not.toContain('BH-K8S-113');
  });

  it('accepts any loopback bind address and hyperkube command lines', () => {
    const sched = staticPod(['/usr/local/bin/hyperkube', 'scheduler', '--bind-address=::1', '--profiling=false']);
    expect(componentsIn(sched)).toEqual(['kube-scheduler']);
    expect(ids(sched)).toEqual([]);
  });

  it('reports an unreadable boolean rather than guessing', () => {
    const f = controlPlaneFindings(staticPod(['kube-apiserver', '--anonymous-auth=maybe'])).find((x) => x.id === 'BH-K8S-100');
    expect(f!.evidence).toBe('CIS 1.2.1: --anonymous-auth=maybe is not a boolean; kube-apiserver refuses to start or ignores it');
  });

  it('ignores containers that run no control-plane component', () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: "nginx:1.27", command: ["nginx", "-g", "daemon off;"]}\n';
    expect(controlPlaneFindings([...objectsOfText(yaml, 'web.yaml')][0]!)).toEqual([]);
  });
});

describe('controlPlaneChecks', () => {
  it('have unique ids in BH-K8S-100…199, the CIS id in references and title', () => {
    const seen = new Set<string>();
    for (const c of controlPlaneChecks) {
      expect(c.id).toMatch(/^BH-K8S-1\d\d$/);
      expect(seen.has(c.id)).toBe(false);
      seen.add(c.id);
      const cis = c.references.find((r) => r.startsWith('cis-k8s:'));
      if (cis) expect(c.title).toContain(`(CIS ${cis.slice('cis-k8s:'.length)})`);
      else expect(c.id).toBe('BH-K8S-149'); // protectKernelDefaults left CIS in v1.9
    }
    expect(controlPlaneChecks.length).toBe(58);
  });
});
