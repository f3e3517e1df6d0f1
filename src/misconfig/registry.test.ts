import { describe, expect, it } from 'vitest';
import { checks, checksOfKind } from './registry.js';

describe('the check registry', () => {
  it('has one definition per id, across every kind of check', () => {
    const seen = new Map<string, number>();
    for (const c of checks) seen.set(c.id, (seen.get(c.id) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('lists every kind, each check with what to do about it', () => {
    expect(new Set(checks.map((c) => c.kind))).toEqual(new Set(['dockerfile', 'image', 'secret', 'kubernetes', 'runtime', 'registry']));
    for (const c of checks) {
      expect(c.title, c.id).not.toBe('');
      expect(c.remediation, c.id).not.toBe('');
    }
    expect(checksOfKind('kubernetes').some((c) => c.id === 'PSS:privileged')).toBe(true);
    expect(checksOfKind('kubernetes').some((c) => c.id.startsWith('BH-RBAC-'))).toBe(true);
  });
});
