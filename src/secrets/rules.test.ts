import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../core/types.js';
import { BUILTIN_SECRET_RULES } from './rules/index.js';
import { scanSecrets } from './scanner.js';
import { ruleSamples } from './testdata/samples.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const samples = ruleSamples();

describe('built-in secret rules', () => {
  it('are at least 60, numbered BH-SEC-001 onwards without gaps or repeats', () => {
    expect(BUILTIN_SECRET_RULES.length).toBeGreaterThanOrEqual(60);
    expect(BUILTIN_SECRET_RULES.map((r) => r.id)).toEqual(BUILTIN_SECRET_RULES.map((_, i) => `BH-SEC-${String(i + 1).padStart(3, '0')}`));
  });

  it('are complete checks: kind, severity, rationale, remediation, standard references, lower-case keywords', () => {
    for (const r of BUILTIN_SECRET_RULES) {
      expect(r.kind, r.id).toBe('secret');
      expect(SEVERITIES, r.id).toContain(r.severity);
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.rationale.length, r.id).toBeGreaterThan(40);
      expect(r.remediation.length, r.id).toBeGreaterThan(40);
      expect(r.references, r.id).toEqual(expect.arrayContaining(['cwe:798', 'mitre-attack:T1552.001', 'nist-800-190:4.1.4']));
      for (const ref of r.references) expect(ref, r.id).toMatch(/^(?:gitleaks|trivy|cwe|mitre-attack|nist-800-190):[A-Za-z0-9.-]+$/);
      for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
      expect(r.regex.flags, r.id).not.toMatch(/[gy]/);
    }
  });

  it('each have a positive sample and near-miss negatives here', () => {
    expect(samples.map((s) => s.rule).sort()).toEqual(BUILTIN_SECRET_RULES.map((r) => r.id));
  });

  for (const sample of samples) {
    const path = sample.path ?? '/app/config.env';
    it(`${sample.rule} finds its sample, redacted and hashed`, () => {
      const found = scanSecrets(path, Buffer.from(sample.positive)).filter((m) => m.rule.id === sample.rule);
      expect(found.length, sample.positive.slice(0, 200)).toBe(1);
      const [m] = found;
      expect(m!.secretHash).toBe(sha256(sample.secret));
      expect(m!.evidence).not.toContain(sample.secret);
      expect(m!.evidence).toMatch(/\*{4}|-----BEGIN|PuTTY/);
      expect(m!.line).toBeGreaterThanOrEqual(1);
      expect(m!.column).toBeGreaterThanOrEqual(1);
    });
    it(`${sample.rule} ignores its near misses`, () => {
      for (const n of sample.negatives) {
        const found = scanSecrets(n.path ?? path, Buffer.from(n.content)).filter((m) => m.rule.id === sample.rule);
        expect(found, n.content.slice(0, 200)).toEqual([]);
      }
    });
  }
});
