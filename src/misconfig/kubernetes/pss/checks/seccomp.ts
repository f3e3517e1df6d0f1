/**
 * seccompProfile_baseline (baseline). v1.0–v1.18: the alpha annotations
 * `seccomp.security.alpha.kubernetes.io/pod` and
 * `container.seccomp.security.alpha.kubernetes.io/<name>` (for the pod's own
 * container names), when present, must be `runtime/default`,
 * `docker/default` or `localhost/*`. v1.19+: the `seccompProfile.type`
 * fields, when set, must be `RuntimeDefault` or `Localhost`; annotations are
 * ignored.
 *
 * seccompProfile_restricted (restricted, v1.19; Windows exemption from
 * v1.25; overrides seccompProfile_baseline): a valid type must be set on the
 * pod or on every container, and no level may set an invalid one.
 */
import { asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, isSet, joinQuote, plural, shown, sortedSet, type PodContext } from '../context.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

export const seccompProfileBaselineCheck: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: seccompAnnotations },
    { minimumVersion: 19, check: seccompFieldsBaseline },
  ],
};

export const seccompProfileRestrictedCheck: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  overrides: ['seccompProfile_baseline'],
  versions: [
    { minimumVersion: 19, check: (pod) => seccompFieldsRestricted(pod) },
    { minimumVersion: 25, check: (pod) => (pod.windows ? undefined : seccompFieldsRestricted(pod)) },
  ],
};

const validAnnotation = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
const validType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

function seccompAnnotations(pod: PodContext): PssViolation | undefined {
  const forbidden: string[] = [];
  const faults: PssFault[] = [];
  const annotations = pod.pod.annotations;
  const check = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(annotations, key)) return;
    const value = annotations[key]!;
    if (validAnnotation(value)) return;
    forbidden.push(`${key}=${JSON.stringify(value)}`);
    faults.push({ path: [...pod.pod.metadataPath, 'annotations', key], subject: `annotation "${key}"` });
  };
  check(POD_ANNOTATION);
  for (const c of pod.containers) check(CONTAINER_ANNOTATION_PREFIX + c.name);
  if (!forbidden.length) return undefined;
  const list = sortedSet(forbidden);
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: `forbidden ${plural(list.length, 'annotation', 'annotations')} ${list.join(', ')}`,
    faults,
  };
}

/** Seccomp profile of the pod or a container: absent, valid, or an invalid type. */
type Profile = { state: 'unset' } | { state: 'valid' } | { state: 'invalid'; type: string };

function profileOf(sc: Record<string, unknown> | undefined): Profile {
  const profile = sc?.['seccompProfile'];
  if (!isSet(profile)) return { state: 'unset' };
  const type = asObject(profile)?.['type'];
  return validType(type) ? { state: 'valid' } : { state: 'invalid', type: shown(type) };
}

function explicitViolations(pod: PodContext) {
  const setters: string[] = [];
  const badValues: string[] = [];
  const faults: PssFault[] = [];
  const podProfile = profileOf(pod.podSecurityContext);
  if (podProfile.state === 'invalid') {
    setters.push('pod');
    badValues.push(podProfile.type);
    faults.push({ path: pod.specAt('securityContext', 'seccompProfile', 'type'), subject: 'pod' });
  }
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const implicitFaults: PssFault[] = [];
  for (const c of pod.containers) {
    const profile = profileOf(pod.securityContextOf(c));
    if (profile.state === 'invalid') {
      explicitlyBad.push(c.name);
      badValues.push(profile.type);
      faults.push({ path: pod.containerAt(c, 'securityContext', 'seccompProfile', 'type'), subject: `container "${c.name}"` });
    } else if (profile.state === 'unset' && podProfile.state !== 'valid') {
      implicitlyBad.push(c.name);
      implicitFaults.push({ path: pod.containerAt(c, 'securityContext', 'seccompProfile'), subject: `container "${c.name}"` });
    }
  }
  if (explicitlyBad.length) setters.push(containersPhrase(explicitlyBad));
  return { setters, badValues, faults, implicitlyBad, implicitFaults };
}

function explicitResult(setters: string[], badValues: string[], faults: PssFault[]): PssViolation {
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    faults,
  };
}

function seccompFieldsBaseline(pod: PodContext): PssViolation | undefined {
  const v = explicitViolations(pod);
  return v.setters.length ? explicitResult(v.setters, v.badValues, v.faults) : undefined;
}

function seccompFieldsRestricted(pod: PodContext): PssViolation | undefined {
  const v = explicitViolations(pod);
  if (v.setters.length) return explicitResult(v.setters, v.badValues, v.faults);
  if (!v.implicitlyBad.length) return undefined;
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: `pod or ${containersPhrase(v.implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    faults: v.implicitFaults,
  };
}
