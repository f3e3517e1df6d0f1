import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/load.js';
import { podOf } from '../input/pod.js';
import { complianceReport } from '../compliance.js';
import { admissionVerdicts, namespacePolicies, namespacePolicy, pssLevelFor } from './namespace.js';
import { scanPodSecurity } from './scan.js';
import { app, podOfSpec, restrictedPod } from './testdata/pods.js';

const L = 'pod-security.kubernetes.io/';

describe('namespacePolicy', () => {
  it('defaults every mode to privileged:latest', () => {
    expect(namespacePolicy({ team: 'a' })).toEqual({
      enforce: { level: 'privileged', version: 'latest' },
      warn: { level: 'privileged', version: 'latest' },
      audit: { level: 'privileged', version: 'latest' },
      labelled: [],
      errors: [],
    });
  });

  it('reads levels and versions per mode', () => {
    const p = namespacePolicy({ [`${L}enforce`]: 'baseline', [`${L}enforce-version`]: 'v1.25', [`${L}warn`]: 'restricted', [`${L}audit-version`]: 'v1.30' });
    expect(p.enforce).toEqual({ level: 'baseline', version: 'v1.25' });
    expect(p.warn).toEqual({ level: 'restricted', version: 'latest' });
    // A version label alone changes only the version.
    expect(p.audit).toEqual({ level: 'privileged', version: 'v1.30' });
    expect(p.labelled).toEqual(['enforce', 'warn', 'audit']);
    expect(p.errors).toEqual([]);
  });

  it('fails closed for an invalid enforce level and open for warn and audit, like the API server', () => {
    const p = namespacePolicy({ [`${L}enforce`]: 'Restricted', [`${L}warn`]: 'strict', [`${L}audit`]: '', [`${L}warn-version`]: 'v1.025', [`${L}enforce-version`]: '1.25' });
    expect(p.enforce).toEqual({ level: 'restricted', version: 'latest' });
    expect(p.warn).toEqual({ level: 'privileged', version: 'latest' });
    expect(p.audit).toEqual({ level: 'privileged', version: 'latest' });
    expect(p.errors).toEqual([
      `metadata.labels[${L}enforce]: Invalid value: "Restricted": must be one of privileged, baseline, restricted`,
      `metadata.labels[${L}enforce-version]: Invalid value: "1.25": must be "latest" or "v1.x"`,
      `metadata.labels[${L}warn]: Invalid value: "strict": must be one of privileged, baseline, restricted`,
      `metadata.labels[${L}warn-version]: Invalid value: "v1.025": must be "latest" or "v1.x"`,
      `metadata.labels[${L}audit]: Invalid value: "": must be one of privileged, baseline, restricted`,
    ]);
  });

  it('applies configured defaults to unlabelled modes', () => {
    const p = namespacePolicy({ [`${L}warn`]: 'baseline' }, { enforce: { level: 'baseline', version: 'v1.30' }, warn: { level: 'restricted', version: 'latest' } });
    expect(p.enforce).toEqual({ level: 'baseline', version: 'v1.30' });
    expect(p.warn).toEqual({ level: 'baseline', version: 'latest' });
  });
});

describe('admission verdicts from a manifest set', () => {
  const file = fileURLToPath(new URL('./testdata/namespaces.yaml', import.meta.url));
  const objects = [...objectsOfText(readFileSync(file, 'utf8'), file)];
  const policies = namespacePolicies(objects);
  const pods = objects.filter((o) => o.kind !== 'Namespace').map((o) => podOf(o)!);

  it('reads every Namespace', () => {
    expect([...policies.keys()]).toEqual(['prod', 'team', 'typo', 'plain']);
    expect(policies.get('typo')!.enforce.level).toBe('restricted');
    expect(policies.get('typo')!.warn.level).toBe('privileged');
    expect(policies.get('typo')!.errors).toHaveLength(3);
    expect(policies.get('plain')!.labelled).toEqual([]);
  });

  it('rejects a Pod at enforce, audits at the audit version, and gives no warning with a rejection', () => {
    const v = admissionVerdicts(pods[0]!, policies.get('prod')!);
    expect(v.appliesTo).toBe('pod');
    expect(v.enforce).toBe('rejected');
    expect(v.enforceMessage).toBe(
      'pods "root-pod" is forbidden: violates PodSecurity "restricted:latest": ' +
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect(v.warn).toEqual([]);
    expect(v.audit).toHaveLength(1);
    expect(v.audit[0]).toMatch(/^would violate PodSecurity "restricted:v1\.24": allowPrivilegeEscalation != false/);
  });

  it('admits a workload, warns at the warn level, and says what its pods would get', () => {
    const v = admissionVerdicts(pods[1]!, policies.get('team')!);
    expect(v.appliesTo).toBe('pods-of-workload');
    expect(v.enforce).toBe('allowed');
    expect(v.enforceMessage).toBeUndefined();
    expect(v.warn).toEqual([expect.stringMatching(/^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "web"/)]);
    expect(v.audit).toEqual([]);
  });

  it('marks the enforce verdict of a workload as the one its pods would get', () => {
    const v = admissionVerdicts(podOfSpec({ containers: [app()] }, { kind: 'Pod', namespace: 'prod' }), policies.get('prod')!);
    expect(v.enforce).toBe('rejected');
    const w = admissionVerdicts(pods[2]!, policies.get('prod')!);
    expect(w.appliesTo).toBe('pods-of-workload');
    expect(w.enforce).toBe('rejected');
    expect(w.enforceMessage).toMatch(/^pods created by Deployment "web" would be forbidden: violates PodSecurity "restricted:latest": /);
  });

  it('skips exempt runtime classes and namespaces', () => {
    expect(admissionVerdicts(pods[2]!, policies.get('prod')!, { exemptRuntimeClasses: ['kata'] })).toMatchObject({ enforce: 'allowed', exempt: 'runtimeClass "kata" is exempt', warn: [], audit: [] });
    expect(admissionVerdicts(pods[0]!, policies.get('prod')!, { exemptNamespaces: ['prod'] })).toMatchObject({ enforce: 'allowed', exempt: 'namespace "prod" is exempt' });
  });

  it('allows a compliant pod silently', () => {
    const v = admissionVerdicts(podOfSpec(restrictedPod(), { namespace: 'prod' }), policies.get('prod')!);
    expect(v).toEqual({ appliesTo: 'pod', enforce: 'allowed', warn: [], audit: [], errors: [] });
  });

  it('reports at the namespace enforce level when labelled, else at the flags', () => {
    const flags = { level: 'baseline' as const, version: 'latest' as const };
    expect(pssLevelFor(pods[0]!, policies, flags)).toEqual({ level: 'restricted', version: 'latest', source: 'namespace' });
    expect(pssLevelFor(pods[1]!, policies, flags)).toEqual({ level: 'baseline', version: 'v1.29', source: 'namespace' });
    expect(pssLevelFor(podOfSpec({ containers: [] }, { namespace: 'plain' }), policies, flags)).toEqual({ ...flags, source: 'flags' });
    expect(pssLevelFor(podOfSpec({ containers: [] }), policies, flags)).toEqual({ ...flags, source: 'flags' });
  });
});

describe('scanPodSecurity', () => {
  const file = fileURLToPath(new URL('./testdata/namespaces.yaml', import.meta.url));
  const objects = [...objectsOfText(readFileSync(file, 'utf8'), file)];

  it('evaluates each pod at its namespace level, else at the flags, and counts what ran', () => {
    const scan = scanPodSecurity(objects, { level: 'baseline', version: 'v1.30' });
    expect(scan.pods.map((p) => [p.pod.object.name, p.pod.namespace, `${p.evaluatedAt.level}:${p.evaluatedAt.version}`, p.evaluatedAt.source])).toEqual([
      ['root-pod', 'prod', 'restricted:latest', 'namespace'],
      ['web', 'team', 'baseline:v1.29', 'namespace'],
      ['web', 'prod', 'restricted:latest', 'namespace'],
    ]);
    expect(scan.pods[0]!.verdicts?.enforce).toBe('rejected');
    expect(scan.pods[1]!.verdicts?.warn).toHaveLength(1);
    expect(scan.namespaceErrors.map((e) => e.namespace)).toEqual(['typo']);
    expect(scan.findings.filter((f) => f.id === 'PSS:runAsNonRoot')).toHaveLength(2);
    const runAsNonRoot = scan.ran.find((r) => r.check.id === 'PSS:runAsNonRoot')!;
    expect(runAsNonRoot.evaluated).toBe(2);
    const report = complianceReport('pss-restricted', scan.ran, scan.findings);
    expect(report.controls.find((c) => c.control === 'runAsNonRoot')).toMatchObject({ evaluated: 2, failed: 2, passed: 0 });
    expect(report.controls.find((c) => c.control === 'privileged')).toMatchObject({ evaluated: 3, failed: 0, passed: 3 });
  });
});
