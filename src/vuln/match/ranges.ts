/**
 * Whether a version falls in an OSV affected entry, evaluated as the OSV
 * schema defines it (https://ossf.github.io/osv-schema/#evaluation):
 *
 * - a version is affected when it is listed in `versions[]` or inside any range;
 * - within a range, events are sorted by version (in the range's scheme; an
 *   `introduced` of `0` sorts first) and walked in order: `introduced` at or
 *   below the version opens an affected interval, `fixed` at or below it
 *   closes it (the fixed version itself is not affected), `last_affected`
 *   below it closes it (the last affected version itself is affected);
 * - `limit` events bound the range from above: when a range has any, the
 *   version must be below at least one of them;
 * - `ECOSYSTEM` ranges use the ecosystem's scheme, `SEMVER` ranges SemVer 2.0;
 *   `GIT` ranges name commits, which installed packages do not carry: they
 *   are skipped and counted.
 *
 * A range holding a version its scheme cannot read is skipped whole (its
 * order, and so its meaning, is unknown), with a warning; an unreadable entry
 * of `versions[]` is skipped alone. Nothing here throws.
 */
import { compareVersions, isValidVersion, type VersionSchemeName } from '../version/index.js';
import type { OsvEvent, OsvRange } from '../db/index.js';

/** Ranges or events beyond these counts are not evaluated (the importer already refuses larger ones). */
export const RANGE_LIMITS = { ranges: 10_000, events: 10_000, versions: 1_000_000 } as const;

export interface RangeSchemes {
  /** Scheme of `ECOSYSTEM` ranges and of `versions[]`. */
  ecosystem: VersionSchemeName;
  /** Scheme of `SEMVER` ranges. */
  semver: VersionSchemeName;
}

export interface AffectedInput {
  version: string;
  ranges: readonly OsvRange[];
  versions?: readonly string[];
  schemes: RangeSchemes;
}

export interface RangeEvaluation {
  affected: boolean;
  /**
   * The version that ends every affected interval the version is in (the
   * highest of their `fixed` events); absent when any of them has no fix.
   */
  fixedVersion?: string;
  /** Why: the interval(s) or list entry that decided, or why nothing did. */
  reason: string;
  /** GIT ranges that were not evaluated. */
  gitRangesSkipped: number;
  /** Record problems met (unreadable versions, oversized lists); one line each. */
  warnings: string[];
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
/** At equal versions: open before close, so `introduced: X` + `fixed: X` affects nothing. */
const KIND_ORDER: Record<Kind, number> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };

interface Event {
  kind: Kind;
  version: string;
  /** `introduced: "0"`: below every version. */
  zero: boolean;
}

function eventOf(e: OsvEvent): Event | undefined {
  for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const v = e[kind];
    if (typeof v === 'string') return { kind, version: v, zero: kind === 'introduced' && v === '0' };
  }
  return undefined;
}

function safeCompare(scheme: VersionSchemeName, a: string, b: string): number {
  return compareVersions(scheme, a, b);
}

interface RangeResult {
  affected: boolean;
  fixed?: string;
  reason: string;
}

function evaluateRange(version: string, range: OsvRange, scheme: VersionSchemeName, index: number, warnings: string[]): RangeResult | undefined {
  const raw = Array.isArray(range.events) ? range.events : [];
  if (raw.length > RANGE_LIMITS.events) {
    warnings.push(`range ${index} has ${raw.length} events, more than ${RANGE_LIMITS.events}: skipped`);
    return undefined;
  }
  const events: Event[] = [];
  for (const e of raw) {
    const ev = e && typeof e === 'object' ? eventOf(e) : undefined;
    if (!ev) {
      warnings.push(`range ${index} has an event without a version: range skipped`);
      return undefined;
    }
    if (ev.kind === 'limit' && ev.version === '*') continue; // "no limit"
    if (!ev.zero && !isValidVersion(scheme, ev.version)) {
      warnings.push(`range ${index}: ${ev.kind} ${JSON.stringify(ev.version.slice(0, 80))} is not a ${scheme} version: range skipped`);
      return undefined;
    }
    events.push(ev);
  }
  events.sort((a, b) => {
    if (a.zero || b.zero) return a.zero === b.zero ? 0 : a.zero ? -1 : 1;
    return safeCompare(scheme, a.version, b.version) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  });

  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => safeCompare(scheme, version, l.version) < 0)) {
    return { affected: false, reason: `at or above every limit (${limits.map((l) => l.version).join(', ')})` };
  }

  let affected = false;
  let openedAt: Event | undefined;
  let decidedBy: Event | undefined;
  let lastApplied = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'limit') continue;
    const cmp = e.zero ? 1 : safeCompare(scheme, version, e.version);
    if (e.kind === 'introduced' && cmp >= 0) {
      affected = true;
      openedAt = e;
    } else if ((e.kind === 'fixed' && cmp >= 0) || (e.kind === 'last_affected' && cmp > 0)) {
      affected = false;
    } else {
      continue;
    }
    decidedBy = e;
    lastApplied = i;
  }
  if (!affected) {
    const reason = decidedBy
      ? `${decidedBy.kind === 'fixed' ? 'fixed in' : 'last affected'} ${decidedBy.version}`
      : `below the first introduced version`;
    return { affected: false, reason };
  }
  // The event that closes this interval: the next fixed or last_affected after the last one that applied.
  const closer = events.slice(lastApplied + 1).find((e) => e.kind === 'fixed' || e.kind === 'last_affected');
  const from = openedAt?.zero ? 'introduced 0' : `introduced ${openedAt?.version}`;
  if (closer?.kind === 'fixed') return { affected: true, fixed: closer.version, reason: `${from}, fixed ${closer.version}` };
  if (closer?.kind === 'last_affected') return { affected: true, reason: `${from}, last affected ${closer.version}` };
  return { affected: true, reason: `${from}, no fix` };
}

/** Evaluate an affected entry (its ranges and `versions[]`) for one version. Never throws. */
export function evaluateAffected(input: AffectedInput): RangeEvaluation {
  const warnings: string[] = [];
  let gitRangesSkipped = 0;
  const { version, schemes } = input;
  const hits: RangeResult[] = [];
  const misses: string[] = [];
  try {
    const ranges = Array.isArray(input.ranges) ? input.ranges : [];
    if (ranges.length > RANGE_LIMITS.ranges) {
      warnings.push(`${ranges.length} ranges, more than ${RANGE_LIMITS.ranges}: not evaluated`);
    } else {
      ranges.forEach((range, index) => {
        if (!range || typeof range !== 'object') {
          warnings.push(`range ${index} is not an object: skipped`);
          return;
        }
        if (range.type === 'GIT') {
          gitRangesSkipped++;
          return;
        }
        const scheme = range.type === 'SEMVER' ? schemes.semver : range.type === 'ECOSYSTEM' ? schemes.ecosystem : undefined;
        if (!scheme) {
          warnings.push(`range ${index} has unknown type ${JSON.stringify(String(range.type).slice(0, 40))}: skipped`);
          return;
        }
        if (!isValidVersion(scheme, version)) {
          warnings.push(`installed version ${JSON.stringify(version.slice(0, 80))} is not a ${scheme} version: range ${index} skipped`);
          return;
        }
        const r = evaluateRange(version, range, scheme, index, warnings);
        if (!r) return;
        if (r.affected) hits.push(r);
        else misses.push(r.reason);
      });
    }

    let listed = false;
    const versions = Array.isArray(input.versions) ? input.versions : [];
    if (versions.length > RANGE_LIMITS.versions) {
      warnings.push(`${versions.length} listed versions, more than ${RANGE_LIMITS.versions}: not evaluated`);
    } else if (versions.length > 0) {
      const scheme = schemes.ecosystem;
      const installedValid = isValidVersion(scheme, version);
      let unreadable = 0;
      for (const v of versions) {
        if (typeof v !== 'string') continue;
        if (v === version) {
          listed = true;
          break;
        }
        if (!installedValid) continue;
        if (!isValidVersion(scheme, v)) {
          unreadable++;
          continue;
        }
        if (compareVersions(scheme, version, v) === 0) {
          listed = true;
          break;
        }
      }
      if (unreadable > 0) warnings.push(`${unreadable} listed version(s) are not ${scheme} versions: skipped`);
    }

    if (hits.length > 0) {
      const open = hits.some((h) => h.fixed === undefined);
      let fixedVersion: string | undefined;
      if (!open) {
        const scheme = schemes.ecosystem;
        for (const h of hits) {
          if (fixedVersion === undefined) fixedVersion = h.fixed;
          else if (isValidVersion(scheme, h.fixed!) && isValidVersion(scheme, fixedVersion) && compareVersions(scheme, h.fixed!, fixedVersion) > 0) {
            fixedVersion = h.fixed;
          }
        }
      }
      return { affected: true, fixedVersion, reason: hits.map((h) => h.reason).join('; '), gitRangesSkipped, warnings };
    }
    if (listed) return { affected: true, reason: `version ${version} is listed as affected`, gitRangesSkipped, warnings };
    const reason =
      misses.length > 0
        ? `not affected: ${misses.join('; ')}`
        : gitRangesSkipped > 0
          ? 'only GIT ranges, which name commits, not versions'
          : 'no range or listed version applies';
    return { affected: false, reason, gitRangesSkipped, warnings };
  } catch (e) {
    warnings.push(`evaluation failed: ${(e as Error).message}`);
    return { affected: false, reason: 'not evaluated: unreadable record', gitRangesSkipped, warnings };
  }
}
