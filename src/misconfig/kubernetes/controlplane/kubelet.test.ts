import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objectsOfText, type K8sObject } from '../input/index.js';
import { kubeletRules } from './kubelet.js';
import { controlPlaneFindings, kubeletConfigFindings, kubeletFindings, kubeletFlagsFromText } from './index.js';

const dir = join(import.meta.dirname, 'testdata');
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const config = (f: string): K8sObject => [...objectsOfText(text(f), f)][0]!;

describe('kubelet configuration', () => {
  it('passes the hardened kubeadm config', () => {
    expect(kubeletConfigFindings(config('kubelet-config.good.yaml'))).toEqual([]);
  });

  it('fails every config-decidable rule on the bad config, at the offending field', () => {
    const fs = controlPlaneFindings(config('kubelet-config.bad.yaml'));
    const flagOnly = ['BH-K8S-151']; // --hostname-override has no config field
    expect(fs.map((f) => f.id).sort()).toEqual(kubeletRules.map((r) => r.check.id).filter((id) => !flagOnly.includes(id)).sort());
    const get = (id: string) => fs.find((f) => f.id === id)!;
    expect(get('BH-K8S-145')).toMatchObject({ severity: 'critical', evidence: 'CIS 4.2.2: authorization.mode: "AlwaysAllow"', location: { path: 'kubelet-config.bad.yaml', startLine: 8 } });
    expect(get('BH-K8S-147').location.startLine).toBe(10);
    expect(get('BH-K8S-144').references).toEqual(['cis-k8s:4.2.1', 'nsa-k8s:authentication-authorization', 'kubescape:C-0069']);
    // Absent settings are judged by the v1beta1 defaults and say so.
    expect(get('BH-K8S-154').evidence).toBe('CIS 4.2.10: rotateCertificates is not set; the kubelet defaults to false');
    expect(get('BH-K8S-149').evidence).toBe('protectKernelDefaults is not set; the kubelet defaults to false');
  });

  it('uses config-file defaults with a config, flag defaults without one', () => {
    const minimal = [...objectsOfText('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n', 'c.yaml')][0]!;
    const withConfig = kubeletFindings({ config: minimal }).map((f) => f.id);
    expect(withConfig).not.toContain('BH-K8S-145'); // authorization.mode defaults to Webhook
    expect(withConfig).not.toContain('BH-K8S-147'); // readOnlyPort defaults to 0
    expect(withConfig).toContain('BH-K8S-144'); // anonymous auth defaults to enabled
    const flagsOnly = kubeletFindings({ flags: { text: '/usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf\n', file: 'ps.txt' } }).map((f) => f.id);
    expect(flagsOnly).toContain('BH-K8S-145');
    expect(flagsOnly).toContain('BH-K8S-147');
  });

  it('lets flags override the config file and points at the flag line', () => {
    const fs = kubeletFindings({ config: config('kubelet-config.good.yaml'), flags: { text: text('kubeadm-flags.env'), file: '/var/lib/kubelet/kubeadm-flags.env' } });
    expect(fs.map((f) => [f.id, f.location.path, f.location.startLine, f.evidence])).toEqual([
      ['BH-K8S-147', '/var/lib/kubelet/kubeadm-flags.env', 3, 'CIS 4.2.4: --read-only-port=10255'],
      ['BH-K8S-151', '/var/lib/kubelet/kubeadm-flags.env', 3, 'CIS 4.2.7: --hostname-override=node-7 is set'],
    ]);
  });

  it('reads flags from env files, systemd units and ps lines', () => {
    const unit = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS \\
  --anonymous-auth=false --feature-gates=RotateKubeletServerCertificate=false
`;
    const f = kubeletFlagsFromText(unit);
    expect(f.last('kubeconfig')).toMatchObject({ value: '/etc/kubernetes/kubelet.conf', line: 2 });
    expect(f.last('config')).toMatchObject({ value: '/var/lib/kubelet/config.yaml', line: 3 });
    expect(f.bool('anonymous-auth')).toMatchObject({ value: false, flag: { line: 5 } });
    expect(f.featureGate('RotateKubeletServerCertificate')?.value).toBe(false);
  });

  it('reads a config file given as text, and refuses one that holds no KubeletConfiguration', () => {
    const fs = kubeletConfigFindings(text('kubelet-config.bad.yaml'), '/var/lib/kubelet/config.yaml');
    expect(fs.find((f) => f.id === 'BH-K8S-147')!.location).toMatchObject({ path: '/var/lib/kubelet/config.yaml', startLine: 10 });
    expect(() => kubeletConfigFindings('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'cm.yaml')).toThrow(
      expect.objectContaining({ code: 'K8S_INPUT_INVALID', where: 'cm.yaml', hint: expect.stringMatching(/KubeletConfiguration/) }),
    );
  });

  it('applies several flag files in order, later flags winning, each finding at its own file', () => {
    const fs = kubeletFindings({
      config: config('kubelet-config.good.yaml'),
      flags: [
        { text: 'KUBELET_EXTRA_ARGS="--read-only-port=10255 --pod-max-pids=-1"\n', file: '/etc/default/kubelet' },
        { text: 'KUBELET_EXTRA_ARGS="--read-only-port=0"\n', file: '/etc/sysconfig/kubelet' },
      ],
    });
    expect(fs.map((f) => [f.id, f.location.path, f.evidence])).toEqual([['BH-K8S-157', '/etc/default/kubelet', 'CIS 4.2.13: --pod-max-pids=-1 (no limit)']]);
  });

  it('ignores objects that are not a KubeletConfiguration', () => {
    const cm = [...objectsOfText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'x.yaml')][0]!;
    expect(kubeletConfigFindings(cm)).toEqual([]);
    expect(kubeletFindings({})).toEqual([]);
  });
});
