/**
 * Secret detection: the rules (each a check of kind 'secret'), the scanner,
 * custom rules from the config file, and the analyzer the pipeline runs.
 */
import type { CheckDefinition } from '../core/check.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { secretAnalyzer } from './analyzer.js';
import { BUILTIN_SECRET_RULES } from './rules/index.js';

/** The built-in secret rules as check definitions, for `bulkhead checks` and docs/checks.md. */
export const secretChecks: readonly CheckDefinition[] = BUILTIN_SECRET_RULES.map(
  ({ id, kind, title, severity, rationale, remediation, references }) => ({ id, kind, title, severity, rationale, remediation, references }),
);

/** The analyzers of this folder, in the order they run. */
export const secretAnalyzers: readonly Analyzer[] = [secretAnalyzer];

export { createSecretAnalyzer, secretAnalyzer, secretFinding, type SecretAnalyzerOptions } from './analyzer.js';
export { parseCustomRules } from './custom.js';
export type { SecretRule } from './rule.js';
export { BUILTIN_SECRET_RULES } from './rules/index.js';
export {
  MAX_SECRET_FILE_BYTES,
  redact,
  scanSecrets,
  scanSecretsDetailed,
  secretPathSkipReason,
  secretSkipReason,
  type SecretMatch,
  type SecretScanOptions,
} from './scanner.js';
