/**
 * The evaluator: which checks run at a level and version, and their results
 * for one pod. Mirrors upstream's registry: baseline runs the baseline checks;
 * restricted runs the baseline checks that no running restricted check
 * overrides, then the restricted checks. Within each level checks run in
 * check-id order (byte order), which is the order of the reasons in the API
 * server's messages. Results for every version are precomputed once.
 */
import type { PodView } from '../input/pod.js';
import { PSS_CHECKS } from './checks/index.js';
import { podContext } from './context.js';
import type { PssCheck, PssCheckId, PssCheckResult, VersionedPssCheck } from './types.js';
import { effectiveMinor, LATEST_PSS_MINOR, parsePssLevel, type PssLevel, type PssVersion } from './version.js';

interface Planned {
  check: PssCheck;
  impl: VersionedPssCheck;
}

const byId = (a: PssCheck, b: PssCheck) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The implementation of a check that applies at minor version `minor`, if the check exists yet. */
function implementationAt(check: PssCheck, minor: number): VersionedPssCheck | undefined {
  let found: VersionedPssCheck | undefined;
  for (const v of check.versions) if (v.minimumVersion <= minor) found = v;
  return found;
}

function plan(level: 'baseline' | 'restricted', minor: number): Planned[] {
  const baseline = PSS_CHECKS.filter((c) => c.level === 'baseline').sort(byId);
  const restricted = PSS_CHECKS.filter((c) => c.level === 'restricted').sort(byId);
  const running = (checks: PssCheck[]) =>
    checks.flatMap((check) => {
      const impl = implementationAt(check, minor);
      return impl ? [{ check, impl }] : [];
    });
  const base = running(baseline);
  if (level === 'baseline') return base;
  const rest = running(restricted);
  const overridden = new Set(rest.flatMap((p) => p.check.overrides ?? []));
  return [...base.filter((p) => !overridden.has(p.check.id)), ...rest];
}

const PLANS = new Map<string, Planned[]>();
for (let minor = 0; minor <= LATEST_PSS_MINOR; minor++) {
  PLANS.set(`baseline:${minor}`, plan('baseline', minor));
  PLANS.set(`restricted:${minor}`, plan('restricted', minor));
}

function plannedFor(level: PssLevel, version: PssVersion): Planned[] {
  const lvl = parsePssLevel(level, 'level');
  if (lvl === 'privileged') return [];
  return PLANS.get(`${lvl}:${effectiveMinor(version)}`)!;
}

/** The ids of the checks that run at a level and version, in evaluation order. */
export function pssChecksRun(level: PssLevel, version: PssVersion): PssCheckId[] {
  return plannedFor(level, version).map((p) => p.check.id);
}

/** Evaluate one pod (a Pod or a workload's template) at a level and version: one result per check that ran. */
export function evaluatePod(pod: PodView, level: PssLevel, version: PssVersion): PssCheckResult[] {
  const planned = plannedFor(level, version);
  if (!planned.length) return [];
  const ctx = podContext(pod);
  const out: PssCheckResult[] = new Array(planned.length);
  for (let i = 0; i < planned.length; i++) {
    const { check, impl } = planned[i]!;
    const v = impl.check(ctx);
    // Plain literals, not spreads: this runs for every pod of every input (spreads cost several times more).
    out[i] = v
      ? { checkId: check.id, level: check.level, implementation: impl.minimumVersion, allowed: false, forbiddenReason: v.forbiddenReason, forbiddenDetail: v.forbiddenDetail, faults: v.faults }
      : { checkId: check.id, level: check.level, implementation: impl.minimumVersion, allowed: true, faults: [] };
  }
  return out;
}

/** Upstream's aggregate: `reason (detail), reason (detail)` over the failing checks. */
export function forbiddenSummary(results: readonly PssCheckResult[]): string {
  return results
    .filter((r) => !r.allowed)
    .map((r) => (r.forbiddenDetail ? `${r.forbiddenReason} (${r.forbiddenDetail})` : r.forbiddenReason ?? 'unknown forbidden reason'))
    .join(', ');
}
