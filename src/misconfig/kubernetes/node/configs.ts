/**
 * The configuration a node carries, judged by the control-plane and kubelet
 * checks (../controlplane): the static pod manifests in
 * /etc/kubernetes/manifests, the kubelet's config file and its flags
 * (systemd drop-in, kubeadm-flags.env, /etc/default/kubelet,
 * /etc/sysconfig/kubelet). `bulkhead k8s node <dir>` runs this beside the
 * file checks, so one command covers CIS sections 1, 2 and 4 of a node.
 *
 * Files are read like the file checks read them: through lstat, never
 * following a link, and only when small. A file that is present but not
 * valid YAML is a problem reported beside the findings, not a crash.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isBulkheadError } from '../../../core/errors.js';
import type { Finding } from '../../../core/types.js';
import { controlPlaneFindings, isKubeletConfiguration, kubeletFindings, type FlagsText } from '../controlplane/index.js';
import { objectsOfText } from '../input/load.js';
import type { K8sObject } from '../input/object.js';
import { readNodeFile, safeLstat } from './node-fs.js';
import type { NodeProblem } from './scan.js';

const MANIFESTS = '/etc/kubernetes/manifests';
const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
/** Where kubelet flags live, in the order they are applied (later wins). */
const KUBELET_FLAG_FILES = [
  '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
  '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
  '/var/lib/kubelet/kubeadm-flags.env',
  '/etc/default/kubelet',
  '/etc/sysconfig/kubelet',
];

export interface NodeConfigResult {
  findings: Finding[];
  /** Node paths whose configuration was judged. */
  read: string[];
  problems: NodeProblem[];
}

function objectsOf(text: string, file: string, problems: NodeProblem[]): K8sObject[] {
  try {
    return [...objectsOfText(text, file)];
  } catch (e) {
    problems.push({ path: file, message: isBulkheadError(e) ? e.describe() : String(e) });
    return [];
  }
}

export async function nodeConfigFindings(rootDir: string): Promise<NodeConfigResult> {
  const findings: Finding[] = [];
  const read: string[] = [];
  const problems: NodeProblem[] = [];

  const dir = await safeLstat(rootDir, MANIFESTS);
  if (dir.kind === 'found' && dir.stats.isDirectory()) {
    const names = (await readdir(join(rootDir, MANIFESTS)).catch(() => [] as string[])).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort().slice(0, 100);
    for (const name of names) {
      const path = `${MANIFESTS}/${name}`;
      const text = await readNodeFile(rootDir, path);
      if (text === undefined) continue;
      read.push(path);
      for (const obj of objectsOf(text, path, problems)) findings.push(...controlPlaneFindings(obj));
    }
  }

  const configText = await readNodeFile(rootDir, KUBELET_CONFIG);
  const config = configText === undefined ? undefined : objectsOf(configText, KUBELET_CONFIG, problems).find(isKubeletConfiguration);
  if (configText !== undefined) read.push(KUBELET_CONFIG);
  if (configText !== undefined && !config && !problems.some((p) => p.path === KUBELET_CONFIG)) {
    problems.push({ path: KUBELET_CONFIG, message: 'holds no KubeletConfiguration (kind: KubeletConfiguration, apiVersion: kubelet.config.k8s.io/v1beta1)' });
  }
  const flags: FlagsText[] = [];
  for (const file of KUBELET_FLAG_FILES) {
    const text = await readNodeFile(rootDir, file);
    if (text === undefined) continue;
    read.push(file);
    flags.push({ text, file });
  }
  if (config || flags.length) findings.push(...kubeletFindings({ ...(config ? { config } : {}), flags }));
  return { findings, read, problems };
}
