import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { parseAdmissionConfig } from './config.js';
import { configOf, TESTDATA } from './testing.js';

function invalid(fn: () => unknown): BulkheadError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    return e as BulkheadError;
  }
  throw new Error('expected a BulkheadError');
}

describe('admission configuration', () => {
  it('fills defaults: enforce, fail closed, 8 s deadline, baseline:latest', () => {
    const c = parseAdmissionConfig('');
    expect(c.mode).toBe('enforce');
    expect(c.failurePolicy).toBe('closed');
    expect(c.deadlineMs).toBe(8000);
    expect(c.pss.default).toEqual({ level: 'baseline', version: 'latest' });
    expect(c.trustPolicy).toBeUndefined();
    expect(c.vulnerabilities).toBeUndefined();
  });

  it('reads every section', async () => {
    const dir = TESTDATA;
    const c = parseAdmissionConfig(
      [
        'mode: audit',
        'failurePolicy: open',
        'deadlineMs: 5000',
        'pss:',
        '  default: { level: restricted, version: v1.28 }',
        '  namespaces: { legacy: { level: privileged } }',
        '  namespaceLabels: false',
        '  exemptNamespaces: [monitoring]',
        'vulnerabilities: { maxSeverity: medium, denyUnfixedCritical: false, unscanned: deny, scanBudgetMs: 2000 }',
        'vap: [vap-require-team.yaml]',
        'registries: { insecure: ["localhost:5000"], caFile: ca.pem }',
      ].join('\n'),
      { source: 'admission.yaml', baseDir: dir },
    );
    expect(c.mode).toBe('audit');
    expect(c.pss.namespaces['legacy']).toEqual({ level: 'privileged', version: 'latest' });
    expect(c.vulnerabilities).toEqual({ maxSeverity: 'medium', denyUnfixedCritical: false, unscanned: 'deny', scanBudgetMs: 2000 });
    expect(c.vap.map((p) => p.name)).toEqual(['require-team-label']);
    expect(c.registries.caFile).toBe(path.join(dir, 'ca.pem'));
  });

  it.each([
    ['mode: block\n', 'admission.yaml:1', 'mode'],
    ['pss:\n  default:\n    level: strict\n', 'admission.yaml:3', 'pss.default.level'],
    ['pss:\n  namespaces:\n    apps: { level: baseline, version: "1.30" }\n', 'admission.yaml:3', 'pss.namespaces.apps.version'],
    ['deadlineMs: 60000\n', 'admission.yaml:1', 'deadlineMs'],
    ['failurePolicy: open\nfailurPolicy: closed\n', 'admission.yaml:1', 'failurPolicy'],
    ['vulnerabilities:\n  maxSeverity: severe\n', 'admission.yaml:2', 'vulnerabilities.maxSeverity'],
    ['mode: [enforce\n', 'admission.yaml:', 'not valid YAML'],
  ])('POLICY_INVALID with file:line for %j', (text, where, mention) => {
    const e = invalid(() => parseAdmissionConfig(text, { source: 'admission.yaml' }));
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.where).toContain(where);
    expect(e.message + (e.where ?? '')).toContain(mention);
    expect(e.hint).toBeTruthy();
  });

  it('a broken trust policy or VAP file is POLICY_INVALID naming that file', async () => {
    const trust = await configOf('trustPolicy: trust.yaml\n', { 'trust.yaml': 'version: 1\nrules: 7\n' }).catch((e: unknown) => e as BulkheadError);
    expect(trust).toBeInstanceOf(BulkheadError);
    expect((trust as BulkheadError).code).toBe('POLICY_INVALID');
    expect((trust as BulkheadError).where).toMatch(/trust\.yaml:2$/);

    const missing = await configOf('vap: [nope.yaml]\n').catch((e: unknown) => e as BulkheadError);
    expect((missing as BulkheadError).code).toBe('POLICY_INVALID');
    expect((missing as BulkheadError).where).toMatch(/admission\.yaml:1$/);

    const unbound = await configOf('vap: [p.yaml]\n', {
      'p.yaml': 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: { name: p }\nspec:\n  matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods] }] }\n  validations: [{ expression: "true" }]\n',
    }).catch((e: unknown) => e as BulkheadError);
    expect((unbound as BulkheadError).code).toBe('POLICY_INVALID');
    expect((unbound as BulkheadError).message).toContain('binding');
  });

  it('loads VAP files relative to the configuration file', async () => {
    const c = await configOf('vap: [v.yaml]\n', { 'v.yaml': readFileSync(path.join(TESTDATA, 'vap-require-team.yaml'), 'utf8') });
    expect(c.vap).toHaveLength(1);
    expect(c.vap[0]!.bindings.map((b) => b.name)).toEqual(['require-team-label-binding']);
    expect(c.vapObjects.map((o) => o.kind)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
  });
});
