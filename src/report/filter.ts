/**
 * The filter stage: which findings a report shows. Pure: returns a new ScanResult.
 *
 * Two different outcomes, on purpose:
 * - DROPPED: `severities`, `ignoreUnfixed` and `ignoreStatuses` remove findings outright (as Trivy does
 *   for `--severity` and `--ignore-unfixed`). They are view choices, not decisions about a finding,
 *   so nothing is recorded on the finding; a count goes into the notices so a short list is never
 *   mistaken for a clean image.
 * - SUPPRESSED: an ignore-file entry is a recorded decision. The finding keeps `suppressedBy`
 *   (`kind: 'ignore'`, `source: file:line`, the entry's reason). Suppressed findings, including those
 *   suppressed earlier (VEX, inline), are hidden unless `showSuppressed`, then listed with the mark.
 *
 * Ignore entries are matched against every finding before anything is dropped, so an entry that covers
 * a finding hidden by `--severity` still counts as in use.
 */
import type { Finding, FindingStatus, Notice, ScanResult, Severity } from '../core/types.js';
import { BulkheadError } from '../core/errors.js';
import { SEVERITIES } from '../core/types.js';
import type { IgnoreEntry, IgnoreFile } from '../vuln/ignore/file.js';
import { indexIgnoreEntries, isExpired } from '../vuln/ignore/match.js';

export interface FilterOptions {
  /** Keep only these severities; absent or empty keeps all. */
  severities?: Severity[];
  /** Drop vulnerability findings that have no fixed version. */
  ignoreUnfixed?: boolean;
  /** Drop findings whose status is one of these. */
  ignoreStatuses?: FindingStatus[];
  /** List suppressed findings (marked) instead of hiding them. */
  showSuppressed?: boolean;
  ignore?: IgnoreFile;
  /** Clock for expiry; defaults to the current time. */
  now?: Date;
}

export interface FilterSummary {
  dropped: { severity: number; unfixed: number; status: number };
  /** Findings suppressed by the ignore file in this run. */
  suppressedByIgnore: number;
  /** Suppressed findings (any kind) left out because `showSuppressed` was off. */
  hiddenSuppressed: number;
}

export interface FilterOutcome {
  result: ScanResult;
  /** New notices from this stage; not added to `result.notices`, the caller decides where they go. */
  notices: Notice[];
  summary: FilterSummary;
}

const STATUSES: readonly FindingStatus[] = ['affected', 'fixed', 'unfixed', 'will-not-fix', 'not-affected', 'end-of-life'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function entryLabel(e: IgnoreEntry): string {
  const scope = e.purl ?? e.package;
  return `${e.id}${scope ? ` (${scope})` : ''}${e.path ? ` at ${e.path}` : ''}`;
}

export function applyFilters(result: ScanResult, options: FilterOptions = {}): FilterOutcome {
  const now = options.now ?? new Date();
  const notices: Notice[] = [];
  const summary: FilterSummary = { dropped: { severity: 0, unfixed: 0, status: 0 }, suppressedByIgnore: 0, hiddenSuppressed: 0 };

  const entries = options.ignore?.entries ?? [];
  const active: IgnoreEntry[] = [];
  for (const e of entries) {
    if (isExpired(e, now)) {
      notices.push({
        level: 'warning',
        message: `ignore entry ${entryLabel(e)} expired on ${e.expires} and no longer suppresses anything: review it, then renew or remove it`,
        where: e.where,
      });
    } else {
      active.push(e);
    }
  }
  const index = indexIgnoreEntries(active);
  const used = new Set<IgnoreEntry>();

  const keepSeverity = options.severities && options.severities.length > 0 ? new Set(options.severities) : undefined;
  const dropStatus = new Set(options.ignoreStatuses ?? []);

  const findings: Finding[] = [];
  for (const original of result.findings) {
    let finding = original;
    const hits = active.length > 0 ? index.matching(original) : [];
    for (const h of hits) used.add(h);
    if (hits[0] && original.suppressedBy === undefined) {
      const e = hits[0];
      finding = { ...original, suppressedBy: { kind: 'ignore', source: e.where, reason: e.reason } };
      summary.suppressedByIgnore++;
    }

    if (keepSeverity && !keepSeverity.has(finding.severity)) {
      summary.dropped.severity++;
      continue;
    }
    if (options.ignoreUnfixed && finding.kind === 'vulnerability' && !finding.fixedVersion) {
      summary.dropped.unfixed++;
      continue;
    }
    if (finding.status !== undefined && dropStatus.has(finding.status)) {
      summary.dropped.status++;
      continue;
    }
    if (finding.suppressedBy && !options.showSuppressed) {
      summary.hiddenSuppressed++;
      continue;
    }
    findings.push(finding);
  }

  for (const e of active) {
    if (!used.has(e)) {
      notices.push({
        level: 'info',
        message: `ignore entry ${entryLabel(e)} no longer matches any finding: remove it`,
        where: e.where,
      });
    }
  }
  const d = summary.dropped;
  if (d.severity > 0) {
    notices.push({ level: 'info', message: `${plural(d.severity, 'finding')} outside the selected severities (${[...keepSeverity!].join(', ')}) not shown` });
  }
  if (d.unfixed > 0) notices.push({ level: 'info', message: `${plural(d.unfixed, 'vulnerability')} without a fixed version not shown (ignore-unfixed)` });
  if (d.status > 0) notices.push({ level: 'info', message: `${plural(d.status, 'finding')} with an ignored status (${[...dropStatus].join(', ')}) not shown` });
  if (summary.hiddenSuppressed > 0) {
    notices.push({ level: 'info', message: `${plural(summary.hiddenSuppressed, 'suppressed finding')} not shown (show-suppressed lists them with the reason)` });
  }

  return { result: { ...result, findings }, notices, summary };
}

/** `LOW,high, Critical` → severities; unknown names are a usage error. */
export function parseSeverityList(text: string): Severity[] {
  return parseList(text, SEVERITIES, 'severity');
}

/** `unfixed,will-not-fix` → statuses; unknown names are a usage error. */
export function parseStatusList(text: string): FindingStatus[] {
  return parseList(text, STATUSES, 'status');
}

function parseList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const out: T[] = [];
  for (const part of text.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    const hit = allowed.find((a) => a === name);
    if (!hit) {
      throw new BulkheadError('USAGE', `unknown ${what} "${part.trim()}"`, { hint: `use one or more of ${allowed.join(', ')}, separated by commas` });
    }
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}
