import { describe, expect, it } from 'vitest';
import { benchNetpol, syntheticCluster } from './bench.js';

describe('benchNetpol', () => {
  it('synthesizes the asked number of workloads and policies and times every phase', () => {
    const r = benchNetpol(120, 40);
    expect(r.workloads).toBe(120);
    // 40 NetworkPolicies plus two AdminNetworkPolicies and the baseline.
    expect(r.policies).toBe(43);
    expect(r.connections).toBeGreaterThan(0);
    for (const k of ['loadMs', 'modelMs', 'connectivityMs', 'renderTextMs', 'textBytes', 'findingsMs', 'totalMs', 'heapUsedMiB', 'rssMiB'] as const) expect(r[k]).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(syntheticCluster(10, 3)).items.length).toBeGreaterThan(13);
  });
});
