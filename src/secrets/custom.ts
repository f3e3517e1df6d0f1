/**
 * Secret rules from the configuration file:
 *
 *   secrets:
 *     rules:
 *       - id: acme-api-key
 *         title: ACME API key
 *         severity: high
 *         regex: 'acme_(?<secret>[a-z0-9]{32})'
 *         keywords: [acme_]
 *         entropy: 3.5
 *         allowlist: ['^acme_test_']
 *         path: '\.env$'
 *
 * The secret is the group named `secret`, else the first group, else the
 * whole match. Patterns written for gitleaks or Trivy port as they are: a
 * leading `(?i)` becomes the `i` flag and `(?P<name>` becomes `(?<name>`.
 * Invalid rules are a CONFIG_FILE_INVALID error naming the rule and field.
 */
import { z } from 'zod';
import { BulkheadError } from '../core/errors.js';
import type { SecretRule } from './rule.js';
import { SECRET_REFERENCES } from './rules/define.js';

const customRuleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits, ".", "_", ":" and "-", at most 64'),
    title: z.string().min(1).max(200).optional(),
    severity: z.enum(['critical', 'high', 'medium', 'low', 'info']).optional(),
    regex: z.string().min(1).max(2000),
    keywords: z.array(z.string().min(1).max(100)).max(50).optional(),
    entropy: z.number().min(0).max(8).optional(),
    allowlist: z.array(z.string().min(1).max(2000)).max(100).optional(),
    path: z.string().min(1).max(1000).optional(),
    remediation: z.string().min(1).max(1000).optional(),
  })
  .strict();

const customRulesSchema = z.array(customRuleSchema).max(500);

type CustomRuleConfig = z.infer<typeof customRuleSchema>;

const HINT = 'fix the rule under secrets.rules in the config file (see docs: custom secret rules)';

function invalid(where: string, message: string): BulkheadError<'CONFIG_FILE_INVALID'> {
  return new BulkheadError('CONFIG_FILE_INVALID', `invalid secret rule: ${message}`, { where, hint: HINT });
}

/** A group holding an unbounded quantifier, itself repeated without bound: `(a+)+`, `(\w*\s?)*`. */
const NESTED_UNBOUNDED = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\})/;

/** A JavaScript RegExp from a pattern written for JavaScript, gitleaks or Trivy. */
export function compileUserRegex(source: string, where: string): RegExp {
  let body = source;
  let flags = '';
  const inline = /^\(\?([a-z]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1]!) {
      if (f !== 'i' && f !== 's' && f !== 'm') throw invalid(where, `inline flag "${f}" is not supported (only i, s and m)`);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(inline[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<');
  if (NESTED_UNBOUNDED.test(body)) {
    throw invalid(where, 'a repeated group with a repeated inside ("(a+)+") can take exponential time; bound one of the repetitions');
  }
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch (e) {
    throw invalid(where, `not a valid regular expression (${(e as Error).message})`);
  }
  if (re.test('')) throw invalid(where, 'the pattern matches the empty string');
  return re;
}

function toRule(c: CustomRuleConfig, where: string): SecretRule {
  const regex = compileUserRegex(c.regex, `${where}.regex`);
  const allowlist = (c.allowlist ?? []).map((a, i) => compileUserRegex(a, `${where}.allowlist[${i}]`));
  const pathRe = c.path === undefined ? undefined : compileUserRegex(c.path, `${where}.path`);
  const rule: SecretRule = {
    id: c.id,
    kind: 'secret',
    title: c.title ?? `Secret matching custom rule ${c.id}`,
    severity: c.severity ?? 'high',
    rationale: 'A credential defined by a custom rule of the configuration file; whoever can read the file can use it.',
    remediation:
      c.remediation ??
      'Revoke or rotate the credential, remove the file and rebuild so no layer contains it, and provide it at run time from a secret store.',
    references: [...SECRET_REFERENCES],
    keywords: (c.keywords ?? []).map((k) => k.toLowerCase()),
    regex,
  };
  return {
    ...rule,
    ...(c.entropy !== undefined ? { entropy: c.entropy } : {}),
    ...(allowlist.length ? { allowlist } : {}),
    ...(pathRe ? { appliesTo: (p: string) => pathRe.test(p) } : {}),
  };
}

/**
 * Custom secret rules from the parsed config value: a list of rules or an
 * object with a `rules` list. Throws BulkheadError('CONFIG_FILE_INVALID').
 */
export function parseCustomRules(value: unknown, where = 'secrets.rules'): SecretRule[] {
  if (value === undefined || value === null) return [];
  const list0 = value && typeof value === 'object' && !Array.isArray(value) && 'rules' in value ? (value as { rules: unknown }).rules : value;
  const parsed = customRulesSchema.safeParse(list0);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? `${where}${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}` : where;
    throw invalid(path, issue.message);
  }
  const list = parsed.data;
  const seen = new Set<string>();
  return list.map((c, i) => {
    const at = `${where}[${i}]`;
    if (/^BH-/i.test(c.id)) throw invalid(`${at}.id`, `"${c.id}": ids starting with BH- are reserved for built-in checks`);
    if (seen.has(c.id)) throw invalid(`${at}.id`, `"${c.id}" is defined twice`);
    seen.add(c.id);
    return toRule(c, at);
  });
}
