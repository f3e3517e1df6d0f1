/**
 * Vulnerability attestations: read the cosign vuln predicate
 * (`https://cosign.sigstore.dev/attestation/vuln/v1`) whatever scanner
 * filled `scanner.result` — Bulkhead's own result, Trivy JSON or Grype JSON —
 * and evaluate policy conditions on it. An unknown result format cannot
 * prove anything, so conditions on it fail.
 *
 * Bulkhead's own predicate is the cosign vuln predicate with
 * `scanner.result = { format: "bulkhead.vuln-result/v1", summary, findings }`
 * (see buildVulnPredicate), so cosign, Kyverno and our policy all read it.
 */
import { SEVERITIES, type Finding, type ScanResult, type Severity } from '../core/types.js';

export const BULKHEAD_VULN_RESULT_FORMAT = 'bulkhead.vuln-result/v1';
export const BULKHEAD_SCANNER_URI = 'https://github.com/bulkhead-security/bulkhead';

export interface VulnEntry {
  id: string;
  severity: Severity;
  package?: string;
}

export type VulnExtraction = { ok: true; scanner: string; vulnerabilities: VulnEntry[]; finishedOn?: string } | { ok: false; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function severityOf(value: unknown): Severity {
  const s = typeof value === 'string' ? value.toLowerCase() : '';
  if (s === 'negligible') return 'info';
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : 'unknown';
}

const MAX_ENTRIES = 1_000_000;

/** The vulnerabilities a vuln predicate reports, not counting ones the scanner marked suppressed. */
export function extractVulnerabilities(predicate: unknown): VulnExtraction {
  if (!isObject(predicate) || !isObject(predicate.scanner)) return { ok: false, reason: 'the predicate has no scanner section' };
  const scanner = typeof predicate.scanner.uri === 'string' && predicate.scanner.uri !== '' ? predicate.scanner.uri : 'unknown scanner';
  const finishedOn = isObject(predicate.metadata) && typeof predicate.metadata.scanFinishedOn === 'string' ? predicate.metadata.scanFinishedOn : undefined;
  const result = predicate.scanner.result;
  const out: VulnEntry[] = [];
  const push = (e: VulnEntry) => {
    if (out.length < MAX_ENTRIES) out.push(e);
  };
  if (isObject(result) && result.format === BULKHEAD_VULN_RESULT_FORMAT && Array.isArray(result.findings)) {
    for (const f of result.findings) {
      if (!isObject(f) || f.suppressed === true) continue;
      push({ id: String(f.id ?? ''), severity: severityOf(f.severity), ...(typeof f.package === 'string' ? { package: f.package } : {}) });
    }
  } else if (isObject(result) && Array.isArray(result.Results)) {
    // Trivy JSON report.
    for (const r of result.Results) {
      if (!isObject(r) || !Array.isArray(r.Vulnerabilities)) continue;
      for (const v of r.Vulnerabilities) {
        if (!isObject(v)) continue;
        push({ id: String(v.VulnerabilityID ?? ''), severity: severityOf(v.Severity), ...(typeof v.PkgName === 'string' ? { package: `${v.PkgName}@${String(v.InstalledVersion ?? '')}` } : {}) });
      }
    }
  } else if (isObject(result) && Array.isArray(result.matches)) {
    // Grype JSON report.
    for (const m of result.matches) {
      if (!isObject(m) || !isObject(m.vulnerability)) continue;
      const art = isObject(m.artifact) ? m.artifact : {};
      push({ id: String(m.vulnerability.id ?? ''), severity: severityOf(m.vulnerability.severity), ...(typeof art.name === 'string' ? { package: `${art.name}@${String(art.version ?? '')}` } : {}) });
    }
  } else {
    return { ok: false, reason: `scanner.result of ${scanner} is ${result === null || result === undefined ? 'empty' : 'in a format bulkhead does not read'} (readable: bulkhead, Trivy JSON, Grype JSON)` };
  }
  return { ok: true, scanner, vulnerabilities: out, ...(finishedOn ? { finishedOn } : {}) };
}

export interface VulnConditions {
  /** No vulnerability more severe than this (`high` = "no critical"). */
  maxSeverity?: Exclude<Severity, 'unknown'>;
  /** At most this many per severity. */
  maxCounts?: Partial<Record<Severity, number>>;
  /** The scan finished at most this long ago: `36h`, `7d`. */
  maxAge?: string;
}

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1, unknown: 0 };

export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})(m|h|d)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n * (m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000);
}

/** Violations of `conditions` (empty = satisfied). */
export function evaluateVulnConditions(predicate: unknown, conditions: VulnConditions, now: Date): string[] {
  const ex = extractVulnerabilities(predicate);
  if (!ex.ok) return [`cannot evaluate the vulnerability conditions: ${ex.reason}`];
  const problems: string[] = [];
  if (conditions.maxSeverity) {
    const limit = RANK[conditions.maxSeverity];
    const over = ex.vulnerabilities.filter((v) => RANK[v.severity] > limit);
    if (over.length > 0) problems.push(`${over.length} vulnerabilit${over.length === 1 ? 'y' : 'ies'} above ${conditions.maxSeverity} (${over.slice(0, 5).map((v) => `${v.id} ${v.severity}`).join(', ')}${over.length > 5 ? ', …' : ''})`);
  }
  for (const [sev, max] of Object.entries(conditions.maxCounts ?? {})) {
    const n = ex.vulnerabilities.filter((v) => v.severity === sev).length;
    if (max !== undefined && n > max) problems.push(`${n} ${sev} vulnerabilities, more than the ${max} allowed`);
  }
  if (conditions.maxAge) {
    const ms = parseDuration(conditions.maxAge);
    const finished = ex.finishedOn ? Date.parse(ex.finishedOn) : NaN;
    if (ms === undefined) problems.push(`maxAge ${conditions.maxAge} is not a duration`);
    else if (Number.isNaN(finished) || finished <= Date.parse('0002-01-01T00:00:00Z')) problems.push('the scan has no finish time, so its age is unknown');
    else if (now.getTime() - finished > ms) problems.push(`the scan finished ${ex.finishedOn}, older than ${conditions.maxAge}`);
  }
  return problems;
}

function compactFinding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, severity: f.severity };
  if (f.package) out.package = `${f.package.name}@${f.package.version}`;
  if (f.fixedVersion) out.fixedVersion = f.fixedVersion;
  if (f.status) out.status = f.status;
  if (f.suppressedBy) out.suppressed = true;
  return out;
}

/** The cosign vuln predicate for a Bulkhead scan (what `bulkhead image … --attest` should attest with `--type vuln`). */
export function buildVulnPredicate(scan: Pick<ScanResult, 'findings' | 'tool'>, times: { startedOn: string; finishedOn: string }, db?: { uri: string; version: string }): Record<string, unknown> {
  const vulns = scan.findings.filter((f) => f.kind === 'vulnerability');
  const summary: Record<string, number> = {};
  for (const s of SEVERITIES) summary[s] = vulns.filter((f) => f.severity === s && !f.suppressedBy).length;
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: BULKHEAD_SCANNER_URI,
      version: scan.tool.version,
      db: db ?? { uri: '', version: '' },
      result: { format: BULKHEAD_VULN_RESULT_FORMAT, summary, findings: vulns.map(compactFinding) },
    },
    metadata: { scanStartedOn: times.startedOn, scanFinishedOn: times.finishedOn },
  };
}
