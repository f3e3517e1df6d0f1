/**
 * Severity of a vulnerability from what its records say, first match wins:
 * 1. a CVSS vector in `severity[]` (of the affected entry, else the record):
 *    the newest CVSS version present (4.0, 3.1, 3.0, 2.0), base score computed
 *    with ae-cvss-calculator and bucketed as FIRST/NVD do;
 * 2. the database's own rating, `database_specific.severity` (GitHub
 *    advisories: LOW, MODERATE, HIGH, CRITICAL);
 * 3. the distribution's rating: Debian tracker urgency (`unimportant` and
 *    `low` → low, `medium` → medium, `high` → high; `**` marks one the tracker
 *    derived from NVD), Ubuntu priority (`negligible` → low);
 * 4. otherwise `unknown`.
 * The rule that decided is returned as `source`, so reports can say why.
 */
import cvss from 'ae-cvss-calculator';
import type { Severity } from '../../core/types.js';
import type { OsvSeverity } from '../db/index.js';

export type SeveritySourceKind = 'cvss' | 'database' | 'distro' | 'none';

export interface SeverityRating {
  severity: Severity;
  source: SeveritySourceKind;
  /** e.g. `CVSS_V3 base 7.5 (GHSA-…)`, `Debian urgency unimportant (DEBIAN-CVE-…)`. */
  detail: string;
  score?: number;
  vector?: string;
}

export interface SeverityInput {
  recordId: string;
  severity: readonly OsvSeverity[];
  databaseSpecific?: Record<string, unknown>;
  ecosystemSpecific?: Record<string, unknown>;
}

const MAX_VECTOR_LENGTH = 512;

interface CvssScores {
  base?: number;
}
interface CvssVectorLike {
  calculateScores(): CvssScores;
}
type CvssCtor = new (vector: string) => CvssVectorLike;
const calculator = cvss as unknown as { Cvss2: CvssCtor; Cvss3P0: CvssCtor; Cvss3P1: CvssCtor; Cvss4P0: CvssCtor };

/** CVSS version of a vector (`CVSS:3.1/…`, `CVSS:4.0/…`, or a bare v2 vector). */
function cvssVersion(type: string, vector: string): '2.0' | '3.0' | '3.1' | '4.0' | undefined {
  if (vector.startsWith('CVSS:4.0/')) return '4.0';
  if (vector.startsWith('CVSS:3.1/')) return '3.1';
  if (vector.startsWith('CVSS:3.0/')) return '3.0';
  if (type === 'CVSS_V2' || /^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) return '2.0';
  return undefined;
}

const VERSION_RANK = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 } as const;

/** Base score of a CVSS vector, or undefined when it is not a complete vector. Never throws. */
export function cvssBaseScore(type: string, vector: string): number | undefined {
  if (typeof vector !== 'string' || vector.length === 0 || vector.length > MAX_VECTOR_LENGTH) return undefined;
  const version = cvssVersion(type, vector);
  if (!version) return undefined;
  const text = version === '2.0' ? vector.replace(/^\(|\)$/g, '') : vector;
  try {
    const ctor = { '2.0': calculator.Cvss2, '3.0': calculator.Cvss3P0, '3.1': calculator.Cvss3P1, '4.0': calculator.Cvss4P0 }[version];
    const base = new ctor(text).calculateScores().base;
    return typeof base === 'number' && Number.isFinite(base) && base >= 0 && base <= 10 ? base : undefined;
  } catch {
    return undefined;
  }
}

/** FIRST's qualitative scale for v3/v4; v2 (NVD) has no critical. */
export function severityOfScore(score: number, version: '2.0' | '3.0' | '3.1' | '4.0'): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'info';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

function fromCvss(inputs: readonly SeverityInput[]): SeverityRating | undefined {
  let best: { rank: number; rating: SeverityRating } | undefined;
  for (const input of inputs) {
    for (const s of input.severity ?? []) {
      if (!s || typeof s.score !== 'string' || typeof s.type !== 'string') continue;
      const version = cvssVersion(s.type, s.score);
      if (!version) continue;
      const score = cvssBaseScore(s.type, s.score);
      if (score === undefined) continue;
      const rank = VERSION_RANK[version];
      if (best && best.rank >= rank) continue;
      best = {
        rank,
        rating: {
          severity: severityOfScore(score, version),
          source: 'cvss',
          detail: `CVSS ${version} base ${score.toFixed(1)} (${input.recordId})`,
          score,
          vector: s.score,
        },
      };
    }
  }
  return best?.rating;
}

const DATABASE_SEVERITY: Readonly<Record<string, Severity>> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

function fromDatabase(inputs: readonly SeverityInput[]): SeverityRating | undefined {
  for (const input of inputs) {
    const value = input.databaseSpecific?.severity;
    if (typeof value !== 'string') continue;
    const severity = DATABASE_SEVERITY[value.trim().toUpperCase()];
    if (severity) return { severity, source: 'database', detail: `database severity ${value} (${input.recordId})` };
  }
  return undefined;
}

const DISTRO_RATING: Readonly<Record<string, Severity>> = {
  unimportant: 'low',
  negligible: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** Debian's `urgency` of an affected entry, without the tracker's `**` marks; undefined when absent. */
export function debianUrgency(ecosystemSpecific: Record<string, unknown> | undefined): string | undefined {
  const u = ecosystemSpecific?.urgency;
  return typeof u === 'string' ? u.replace(/\*+$/, '').trim().toLowerCase() : undefined;
}

function fromDistro(inputs: readonly SeverityInput[]): SeverityRating | undefined {
  for (const input of inputs) {
    const urgency = debianUrgency(input.ecosystemSpecific);
    const priority = input.ecosystemSpecific?.ubuntu_priority;
    const [label, value] =
      urgency !== undefined ? ['Debian urgency', urgency] : typeof priority === 'string' ? ['Ubuntu priority', priority.toLowerCase()] : [];
    if (!label || value === undefined) continue;
    const severity = DISTRO_RATING[value];
    if (severity) return { severity, source: 'distro', detail: `${label} ${value} (${input.recordId})` };
  }
  return undefined;
}

/** The severity of one vulnerability from the records (and their entries) that matched it. */
export function rateSeverity(inputs: readonly SeverityInput[]): SeverityRating {
  return fromCvss(inputs) ?? fromDatabase(inputs) ?? fromDistro(inputs) ?? { severity: 'unknown', source: 'none', detail: 'no rating in the records' };
}
