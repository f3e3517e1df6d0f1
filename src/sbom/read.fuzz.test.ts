/**
 * readSbom on hostile input: arbitrary JSON, documents of the right format
 * with random insides, and valid documents with bytes or values mutated. It
 * returns or throws a BulkheadError, nothing else, and costs no more than a
 * small multiple of reading the valid documents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { bestOf3, withinBaseline } from '../../test/helpers/relative-time.js';
import { renderCycloneDx } from './cyclonedx.js';
import { readSbom } from './read.js';
import { renderSpdxJson } from './spdx.js';
import { imageScan } from './testdata/scan-result.js';

const valid = [renderCycloneDx(imageScan), renderSpdxJson(imageScan)];
/** Benign baseline: reading the valid documents the mutations start from. */
const benignMs = bestOf3(() => valid.forEach((t) => readSbom(t, 'fuzz.json')));

function readsOrRejects(text: string): void {
  withinBaseline(benignMs, () => {
    try {
      const r = readSbom(text, 'fuzz.json');
      expect(Array.isArray(r.packages)).toBe(true);
      for (const p of r.packages) expect(typeof p.id === 'string' && p.id.length > 0).toBe(true);
    } catch (e) {
      if (!(e instanceof BulkheadError)) throw e;
      expect(['SBOM_INVALID', 'LIMIT_EXCEEDED']).toContain(e.code);
    }
  });
}

const validDocs = valid.map((t) => JSON.parse(t) as unknown);

/** Every path into a JSON value (capped), to replace one of them. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (out.length > 2000) return out;
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function replaceAt(doc: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

const purlish = fc.oneof(
  fc.constantFrom('pkg:deb/debian/x@1:2-3?epoch=9&upstream=%40', 'pkg:npm/%40/x', 'pkg:golang/a/b/c@v0+x', 'pkg:rpm/x@1-2?upstream=.src.rpm', 'pkg:oci/x@sha256%3Aab'),
  fc.string().map((s) => `pkg:${s}`),
);
const component = fc.record(
  {
    type: fc.oneof(fc.constantFrom('library', 'application', 'operating-system', 'container'), fc.string()),
    name: fc.string(),
    version: fc.string(),
    purl: purlish,
    'bom-ref': fc.string(),
    group: fc.string(),
    properties: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('bulkhead:package:type', 'bulkhead:layer:index', 'bulkhead:package:ownedBy'), fc.string()), value: fc.string() })),
    licenses: fc.array(fc.oneof(fc.record({ expression: fc.string() }), fc.record({ license: fc.record({ id: fc.string() }) }))),
  },
  { requiredKeys: [] },
);

describe('readSbom fuzz', () => {
  it('arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => readsOrRejects(JSON.stringify(v) ?? 'null')), { numRuns: 300 });
  });

  it('arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), readsOrRejects), { numRuns: 300 });
  });

  it('CycloneDX and SPDX shapes with random insides', () => {
    const cdx = fc.record({ bomFormat: fc.constant('CycloneDX'), specVersion: fc.constantFrom('1.4', '1.6', 1.6), components: fc.array(fc.oneof(component, fc.jsonValue()), { maxLength: 8 }), dependencies: fc.jsonValue() }, { requiredKeys: ['bomFormat'] });
    const spdxPackage = fc.record({ SPDXID: fc.string(), name: fc.string(), versionInfo: fc.string(), licenseDeclared: fc.string(), primaryPackagePurpose: fc.string(), externalRefs: fc.array(fc.record({ referenceCategory: fc.constant('PACKAGE-MANAGER'), referenceType: fc.constant('purl'), referenceLocator: purlish })), annotations: fc.array(fc.record({ comment: fc.string() })) }, { requiredKeys: ['SPDXID', 'name'] });
    const spdx = fc.record({ spdxVersion: fc.constantFrom('SPDX-2.3', 'SPDX-2.2'), SPDXID: fc.constant('SPDXRef-DOCUMENT'), packages: fc.array(fc.oneof(spdxPackage, fc.jsonValue()), { maxLength: 8 }), relationships: fc.jsonValue(), hasExtractedLicensingInfos: fc.jsonValue() }, { requiredKeys: ['spdxVersion', 'SPDXID'] });
    fc.assert(fc.property(fc.oneof(cdx, spdx), (doc) => readsOrRejects(JSON.stringify(doc))), { numRuns: 400 });
  });

  it('valid documents with one value replaced', () => {
    const all = validDocs.map((d) => paths(d));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 }), fc.nat(), fc.jsonValue({ maxDepth: 3 }), (which, at, value) => {
        const ps = all[which]!;
        readsOrRejects(JSON.stringify(replaceAt(validDocs[which], ps[at % ps.length]!, value)));
      }),
      { numRuns: 200 },
    );
  });

  it('valid documents with bytes flipped, cut or inserted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 5 }), fc.boolean(), (which, edits, cut) => {
        let text = valid[which]!;
        for (const [at, s] of edits) {
          const i = at % text.length;
          text = text.slice(0, i) + s + text.slice(i + 1);
        }
        if (cut) text = text.slice(0, edits[0]![0] % text.length);
        readsOrRejects(text);
      }),
      { numRuns: 200 },
    );
  });
});
