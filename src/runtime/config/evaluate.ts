/**
 * ContainerFacts → findings: one finding per problem and container, located
 * at the field (file and line range when the text is known) with the JSON
 * path and the container in the evidence.
 */
import { findingFor, type CheckDefinition } from '../../core/check.js';
import type { Finding, Location } from '../../core/types.js';
import * as C from './checks.js';
import type { ContainerFacts, Evidence } from './facts.js';
import { formatPath, type SourceText } from './source.js';

type Single = 'privileged' | 'noSeccomp' | 'noApparmor' | 'selinuxDisabled' | 'hostNetwork' | 'hostPid' | 'hostIpc' | 'hostUts' | 'hostUserns' | 'writableRootfs' | 'noMemoryLimit' | 'noCpuLimit' | 'noPidsLimit' | 'escalationAllowed' | 'root';
type Many = 'dangerousCaps' | 'addedCaps' | 'runtimeSockets' | 'sensitiveMounts';

/** Which fact each check reads, in check-id order. */
export const FACT_CHECKS: ReadonlyArray<[CheckDefinition, Single | Many]> = [
  [C.privilegedCheck, 'privileged'],
  [C.dangerousCapabilityCheck, 'dangerousCaps'],
  [C.addedCapabilityCheck, 'addedCaps'],
  [C.seccompCheck, 'noSeccomp'],
  [C.apparmorCheck, 'noApparmor'],
  [C.selinuxCheck, 'selinuxDisabled'],
  [C.hostNetworkCheck, 'hostNetwork'],
  [C.hostPidCheck, 'hostPid'],
  [C.hostIpcCheck, 'hostIpc'],
  [C.hostUtsCheck, 'hostUts'],
  [C.hostUserNamespaceCheck, 'hostUserns'],
  [C.runtimeSocketCheck, 'runtimeSockets'],
  [C.sensitiveMountCheck, 'sensitiveMounts'],
  [C.writableRootfsCheck, 'writableRootfs'],
  [C.memoryLimitCheck, 'noMemoryLimit'],
  [C.cpuLimitCheck, 'noCpuLimit'],
  [C.pidsLimitCheck, 'noPidsLimit'],
  [C.noNewPrivilegesCheck, 'escalationAllowed'],
  [C.rootUserCheck, 'root'],
];

export function findingsFor(facts: readonly ContainerFacts[], source: SourceText): Finding[] {
  const out: Finding[] = [];
  for (const f of facts) {
    for (const [check, key] of FACT_CHECKS) {
      const value = f[key];
      const list: Evidence[] = Array.isArray(value) ? value : value ? [value] : [];
      for (const ev of list) {
        const location: Location = { path: source.file };
        const lines = source.lineRange(f.doc, ev.path);
        if (lines) Object.assign(location, lines);
        if (f.object) location.object = f.object;
        const docPrefix = source.values.length > 1 ? `document ${f.doc + 1}: ` : '';
        out.push(findingFor(check, location, { title: `${check.title} (${f.label})`, evidence: `${docPrefix}${formatPath(ev.path)}: ${ev.text}` }));
      }
    }
  }
  return out;
}
