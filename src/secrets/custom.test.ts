import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { parseCustomRules } from './custom.js';
import { scanSecrets } from './scanner.js';
import { AN, generator } from './testdata/samples.js';

const { rand } = generator(99);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function configError(value: unknown): BulkheadError {
  try {
    parseCustomRules(value);
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    return e as BulkheadError;
  }
  throw new Error('expected CONFIG_FILE_INVALID');
}

describe('parseCustomRules', () => {
  it('builds secret rules from the config, with defaults', () => {
    const [rule] = parseCustomRules([{ id: 'acme-api-key', regex: 'acme_(?<secret>[a-z0-9]{32})', keywords: ['ACME_'] }]);
    expect(rule).toMatchObject({ id: 'acme-api-key', kind: 'secret', severity: 'high', keywords: ['acme_'], title: 'Secret matching custom rule acme-api-key' });
    expect(rule!.references).toContain('cwe:798');
  });

  it('accepts a `rules` mapping and an absent value', () => {
    expect(parseCustomRules({ rules: [{ id: 'x', regex: 'x_[0-9]{8}' }] })).toHaveLength(1);
    expect(parseCustomRules(undefined)).toEqual([]);
  });

  it('ports gitleaks and Trivy patterns: (?i) and (?P<name>…)', () => {
    const [rule] = parseCustomRules([{ id: 'corp', regex: '(?i)corp_token=(?P<secret>[a-z0-9]{20})' }]);
    expect(rule!.regex.flags).toContain('i');
    const value = rand(AN, 20);
    const [m] = scanSecrets('/app/.env', Buffer.from(`CORP_TOKEN=${value}\n`), { rules: [rule!] });
    expect(m!.secretHash).toBe(sha256(value));
    expect(m!.evidence).toBe(`CORP_TOKEN=${value.slice(0, 4)}${'*'.repeat(16)}`);
  });

  it('applies keywords, path, entropy and allowlist', () => {
    const rules = parseCustomRules([
      { id: 'acme', title: 'ACME key', severity: 'critical', regex: 'acme_([A-Za-z0-9]{24})', keywords: ['acme_'], entropy: 3, allowlist: ['^test'], path: '\\.env$' },
    ]);
    const key = rand(AN, 24);
    const found = (path: string, text: string) => scanSecrets(path, Buffer.from(text), { extraRules: rules }).filter((m) => m.rule.id === 'acme');
    expect(found('/app/.env', `K=acme_${key}`).map((m) => [m.rule.title, m.rule.severity])).toEqual([['ACME key', 'critical']]);
    expect(found('/app/config.yml', `K=acme_${key}`)).toEqual([]);
    expect(found('/app/.env', `K=acme_${'ab'.repeat(12)}`)).toEqual([]);
    expect(found('/app/.env', `K=acme_test${key.slice(4)}`)).toEqual([]);
  });

  it('runs rules whose keywords are not ASCII on every file', () => {
    const rules = parseCustomRules([{ id: 'cle', regex: 'clé=([0-9]{12})', keywords: ['CLÉ'] }]);
    expect(rules[0]!.keywords).toEqual(['clé']);
    const m = scanSecrets('/app/conf', Buffer.from('clé=739104826351\n'), { rules });
    expect(m.map((x) => x.rule.id)).toEqual(['cle']);
  });

  it('rejects invalid rules with CONFIG_FILE_INVALID naming the rule and field', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [[{ id: 'a', regex: '(' }], 'secrets.rules[0].regex', /not a valid regular expression/],
      [[{ id: 'a', regex: 'ok_[0-9]+' }, { id: 'b', regex: '(a+)+$' }], 'secrets.rules[1].regex', /exponential/],
      [[{ id: 'a', regex: 'x*' }], 'secrets.rules[0].regex', /empty string/],
      [[{ id: 'a', regex: '(?x)a' }], 'secrets.rules[0].regex', /inline flag/],
      [[{ id: 'a', regex: 'a_[0-9]{4}', allowlist: ['['] }], 'secrets.rules[0].allowlist[0]', /not a valid/],
      [[{ id: 'BH-SEC-001', regex: 'a_[0-9]{4}' }], 'secrets.rules[0].id', /reserved/],
      [[{ id: 'a', regex: 'a_[0-9]{4}' }, { id: 'a', regex: 'b_[0-9]{4}' }], 'secrets.rules[1].id', /defined twice/],
      [[{ id: 'a', regex: 'a_[0-9]{4}', entropy: 9 }], 'secrets.rules[0].entropy', /./],
      [[{ id: 'a', regex: 'a_[0-9]{4}', severity: 'urgent' }], 'secrets.rules[0].severity', /./],
      [[{ id: 'a', regex: 'a_[0-9]{4}', colour: 'red' }], 'secrets.rules[0]', /colour/],
      [[{ regex: 'a_[0-9]{4}' }], 'secrets.rules[0].id', /./],
      ['not a list', 'secrets.rules', /./],
    ];
    for (const [value, where, message] of cases) {
      const e = configError(value);
      expect(e.code, where).toBe('CONFIG_FILE_INVALID');
      expect(e.where, JSON.stringify(value)).toBe(where);
      expect(e.message, where).toMatch(message);
      expect(e.exitCode).toBe(2);
    }
  });
});
