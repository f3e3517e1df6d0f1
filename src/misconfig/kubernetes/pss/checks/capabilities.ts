/**
 * capabilities_baseline (baseline, v1.0): `capabilities.add` may only name
 * the container runtime's default set (NET_RAW is not in it).
 *
 * capabilities_restricted (restricted, v1.22; Windows exemption from v1.25):
 * `capabilities.drop` must contain `ALL` and `add` may only contain
 * `NET_BIND_SERVICE`. It overrides capabilities_baseline, so a Windows pod at
 * restricted ≥ v1.25 has no capability check at all. Matching is exact and
 * case-sensitive.
 */
import { asArray, asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, joinQuote, shown, sortedSet, type PodContext } from '../context.js';

const BASELINE_ALLOWED = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export const capabilitiesBaselineCheck: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: capabilitiesBaseline }],
};

export const capabilitiesRestrictedCheck: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  overrides: ['capabilities_baseline'],
  versions: [
    { minimumVersion: 22, check: (pod) => capabilitiesRestricted(pod) },
    { minimumVersion: 25, check: (pod) => (pod.windows ? undefined : capabilitiesRestricted(pod)) },
  ],
};

function capabilitiesBaseline(pod: PodContext): PssViolation | undefined {
  const bad: string[] = [];
  const forbidden: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    const caps = asObject(pod.securityContextOf(c)?.['capabilities']);
    if (!caps) continue;
    const added = asArray(caps['add']).map(shown);
    const notAllowed = added.filter((cap) => !BASELINE_ALLOWED.has(cap));
    if (!notAllowed.length) continue;
    bad.push(c.name);
    forbidden.push(...notAllowed);
    faults.push({ path: pod.containerAt(c, 'securityContext', 'capabilities', 'add'), subject: `container "${c.name}"` });
  }
  if (!bad.length) return undefined;
  return {
    forbiddenReason: 'non-default capabilities',
    forbiddenDetail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    faults,
  };
}

function capabilitiesRestricted(pod: PodContext): PssViolation | undefined {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    const caps = asObject(pod.securityContextOf(c)?.['capabilities']);
    const subject = `container "${c.name}"`;
    if (!caps) {
      missingDropAll.push(c.name);
      faults.push({ path: pod.containerAt(c, 'securityContext', 'capabilities', 'drop'), subject });
      continue;
    }
    if (!asArray(caps['drop']).some((d) => d === 'ALL')) {
      missingDropAll.push(c.name);
      faults.push({ path: pod.containerAt(c, 'securityContext', 'capabilities', 'drop'), subject });
    }
    const extra = asArray(caps['add']).filter((a) => a !== 'NET_BIND_SERVICE').map(shown);
    if (extra.length) {
      addingForbidden.push(c.name);
      forbidden.push(...extra);
      faults.push({ path: pod.containerAt(c, 'securityContext', 'capabilities', 'add'), subject });
    }
  }
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length) {
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`);
  }
  if (!details.length) return undefined;
  return { forbiddenReason: 'unrestricted capabilities', forbiddenDetail: details.join('; '), faults };
}
