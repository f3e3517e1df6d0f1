/**
 * Findings for the PSS checks that fail on a pod: one per faulty field, so
 * each points at its own line (`PSS:<checkId>`, evidence in the API server's
 * own words).
 */
import { findingFor } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import { locationOf } from '../input/object.js';
import type { PodView } from '../input/pod.js';
import { pssCheckDefinition } from './definitions.js';
import { evaluatePod } from './evaluate.js';
import type { PssCheckResult } from './types.js';
import { formatLevelVersion, type PssLevel, type PssVersion } from './version.js';

export function pssFindings(pod: PodView, level: PssLevel, version: PssVersion): Finding[] {
  return findingsOfResults(pod, evaluatePod(pod, level, version), formatLevelVersion(level, version));
}

/** Findings of already computed results (e.g. shared with an admission verdict). */
export function findingsOfResults(pod: PodView, results: readonly PssCheckResult[], policy: string): Finding[] {
  const out: Finding[] = [];
  for (const r of results) {
    if (r.allowed) continue;
    const check = pssCheckDefinition(r.checkId);
    const evidence = `${r.forbiddenReason} (${r.forbiddenDetail}) [PodSecurity "${policy}"]`;
    const faults = r.faults.length ? r.faults : [{ path: pod.specPath, subject: 'pod' }];
    const seen = new Set<string>();
    for (const fault of faults) {
      const key = JSON.stringify(fault.path);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(findingFor(check, locationOf(pod.object, fault.path), { title: `${check.title}: ${fault.subject}`, evidence }));
    }
  }
  return out;
}
