/**
 * Version errors are expected data problems, not scan failures: the matcher
 * counts and skips them (a record with an unparsable range, a package with a
 * garbled version), so they stay apart from `BulkheadError`.
 */

export type VersionErrorCode = 'INVALID_VERSION' | 'UNKNOWN_SCHEME';

export class VersionError extends Error {
  readonly code: VersionErrorCode;
  /** The scheme asked for (as given, also when unknown). */
  readonly scheme: string;
  /** The offending version; '' for an unknown scheme. */
  readonly version: string;

  constructor(code: VersionErrorCode, scheme: string, version: string) {
    super(
      code === 'UNKNOWN_SCHEME'
        ? `unknown version scheme ${JSON.stringify(scheme)}`
        : `invalid ${scheme} version ${JSON.stringify(version.length > 80 ? `${version.slice(0, 80)}…` : version)}`,
    );
    this.name = 'VersionError';
    this.code = code;
    this.scheme = scheme;
    this.version = version;
  }
}

export function isVersionError(e: unknown): e is VersionError {
  return e instanceof VersionError;
}
