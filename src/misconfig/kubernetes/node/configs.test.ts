import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/image-builder.js';
import { nodeConfigFindings } from './index.js';

const cpTestdata = join(import.meta.dirname, '..', 'controlplane', 'testdata');

async function node(): Promise<string> {
  const root = tempDir('bulkhead-node-cfg-');
  await mkdir(join(root, 'etc/kubernetes/manifests'), { recursive: true });
  await mkdir(join(root, 'var/lib/kubelet'), { recursive: true });
  await copyFile(join(cpTestdata, 'kube-apiserver.bad.yaml'), join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'));
  await copyFile(join(cpTestdata, 'etcd.good.yaml'), join(root, 'etc/kubernetes/manifests/etcd.yaml'));
  await writeFile(join(root, 'etc/kubernetes/manifests/broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n');
  await symlink(join(cpTestdata, 'kube-scheduler.bad.yaml'), join(root, 'etc/kubernetes/manifests/kube-scheduler.yaml'));
  await copyFile(join(cpTestdata, 'kubelet-config.good.yaml'), join(root, 'var/lib/kubelet/config.yaml'));
  await copyFile(join(cpTestdata, 'kubeadm-flags.env'), join(root, 'var/lib/kubelet/kubeadm-flags.env'));
  return root;
}

describe('nodeConfigFindings', () => {
  it('judges the static pods and the kubelet of a node, pointing into the node\'s files', async () => {
    const r = await nodeConfigFindings(await node());
    expect(r.read).toEqual([
      '/etc/kubernetes/manifests/broken.yaml',
      '/etc/kubernetes/manifests/etcd.yaml',
      '/etc/kubernetes/manifests/kube-apiserver.yaml',
      '/var/lib/kubelet/config.yaml',
      '/var/lib/kubelet/kubeadm-flags.env',
    ]);
    const apiserver = r.findings.filter((f) => f.location.path === '/etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(apiserver.length).toBe(29);
    expect(apiserver.find((f) => f.id === 'BH-K8S-105')!.location.startLine).toBe(17);
    expect(r.findings.filter((f) => f.location.path === '/etc/kubernetes/manifests/etcd.yaml')).toEqual([]);
    // The linked scheduler manifest was not followed.
    expect(r.findings.some((f) => f.id === 'BH-K8S-136')).toBe(false);
    expect(r.findings.filter((f) => f.location.path === '/var/lib/kubelet/kubeadm-flags.env').map((f) => [f.id, f.location.startLine])).toEqual([
      ['BH-K8S-147', 3],
      ['BH-K8S-151', 3],
    ]);
  });

  it('reports an unreadable manifest as a problem with its line, and keeps going', async () => {
    const r = await nodeConfigFindings(await node());
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.path).toBe('/etc/kubernetes/manifests/broken.yaml');
    expect(r.problems[0]!.message).toMatch(/invalid YAML.*broken\.yaml:\d/);
  });

  it('says so when the kubelet config file is not a KubeletConfiguration', async () => {
    const root = tempDir('bulkhead-node-cfg2-');
    await mkdir(join(root, 'var/lib/kubelet'), { recursive: true });
    await writeFile(join(root, 'var/lib/kubelet/config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const r = await nodeConfigFindings(root);
    expect(r.findings).toEqual([]);
    expect(r.problems.map((p) => p.path)).toEqual(['/var/lib/kubelet/config.yaml']);
  });
});
