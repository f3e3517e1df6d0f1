/** Row helpers: both drivers return slightly different types (pg: counts as strings). */
import type { Finding, ScanResult } from '../../core/types.js';
import type { Row } from './db.js';

export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export function parseJson<T>(v: unknown, fallback: T): T {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

export interface Summary {
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
  fixable: number;
  total: number;
}

export const emptySummary = (): Summary => ({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0, fixable: 0, total: 0 });

/** Counts of the findings a scan reports (suppressed ones left out); `info` counts as low. */
export function summarize(findings: readonly Finding[]): Summary {
  const s = emptySummary();
  for (const f of findings) {
    if (f.suppressedBy) continue;
    s.total++;
    if (f.fixedVersion) s.fixable++;
    switch (f.severity) {
      case 'critical':
      case 'high':
      case 'medium':
      case 'low':
        s[f.severity]++;
        break;
      case 'info':
        s.low++;
        break;
      default:
        s.unknown++;
    }
  }
  return s;
}

export function summaryOf(r: Row): Summary {
  return {
    critical: num(r.n_critical),
    high: num(r.n_high),
    medium: num(r.n_medium),
    low: num(r.n_low),
    unknown: num(r.n_unknown),
    fixable: num(r.n_fixable),
    total: num(r.n_total),
  };
}

export type ScanKind = 'image' | 'sbom' | 'kubernetes' | 'rescan';
export type ScanStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ScanItem {
  id: string;
  kind: ScanKind;
  target: string;
  status: ScanStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  imageDigest: string | null;
  summary: Summary;
  result?: ScanResult;
}

export function scanItem(r: Row): ScanItem {
  return {
    id: String(r.id),
    kind: String(r.kind) as ScanKind,
    target: String(r.target),
    status: String(r.status) as ScanStatus,
    createdAt: String(r.created_at),
    startedAt: str(r.started_at),
    finishedAt: str(r.finished_at),
    error: str(r.error),
    imageDigest: str(r.image_digest),
    summary: summaryOf(r),
  };
}

export const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4, unknown: 5 };
