import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../../core/check.js';
import type { Finding } from '../../core/types.js';
import { complianceReport, controlsOf } from './compliance.js';

const check = (id: string, references: string[]): CheckDefinition => ({ id, kind: 'kubernetes', title: id, severity: 'high', rationale: '', remediation: '', references });
const priv = check('PSS:privileged', ['pss:baseline', 'cis-k8s:5.2.2', 'nsa-k8s:pod-security']);
const ape = check('PSS:allowPrivilegeEscalation', ['pss:restricted', 'cis-k8s:5.2.6']);
const ro = check('BH-K8S-001', ['nsa-k8s:pod-security']);

const finding = (id: string, name: string, suppressed = false): Finding => ({
  kind: 'misconfiguration', id, title: id, severity: 'high', references: [],
  location: { path: 'x.yaml', startLine: 1, object: { apiVersion: 'v1', kind: 'Pod', name, namespace: 'a' } },
  ...(suppressed ? { suppressedBy: { kind: 'inline' as const, source: 'x', reason: 'y' } } : {}),
});

describe('compliance', () => {
  it('maps check references to framework controls', () => {
    expect(controlsOf(priv, 'pss-baseline')).toEqual(['privileged']);
    expect(controlsOf(ape, 'pss-baseline')).toEqual([]);
    expect(controlsOf(ape, 'pss-restricted')).toEqual(['allowPrivilegeEscalation']);
    expect(controlsOf(priv, 'cis-k8s')).toEqual(['5.2.2']);
    expect(controlsOf(ro, 'nsa-k8s')).toEqual(['pod-security']);
  });

  it('counts failing objects per control, ignores suppressed findings, and scores', () => {
    const ran = [priv, ape, ro].map((c) => ({ check: c, evaluated: 4 }));
    const findings = [finding('PSS:privileged', 'p1'), finding('PSS:privileged', 'p1'), finding('BH-K8S-001', 'p2'), finding('PSS:allowPrivilegeEscalation', 'p3', true)];
    const nsa = complianceReport('nsa-k8s', ran, findings);
    // privileged (p1) and BH-K8S-001 (p2) both count against the pod-security topic: 2 of 4 objects fail.
    expect(nsa.controls).toEqual([{ control: 'pod-security', checks: ['BH-K8S-001', 'PSS:privileged'], evaluated: 4, failed: 2, passed: 2 }]);
    expect(nsa.score).toBe(50);
    const restricted = complianceReport('pss-restricted', ran, findings);
    expect(restricted.controls.map((c) => [c.control, c.failed])).toEqual([['allowPrivilegeEscalation', 0], ['privileged', 1]]);
    expect(restricted.score).toBe(87.5);
    expect([restricted.controlsPassed, restricted.controlsFailed]).toEqual([1, 1]);
    const cis = complianceReport('cis-k8s', ran, []);
    expect(cis.controls.map((c) => c.control)).toEqual(['5.2.2', '5.2.6']);
    expect(cis.score).toBe(100);
  });
});
