import { describe, expect, it } from 'vitest';
import { dockerfileChecks } from './checks.js';

const SCHEMES = new Set(['cis-docker', 'nist-800-190', 'mitre-attack', 'hadolint', 'trivy', 'dockle']);

describe('dockerfileChecks', () => {
  it('numbers the checks BH-DF-001 onwards without gaps', () => {
    expect(dockerfileChecks.map((c) => c.id)).toEqual(dockerfileChecks.map((_, i) => `BH-DF-${String(i + 1).padStart(3, '0')}`));
    expect(dockerfileChecks).toHaveLength(35);
  });

  it('fills every field and writes references as scheme:id', () => {
    for (const c of dockerfileChecks) {
      expect(c.kind).toBe('dockerfile');
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.rationale.length, c.id).toBeGreaterThan(40);
      expect(c.remediation.length, c.id).toBeGreaterThan(10);
      expect(['critical', 'high', 'medium', 'low', 'info']).toContain(c.severity);
      for (const r of c.references) {
        const [scheme, id] = r.split(':');
        expect(SCHEMES.has(scheme!), r).toBe(true);
        expect(id, r).toMatch(/^(DL\d{4}|DS\d{3}|CIS-DI-\d{4}|DKL-DI-\d{4}|T\d{4}(\.\d{3})?|\d+(\.\d+)+)$/);
      }
    }
  });

  it('maps the checks users look up most', () => {
    const refs = (id: string) => dockerfileChecks.find((c) => c.id === id)!.references;
    expect(refs('BH-DF-001')).toEqual(expect.arrayContaining(['cis-docker:4.1', 'hadolint:DL3002', 'trivy:DS002', 'dockle:CIS-DI-0001']));
    expect(refs('BH-DF-002')).toEqual(expect.arrayContaining(['hadolint:DL3007', 'trivy:DS001']));
    expect(refs('BH-DF-023')).toEqual(expect.arrayContaining(['cis-docker:4.6', 'trivy:DS026']));
  });
});
