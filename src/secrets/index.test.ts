import { describe, expect, it } from 'vitest';
import { BUILTIN_SECRET_RULES, secretAnalyzers, secretChecks } from './index.js';

describe('secrets folder exports', () => {
  it('lists every rule as a plain check definition', () => {
    expect(secretChecks).toHaveLength(BUILTIN_SECRET_RULES.length);
    expect(secretChecks[0]).toEqual({
      id: 'BH-SEC-001',
      kind: 'secret',
      title: 'AWS access key ID',
      severity: 'critical',
      rationale: expect.stringContaining('AWS account'),
      remediation: expect.stringContaining('AWS IAM'),
      references: ['gitleaks:aws-access-token', 'trivy:aws-access-key-id', 'cwe:798', 'mitre-attack:T1552.001', 'nist-800-190:4.1.4'],
    });
    expect(JSON.parse(JSON.stringify(secretChecks))).toEqual(secretChecks);
  });

  it('lists the secret analyzer', () => {
    expect(secretAnalyzers.map((a) => a.id)).toEqual(['secret']);
  });
});
