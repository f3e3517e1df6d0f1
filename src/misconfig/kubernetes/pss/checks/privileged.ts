/**
 * privileged (baseline, v1.0): no container may set
 * `securityContext.privileged: true`.
 */
import type { PssCheck, PssFault } from '../types.js';
import { containersPhrase, type PodContext } from '../context.js';

export const privilegedCheck: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: privileged }],
};

function privileged(pod: PodContext) {
  const bad: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    if (pod.securityContextOf(c)?.['privileged'] !== true) continue;
    bad.push(c.name);
    faults.push({ path: pod.containerAt(c, 'securityContext', 'privileged'), subject: `container "${c.name}"` });
  }
  if (!bad.length) return undefined;
  return {
    forbiddenReason: 'privileged',
    forbiddenDetail: `${containersPhrase(bad)} must not set securityContext.privileged=true`,
    faults,
  };
}
