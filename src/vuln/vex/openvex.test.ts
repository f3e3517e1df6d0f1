import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import type { Finding } from '../../core/types.js';
import { applyVex, parseOpenVex } from './openvex.js';

const finding = (id: string, purl: string, aliases?: string[]): Finding => ({
  kind: 'vulnerability',
  id,
  title: id,
  severity: 'high',
  status: 'fixed',
  location: {},
  references: [],
  ...(aliases ? { aliases } : {}),
  package: { id: purl, type: 'npm', name: 'lodash', version: '4.17.15', purl },
});

const doc = (statements: unknown[]) => JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'https://example.com/vex/1', statements });

describe('OpenVEX', () => {
  it('suppresses not_affected and fixed statements by id or alias and product purl, and nothing else', () => {
    const statements = parseOpenVex(
      doc([
        { vulnerability: { name: 'GHSA-p6mc-m468-83gw' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
        { vulnerability: 'CVE-2021-44906', products: [{ '@id': 'pkg:oci/app', subcomponents: [{ '@id': 'pkg:npm/minimist' }] }], status: 'affected' },
        { vulnerability: 'CVE-2099-1', products: [{ '@id': 'pkg:npm/other' }], status: 'not_affected' },
      ]),
      'app.vex.json',
    );
    const { findings, unused } = applyVex(
      [finding('CVE-2020-8203', 'pkg:npm/lodash@4.17.15', ['GHSA-p6mc-m468-83gw']), finding('CVE-2020-8203', 'pkg:npm/lodash@4.17.21'), finding('CVE-2021-44906', 'pkg:npm/minimist@1.2.0')],
      statements,
    );
    expect(findings.map((f) => f.suppressedBy)).toEqual([
      { kind: 'vex', source: 'app.vex.json#statements[0]', reason: 'not_affected: vulnerable_code_not_in_execute_path' },
      undefined,
      undefined,
    ]);
    expect(unused.map((s) => s.ids[0])).toEqual(['CVE-2099-1']);
  });

  it('refuses what is not an OpenVEX document with the path of the problem', () => {
    expect(() => parseOpenVex('{"bomFormat":"CycloneDX"}', 'x.json')).toThrow(/VEX document is malformed: @context/);
    expect(() => parseOpenVex(doc([{ vulnerability: 'CVE-1', status: 'maybe' }]), 'x.json')).toThrow(/statements\.0\.status/);
  });

  it('never throws anything but a BulkheadError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((v) => doc([v]))), (text) => {
        try {
          parseOpenVex(text, 'fuzz.json');
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('CycloneDX VEX', () => {
  it('suppresses not_affected analyses of the referenced components, leaves exploitable ones', async () => {
    const { parseCycloneDxVex } = await import('./cyclonedx-vex.js');
    const statements = parseCycloneDxVex(
      {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [{ 'bom-ref': 'lodash', purl: 'pkg:npm/lodash@4.17.15' }, { 'bom-ref': 'app', components: [{ 'bom-ref': 'mm', purl: 'pkg:npm/minimist@1.2.0' }] }],
        vulnerabilities: [
          { id: 'CVE-2020-8203', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'lodash' }] },
          { id: 'CVE-2021-44906', analysis: { state: 'exploitable' }, affects: [{ ref: 'mm' }] },
        ],
      },
      'app.cdx.json',
    );
    const { findings } = applyVex([finding('CVE-2020-8203', 'pkg:npm/lodash@4.17.15'), finding('CVE-2021-44906', 'pkg:npm/minimist@1.2.0')], statements);
    expect(findings.map((f) => f.suppressedBy?.reason)).toEqual(['not_affected: code_not_reachable', undefined]);
    expect(findings[0]!.suppressedBy?.source).toBe('app.cdx.json#vulnerabilities[0]');
  });

  it('never throws anything but a BulkheadError on arbitrary documents', async () => {
    const { parseCycloneDxVex } = await import('./cyclonedx-vex.js');
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseCycloneDxVex({ bomFormat: 'CycloneDX', vulnerabilities: [v], components: [v] }, 'f.json');
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
