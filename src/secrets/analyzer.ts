/**
 * Secret detection as an analyzer: every regular file of every layer (and of
 * a root filesystem or checkout) that passes the skip rules is scanned, so a
 * secret added in one layer and deleted in a later one is still reported
 * with the layer that holds it. Findings carry redacted evidence only.
 */
import { createHash } from 'node:crypto';
import { findingFor } from '../core/check.js';
import type { Finding } from '../core/types.js';
import type { Analyzer } from '../inventory/analyzer.js';
import type { SecretRule } from './rule.js';
import { MAX_SECRET_FILE_BYTES, scanSecretsDetailed, secretPathSkipReason, type SecretMatch } from './scanner.js';

export interface SecretAnalyzerOptions {
  /** Replaces the built-in rules. */
  rules?: readonly SecretRule[];
  /** Custom rules from the config file, run after the built-in ones. */
  extraRules?: readonly SecretRule[];
  /** Larger files are not scanned; default MAX_SECRET_FILE_BYTES. */
  maxBytes?: number;
}

/** The finding for one match: the rule's check data, the file and lines, the redacted evidence. */
export function secretFinding(path: string, m: SecretMatch): Finding {
  return findingFor(m.rule, { path, startLine: m.line, endLine: m.endLine }, { evidence: m.evidence });
}

/** Changes whenever the rules do, so cached layer results of other rules are not reused. */
function rulesFingerprint(options: SecretAnalyzerOptions): string {
  const describe = (r: SecretRule): string =>
    JSON.stringify([r.id, r.severity, r.regex.source, r.regex.flags, r.keywords, r.entropy, r.allowlist?.map((a) => a.source)]);
  const h = createHash('sha256');
  for (const r of options.rules ?? []) h.update(`${describe(r)}\n`);
  h.update('--\n');
  for (const r of options.extraRules ?? []) h.update(`${describe(r)}\n`);
  h.update(String(options.maxBytes ?? MAX_SECRET_FILE_BYTES));
  return h.digest('hex').slice(0, 12);
}

export function createSecretAnalyzer(options: SecretAnalyzerOptions = {}): Analyzer {
  const maxBytes = options.maxBytes ?? MAX_SECRET_FILE_BYTES;
  const customised = options.rules !== undefined || (options.extraRules?.length ?? 0) > 0 || options.maxBytes !== undefined;
  const scanOptions = { rules: options.rules, extraRules: options.extraRules, maxBytes };
  return {
    id: customised ? `secret+${rulesFingerprint(options)}` : 'secret',
    version: 1,
    description: `Credentials in files (${options.rules?.length ?? 'built-in'} rules${options.extraRules?.length ? ` + ${options.extraRules.length} custom` : ''}): cloud keys, tokens, private keys, registry and kubeconfig credentials, passwords`,
    targets: ['image', 'rootfs', 'fs'],
    scanner: 'secret',
    maxBytes,
    wants: (path, info) => info.size > 0 && info.size <= maxBytes && secretPathSkipReason(path) === undefined,
    analyze({ path, content }) {
      const { matches, truncated } = scanSecretsDetailed(path, content, scanOptions);
      const warnings = truncated ? ['secret scan stopped at the match limit; more secrets may be in this file'] : [];
      if (!matches.length) return warnings.length ? { warnings } : null;
      const findings = matches.map((m) => secretFinding(path, m));
      return warnings.length ? { findings, warnings } : { findings };
    },
  };
}

/** The analyzer with the built-in rules. */
export const secretAnalyzer: Analyzer = createSecretAnalyzer();
