/**
 * hostNamespaces (baseline, v1.0): sharing the node's network, PID or IPC
 * namespace is forbidden: `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`
 * must be unset or false.
 */
import type { PssCheck } from '../types.js';
import type { PodContext } from '../context.js';

const FIELDS = ['hostIPC', 'hostNetwork', 'hostPID'] as const; // sorted, as upstream lists them

export const hostNamespacesCheck: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumVersion: 0, check: hostNamespaces }],
};

function hostNamespaces(pod: PodContext) {
  const set = FIELDS.filter((f) => pod.spec[f] === true);
  if (!set.length) return undefined;
  return {
    forbiddenReason: 'host namespaces',
    forbiddenDetail: set.map((f) => `${f}=true`).join(', '),
    faults: set.map((f) => ({ path: pod.specAt(f), subject: `${f}=true` })),
  };
}
