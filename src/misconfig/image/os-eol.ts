/**
 * BH-IMG-011: the image's OS release is past (or close to) the end of its
 * free security support, by the table in `eol-table.ts` and the `now` option.
 * Releases not in the table are not guessed at, except those older than every
 * listed release when all of those are already end of life. Testing and
 * development versions (`trixie/sid`, `edge`) have no version number and are
 * skipped.
 */
import { findingFor } from '../../core/check.js';
import type { Finding, OSInfo } from '../../core/types.js';
import { osEndOfLifeCheck } from './checks.js';
import type { ImageCheckContext } from './context.js';
import { EOL_TABLE, type EolDistribution, type EolRelease } from './eol-table.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The table family for an OSInfo: os-release ID, with CentOS Stream told apart from CentOS Linux. */
export function eolFamily(os: Pick<OSInfo, 'family' | 'name' | 'prettyName'>): string {
  const family = (os.family ?? '').toLowerCase();
  if (family === 'centos' && /stream/i.test(`${os.name ?? ''} ${os.prettyName ?? ''}`)) return 'centos-stream';
  return family;
}

/** The first `parts` numeric components of a version (`12.15` → [12]); undefined when it has fewer. */
export function releaseKey(version: string, parts: number): number[] | undefined {
  const m = /^\s*v?(\d{1,6}(?:\.\d{1,6}){0,5})/.exec(version.slice(0, 64));
  if (!m) return undefined;
  const nums = m[1]!.split('.').map(Number);
  return nums.length >= parts ? nums.slice(0, parts) : undefined;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export type EolLookup =
  | { kind: 'listed'; distribution: EolDistribution; release: EolRelease }
  | { kind: 'older-than-table'; distribution: EolDistribution; oldest: EolRelease };

/** Where an OS release stands in the table, or undefined when the table does not say. */
export function lookupEol(os: Pick<OSInfo, 'family' | 'version' | 'name' | 'prettyName'>, now: Date): EolLookup | undefined {
  const family = eolFamily(os);
  const distribution = EOL_TABLE.find((d) => d.families.includes(family));
  if (!distribution || typeof os.version !== 'string') return undefined;
  const key = releaseKey(os.version, distribution.keyParts);
  if (!key) return undefined;
  const keyed = distribution.releases.map((r) => ({ r, k: releaseKey(r.release, distribution.keyParts)! }));
  const exact = keyed.find((x) => compareKeys(x.k, key) === 0);
  if (exact) return { kind: 'listed', distribution, release: exact.r };
  const oldest = keyed.reduce((a, b) => (compareKeys(b.k, a.k) < 0 ? b : a));
  if (compareKeys(key, oldest.k) < 0 && endOfDay(oldest.r.endOfLife) <= now.getTime()) {
    return { kind: 'older-than-table', distribution, oldest: oldest.r };
  }
  // Between two listed releases, or newer than all of them: not guessed.
  return undefined;
}

/** The instant a YYYY-MM-DD support end is over: the start of the next UTC day. */
function endOfDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + DAY_MS;
}

/** Releases of the same distribution still supported a year after `now`, newest end of life first. */
function supportedAlternatives(distribution: EolDistribution, now: Date): EolRelease[] {
  return distribution.releases
    .filter((r) => endOfDay(r.endOfLife) > now.getTime() + 365 * DAY_MS)
    .sort((a, b) => b.endOfLife.localeCompare(a.endOfLife))
    .slice(0, 2);
}

export function checkOsEndOfLife(ctx: ImageCheckContext): Finding[] {
  const os = ctx.result.os;
  if (!os) return [];
  const lookup = lookupEol(os, ctx.now);
  if (!lookup) return [];
  const now = ctx.now.getTime();
  const location = typeof os.source === 'string' && os.source ? { path: os.source } : {};
  const shownVersion = `${os.family} ${String(os.version).slice(0, 32)}`;
  const alternatives = supportedAlternatives(lookup.distribution, ctx.now);
  const remediation =
    alternatives.length > 0
      ? `Rebuild on a supported release: ${alternatives.map((r) => `${r.name} (supported until ${r.endOfLife})`).join(' or ')}.`
      : osEndOfLifeCheck.remediation;

  if (lookup.kind === 'older-than-table') {
    const finding = findingFor(osEndOfLifeCheck, location, {
      title: `${shownVersion} is end of life (older than ${lookup.oldest.name}, which ended ${lookup.oldest.endOfLife})`,
      evidence: `${shownVersion} (from ${os.source}); every release up to ${lookup.oldest.name} is past its end of life (${lookup.distribution.source})`,
      remediation,
    });
    return [{ ...finding, status: 'end-of-life' }];
  }

  const release = lookup.release;
  const end = endOfDay(release.endOfLife);
  const extended = release.extended && endOfDay(release.extended.until) > now ? `; ${release.extended.name} continues until ${release.extended.until}` : '';
  if (end <= now) {
    const finding = findingFor(osEndOfLifeCheck, location, {
      title: `${release.name} reached end of life on ${release.endOfLife}`,
      evidence: `${shownVersion} (from ${os.source}); free security updates ended ${release.endOfLife} (${lookup.distribution.source})${extended}`,
      remediation,
    });
    return [{ ...finding, status: 'end-of-life' }];
  }
  const daysLeft = Math.ceil((end - now) / DAY_MS);
  if (ctx.eolWarningDays > 0 && daysLeft <= ctx.eolWarningDays) {
    return [
      findingFor(osEndOfLifeCheck, location, {
        title: `${release.name} reaches end of life on ${release.endOfLife} (in ${daysLeft} days)`,
        severity: 'low',
        evidence: `${shownVersion} (from ${os.source}); free security updates end ${release.endOfLife} (${lookup.distribution.source})${extended}`,
        remediation,
      }),
    ];
  }
  return [];
}
