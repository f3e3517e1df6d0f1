/**
 * The vulnerability detector: a scan's packages against the OSV database.
 * `createMatcher(db)` prepares once (scheme tables, a bounded lookup cache);
 * `match(result)` then runs as named steps per package:
 * resolve the OSV query → look up affected entries → evaluate their ranges →
 * group records that describe one vulnerability → rate and state it.
 *
 * Statuses, from what the source says:
 * - `fixed`: the records name a fixed version above the installed one;
 * - `end-of-life`: no fix, and Debian's urgency is `end-of-life` (the package
 *   is no longer supported in that release);
 * - `will-not-fix`: no fix, and Debian's urgency is `unimportant`: the
 *   security team judged the issue not worth a security update for the
 *   release (the tracker's "unimportant" means exactly that), so none will
 *   come through security updates; severity is low;
 * - `unfixed`: no fix yet.
 * `not-affected` entries (Debian `<not-affected>`, fixed at version 0) never
 * become findings: the importer's data has no entry for them, and a fix at or
 * below the installed version is recorded as a `not-affected` skip.
 *
 * Everything not matched is said: owned language packages, unsupported
 * systems, unreadable versions and GIT-only evidence come back as SkipReasons.
 */
import type { Finding, FindingStatus, Notice, OSInfo, Package, PackageRef, ScanResult } from '../../core/types.js';
import type { AffectedEntry } from '../db/index.js';
import { compareVersions, isValidVersion } from '../version/index.js';
import { distroEcosystem, osvQueryFor, type DistroResolution, type OsvQuery } from './ecosystem.js';
import { evaluateAffected } from './ranges.js';
import { debianUrgency, rateSeverity, type SeverityRating } from './severity.js';

/** What the matcher needs from the database; `VulnDb` provides it. */
export interface AffectedSource {
  findAffected(ecosystem: string, release: string, normalizedName: string): AffectedEntry[];
  /** Optional: entries whose release starts with `releasePrefix` (Red Hat streams). */
  findAffectedByReleasePrefix?(ecosystem: string, releasePrefix: string, normalizedName: string): AffectedEntry[];
}

export interface MatcherOptions {
  /**
   * Also match language packages that an OS package installed (Debian's
   * python3-* modules) against the language ecosystem. Off by default: the
   * distribution backports fixes without changing the upstream version, so
   * the language data would report fixed code as vulnerable.
   */
  matchOwnedLanguagePackages?: boolean;
  /** Entries kept per lookup key across scans; default 5,000. */
  cacheSize?: number;
}

export type SkipCode =
  | 'owned-by-os-package'
  | 'no-os'
  | 'unsupported-os'
  | 'os-package-type-mismatch'
  | 'unsupported-package-type'
  | 'invalid-version'
  | 'git-range'
  | 'not-affected';

export interface SkipReason {
  code: SkipCode;
  message: string;
  package?: PackageRef;
  /** The vulnerability concerned (display id, CVE preferred), for record-level skips. */
  vulnId?: string;
  /** The record that was skipped or found not to apply. */
  recordId?: string;
}

/** Facts about a finding that the core Finding type has no field for. */
export interface FindingDetail {
  severitySource: SeverityRating['source'];
  severityDetail: string;
  cvssScore?: number;
  cvssVector?: string;
  /** Ids of the records merged into the finding. */
  recordIds: string[];
  /** Every id the vulnerability is known by (CVE, GHSA, DSA, DEBIAN-CVE, GO, …). */
  aliases: string[];
  /** `Debian:12`, `npm`, … */
  ecosystem: string;
  /** The package name and version compared (source package and version for deb and apk). */
  matchedName: string;
  matchedVersion: string;
  /** The range evaluation that decided. */
  reason: string;
  /** Debian urgency, when the record has one. */
  urgency?: string;
}

export interface MatchOutput {
  findings: Finding[];
  skipped: SkipReason[];
  notices: Notice[];
  /** Extra facts per finding (severity source, merged records, …). */
  details: Map<Finding, FindingDetail>;
}

export interface Matcher {
  match(result: Pick<ScanResult, 'packages' | 'os'>): MatchOutput;
}

/** Records and warnings per notice beyond which the rest are only counted. */
const MAX_LISTED_WARNINGS = 20;
const MAX_REFERENCE_URLS = 20;
const MAX_TITLE_LENGTH = 200;

function packageRef(pkg: Package): PackageRef {
  const ref: PackageRef = { id: pkg.id, type: pkg.type, name: pkg.name, version: pkg.version, purl: pkg.purl };
  if (pkg.sourceName !== undefined) ref.sourceName = pkg.sourceName;
  if (pkg.sourceVersion !== undefined) ref.sourceVersion = pkg.sourceVersion;
  if (pkg.layer !== undefined) ref.layer = pkg.layer;
  return ref;
}

const CVE = /^CVE-\d{4}-\d+$/;

/** All ids a record is known by. `upstream` counts only when it names one id (DEBIAN-CVE-X ← CVE-X). */
function idsOf(entry: AffectedEntry): string[] {
  const v = entry.vuln;
  const ids = [v.id, ...(v.aliases ?? [])];
  if (v.upstream?.length === 1) ids.push(v.upstream[0]!);
  return [...new Set(ids.filter((x) => typeof x === 'string' && x.length > 0))];
}

/** The id to show: a CVE when there is one (the lowest, for a stable choice), else the record's own. */
function displayId(ids: readonly string[], fallback: string): string {
  const cves = ids.filter((i) => CVE.test(i)).sort(compareCveIds);
  return cves[0] ?? fallback;
}

function compareCveIds(a: string, b: string): number {
  const [, ya = '', na = ''] = a.split('-');
  const [, yb = '', nb = ''] = b.split('-');
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}

interface Hit {
  entry: AffectedEntry;
  fixedVersion?: string;
  reason: string;
}

/** Union of records that share an id: one vulnerability, however many databases describe it. */
function groupHits(hits: readonly Hit[]): Hit[][] {
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  hits.forEach((h, i) => {
    for (const id of idsOf(h.entry)) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Hit[]>();
  hits.forEach((h, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(h);
    else groups.set(root, [h]);
  });
  return [...groups.values()];
}

function titleOf(hits: readonly Hit[], id: string): string {
  for (const h of hits) {
    const summary = h.entry.vuln.summary?.trim();
    if (summary) return clip(summary);
  }
  for (const h of hits) {
    const line = h.entry.vuln.details?.trim().split('\n')[0]?.trim();
    if (line) return clip(line);
  }
  return id;
}

function clip(text: string): string {
  return text.length > MAX_TITLE_LENGTH ? `${text.slice(0, MAX_TITLE_LENGTH - 1)}…` : text;
}

class OsvMatcher implements Matcher {
  private readonly cache = new Map<string, AffectedEntry[]>();
  private readonly cacheSize: number;

  constructor(
    private readonly db: AffectedSource,
    private readonly options: MatcherOptions,
  ) {
    this.cacheSize = options.cacheSize ?? 5_000;
  }

  match(result: Pick<ScanResult, 'packages' | 'os'>): MatchOutput {
    const out: MatchOutput = { findings: [], skipped: [], notices: [], details: new Map() };
    const warnings = new Map<string, string[]>();
    const distro = result.os ? distroEcosystem(result.os) : undefined;
    this.noteDistro(result.os, distro, result.packages, out);
    for (const pkg of result.packages ?? []) {
      try {
        this.matchPackage(pkg, distro, out, warnings);
      } catch (e) {
        out.notices.push({ level: 'warning', message: `matching ${pkg.type} ${pkg.name} ${pkg.version} failed: ${(e as Error).message}` });
      }
    }
    this.noteWarnings(warnings, out);
    return out;
  }

  private noteDistro(os: OSInfo | undefined, distro: DistroResolution | undefined, packages: readonly Package[], out: MatchOutput): void {
    const osPackages = (packages ?? []).filter((p) => p.type === 'deb' || p.type === 'apk' || p.type === 'rpm').length;
    if (osPackages === 0) return;
    if (!os) {
      out.notices.push({ level: 'warning', message: `${osPackages} OS packages, but the operating system is unknown: they were not checked for vulnerabilities` });
    } else if (distro && !distro.ok) {
      out.notices.push({ level: 'warning', message: `${distro.message}: ${osPackages} OS packages were not checked for vulnerabilities` });
    }
  }

  private lookup(query: OsvQuery): AffectedEntry[] {
    const key = `${query.ecosystem}\0${query.releasePrefix ?? query.releases.join('\u0001')}\0${query.normalizedName}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let entries: AffectedEntry[];
    if (query.releasePrefix !== undefined && this.db.findAffectedByReleasePrefix) {
      entries = this.db.findAffectedByReleasePrefix(query.ecosystem, query.releasePrefix, query.normalizedName);
    } else {
      entries = query.releases.flatMap((release) => this.db.findAffected(query.ecosystem, release, query.normalizedName));
    }
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(key, entries);
    return entries;
  }

  private matchPackage(pkg: Package, distro: DistroResolution | undefined, out: MatchOutput, warnings: Map<string, string[]>): void {
    const ref = packageRef(pkg);
    if (pkg.ownedBy && !this.options.matchOwnedLanguagePackages && pkg.type !== 'deb' && pkg.type !== 'apk' && pkg.type !== 'rpm') {
      out.skipped.push({
        code: 'owned-by-os-package',
        message: `installed by ${pkg.ownedBy.type} package ${pkg.ownedBy.name}: covered by the distribution's data (matchOwnedLanguagePackages to check it against ${pkg.type} advisories too)`,
        package: ref,
      });
      return;
    }
    const resolved = osvQueryFor(pkg, distro);
    if (!resolved.ok) {
      out.skipped.push({ code: resolved.code, message: resolved.message, package: ref });
      return;
    }
    const query = resolved.query;
    if (!isValidVersion(query.scheme, query.version)) {
      out.skipped.push({
        code: 'invalid-version',
        message: `version ${JSON.stringify(query.version.slice(0, 80))} is not a ${query.scheme} version: not checked`,
        package: ref,
      });
      return;
    }

    const hits: Hit[] = [];
    const misses: Array<{ ids: string[]; skip: SkipReason }> = [];
    const seen = new Set<string>();
    for (const entry of this.lookup(query)) {
      if (entry.vuln.withdrawn) continue;
      const ids = idsOf(entry);
      const evaluation = evaluateAffected({
        version: query.version,
        ranges: entry.ranges,
        versions: entry.versions,
        schemes: { ecosystem: query.scheme, semver: query.semverScheme },
      });
      if (evaluation.warnings.length > 0) {
        const list = warnings.get(entry.vulnId) ?? [];
        for (const w of evaluation.warnings) if (!list.includes(w)) list.push(w);
        warnings.set(entry.vulnId, list);
      }
      if (evaluation.gitRangesSkipped > 0 && !evaluation.affected && !seen.has(`git\0${entry.vulnId}`)) {
        seen.add(`git\0${entry.vulnId}`);
        out.skipped.push({
          code: 'git-range',
          message: `${evaluation.gitRangesSkipped} GIT range(s) name commits, not versions: not evaluated`,
          package: ref,
          vulnId: displayId(ids, entry.vulnId),
          recordId: entry.vulnId,
        });
      }
      if (evaluation.affected) {
        hits.push({ entry, fixedVersion: evaluation.fixedVersion, reason: evaluation.reason });
      } else if (!evaluation.reason.startsWith('only GIT')) {
        misses.push({ ids, skip: { code: 'not-affected', message: `${query.name} ${query.version}: ${evaluation.reason}`, package: ref, vulnId: displayId(ids, entry.vulnId), recordId: entry.vulnId } });
      }
    }
    // A record (or another record of the same vulnerability) that matched through another entry is a finding, not a skip.
    const found = new Set(hits.flatMap((h) => idsOf(h.entry)));
    const said = new Set<string>();
    for (const miss of misses) {
      if (miss.ids.some((id) => found.has(id)) || said.has(miss.skip.recordId!)) continue;
      said.add(miss.skip.recordId!);
      out.skipped.push(miss.skip);
    }
    for (const group of groupHits(hits)) this.addFinding(pkg, ref, query, group, out);
  }

  private addFinding(pkg: Package, ref: PackageRef, query: OsvQuery, group: readonly Hit[], out: MatchOutput): void {
    const recordIds = [...new Set(group.map((h) => h.entry.vulnId))].sort();
    const aliases = [...new Set(group.flatMap((h) => idsOf(h.entry)))].sort();
    const id = displayId(aliases, recordIds[0]!);

    // A fix exists only when every matching record names one; the highest of them clears them all.
    let fixedVersion: string | undefined;
    if (group.every((h) => h.fixedVersion !== undefined)) {
      for (const h of group) {
        if (fixedVersion === undefined) fixedVersion = h.fixedVersion;
        else if (higher(query.scheme, h.fixedVersion!, fixedVersion)) fixedVersion = h.fixedVersion;
      }
    }
    const urgencies = group.map((h) => debianUrgency(h.entry.ecosystemSpecific)).filter((u): u is string => u !== undefined);
    let status: FindingStatus;
    if (fixedVersion !== undefined) status = 'fixed';
    else if (urgencies.includes('end-of-life')) status = 'end-of-life';
    else if (urgencies.length > 0 && urgencies.every((u) => u === 'unimportant')) status = 'will-not-fix';
    else status = 'unfixed';

    const rating = rateSeverity(
      group.flatMap((h) => [
        { recordId: h.entry.vulnId, severity: h.entry.severity, databaseSpecific: h.entry.databaseSpecific, ecosystemSpecific: h.entry.ecosystemSpecific },
        { recordId: h.entry.vulnId, severity: h.entry.vuln.severity, databaseSpecific: h.entry.vuln.databaseSpecific },
      ]),
    );

    const urls: string[] = [];
    for (const h of group) {
      for (const r of h.entry.vuln.references ?? []) {
        if (typeof r?.url === 'string' && !urls.includes(r.url) && urls.length < MAX_REFERENCE_URLS) urls.push(r.url);
      }
    }
    const finding: Finding = {
      kind: 'vulnerability',
      id,
      title: titleOf(group, id),
      severity: rating.severity,
      status,
      location: { path: pkg.locations[0], ...(pkg.layer ? { layer: pkg.layer } : {}) },
      package: ref,
      installedVersion: pkg.version,
      references: [...aliases.filter((a) => a !== id), ...urls],
    };
    if (fixedVersion !== undefined) {
      finding.fixedVersion = fixedVersion;
      finding.remediation = `upgrade ${query.name} to ${fixedVersion} or later`;
    }
    if (finding.location.path === undefined) delete finding.location.path;
    out.findings.push(finding);
    const detail: FindingDetail = {
      severitySource: rating.source,
      severityDetail: rating.detail,
      recordIds,
      aliases,
      ecosystem: group[0]!.entry.release ? `${query.ecosystem}:${group[0]!.entry.release}` : query.ecosystem,
      matchedName: query.name,
      matchedVersion: query.version,
      reason: group.map((h) => `${h.entry.vulnId}: ${h.reason}`).join('; '),
    };
    if (rating.score !== undefined) detail.cvssScore = rating.score;
    if (rating.vector !== undefined) detail.cvssVector = rating.vector;
    if (urgencies[0] !== undefined) detail.urgency = urgencies[0];
    out.details.set(finding, detail);
  }

  private noteWarnings(warnings: Map<string, string[]>, out: MatchOutput): void {
    if (warnings.size === 0) return;
    const total = [...warnings.values()].reduce((n, l) => n + l.length, 0);
    let listed = 0;
    for (const [id, list] of [...warnings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const w of list) {
        if (listed++ >= MAX_LISTED_WARNINGS) break;
        out.notices.push({ level: 'warning', message: `vulnerability record ${id}: ${w}`, where: id });
      }
    }
    if (total > MAX_LISTED_WARNINGS) {
      out.notices.push({ level: 'warning', message: `${total - MAX_LISTED_WARNINGS} more problems in vulnerability records (${total} in all, ${warnings.size} records)` });
    }
  }
}

function higher(scheme: OsvQuery['scheme'], a: string, b: string): boolean {
  if (!isValidVersion(scheme, a) || !isValidVersion(scheme, b)) return false;
  // compareVersions throws only for invalid input, checked above.
  return compareVersionsSafe(scheme, a, b) > 0;
}

function compareVersionsSafe(scheme: OsvQuery['scheme'], a: string, b: string): number {
  try {
    return compareVersions(scheme, a, b);
  } catch {
    return 0;
  }
}

/** Prepare a matcher over one database; call `match` for each scan. */
export function createMatcher(db: AffectedSource, options: MatcherOptions = {}): Matcher {
  return new OsvMatcher(db, options);
}
