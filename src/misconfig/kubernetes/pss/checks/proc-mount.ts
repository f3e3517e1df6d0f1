/**
 * procMount (baseline, v1.0; from v1.35 any value is allowed under the
 * user-namespace relaxation): containers' `securityContext.procMount` must be
 * unset or `Default`.
 *
 * procMount_restricted (restricted, v1.35, overrides procMount): the same
 * rule with no relaxation. Before v1.35 the baseline check applies at the
 * restricted level unconditionally.
 */
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, isSet, joinQuote, shown, sortedSet, type PodContext } from '../context.js';

export const procMountCheck: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: (pod) => procMount(pod) },
    { minimumVersion: 35, check: (pod) => (pod.userNamespace ? undefined : procMount(pod)) },
  ],
};

export const procMountRestrictedCheck: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  overrides: ['procMount'],
  versions: [{ minimumVersion: 35, check: (pod) => procMount(pod) }],
};

function procMount(pod: PodContext): PssViolation | undefined {
  const bad: string[] = [];
  const values: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    const value = pod.securityContextOf(c)?.['procMount'];
    if (!isSet(value) || value === 'Default') continue;
    bad.push(c.name);
    values.push(shown(value));
    faults.push({ path: pod.containerAt(c, 'securityContext', 'procMount'), subject: `container "${c.name}"` });
  }
  if (!bad.length) return undefined;
  return {
    forbiddenReason: 'procMount',
    forbiddenDetail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(values))}`,
    faults,
  };
}
