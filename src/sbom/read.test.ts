import { describe, expect, it } from 'vitest';
import type { Package } from '../core/types.js';
import { renderCycloneDx } from './cyclonedx.js';
import { FOUND_BY, readSbom, SBOM_LIMITS } from './read.js';
import { renderSpdxJson } from './spdx.js';
import { fsScan, imageScan } from './testdata/scan-result.js';
import { thrown } from '../../test/helpers/errors.js';

const byId = (a: Package, b: Package) => (a.id < b.id ? -1 : 1);
const core = (p: Package) => ({ name: p.name, version: p.version, type: p.type, purl: p.purl });
/** What a round trip keeps: everything but the layer's history link and the license spelling. */
const kept = (p: Package) => {
  const { licenses: _l, layer, ...rest } = p;
  return { ...rest, layer: layer && { index: layer.index, diffID: layer.diffID, digest: layer.digest } };
};


describe.each([
  ['cyclonedx', renderCycloneDx, '1.6'],
  ['spdx', renderSpdxJson, '2.3'],
] as const)('round trip through %s', (format, render, specVersion) => {
  const read = readSbom(render(imageScan), `orders-api.${format}.json`);

  it('gives back the same packages (name, version, type, purl) and everything else Bulkhead wrote', () => {
    expect(read.format).toBe(format);
    expect(read.specVersion).toBe(specVersion);
    expect(read.warnings).toEqual([]);
    expect(read.packages.map(core).sort((a, b) => (a.purl < b.purl ? -1 : 1))).toEqual(
      imageScan.packages.map(core).sort((a, b) => (a.purl < b.purl ? -1 : 1)),
    );
    expect([...read.packages].sort(byId).map(kept)).toEqual([...imageScan.packages].sort(byId).map(kept));
  });

  it('keeps licenses, SPDX ids in their SPDX spelling', () => {
    const licenses = Object.fromEntries(read.packages.map((p) => [p.name, p.licenses]));
    expect(licenses.login).toEqual(['BSD-3-Clause', 'GPL-1', 'GPL-2+', 'public-domain']);
    expect(licenses.bash).toEqual(['BSD-4-Clause-UC', 'GPL-2+', 'GPL-3+', 'Latex2e', 'MIT-like']);
    expect(licenses.atob).toEqual(['MIT OR Apache-2.0']);
    expect(licenses['log4j-core']).toEqual(['Apache-2.0']);
    expect(licenses.libc6).toBeUndefined();
  });

  it('gives back the OS and the image', () => {
    expect(read.os).toEqual(imageScan.os);
    expect(read.image).toEqual({
      reference: 'registry.example.com/shop/orders-api:1.4.2',
      manifestDigest: 'sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe',
      configDigest: 'sha256:1968a2058e1a73e88a183f33e9897f0c48043e0035846b3123f08bff564df61e',
      os: 'linux',
      architecture: 'amd64',
      repoTags: ['registry.example.com/shop/orders-api:1.4.2'],
    });
  });

  it('round-trips a directory scan: no OS, no image, dev and indirect marks', () => {
    const fs = readSbom(render(fsScan), 'fs.json');
    expect(fs.os).toBeUndefined();
    expect(fs.image).toBeUndefined();
    expect([...fs.packages].sort(byId)).toEqual([...fsScan.packages].sort(byId));
  });
});

describe('readSbom on other tools’ documents', () => {
  const DIGEST = 'sha256:244fd47e07d1004f0aed9c156aa09083c6f1ad5400b38bc1b4bf0c2a3dd2bd0a';
  const trivyLike = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:0b5c1a3c-6a0e-4c8f-9a53-2b1f0c1d2e3f',
    version: 1,
    metadata: {
      component: {
        'bom-ref': `pkg:oci/debian@${DIGEST.replace(':', '%3A')}?arch=amd64&repository_url=index.docker.io%2Flibrary%2Fdebian`,
        type: 'container',
        name: 'debian:12',
        purl: `pkg:oci/debian@${DIGEST.replace(':', '%3A')}?arch=amd64&repository_url=index.docker.io%2Flibrary%2Fdebian`,
      },
    },
    components: [
      { 'bom-ref': 'os-1', type: 'operating-system', name: 'debian', version: '12.5' },
      {
        'bom-ref': 'pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12.5&epoch=1',
        type: 'library',
        name: 'login',
        version: '1:4.13+dfsg1-1+b1',
        licenses: [{ license: { name: 'GPL-2.0-or-later' } }, { license: { id: 'BSD-3-Clause' } }],
        purl: 'pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12.5&epoch=1&upstream=shadow%404.13%2Bdfsg1-1',
        properties: [{ name: 'aquasecurity:trivy:SrcName', value: 'shadow' }],
      },
      {
        'bom-ref': 'express-ref',
        type: 'library',
        group: '@types',
        name: 'express',
        version: '4.17.21',
        purl: 'pkg:npm/%40types/express@4.17.21',
        licenses: [{ expression: 'MIT' }],
      },
      { 'bom-ref': 'app-ref', type: 'application', name: 'app/package-lock.json' },
      { 'bom-ref': 'mystery', type: 'library', name: 'left-pad', version: '1.3.0' },
      { 'bom-ref': 'gen', type: 'library', name: 'openssl', version: '3.0.11', purl: 'pkg:generic/openssl@3.0.11' },
      { 'bom-ref': 'bad', type: 'library', name: 'x', purl: 'pkg:npm/' },
    ],
    dependencies: [{ ref: 'express-ref', dependsOn: ['pkg:deb/debian/login@4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12.5&epoch=1', 'nowhere'] }],
  };

  it('reads a Trivy-style CycloneDX image SBOM', () => {
    const r = readSbom(JSON.stringify(trivyLike), 'debian.cdx.json');
    expect(r.specVersion).toBe('1.5');
    expect(r.os).toEqual({ family: 'debian', version: '12.5', source: 'debian.cdx.json' });
    expect(r.image).toEqual({ reference: 'debian:12', manifestDigest: DIGEST, architecture: 'amd64' });
    const login = r.packages.find((p) => p.name === 'login')!;
    expect(login).toEqual({
      id: 'deb:login@1:4.13+dfsg1-1+b1',
      type: 'deb',
      name: 'login',
      version: '1:4.13+dfsg1-1+b1',
      epoch: 1,
      release: '1+b1',
      arch: 'amd64',
      sourceName: 'shadow',
      sourceVersion: '4.13+dfsg1-1',
      purl: 'pkg:deb/debian/login@4.13+dfsg1-1+b1?arch=amd64&distro=debian-12.5&epoch=1&upstream=shadow%404.13%2Bdfsg1-1',
      licenses: ['GPL-2.0-or-later', 'BSD-3-Clause'],
      foundBy: FOUND_BY.cyclonedx,
      locations: ['debian.cdx.json'],
    });
    const express = r.packages.find((p) => p.type === 'npm')!;
    expect(express).toMatchObject({ id: 'npm:@types/express@4.17.21', name: '@types/express', licenses: ['MIT'], dependsOn: [login.id] });
    expect(r.packages).toHaveLength(2);
    expect(r.warnings).toEqual([
      '1 component(s) without a purl or package type were skipped',
      '1 component(s) with an invalid purl were skipped',
      'components of unsupported purl types were skipped: generic (1)',
    ]);
  });

  it('keeps a package without a purl when a Bulkhead package type names its ecosystem', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [{ type: 'library', name: 'internal-lib', version: '2.0.0', properties: [{ name: 'bulkhead:package:type', value: 'npm' }] }],
    };
    const r = readSbom(JSON.stringify(doc), 'x.json');
    expect(r.packages).toEqual([
      { id: 'npm:internal-lib@2.0.0', type: 'npm', name: 'internal-lib', version: '2.0.0', purl: '', foundBy: FOUND_BY.cyclonedx, locations: ['x.json'] },
    ]);
    expect(r.warnings).toEqual(['1 package(s) without a purl were kept from their bulkhead:package:type']);
  });

  it('reads nested components and takes the OS from the purls when no component names it', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      components: [
        {
          type: 'application',
          name: 'app',
          components: [{ type: 'library', name: 'busybox', version: '1.36.1-r29', purl: 'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=3.20.3' }],
        },
      ],
    };
    const r = readSbom(JSON.stringify(doc), 'nested.json');
    expect(r.os).toEqual({ family: 'alpine', version: '3.20.3', source: 'nested.json' });
    expect(r.packages.map((p) => [p.id, p.sourceName, p.arch])).toEqual([['apk:busybox@1.36.1-r29', 'busybox', 'x86_64']]);
  });

  it('reads a Syft-style SPDX document', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'alpine',
      documentNamespace: 'https://anchore.com/syft/image/alpine-3f3b',
      creationInfo: { created: '2024-05-01T12:00:00Z', creators: ['Tool: syft-1.4.1'] },
      packages: [
        {
          SPDXID: 'SPDXRef-DocumentRoot-Image-alpine',
          name: 'alpine',
          versionInfo: 'sha256:a8560b36e8b8210634f77d9f7f9efd7ffa463e380b75e2e74aff4511df3ef88c',
          downloadLocation: 'NOASSERTION',
          primaryPackagePurpose: 'CONTAINER',
        },
        {
          SPDXID: 'SPDXRef-Package-apk-busybox-1',
          name: 'busybox',
          versionInfo: '1.36.1-r29',
          downloadLocation: 'NOASSERTION',
          licenseDeclared: 'GPL-2.0-only',
          sourceInfo: 'acquired package info from APK DB: /lib/apk/db/installed',
          externalRefs: [
            { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:busybox:busybox:1.36.1-r29:*:*:*:*:*:*:*' },
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3' },
          ],
        },
        {
          SPDXID: 'SPDXRef-Package-apk-ssl-client-2',
          name: 'ssl_client',
          versionInfo: '1.36.1-r29',
          downloadLocation: 'NOASSERTION',
          licenseConcluded: 'LicenseRef-GPL-2.0-only-variant',
          externalRefs: [
            { referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3' },
          ],
        },
        { SPDXID: 'SPDXRef-File-x', name: 'no purl', downloadLocation: 'NOASSERTION' },
      ],
      hasExtractedLicensingInfos: [{ licenseId: 'LicenseRef-GPL-2.0-only-variant', extractedText: 'GPL-2.0-only variant' }],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-DocumentRoot-Image-alpine' },
        { spdxElementId: 'SPDXRef-Package-apk-ssl-client-2', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-Package-apk-busybox-1' },
      ],
    };
    const r = readSbom(JSON.stringify(doc), 'alpine.spdx.json');
    expect(r.specVersion).toBe('2.3');
    expect(r.os).toEqual({ family: 'alpine', version: '3.20.3', source: 'alpine.spdx.json' });
    expect(r.image).toEqual({ reference: 'alpine', manifestDigest: 'sha256:a8560b36e8b8210634f77d9f7f9efd7ffa463e380b75e2e74aff4511df3ef88c' });
    expect(r.packages.map((p) => [p.id, p.sourceName, p.licenses, p.dependsOn])).toEqual([
      ['apk:busybox@1.36.1-r29', 'busybox', ['GPL-2.0-only'], undefined],
      ['apk:ssl_client@1.36.1-r29', 'busybox', ['GPL-2.0-only variant'], ['apk:busybox@1.36.1-r29']],
    ]);
    expect(r.packages[0]!.foundBy).toBe(FOUND_BY.spdx);
    expect(r.warnings).toEqual(['1 component(s) without a purl or package type were skipped']);
  });
});

describe('readSbom rejects what it cannot read, naming where', () => {
  const cdx = (components: unknown[]) => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components });

  it.each([
    ['not JSON', '{"bomFormat": ', /^not JSON/],
    ['a JSON array', '[]', /SBOM is not valid at \$: expected a JSON object/],
    ['an unknown document', '{"hello": "world"}', /neither a CycloneDX \(bomFormat\) nor an SPDX \(spdxVersion\) document/],
    ['SPDX 3', '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}', /SPDX 3 documents are not read yet/],
    ['a wrong bomFormat', '{"bomFormat": "SWID", "specVersion": "1.6"}', /at \$\.bomFormat: /],
    ['CycloneDX 2', '{"bomFormat": "CycloneDX", "specVersion": "2.0"}', /at \$\.specVersion: expected a CycloneDX 1\.x spec version/],
    ['a component name that is a number', cdx([{ type: 'library', name: 'ok' }, { type: 'library', name: 7 }]), /at \$\.components\[1\]\.name: /],
    ['a nested component with a bad version', cdx([{ type: 'application', name: 'a', components: [{ type: 'library', name: 'b', version: {} }] }]), /at \$\.components\[0\]\.components\[0\]\.version: /],
    ['a bad property', cdx([{ type: 'library', name: 'a', properties: [{ value: 'x' }] }]), /at \$\.components\[0\]\.properties\[0\]\.name: /],
    ['SPDX 1.2', '{"spdxVersion": "SPDX-1.2", "SPDXID": "SPDXRef-DOCUMENT"}', /at \$\.spdxVersion: expected SPDX-2\.x/],
    ['an SPDX package without SPDXID', '{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [{"name": "a"}]}', /at \$\.packages\[0\]\.SPDXID: /],
  ])('%s', (_what, text, message) => {
    const e = thrown(() => readSbom(text, 'input.json'));
    expect(e.code).toBe('SBOM_INVALID');
    expect(e.where).toBe('input.json');
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(/CycloneDX JSON/);
  });

  it('caps counts and nesting', () => {
    const many = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${'0,'.repeat(SBOM_LIMITS.components)}0]}`;
    const e = thrown(() => readSbom(many, 'big.json'));
    expect(e.code).toBe('LIMIT_EXCEEDED');
    expect(e.message).toBe(`$.components has ${SBOM_LIMITS.components + 1} entries, more than the ${SBOM_LIMITS.components} an SBOM may have`);

    let nested: Record<string, unknown> = { type: 'library', name: 'leaf' };
    for (let i = 0; i < SBOM_LIMITS.nesting + 2; i++) nested = { type: 'application', name: `n${i}`, components: [nested] };
    const deep = thrown(() => readSbom(cdx([nested]), 'deep.json'));
    expect(deep.code).toBe('SBOM_INVALID');
    expect(deep.message).toMatch(/nested deeper than 64/);
  });

  it('reads a document with a byte order mark', () => {
    expect(readSbom(`\uFEFF${renderCycloneDx(fsScan)}`, 'bom.json').packages).toHaveLength(3);
  });
});
