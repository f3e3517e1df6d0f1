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
    ['server:\n  url: ftp://bulkhead.example/\n', 'admission.yaml:2', 'server.url'],
    ['server:\n  url: https://user:pw@bulkhead.example/\n', 'admission.yaml:2', 'credentials'],
    ['server:\n  url: not a url\n', 'admission.yaml:2', 'not a URL'],
    ['server:\n  url: https://b.example/?x=1\n', 'admission.yaml:2', 'query'],
    ['server: { url: "https://b.example", token: abc }\n', 'admission.yaml:1', 'token'],
    ['vulnerabilities:\n  platform: amd64\n', 'admission.yaml:2', 'os/arch'],
    ['vulnerabilities:\n  unscanned: maybe\n', 'admission.yaml:2', 'vulnerabilities.unscanned'],
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

  it('server: the URL gets a trailing slash, the token comes from tokenFile (relative to the file) or BULKHEAD_SERVER_TOKEN', async () => {
    const fromFile = await configOf('server:\n  url: http://bulkhead.svc:8080/base\n  tokenFile: token\n  cacheSeconds: 0\n', { token: '  tok-from-file\n' });
    expect(fromFile.server).toEqual({ url: 'http://bulkhead.svc:8080/base/', token: 'tok-from-file', tokenSource: expect.stringMatching(/token$/), cacheSeconds: 0 });
    const fromEnv = parseAdmissionConfig('server: { url: "https://b.example" }\n', { env: { BULKHEAD_SERVER_TOKEN: 'tok-env' } });
    expect(fromEnv.server).toEqual({ url: 'https://b.example/', token: 'tok-env', tokenSource: 'BULKHEAD_SERVER_TOKEN', cacheSeconds: 30 });
    expect(parseAdmissionConfig('server: { url: "https://b.example" }\n', { env: {} }).server?.token).toBeUndefined();
  });

  it('server: a missing, empty or header-breaking token is POLICY_INVALID', async () => {
    for (const [files, mention] of [
      [{}, 'cannot use'],
      [{ token: '\n' }, 'empty'],
      [{ token: 'two words' }, 'printable ASCII'],
    ] as const) {
      const e = await configOf('server:\n  url: https://b.example\n  tokenFile: token\n', files).catch((err: unknown) => err as BulkheadError);
      expect(e).toBeInstanceOf(BulkheadError);
      expect((e as BulkheadError).code).toBe('POLICY_INVALID');
      expect((e as BulkheadError).message).toContain(mention);
      expect((e as BulkheadError).where).toMatch(/admission\.yaml:3$/);
    }
    const env = invalid(() => parseAdmissionConfig('server: { url: "https://b.example" }\n', { env: { BULKHEAD_SERVER_TOKEN: 'a\r\nX-Injected: 1' } }));
    expect(env.message).toContain('BULKHEAD_SERVER_TOKEN');
  });

  it('vulnDb is resolved against the configuration file and remembers where it was named; platform and unscanned: fail are read', async () => {
    const c = await configOf('vulnDb: db\nvulnerabilities:\n  unscanned: fail\n  platform: linux/arm64/v8\n');
    expect(c.vulnDb?.dir).toMatch(/bulkhead-admission-config-[^/]+\/db$/);
    expect(c.vulnDb?.where).toMatch(/admission\.yaml:1$/);
    expect(c.vulnerabilities).toEqual({ denyUnfixedCritical: true, unscanned: 'fail', scanBudgetMs: 5000, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  });
});
