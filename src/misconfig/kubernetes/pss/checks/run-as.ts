/**
 * runAsNonRoot (restricted, v1.0; user-namespace relaxation from v1.35): the
 * pod must not set `runAsNonRoot: false`, and each container must set
 * `runAsNonRoot: true` or leave it unset while the pod sets it; a container's
 * explicit `false` fails even when the pod says `true`.
 *
 * runAsUser (restricted, v1.23; user-namespace relaxation from v1.35):
 * `runAsUser: 0` is forbidden on the pod and on every container.
 */
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, type PodContext } from '../context.js';

export const runAsNonRootCheck: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: 0, check: (pod) => runAsNonRoot(pod) },
    { minimumVersion: 35, check: (pod) => (pod.userNamespace ? undefined : runAsNonRoot(pod)) },
  ],
};

export const runAsUserCheck: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: 23, check: (pod) => runAsUser(pod) },
    { minimumVersion: 35, check: (pod) => (pod.userNamespace ? undefined : runAsUser(pod)) },
  ],
};

function runAsNonRoot(pod: PodContext): PssViolation | undefined {
  const setters: string[] = [];
  const faults: PssFault[] = [];
  const podValue = pod.podSecurityContext?.['runAsNonRoot'];
  if (podValue === false) {
    setters.push('pod');
    faults.push({ path: pod.specAt('securityContext', 'runAsNonRoot'), subject: 'pod' });
  }
  const podNonRoot = podValue === true;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const implicitFaults: PssFault[] = [];
  for (const c of pod.containers) {
    const value = pod.securityContextOf(c)?.['runAsNonRoot'];
    const path = pod.containerAt(c, 'securityContext', 'runAsNonRoot');
    if (value === false) {
      explicitlyBad.push(c.name);
      faults.push({ path, subject: `container "${c.name}"` });
    } else if (typeof value !== 'boolean' && !podNonRoot) {
      implicitlyBad.push(c.name);
      implicitFaults.push({ path, subject: `container "${c.name}"` });
    }
  }
  if (explicitlyBad.length) setters.push(containersPhrase(explicitlyBad));
  if (setters.length) {
    return { forbiddenReason: 'runAsNonRoot != true', forbiddenDetail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, faults };
  }
  if (!implicitlyBad.length) return undefined;
  return {
    forbiddenReason: 'runAsNonRoot != true',
    forbiddenDetail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
    faults: implicitFaults.length ? implicitFaults : faults,
  };
}

function runAsUser(pod: PodContext): PssViolation | undefined {
  const setters: string[] = [];
  const faults: PssFault[] = [];
  if (pod.podSecurityContext?.['runAsUser'] === 0) {
    setters.push('pod');
    faults.push({ path: pod.specAt('securityContext', 'runAsUser'), subject: 'pod' });
  }
  const bad: string[] = [];
  for (const c of pod.containers) {
    if (pod.securityContextOf(c)?.['runAsUser'] !== 0) continue;
    bad.push(c.name);
    faults.push({ path: pod.containerAt(c, 'securityContext', 'runAsUser'), subject: `container "${c.name}"` });
  }
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return undefined;
  return { forbiddenReason: 'runAsUser=0', forbiddenDetail: `${setters.join(' and ')} must not set runAsUser=0`, faults };
}
