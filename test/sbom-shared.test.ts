/**
 * SBOMs of the real fixture images in ../shared/fixtures/images/oci (see its
 * README): schema-valid, and read back to the same inventory. Skipped when
 * ../shared is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Package, ScanResult } from '../src/core/types.js';
import { scanImage } from '../src/pipeline/scan.js';
import { renderCycloneDx } from '../src/sbom/cyclonedx.js';
import { readSbom } from '../src/sbom/read.js';
import { renderSpdxJson } from '../src/sbom/spdx.js';
import { repoRoot, validateCycloneDx, validateSpdx } from '../src/sbom/testdata/schemas.js';

const SHARED = path.resolve(repoRoot, '../shared');
const LAYOUT = path.join(SHARED, 'fixtures/images/oci');
const key = (p: Package) => `${p.id} ${p.purl} ${p.sourceName}@${p.sourceVersion} layer=${p.layer?.diffID} ${p.locations.join(',')}`;

const haveShared = existsSync(path.join(LAYOUT, 'index.json'));

describe.skipIf(!haveShared)('SBOMs of the shared fixture image app-python', () => {
  let scan: ScanResult;
  beforeAll(async () => {
    scan = await scanImage(`oci:${LAYOUT}:app-python`, { cache: null });
  }, 120_000);

  it.each([
    ['cyclonedx', renderCycloneDx, validateCycloneDx],
    ['spdx', renderSpdxJson, validateSpdx],
  ] as const)('%s is schema-valid and reads back to the same inventory', (format, render, validate) => {
    const text = render(scan);
    expect(validate(JSON.parse(text)).errors).toEqual([]);
    const read = readSbom(text, `app-python.${format}.json`);
    expect(read.warnings).toEqual([]);
    expect(read.os).toMatchObject({ family: 'debian', version: '12.15', codename: 'bookworm' });
    expect(read.image).toMatchObject({
      reference: `oci:${LAYOUT}:app-python`,
      manifestDigest: 'sha256:3580518fe81cee842d0ed2f36ec0db27c738370dc8db5290855e0c9dc1dec60b',
      architecture: 'amd64',
    });
    expect(read.packages.filter((p) => p.type === 'deb')).toHaveLength(124);
    expect(read.packages.map(key).sort()).toEqual(scan.packages.map(key).sort());
    const libc = read.packages.find((p) => p.name === 'libc6')!;
    expect(libc).toMatchObject({ version: '2.36-9+deb12u14', sourceName: 'glibc', layer: { index: 0 } });
    const zlib = read.packages.find((p) => p.name === 'zlib1g')!;
    expect(zlib).toMatchObject({ epoch: 1, version: '1:1.2.13.dfsg-1', sourceName: 'zlib' });
  });

  it('names the image by its layout tag in the pkg:oci purl', () => {
    const bom = JSON.parse(renderCycloneDx(scan)) as { metadata: { component: { purl: string } } };
    expect(bom.metadata.component.purl).toBe(
      'pkg:oci/oci@sha256:3580518fe81cee842d0ed2f36ec0db27c738370dc8db5290855e0c9dc1dec60b?arch=amd64&tag=app-python',
    );
  });
});

describe.skipIf(!haveShared)('SBOMs of the shared fixture image app-node', () => {
  let scan: ScanResult;
  beforeAll(async () => {
    scan = await scanImage(`oci:${LAYOUT}:app-node`, { cache: null });
  }, 120_000);

  it.each([
    ['cyclonedx', renderCycloneDx, validateCycloneDx],
    ['spdx', renderSpdxJson, validateSpdx],
  ] as const)('%s keeps the Debian and npm packages, their licenses and layers', (format, render, validate) => {
    const text = render(scan);
    expect(validate(JSON.parse(text)).errors).toEqual([]);
    const read = readSbom(text, `app-node.${format}.json`);
    expect(read.image?.manifestDigest).toBe('sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe');
    expect(read.packages.filter((p) => p.type === 'deb')).toHaveLength(88);
    expect(read.packages.map(key).sort()).toEqual(scan.packages.map(key).sort());
    const lodash = read.packages.find((p) => p.name === 'lodash' && p.version === '4.17.15');
    expect(lodash).toMatchObject({ purl: 'pkg:npm/lodash@4.17.15', licenses: ['MIT'], layer: { index: 1 } });
  });
});
