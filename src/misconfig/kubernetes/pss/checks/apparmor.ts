/**
 * appArmorProfile (baseline, v1.0, one implementation for every version):
 * the AppArmor profile may not be overridden to anything but the runtime
 * default or a local profile. Annotations
 * `container.apparmor.security.beta.kubernetes.io/*` must be empty,
 * `runtime/default` or `localhost/*`; an `appArmorProfile` field (pod or
 * container) must have type `RuntimeDefault` or `Localhost`.
 */
import { asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, isSet, joinQuote, plural, shown, sortedSet, type PodContext } from '../context.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES = new Set(['RuntimeDefault', 'Localhost']);

export const appArmorProfileCheck: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: appArmorProfile }],
};

const allowedAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

function appArmorProfile(pod: PodContext): PssViolation | undefined {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const faults: PssFault[] = [];

  const podProfile = pod.podSecurityContext?.['appArmorProfile'];
  if (isSet(podProfile)) {
    const type = asObject(podProfile)?.['type'];
    if (typeof type !== 'string' || !ALLOWED_TYPES.has(type)) {
      setters.push('pod');
      badTypes.push(shown(type));
      faults.push({ path: pod.specAt('securityContext', 'appArmorProfile', 'type'), subject: 'pod' });
    }
  }

  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const profile = pod.securityContextOf(c)?.['appArmorProfile'];
    if (!isSet(profile)) continue;
    const type = asObject(profile)?.['type'];
    if (typeof type === 'string' && ALLOWED_TYPES.has(type)) continue;
    badContainers.push(c.name);
    badTypes.push(shown(type));
    faults.push({ path: pod.containerAt(c, 'securityContext', 'appArmorProfile', 'type'), subject: `container "${c.name}"` });
  }
  if (badContainers.length) setters.push(containersPhrase(badContainers));

  const badAnnotations: string[] = [];
  for (const [key, value] of Object.entries(pod.pod.annotations)) {
    if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotation(value)) continue;
    badAnnotations.push(`${key}=${JSON.stringify(value)}`);
    faults.push({ path: [...pod.pod.metadataPath, 'annotations', key], subject: `annotation "${key}"` });
  }
  const values = sortedSet(badTypes);
  if (badAnnotations.length) {
    values.push(...sortedSet(badAnnotations));
    setters.push(plural(badAnnotations.length, 'annotation', 'annotations'));
  }
  if (!setters.length) return undefined;
  return {
    forbiddenReason: plural(values.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'),
    forbiddenDetail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
    faults,
  };
}
