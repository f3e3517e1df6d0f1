/**
 * hostProbesAndHostLifecycle (baseline, v1.34; does not run before): probes
 * (`livenessProbe`, `readinessProbe`, `startupProbe`) and lifecycle handlers
 * (`postStart`, `preStop`) may not name a `host` in `httpGet` or
 * `tcpSocket`: the kubelet would connect to that host on the pod's behalf.
 */
import { asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { isSet, joinQuote, plural, shown, sortedSet, type PodContext } from '../context.js';

const HANDLERS: ReadonlyArray<readonly string[]> = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

export const hostProbesAndHostLifecycleCheck: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumVersion: 34, check: hostProbesAndHostLifecycle }],
};

function hostProbesAndHostLifecycle(pod: PodContext): PssViolation | undefined {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    let bad = false;
    for (const path of HANDLERS) {
      let handler: unknown = c.data;
      for (const k of path) handler = asObject(handler)?.[k];
      for (const action of ['httpGet', 'tcpSocket']) {
        const host = asObject(asObject(handler)?.[action])?.['host'];
        if (!isSet(host) || host === '') continue;
        bad = true;
        hosts.push(shown(host));
        faults.push({ path: pod.containerAt(c, ...path, action, 'host'), subject: `container "${c.name}"` });
      }
    }
    if (bad) badContainers.push(c.name);
  }
  if (!badContainers.length) return undefined;
  const names = sortedSet(badContainers);
  const hostList = sortedSet(hosts);
  return {
    forbiddenReason: 'probe or lifecycle host',
    forbiddenDetail: `${plural(names.length, 'container', 'containers')} ${joinQuote(names)} ${plural(names.length, 'uses', 'use')} ${plural(hostList.length, 'probe or lifecycle host', 'probe or lifecycle hosts')} ${joinQuote(hostList)}`,
    faults,
  };
}
