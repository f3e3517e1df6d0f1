/**
 * hostPorts (baseline, v1.0): no container port may set a non-zero
 * `hostPort`.
 */
import { asArray, asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { isSet, joinQuote, plural, shown, sortedSet, type PodContext } from '../context.js';

export const hostPortsCheck: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: hostPorts }],
};

function hostPorts(pod: PodContext): PssViolation | undefined {
  const bad: string[] = [];
  const ports: string[] = [];
  const faults: PssFault[] = [];
  for (const c of pod.containers) {
    let found = false;
    asArray(c.data['ports']).forEach((p, j) => {
      const hostPort = asObject(p)?.['hostPort'];
      if (!isSet(hostPort) || hostPort === 0) return;
      found = true;
      ports.push(shown(hostPort));
      faults.push({ path: pod.containerAt(c, 'ports', j, 'hostPort'), subject: `container "${c.name}"` });
    });
    if (found) bad.push(c.name);
  }
  if (!bad.length) return undefined;
  const list = sortedSet(ports);
  return {
    forbiddenReason: 'hostPort',
    forbiddenDetail: `${plural(bad.length, 'container', 'containers')} ${joinQuote(bad)} ${plural(bad.length, 'uses', 'use')} ${plural(list.length, 'hostPort', 'hostPorts')} ${list.join(', ')}`,
    faults,
  };
}
