/**
 * Errors with a literal-union code. Callers switch on `code`, never on message
 * text. Every error says what failed, where, and what to do (`hint`).
 */

export const ExitCode = {
  ok: 0,
  findings: 1,
  input: 2,
  external: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type InputErrorCode =
  | 'USAGE'
  | 'TARGET_NOT_FOUND'
  | 'TARGET_UNSUPPORTED'
  | 'ARCHIVE_CORRUPT'
  | 'ARCHIVE_UNSAFE'
  | 'MANIFEST_INVALID'
  | 'CONFIG_INVALID'
  | 'DIGEST_MISMATCH'
  | 'PLATFORM_NOT_FOUND'
  | 'SBOM_INVALID'
  | 'CONFIG_FILE_INVALID'
  | 'LIMIT_EXCEEDED'
  | 'NOTHING_FOUND'
  | 'K8S_INPUT_INVALID'
  | 'KEY_INVALID'
  | 'POLICY_INVALID'
  | 'RULES_INVALID'
  | 'EVENTS_INVALID';

export type ExternalErrorCode =
  | 'REGISTRY_UNSUPPORTED'
  | 'REGISTRY_AUTH'
  | 'REGISTRY_RATE_LIMITED'
  | 'REGISTRY_UNAVAILABLE'
  | 'CACHE_UNAVAILABLE'
  | 'IO'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_FORBIDDEN'
  | 'REGISTRY_PROTOCOL'
  | 'SENSOR_UNAVAILABLE'
  | 'TOOL_MISSING'
  | 'SERVER_UNAVAILABLE'
  | 'SERVER_AUTH'
  | 'SERVER_SCAN_FAILED';

/** A verification that ran and said no (bad or missing signature, policy denied): exit 1, like findings. */
export type VerificationErrorCode = 'VERIFICATION_FAILED';

export type ErrorCode = InputErrorCode | ExternalErrorCode | VerificationErrorCode | 'INTERNAL';

export interface ErrorDetails {
  /** Where it failed: a file (with line), a layer digest, a tar entry, a URL. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class BulkheadError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly where?: string;
  readonly hint?: string;

  constructor(code: C, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BulkheadError';
    this.code = code;
    this.where = details.where;
    this.hint = details.hint;
  }

  get exitCode(): ExitCode {
    return exitCodeFor(this.code);
  }

  /** One line for the terminal: what, where, what to do. */
  describe(): string {
    let line = this.message;
    if (this.where) line += ` (at ${this.where})`;
    if (this.hint) line += `: ${this.hint}`;
    return line;
  }
}

const external = new Set<ErrorCode>([
  'REGISTRY_UNSUPPORTED',
  'REGISTRY_AUTH',
  'REGISTRY_RATE_LIMITED',
  'REGISTRY_UNAVAILABLE',
  'CACHE_UNAVAILABLE',
  'IO',
  'REGISTRY_NOT_FOUND',
  'REGISTRY_FORBIDDEN',
  'REGISTRY_PROTOCOL',
  'SENSOR_UNAVAILABLE',
  'TOOL_MISSING',
  'SERVER_UNAVAILABLE',
  'SERVER_AUTH',
  'SERVER_SCAN_FAILED',
]);

export function exitCodeFor(code: ErrorCode): ExitCode {
  if (code === 'INTERNAL') return ExitCode.external;
  if (code === 'VERIFICATION_FAILED') return ExitCode.findings;
  return external.has(code) ? ExitCode.external : ExitCode.input;
}

export function isBulkheadError(e: unknown): e is BulkheadError {
  return e instanceof BulkheadError;
}

/** Prefix the location of an error raised deeper down (e.g. add the layer to a tar error). */
export function withWhere(e: unknown, where: string): unknown {
  if (e instanceof BulkheadError) {
    const inner = e.where ? `${where}, ${e.where}` : where;
    const wrapped = new BulkheadError(e.code, e.message, { where: inner, hint: e.hint, cause: e.cause });
    return wrapped;
  }
  return e;
}
