import { describe, expect, it } from 'vitest';
import { benchRbac, synthesizeRbacObjects } from './bench.js';

describe('benchRbac', () => {
  it('synthesizes the number of bindings asked for and reports every phase', () => {
    expect(synthesizeRbacObjects(120).filter((o) => o.kind.endsWith('Binding'))).toHaveLength(120);
    const r = benchRbac(200);
    expect(r.bindings).toBe(200);
    expect(r.workloads).toBe(100);
    expect(r.findings).toBeGreaterThan(0);
    for (const k of ['buildMs', 'findingsMs', 'blastRadiusMs', 'resolveAllMs', 'whoCanMs'] as const) expect(r[k]).toBeGreaterThanOrEqual(0);
  });
});
