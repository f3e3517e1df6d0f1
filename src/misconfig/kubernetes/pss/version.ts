/**
 * Pod Security Standards levels and policy versions, parsed the way the API
 * server parses the `pod-security.kubernetes.io/*` labels: a level is
 * `privileged`, `baseline` or `restricted`; a version is `latest` or `v1.N`.
 * A version newer than the newest one Bulkhead knows is evaluated as the
 * newest (upstream does the same), but keeps its own name in messages.
 */
import { BulkheadError } from '../../../core/errors.js';

/** The highest policy version the spec names (the sysctls row changes at v1.37). */
export const LATEST_PSS_MINOR = 37;

export type PssLevel = 'privileged' | 'baseline' | 'restricted';
export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

/** `latest` or `v1.N`. Build one with {@link parsePssVersion}. */
export type PssVersion = 'latest' | `v1.${number}`;

const VERSION = /^v1\.(0|[1-9][0-9]*)$/;

export function isPssVersion(text: string): text is PssVersion {
  if (text === 'latest') return true;
  const m = VERSION.exec(text);
  return !!m && Number.isSafeInteger(Number(m[1]));
}

/** Parse a version as the API server does; anything else is a USAGE error that names the accepted forms. */
export function parsePssVersion(text: string, where = '--pss-version'): PssVersion {
  if (isPssVersion(text)) return text;
  throw new BulkheadError('USAGE', `invalid Pod Security Standards version "${text}"`, {
    where,
    hint: `use "latest" or "v1.N" (for example v1.25); versions go from v1.0 to v1.${LATEST_PSS_MINOR}, later ones are evaluated as v1.${LATEST_PSS_MINOR}`,
  });
}

export function isPssLevel(text: string): text is PssLevel {
  return (PSS_LEVELS as readonly string[]).includes(text);
}

export function parsePssLevel(text: string, where = '--pss-level'): PssLevel {
  if (isPssLevel(text)) return text;
  throw new BulkheadError('USAGE', `invalid Pod Security Standards level "${text}"`, {
    where,
    hint: 'use one of privileged, baseline, restricted',
  });
}

/** The minor version whose checks run: `latest` and anything newer than we know map to {@link LATEST_PSS_MINOR}. */
export function effectiveMinor(version: PssVersion): number {
  if (version === 'latest') return LATEST_PSS_MINOR;
  if (!isPssVersion(version)) parsePssVersion(version, 'version');
  return Math.min(Number(version.slice(3)), LATEST_PSS_MINOR);
}

/** `restricted:latest`, `baseline:v1.25`: the form the API server prints. */
export function formatLevelVersion(level: PssLevel, version: PssVersion): string {
  return `${level}:${version}`;
}
