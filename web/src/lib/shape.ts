/** Turns API responses into what the pages draw: breakdowns, groupings, filters. */
import type { ComplianceSummary, Finding, ImageLayer, Package, Severity, SeveritySummary } from '../api/types.js';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];
export type ChartSeverity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';
export const CHART_SEVERITIES: readonly ChartSeverity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

export function severityRank(s: string): number {
  const i = SEVERITY_ORDER.indexOf(s as Severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

/** A finding is fixable when it names a fixed version and is not marked will-not-fix. */
export function isFixable(f: Pick<Finding, 'fixedVersion' | 'status'>): boolean {
  return Boolean(f.fixedVersion) && f.status !== 'will-not-fix';
}

export interface SeverityFixability {
  severity: ChartSeverity;
  fixable: number;
  unfixed: number;
}

/** Vulnerabilities per severity split into fixable / not fixable; suppressed ones left out. */
export function vulnerabilityBreakdown(findings: readonly Finding[]): SeverityFixability[] {
  const rows = new Map<ChartSeverity, SeverityFixability>(CHART_SEVERITIES.map((s) => [s, { severity: s, fixable: 0, unfixed: 0 }]));
  for (const f of findings) {
    if (f.suppressedBy) continue;
    const sev: ChartSeverity = f.severity === 'info' ? 'low' : (CHART_SEVERITIES as readonly string[]).includes(f.severity) ? (f.severity as ChartSeverity) : 'unknown';
    const row = rows.get(sev)!;
    if (isFixable(f)) row.fixable++;
    else row.unfixed++;
  }
  return [...rows.values()];
}

export function summaryTotal(s: SeveritySummary | null | undefined): number {
  if (!s) return 0;
  return s.total ?? s.critical + s.high + s.medium + s.low + s.unknown;
}

export interface LayerWithPackages {
  layer: ImageLayer;
  packages: Package[];
}

/** Each layer with the packages it added (by the package's layer diffID, falling back to index). */
export function packagesByLayer(layers: readonly ImageLayer[], packages: readonly Package[]): { layers: LayerWithPackages[]; unattributed: Package[] } {
  const ordered = [...layers].sort((a, b) => a.index - b.index);
  const out = ordered.map((layer) => ({ layer, packages: [] as Package[] }));
  const byDiff = new Map(out.map((l) => [l.layer.diffID, l]));
  const byIndex = new Map(out.map((l) => [l.layer.index, l]));
  const unattributed: Package[] = [];
  for (const p of packages) {
    const target = (p.layer && (byDiff.get(p.layer.diffID) ?? byIndex.get(p.layer.index))) || undefined;
    if (target) target.packages.push(p);
    else unattributed.push(p);
  }
  for (const l of out) l.packages.sort((a, b) => a.name.localeCompare(b.name));
  return { layers: out, unattributed };
}

/** Case-insensitive filter over name, version, type and purl; several words must all match. */
export function filterPackages(packages: readonly Package[], q: string): Package[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...packages];
  return packages.filter((p) => {
    const hay = `${p.type} ${p.name} ${p.version} ${p.purl} ${p.licenses?.join(' ') ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.id.localeCompare(b.id) || (a.package?.name ?? '').localeCompare(b.package?.name ?? ''));
}

/** Category of a Kubernetes finding for the filter: PSS, RBAC, network or other checks. */
export function k8sCategory(f: Pick<Finding, 'id'>): 'PSS' | 'RBAC' | 'Network' | 'Other' {
  const id = f.id.toUpperCase();
  if (id.startsWith('PSS')) return 'PSS';
  if (id.includes('RBAC')) return 'RBAC';
  if (id.includes('NETPOL') || id.includes('NET-')) return 'Network';
  return 'Other';
}

export function namespacesOf(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.location.object?.namespace ?? '(cluster)'))].sort();
}

export interface K8sFilter {
  namespace?: string;
  framework?: string;
  category?: string;
}

/** Findings matching a namespace, a framework (its controls' check ids) and a category. */
export function filterK8sFindings(findings: readonly Finding[], compliance: readonly ComplianceSummary[], f: K8sFilter): Finding[] {
  let checks: Set<string> | undefined;
  if (f.framework) {
    const fw = compliance.find((c) => c.framework === f.framework);
    checks = new Set(fw?.controls.flatMap((c) => c.checks) ?? []);
  }
  return findings.filter(
    (x) =>
      (!f.namespace || (x.location.object?.namespace ?? '(cluster)') === f.namespace) &&
      (!checks || checks.has(x.id)) &&
      (!f.category || k8sCategory(x) === f.category),
  );
}

export interface NamespaceCounts {
  namespace: string;
  total: number;
  critical: number;
  high: number;
  PSS: number;
  RBAC: number;
}

/** Findings per namespace (cluster-scoped objects under `(cluster)`), worst first. */
export function countsByNamespace(findings: readonly Finding[]): NamespaceCounts[] {
  const m = new Map<string, NamespaceCounts>();
  for (const f of findings) {
    const ns = f.location.object?.namespace ?? '(cluster)';
    const c = m.get(ns) ?? { namespace: ns, total: 0, critical: 0, high: 0, PSS: 0, RBAC: 0 };
    c.total++;
    if (f.severity === 'critical') c.critical++;
    if (f.severity === 'high') c.high++;
    const cat = k8sCategory(f);
    if (cat === 'PSS' || cat === 'RBAC') c[cat]++;
    m.set(ns, c);
  }
  return [...m.values()].sort((a, b) => b.critical - a.critical || b.high - a.high || b.total - a.total || a.namespace.localeCompare(b.namespace));
}
