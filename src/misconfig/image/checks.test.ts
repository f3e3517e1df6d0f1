import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../core/types.js';
import { imageChecks } from './index.js';
import { IMAGE_RULES } from './check-image.js';

describe('image check definitions', () => {
  it('are BH-IMG-001 … BH-IMG-012 in order, one rule each', () => {
    expect(imageChecks.map((c) => c.id)).toEqual(Array.from({ length: 12 }, (_, i) => `BH-IMG-${String(i + 1).padStart(3, '0')}`));
    expect(IMAGE_RULES).toHaveLength(imageChecks.length);
  });

  it('are complete: kind image, a known severity, rationale, remediation and scheme:id references', () => {
    for (const c of imageChecks) {
      expect(c.kind).toBe('image');
      expect(SEVERITIES).toContain(c.severity);
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.rationale.length).toBeGreaterThan(40);
      expect(c.remediation.length).toBeGreaterThan(20);
      expect(c.references.length).toBeGreaterThan(0);
      for (const r of c.references) expect(r).toMatch(/^(cis-docker|nist-800-190|mitre-attack|hadolint|trivy|dockle):[A-Z0-9.-]+$/);
    }
  });

  it('map to the equivalent checks of other tools', () => {
    const refs = Object.fromEntries(imageChecks.map((c) => [c.id, c.references]));
    expect(refs['BH-IMG-001']).toEqual(expect.arrayContaining(['cis-docker:4.1', 'hadolint:DL3002', 'trivy:DS002', 'dockle:CIS-DI-0001']));
    expect(refs['BH-IMG-002']).toEqual(expect.arrayContaining(['cis-docker:4.10', 'dockle:CIS-DI-0010']));
    expect(refs['BH-IMG-005']).toEqual(expect.arrayContaining(['cis-docker:4.6', 'trivy:DS026', 'dockle:CIS-DI-0006']));
    expect(refs['BH-IMG-006']).toContain('trivy:DS004');
    expect(refs['BH-IMG-007']).toEqual(expect.arrayContaining(['cis-docker:4.8', 'dockle:CIS-DI-0008', 'mitre-attack:T1548.001']));
    expect(refs['BH-IMG-010']).toEqual(expect.arrayContaining(['cis-docker:4.9', 'dockle:CIS-DI-0009']));
  });
});
