/**
 * `controlPlaneFindings(obj)`: the CIS checks of every control-plane
 * component found in one object. Static pods (and any workload) are read
 * container by container; a container running kube-apiserver,
 * kube-controller-manager, kube-scheduler or etcd has its flags parsed and
 * judged. A KubeletConfiguration object gets the kubelet checks.
 *
 * Each finding points at the flag's own item of `command`/`args` (or the
 * `env` entry for etcd's `ETCD_*` variables); a missing flag is reported at
 * the command array, where it should be added.
 */
import { findingFor, type CheckDefinition } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import { locationOf, type K8sObject } from '../input/object.js';
import { containersOf, podOf } from '../input/pod.js';
import { apiserverRules } from './apiserver.js';
import { componentOf, envWords, type Component } from './components.js';
import { controllerManagerRules, etcdRules, schedulerRules } from './controllers.js';
import { parseFlags, type FlagSet } from './flags.js';
import { isKubeletConfiguration, kubeletConfigFindings, kubeletRules } from './kubelet.js';
import type { Rule } from './rule.js';

export const RULES_BY_COMPONENT: Readonly<Record<Component, ReadonlyArray<Rule<FlagSet>>>> = {
  'kube-apiserver': apiserverRules,
  'kube-controller-manager': controllerManagerRules,
  'kube-scheduler': schedulerRules,
  etcd: etcdRules,
};

export const controlPlaneChecks: readonly CheckDefinition[] = [
  ...apiserverRules,
  ...controllerManagerRules,
  ...schedulerRules,
  ...etcdRules,
  ...kubeletRules,
].map((r) => r.check);

/** The components an object runs (static pod manifests usually run one). */
export function componentsIn(obj: K8sObject): Component[] {
  const pod = podOf(obj);
  if (!pod) return [];
  return containersOf(pod)
    .filter((c) => c.kind === 'containers')
    .map((c) => componentOf(c)?.component)
    .filter((c): c is Component => c !== undefined);
}

export function controlPlaneFindings(obj: K8sObject): Finding[] {
  if (isKubeletConfiguration(obj)) return kubeletConfigFindings(obj);
  const pod = podOf(obj);
  if (!pod) return [];
  const out: Finding[] = [];
  for (const c of containersOf(pod).slice(0, 64)) {
    if (c.kind !== 'containers') continue;
    const cmd = componentOf(c);
    if (!cmd) continue;
    // etcd reads ETCD_* variables; flags come after them so a flag wins, as in etcd.
    const words = cmd.component === 'etcd' ? [...envWords(c, 'ETCD_'), ...cmd.words] : cmd.words;
    const flags = parseFlags(words);
    for (const rule of RULES_BY_COMPONENT[cmd.component]) {
      const v = rule.evaluate(flags);
      if (!v) continue;
      const location = locationOf(obj, v.flag?.path ?? cmd.flagsPath);
      out.push(findingFor(rule.check, location, { evidence: `${rule.cis ? `CIS ${rule.cis}: ` : ''}${v.evidence}`, ...(v.severity ? { severity: v.severity } : {}) }));
    }
  }
  return out;
}
