import { describe, expect, it } from 'vitest';
import { renderSpdxJson, type SpdxDocument } from './spdx.js';
import { normalizeSpdxExpression } from './license.js';
import { expectGolden } from './testdata/golden.js';
import { fsScan, imageScan } from './testdata/scan-result.js';
import { validateSpdx } from './testdata/schemas.js';

const doc = JSON.parse(renderSpdxJson(imageScan)) as SpdxDocument;
const byName = (name: string) => doc.packages.find((p) => p.name === name)!;
const comments = (name: string) => (byName(name).annotations ?? []).map((a) => a.comment);

describe('renderSpdxJson', () => {
  it('is valid SPDX 2.3 and matches the golden files', () => {
    for (const [name, result] of [
      ['image.spdx.golden.json', imageScan],
      ['fs.spdx.golden.json', fsScan],
    ] as const) {
      const text = renderSpdxJson(result);
      const check = validateSpdx(JSON.parse(text));
      expect(check.errors).toEqual([]);
      expect(check.valid).toBe(true);
      expectGolden(name, text);
    }
  });

  it('is checked by a schema that rejects what SPDX forbids', () => {
    const broken = structuredClone(doc);
    broken.packages[2]!.SPDXID = 'SPDXRef-Package_deb:login';
    broken.creationInfo.created = '2026-03-02T10:15:30.123Z';
    const check = validateSpdx(broken);
    expect(check.valid).toBe(false);
    expect(check.errors.join('\n')).toMatch(/\/packages\/2\/SPDXID/);
    expect(check.errors.join('\n')).toMatch(/\/creationInfo\/created/);
  });

  it('has the document header: version, CC0 data license, deterministic namespace, tool and time without fractions', () => {
    expect(doc).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'registry.example.com/shop/orders-api:1.4.2',
      creationInfo: { creators: ['Tool: bulkhead-0.1.0'], created: '2026-03-02T10:15:30Z' },
    });
    expect(doc.documentNamespace).toMatch(/^https:\/\/bulkhead\.dev\/spdx\/registry\.example\.com-shop-orders-api-1\.4\.2-[0-9a-f]{64}$/);
    expect(renderSpdxJson({ ...imageScan, packages: [...imageScan.packages].reverse() })).toBe(renderSpdxJson(imageScan));
    const changed = JSON.parse(renderSpdxJson({ ...imageScan, packages: imageScan.packages.slice(1) })) as SpdxDocument;
    expect(changed.documentNamespace).not.toBe(doc.documentNamespace);
  });

  it('has the image as CONTAINER root, the OS, and one LIBRARY package per package with its purl', () => {
    const root = doc.packages[0]!;
    expect(root).toMatchObject({
      SPDXID: 'SPDXRef-Image-registry.example.com-shop-orders-api-1.4.2',
      versionInfo: 'sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe',
      primaryPackagePurpose: 'CONTAINER',
    });
    expect(root.externalRefs?.[0]?.referenceLocator).toMatch(/^pkg:oci\/orders-api@sha256:3982402c/);
    expect(byName('debian')).toMatchObject({ SPDXID: 'SPDXRef-OperatingSystem-debian', versionInfo: '12.15', primaryPackagePurpose: 'OPERATING-SYSTEM' });
    expect(doc.packages).toHaveLength(2 + imageScan.packages.length);
    const login = byName('login');
    expect(login).toMatchObject({
      versionInfo: '1:4.13+dfsg1-1+deb12u2',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      primaryPackagePurpose: 'LIBRARY',
      sourceInfo: 'built package from: shadow 1:4.13+dfsg1-1+deb12u2',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imageScan.packages[3]!.purl }],
    });
    expect(login.SPDXID).toMatch(/^SPDXRef-Package-deb-login-[0-9a-f]{16}$/);
    expect(byName('@babel/runtime').SPDXID).toMatch(/^SPDXRef-Package-npm-babel-runtime-[0-9a-f]{16}$/);
    expect(comments('login')).toContain('bulkhead:layer:diffID=sha256:5a44143ac067c9cb30ff258a2c87140513336563bb833d6d0c92dd66353ffdf5');
    expect(comments('login')).toContain('bulkhead:package:id=deb:login@1:4.13+dfsg1-1+deb12u2');
    expect(comments('PyYAML')).toContain('bulkhead:package:ownedBy=deb:python3-yaml');
    expect(byName('example.com/shop/orders-worker').primaryPackagePurpose).toBe('APPLICATION');
  });

  it('declares valid expressions, free text through LicenseRefs the document defines', () => {
    expect(byName('zlib1g').licenseDeclared).toBe('Zlib');
    expect(byName('atob').licenseDeclared).toBe('MIT OR Apache-2.0');
    expect(byName('libc6').licenseDeclared).toBe('NOASSERTION');
    expect(byName('login').licenseDeclared).toBe('BSD-3-Clause AND LicenseRef-GPL-1 AND LicenseRef-GPL-2-f7215fea AND LicenseRef-public-domain');
    const defined = new Set(doc.hasExtractedLicensingInfos!.map((l) => l.licenseId));
    for (const p of doc.packages) {
      if (p.licenseDeclared === 'NOASSERTION') continue;
      expect(normalizeSpdxExpression(p.licenseDeclared), p.name).toBe(p.licenseDeclared);
      for (const ref of p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) expect(defined.has(ref), ref).toBe(true);
    }
    expect(doc.hasExtractedLicensingInfos).toContainEqual({ licenseId: 'LicenseRef-GPL-2-f7215fea', name: 'GPL-2+', extractedText: 'GPL-2+' });
  });

  it('relates: DESCRIBES the root, root CONTAINS everything, DEPENDS_ON from the metadata', () => {
    const root = doc.packages[0]!.SPDXID;
    const id = (name: string) => byName(name).SPDXID;
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root });
    const contains = doc.relationships.filter((r) => r.relationshipType === 'CONTAINS');
    expect(contains).toHaveLength(doc.packages.length - 1);
    expect(contains.every((r) => r.spdxElementId === root)).toBe(true);
    const dependsOn = doc.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON').map((r) => [r.spdxElementId, r.relatedSpdxElement]);
    expect(dependsOn).toContainEqual([id('express'), id('accepts')]);
    expect(dependsOn).toContainEqual([id('example.com/shop/orders-worker'), id('github.com/docker/docker')]);
    expect(dependsOn).toHaveLength(5);
  });

  it('describes a directory as an APPLICATION without a purl', () => {
    const fs = JSON.parse(renderSpdxJson(fsScan)) as SpdxDocument;
    expect(fs.packages[0]).toMatchObject({ SPDXID: 'SPDXRef-Filesystem-orders-api', name: './orders-api', primaryPackagePurpose: 'APPLICATION' });
    expect(fs.packages[0]!.externalRefs).toBeUndefined();
    expect(fs.hasExtractedLicensingInfos).toBeUndefined();
  });
});
