import { describe, expect, it } from 'vitest';
import { rbacChecks } from './checks.js';
import { PERMISSION_RISKS } from './risks.js';

describe('rbacChecks', () => {
  it('have unique BH-RBAC ids, kind kubernetes, and references in the shared schemes', () => {
    const ids = rbacChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of rbacChecks) {
      expect(c.id).toMatch(/^BH-RBAC-0\d\d$/);
      expect(c.kind).toBe('kubernetes');
      for (const r of c.references) expect(r).toMatch(/^(cis-k8s:5\.1\.\d+|kubescape:C-\d{4}|trivy:KSV\d{3}|mitre-attack:T\d{4}(\.\d{3})?|nsa-k8s:[a-z-]+)$/);
    }
  });
  it('cover every permission risk with a listed check', () => {
    for (const r of PERMISSION_RISKS) expect(rbacChecks).toContain(r.check);
  });
});
