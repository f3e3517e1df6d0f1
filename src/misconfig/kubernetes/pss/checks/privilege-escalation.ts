/**
 * allowPrivilegeEscalation (restricted, v1.8; Windows exemption from v1.25):
 * every container must set `securityContext.allowPrivilegeEscalation: false`
 * explicitly; unset fails.
 */
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, type PodContext } from '../context.js';

export const allowPrivilegeEscalationCheck: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: 8, check: (pod) => allowPrivilegeEscalation(pod) },
    { minimumVersion: 25, check: (pod) => (pod.windows ? undefined : allowPrivilegeEscalation(pod)) },
  ],
};

function allowPrivilegeEscalation(pod: PodContext): PssViolation | undefined {
  const bad: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    if (pod.securityContextOf(c)?.['allowPrivilegeEscalation'] === false) continue;
    bad.push(c.name);
    faults.push({ path: pod.containerAt(c, 'securityContext', 'allowPrivilegeEscalation'), subject: `container "${c.name}"` });
  }
  if (!bad.length) return undefined;
  return {
    forbiddenReason: 'allowPrivilegeEscalation != false',
    forbiddenDetail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    faults,
  };
}
