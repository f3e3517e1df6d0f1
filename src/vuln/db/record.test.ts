import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { isValidOsvId, parseOsvJson, parseOsvRecord } from './record.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.join(here, 'testdata');

function load(rel: string): unknown {
  return JSON.parse(readFileSync(path.join(testdata, rel), 'utf8'));
}

describe('parseOsvRecord', () => {
  it('accepts the sample records and keeps what matching reads', () => {
    const r = parseOsvRecord(load('osv/Maven/GHSA-jfh8-c2jp-5v3q.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record.id).toBe('GHSA-jfh8-c2jp-5v3q');
    expect(r.record.aliases).toEqual(['CVE-2021-44228']);
    expect(r.record.affected?.[0]?.package?.name).toBe('org.apache.logging.log4j:log4j-core');
    expect(r.record.affected?.[0]?.ranges?.[2]?.events).toEqual([{ introduced: '2.13.0' }, { fixed: '2.15.0' }]);
    // unknown fields pass
    expect((r.record as Record<string, unknown>).osv_extension_field).toEqual({ note: 'unknown top-level fields are kept' });
  });

  it('accepts every sample in testdata/osv', () => {
    for (const eco of readdirSync(path.join(testdata, 'osv'))) {
      for (const f of readdirSync(path.join(testdata, 'osv', eco))) {
        const r = parseOsvRecord(load(`osv/${eco}/${f}`));
        expect(r.ok, `${eco}/${f}`).toBe(true);
      }
    }
  });

  it('names the record and the problem when it refuses one', () => {
    expect(parseOsvRecord(load('malformed/BAD-RANGE-1.json'))).toEqual({
      ok: false,
      id: 'BAD-RANGE-1',
      reason: 'affected.0.ranges.0.type: unknown range type "DATE"',
    });
    expect(parseOsvRecord(load('malformed/BAD-EVENT-1.json'))).toEqual({
      ok: false,
      id: 'BAD-EVENT-1',
      reason: 'affected.0.ranges.0.events.0: an event needs exactly one of introduced, fixed, last_affected, limit',
    });
    const noModified = parseOsvRecord(load('malformed/NO-MODIFIED-1.json'));
    expect(noModified.ok).toBe(false);
    if (!noModified.ok) {
      expect(noModified.id).toBe('NO-MODIFIED-1');
      expect(noModified.reason).toMatch(/^modified: /);
    }
    const bad = parseOsvJson(readFileSync(path.join(testdata, 'malformed/BAD-JSON-1.json'), 'utf8'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^not JSON/);
  });

  it('is strict on ranges: GIT needs repo, ECOSYSTEM needs a package and an introduced event', () => {
    const base = {
      id: 'X-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'a' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
    };
    expect(parseOsvRecord(base).ok).toBe(true);
    const git = structuredClone(base) as { affected: { ranges: unknown[] }[] };
    git.affected[0]!.ranges = [{ type: 'GIT', events: [{ introduced: '0' }] }];
    expect(parseOsvRecord(git)).toMatchObject({ ok: false, reason: 'affected.0.ranges.0: a GIT range without repo' });
    const noIntro = structuredClone(base) as { affected: { ranges: unknown[] }[] };
    noIntro.affected[0]!.ranges = [{ type: 'ECOSYSTEM', events: [{ fixed: '1' }] }];
    expect(parseOsvRecord(noIntro)).toMatchObject({ ok: false, reason: 'affected.0.ranges.0: a ECOSYSTEM range without an introduced event' });
    const noPkg = { id: 'X-2', modified: '2024-01-01T00:00:00Z', affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] };
    expect(parseOsvRecord(noPkg)).toMatchObject({ ok: false, reason: 'affected.0: an affected entry without package needs GIT ranges only' });
    const ctrl = structuredClone(base) as { affected: { versions?: unknown }[] };
    ctrl.affected[0]!.versions = ['1.0\u0000'];
    expect(parseOsvRecord(ctrl).ok).toBe(false);
  });

  it('refuses ids that could walk out of a bucket folder', () => {
    expect(isValidOsvId('ALSA-2024:1234')).toBe(true);
    expect(isValidOsvId('../../etc/passwd')).toBe(false);
    expect(isValidOsvId('a/b')).toBe(false);
    expect(isValidOsvId('')).toBe(false);
  });
});

describe('parseOsvRecord fuzz', () => {
  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseOsvRecord(v);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated real records, and accepts only what stays well-formed', () => {
    const seed = load('osv/npm/GHSA-35jh-r3h4-6jhm.json') as Record<string, unknown>;
    const paths = ['id', 'modified', 'affected', 'aliases', 'severity', 'references'];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), fc.boolean(), (key, value, inRange) => {
        const copy = structuredClone(seed) as Record<string, unknown> & { affected: { ranges: Record<string, unknown>[] }[] };
        if (inRange) copy.affected[0]!.ranges[0]![key === 'id' ? 'type' : 'events'] = value;
        else copy[key] = value;
        const r = parseOsvRecord(copy);
        if (r.ok) {
          for (const a of r.record.affected ?? []) for (const rg of a.ranges ?? []) expect(['ECOSYSTEM', 'SEMVER', 'GIT']).toContain(rg.type);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(typeof parseOsvJson(s).ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
