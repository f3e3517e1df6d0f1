/**
 * seLinuxOptions (baseline, v1.0; v1.31 also allows `container_engine_t`):
 * pod- and container-level `seLinuxOptions.type` must be empty or one of the
 * container types; `user` and `role` must be empty. `level` is not checked.
 */
import { asObject, type JsonObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, isSet, joinQuote, plural, shown, sortedSet, type PodContext } from '../context.js';

const TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31 = new Set([...TYPES_1_0, 'container_engine_t']);

export const seLinuxOptionsCheck: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: (pod) => seLinuxOptions(pod, TYPES_1_0) },
    { minimumVersion: 31, check: (pod) => seLinuxOptions(pod, TYPES_1_31) },
  ],
};

const nonEmpty = (v: unknown) => isSet(v) && v !== '';

function seLinuxOptions(pod: PodContext, allowedTypes: ReadonlySet<string>): PssViolation | undefined {
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const faults: PssFault[] = [];

  /** The first offending field of one seLinuxOptions object, or undefined when it is valid. */
  const fault = (opts: JsonObject): string | undefined => {
    let first: string | undefined;
    const type = opts['type'];
    if (isSet(type) && !(typeof type === 'string' && allowedTypes.has(type))) {
      badTypes.push(shown(type));
      first ??= 'type';
    }
    if (nonEmpty(opts['user'])) {
      setUser = true;
      first ??= 'user';
    }
    if (nonEmpty(opts['role'])) {
      setRole = true;
      first ??= 'role';
    }
    return first;
  };

  const setters: string[] = [];
  const podOpts = asObject(pod.podSecurityContext?.['seLinuxOptions']);
  const podField = podOpts && fault(podOpts);
  if (podField) {
    setters.push('pod');
    faults.push({ path: pod.specAt('securityContext', 'seLinuxOptions', podField), subject: 'pod' });
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const opts = asObject(pod.securityContextOf(c)?.['seLinuxOptions']);
    const field = opts && fault(opts);
    if (!field) continue;
    badContainers.push(c.name);
    faults.push({ path: pod.containerAt(c, 'securityContext', 'seLinuxOptions', field), subject: `container "${c.name}"` });
  }
  if (badContainers.length) setters.push(containersPhrase(badContainers));
  if (!setters.length) return undefined;

  // Upstream only mentions user/role when a type is also bad; we always say what is wrong.
  const data: string[] = [];
  const types = sortedSet(badTypes);
  if (types.length) data.push(`${plural(types.length, 'type', 'types')} ${joinQuote(types)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return {
    forbiddenReason: 'seLinuxOptions',
    forbiddenDetail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    faults,
  };
}
