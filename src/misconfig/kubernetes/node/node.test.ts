import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../../../core/errors.js';
import { tempDir } from '../../../../test/helpers/image-builder.js';
import { nodeChecks, nodeFindings, nodeScan } from './index.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) console.log('node.test.ts: not running as root, so files cannot be given other owners; ownership assertions are skipped');

async function put(root: string, path: string, mode: number, content = 'x\n'): Promise<void> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  await chmod(full, mode);
}

async function dir(root: string, path: string, mode: number): Promise<void> {
  await mkdir(join(root, path), { recursive: true });
  await chmod(join(root, path), mode);
}

/** A kubeadm control-plane node laid out as CIS wants it. */
async function goodNode(): Promise<string> {
  const root = tempDir('bulkhead-node-good-');
  await put(root, '/etc/passwd', 0o644, 'root:x:0:0:root:/root:/bin/bash\netcd:x:998:998::/var/lib/etcd:/usr/sbin/nologin\n');
  await put(root, '/etc/group', 0o644, 'root:x:0:\netcd:x:998:\n');
  for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) await put(root, `/etc/kubernetes/manifests/${m}.yaml`, 0o600);
  await put(root, '/etc/kubernetes/manifests/etcd.yaml', 0o600, 'spec:\n  containers:\n  - command:\n    - etcd\n    - --data-dir=/data/etcd\n');
  for (const f of ['admin.conf', 'super-admin.conf', 'scheduler.conf', 'controller-manager.conf', 'kubelet.conf']) await put(root, `/etc/kubernetes/${f}`, 0o600);
  for (const f of ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'etcd/ca.crt', 'etcd/ca.key']) await put(root, `/etc/kubernetes/pki/${f}`, 0o600);
  await put(root, '/etc/kubernetes/pki/sa.pub', 0o644);
  await dir(root, '/data/etcd', 0o700);
  if (isRoot) await chown(join(root, '/data/etcd'), 998, 998);
  await put(root, '/etc/cni/net.d/10-calico.conflist', 0o600);
  await put(root, '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', 0o600);
  await put(root, '/var/lib/kubelet/config.yaml', 0o600, 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n');
  return root;
}

/** A node with loose modes, foreign owners and links where files should be. */
async function badNode(): Promise<string> {
  const root = tempDir('bulkhead-node-bad-');
  await put(root, '/etc/kubernetes/manifests/kube-apiserver.yaml', 0o644);
  await put(root, '/etc/kubernetes/manifests/etcd.yaml', 0o600);
  await put(root, '/etc/kubernetes/admin.conf', 0o644);
  await put(root, '/etc/kubernetes/scheduler.conf', 0o640);
  await put(root, '/etc/kubernetes/pki/ca.crt', 0o644);
  await put(root, '/etc/kubernetes/pki/ca.key', 0o640);
  await put(root, '/etc/kubernetes/pki/apiserver.key', 0o4600);
  await dir(root, '/var/lib/etcd', 0o755);
  await put(root, '/etc/cni/net.d/10-flannel.conflist', 0o666);
  await put(root, '/var/lib/kubelet/config.yaml', 0o644, 'authentication:\n  x509:\n    clientCAFile: /srv/kubelet-ca.crt\n');
  await put(root, '/srv/kubelet-ca.crt', 0o664);
  const outside = tempDir('bulkhead-node-outside-');
  await put(outside, '/kubelet.conf', 0o600);
  await symlink(join(outside, 'kubelet.conf'), join(root, '/etc/kubernetes/kubelet.conf'));
  await mkdir(join(outside, 'etcd-pki'));
  await put(outside, '/etcd-pki/peer.key', 0o644);
  await symlink(join(outside, 'etcd-pki'), join(root, '/etc/kubernetes/pki/etcd'));
  if (isRoot) await chown(join(root, '/etc/kubernetes/manifests/kube-apiserver.yaml'), 1000, 1000);
  return root;
}

describe('nodeScan', () => {
  let good: string;
  let bad: string;
  beforeAll(async () => {
    good = await goodNode();
    bad = await badNode();
  });

  it('finds nothing on a node laid out as CIS wants, and says what it checked', async () => {
    const r = await nodeScan(good);
    expect(r.findings.map((f) => `${f.id} ${f.evidence}`)).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.checked).toContain('/etc/kubernetes/admin.conf');
    expect(r.checked).toContain('/data/etcd'); // --data-dir of the etcd manifest
    expect(r.checked).toContain('/etc/kubernetes/pki/etcd/ca.key');
    expect(r.checked).toContain('/etc/cni/net.d/10-calico.conflist');
  });

  it('reports loose permissions with the mode, grading credentials readable by all as critical', async () => {
    const fs = await nodeFindings(bad);
    const perm = (path: string) => fs.filter((f) => f.location.path === path && /has mode/.test(f.evidence ?? ''));
    expect(perm('/etc/kubernetes/admin.conf').map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['BH-K8S-212', 'critical', 'CIS 1.1.13: /etc/kubernetes/admin.conf has mode 0644; at most 0600 allowed'],
    ]);
    expect(perm('/etc/kubernetes/scheduler.conf').map((f) => [f.id, f.severity])).toEqual([['BH-K8S-214', 'medium']]);
    expect(perm('/etc/kubernetes/manifests/kube-apiserver.yaml').map((f) => f.id)).toEqual(['BH-K8S-200']);
    expect(perm('/etc/kubernetes/pki/ca.crt').map((f) => [f.id, f.severity])).toEqual([['BH-K8S-219', 'low']]);
    expect(perm('/etc/kubernetes/pki/ca.key').map((f) => [f.id, f.severity])).toEqual([['BH-K8S-220', 'high']]);
    expect(perm('/etc/kubernetes/pki/apiserver.key')[0]!.evidence).toBe('CIS 1.1.21: /etc/kubernetes/pki/apiserver.key has mode 04600; at most 0600 allowed');
    expect(perm('/var/lib/etcd').map((f) => [f.id, f.severity])).toEqual([['BH-K8S-210', 'high']]);
    expect(perm('/etc/cni/net.d/10-flannel.conflist').map((f) => [f.id, f.severity])).toEqual([['BH-K8S-208', 'critical']]);
    expect(perm('/var/lib/kubelet/config.yaml').map((f) => f.id)).toEqual(['BH-K8S-229']);
    // The client CA named by the kubelet config, not the kubeadm default.
    expect(perm('/srv/kubelet-ca.crt').map((f) => f.id)).toEqual(['BH-K8S-227']);
    expect(perm('/etc/kubernetes/pki/etcd/peer.key')).toEqual([]);
  });

  it('reports links as links, never following them', async () => {
    const fs = await nodeFindings(bad);
    const links = fs.filter((f) => /symbolic link/.test(f.evidence ?? ''));
    expect(links.every((f) => f.severity === 'info')).toBe(true);
    expect(links.map((f) => `${f.id} ${f.location.path}`).sort()).toEqual([
      'BH-K8S-218 /etc/kubernetes/pki/etcd',
      'BH-K8S-225 /etc/kubernetes/kubelet.conf',
      'BH-K8S-226 /etc/kubernetes/kubelet.conf',
    ]);
    // Nothing behind the links was examined.
    expect(fs.some((f) => f.location.path?.includes('peer.key'))).toBe(false);
    expect((await nodeScan(bad)).checked.some((p) => p.includes('peer.key'))).toBe(false);
  });

  it('does not walk through a linked directory on the way to a file', async () => {
    const root = tempDir('bulkhead-node-linkdir-');
    const real = tempDir('bulkhead-node-real-');
    await put(real, '/admin.conf', 0o644);
    await mkdir(join(root, 'etc'), { recursive: true });
    await symlink(real, join(root, 'etc/kubernetes'));
    await put(root, '/var/lib/kubelet/config.yaml', 0o600);
    const fs = await nodeFindings(root);
    expect(fs.some((f) => /has mode/.test(f.evidence ?? '') && f.location.path?.startsWith('/etc/kubernetes/'))).toBe(false);
    expect(fs.find((f) => f.location.path === '/etc/kubernetes')?.evidence).toMatch(/is a symbolic link to .*; links are not followed/);
  });

  it.skipIf(!isRoot)('checks ownership: root:root, and etcd:etcd against the node\'s own passwd', async () => {
    const fs = await nodeFindings(bad);
    const own = (path: string) => fs.filter((f) => f.location.path === path && /owned by/.test(f.evidence ?? '')).map((f) => [f.id, f.evidence]);
    expect(own('/etc/kubernetes/manifests/kube-apiserver.yaml')).toEqual([['BH-K8S-201', 'CIS 1.1.2: /etc/kubernetes/manifests/kube-apiserver.yaml is owned by uid 1000, gid 1000; expected root:root']]);
    expect(own('/var/lib/etcd')).toEqual([
      ['BH-K8S-211', "CIS 1.1.12: /var/lib/etcd is owned by uid 0, gid 0; expected etcd:etcd, and the node's /etc/passwd and /etc/group define no etcd user"],
    ]);
    expect(own('/etc/kubernetes/admin.conf')).toEqual([]);
  });

  it('refuses a missing root, a file, or a directory that is not a node', async () => {
    await expect(nodeScan('/nonexistent/bulkhead-node')).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    const file = join(tempDir(), 'f');
    await writeFile(file, 'x');
    await expect(nodeScan(file)).rejects.toMatchObject({ code: 'TARGET_UNSUPPORTED' });
    const empty = tempDir();
    const err = await nodeScan(empty).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).code).toBe('NOTHING_FOUND');
    expect((err as BulkheadError).hint).toMatch(/root of a node/);
  });

  it('has one check per CIS control, with unique ids in BH-K8S-200…', () => {
    const ids = nodeChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of nodeChecks) {
      expect(c.id).toMatch(/^BH-K8S-2\d\d$/);
      expect(c.references.filter((r) => r.startsWith('cis-k8s:'))).toHaveLength(1);
    }
  });
});
