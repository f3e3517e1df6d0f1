import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/load.js';
import { podOf } from '../input/pod.js';
import { pssChecks } from './definitions.js';
import { pssFindings } from './findings.js';
import { PSS_CHECK_IDS } from './types.js';

const fixture = (name: string) => {
  const file = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
  return { file, text: readFileSync(file, 'utf8') };
};

/** `(id, line)` pairs from `# expect: A, B` markers in a fixture. */
function expectedMarks(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /# expect: (.+)$/.exec(line);
    if (m) for (const id of m[1]!.split(',')) out.push(`${id.trim()}@${i + 1}`);
  });
  return out.sort();
}

describe('every workload kind, with findings at the offending line', () => {
  const { file, text } = fixture('workloads.yaml');
  const objects = [...objectsOfText(text, file)];

  it('finds the pod of every kind', () => {
    expect(objects.map((o) => o.kind)).toEqual(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController', 'PodTemplate']);
    for (const o of objects) expect(podOf(o), o.kind).toBeDefined();
  });

  it('reports each violation at its marked line (baseline:latest)', () => {
    const findings = objects.flatMap((o) => pssFindings(podOf(o)!, 'baseline', 'latest'));
    expect(findings.map((f) => `${f.id}@${f.location.startLine}`).sort()).toEqual(expectedMarks(text));
    for (const f of findings) {
      expect(f.location.path).toBe(file);
      expect(f.location.object?.name).toBeTruthy();
      expect(f.severity).toBe('high');
      expect(f.references).toContain('pss:baseline');
      expect(f.kind).toBe('misconfiguration');
    }
  });

  it('carries the API server wording as evidence', () => {
    const cron = objects.find((o) => o.kind === 'CronJob')!;
    const [f] = pssFindings(podOf(cron)!, 'baseline', 'v1.30');
    expect(f!.evidence).toBe('seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined") [PodSecurity "baseline:v1.30"]');
    expect(f!.title).toBe('Seccomp is explicitly disabled (Unconfined): container "app"');
    expect(f!.location.object).toEqual({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cron' });
  });
});

describe('restricted findings', () => {
  const { file, text } = fixture('restricted.yaml');
  const objects = [...objectsOfText(text, file)];

  it('reports missing fields where they belong and explicit ones at their line', () => {
    const findings = objects.flatMap((o) => pssFindings(podOf(o)!, 'restricted', 'latest'));
    expect(findings.map((f) => `${f.id}@${f.location.startLine}`).sort()).toEqual(expectedMarks(text));
    for (const f of findings) {
      expect(f.severity).toBe('medium');
      expect(f.references).toContain('pss:restricted');
    }
  });

  it('a hardened deployment has no finding; the other passes baseline', () => {
    expect(pssFindings(podOf(objects[1]!)!, 'restricted', 'latest')).toEqual([]);
    expect(pssFindings(podOf(objects[0]!)!, 'baseline', 'latest')).toEqual([]);
  });
});

describe('check definitions', () => {
  it('has one definition per check id, PSS:<id>', () => {
    expect(pssChecks.map((c) => c.id).sort()).toEqual(PSS_CHECK_IDS.map((id) => `PSS:${id}`).sort());
  });

  it('uses the reference schemes the compliance summary groups by', () => {
    for (const c of pssChecks) {
      expect(c.kind).toBe('kubernetes');
      expect(c.references.filter((r) => r === 'pss:baseline' || r === 'pss:restricted')).toHaveLength(1);
      for (const r of c.references) expect(r).toMatch(/^(pss:(baseline|restricted)|cis-k8s:5\.\d+\.\d+|kubescape:C-\d{4}|trivy:KSV\d{3}|nsa-k8s:pod-security|mitre-attack:T\d{4})$/);
      expect(c.severity).toBe(c.references.includes('pss:baseline') ? 'high' : 'medium');
      expect(c.rationale.length).toBeGreaterThan(20);
      expect(c.remediation.length).toBeGreaterThan(10);
    }
  });
});
