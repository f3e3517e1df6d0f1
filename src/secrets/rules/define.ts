/**
 * One way to write a built-in rule: a number (its stable id `BH-SEC-nnn`),
 * what the credential is and who issues it, and the detection data. The
 * rationale and remediation are written from those so every rule reads alike.
 */
import type { Severity } from '../../core/types.js';
import type { SecretRule } from '../rule.js';

/** Standards every secret rule implements. */
export const SECRET_REFERENCES = ['cwe:798', 'mitre-attack:T1552.001', 'nist-800-190:4.1.4'] as const;

export interface RuleSpec extends Omit<SecretRule, 'id' | 'kind' | 'rationale' | 'remediation' | 'references' | 'title' | 'severity'> {
  /** Becomes `BH-SEC-nnn`; never reused. */
  n: number;
  title: string;
  severity: Severity;
  /** What it opens, for the rationale: "API access to the AWS account as the key's IAM user". */
  grants: string;
  /** Who revokes it, for the remediation: "AWS IAM". */
  issuer: string;
  /** Equivalent checks in other tools (`gitleaks:…`, `trivy:…`) and extra standards. */
  refs?: readonly string[];
  rationale?: string;
  remediation?: string;
}

export function secretRuleId(n: number): string {
  return `BH-SEC-${String(n).padStart(3, '0')}`;
}

export function defineRule(spec: RuleSpec): SecretRule {
  const { n, grants, issuer, refs = [], rationale, remediation, ...rest } = spec;
  return {
    ...rest,
    id: secretRuleId(n),
    kind: 'secret',
    rationale:
      rationale ??
      `A credential stored in a file of an image or checkout can be read by everyone who can pull or clone it, in every layer it was ever added to; this one grants ${grants}.`,
    remediation:
      remediation ??
      `Revoke or rotate it with ${issuer}, remove the file and rebuild so no layer contains it (deleting it in a later layer does not remove it from the earlier one), and provide it at run time from a secret store or mounted secret instead.`,
    references: [...refs, ...SECRET_REFERENCES],
  };
}

/** `name = value` / `name: value` / `"name": "value"` joint between a key name and its value. */
export const ASSIGN = `["']?[ \\t]{0,4}(?:=|:=|=>|:)[ \\t]{0,4}["']?`;
