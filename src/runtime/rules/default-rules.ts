/**
 * Bulkhead's own default rules (default/bulkhead_rules.yaml), read from
 * beside this module. The build must copy the YAML next to the compiled
 * module (dist/runtime/rules/default/).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BulkheadError } from '../../core/errors.js';
import type { RuleFile } from './loader.js';

export const DEFAULT_RULES_NAME = 'bulkhead_rules.yaml';

export function defaultRuleFile(): RuleFile {
  const url = new URL('./default/bulkhead_rules.yaml', import.meta.url);
  try {
    return { path: DEFAULT_RULES_NAME, text: readFileSync(url, 'utf8') };
  } catch (err) {
    throw new BulkheadError('IO', `cannot read the default runtime rules: ${(err as Error).message}`, {
      where: fileURLToPath(url),
      hint: 'the build must copy src/runtime/rules/default/*.yaml next to the compiled rules module',
      cause: err,
    });
  }
}
