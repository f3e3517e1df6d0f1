/**
 * Vulnerability matching: packages of a scan against OSV records, with exact
 * version semantics per ecosystem, merged aliases and an explicit status.
 */
export { createMatcher } from './matcher.js';
export type { AffectedSource, Matcher, MatcherOptions, MatchOutput, SkipCode, SkipReason, FindingDetail } from './matcher.js';
export { distroEcosystem, osvQueryFor, languageEcosystem, osvGoVersion, RHEL_STREAMS } from './ecosystem.js';
export type { OsvQuery, QueryResolution, DistroEcosystem, DistroResolution } from './ecosystem.js';
export { evaluateAffected, RANGE_LIMITS } from './ranges.js';
export type { AffectedInput, RangeEvaluation, RangeSchemes } from './ranges.js';
export { rateSeverity, cvssBaseScore, severityOfScore, debianUrgency } from './severity.js';
export type { SeverityRating, SeveritySourceKind, SeverityInput } from './severity.js';
