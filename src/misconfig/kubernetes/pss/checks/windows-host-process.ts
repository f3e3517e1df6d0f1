/**
 * windowsHostProcess (baseline, v1.0): neither the pod nor any container may
 * set `securityContext.windowsOptions.hostProcess: true`.
 */
import { asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { containersPhrase, type PodContext } from '../context.js';

export const windowsHostProcessCheck: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: windowsHostProcess }],
};

const hostProcess = (sc: Record<string, unknown> | undefined) => asObject(sc?.['windowsOptions'])?.['hostProcess'] === true;

function windowsHostProcess(pod: PodContext): PssViolation | undefined {
  const setters: string[] = [];
  const faults: PssFault[] = [];
  if (hostProcess(pod.podSecurityContext)) {
    setters.push('pod');
    faults.push({ path: pod.specAt('securityContext', 'windowsOptions', 'hostProcess'), subject: 'pod' });
  }
  const bad: string[] = [];
  for (const c of pod.containers) {
    if (!hostProcess(pod.securityContextOf(c))) continue;
    bad.push(c.name);
    faults.push({ path: pod.containerAt(c, 'securityContext', 'windowsOptions', 'hostProcess'), subject: `container "${c.name}"` });
  }
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return undefined;
  return {
    forbiddenReason: 'hostProcess',
    forbiddenDetail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    faults,
  };
}
