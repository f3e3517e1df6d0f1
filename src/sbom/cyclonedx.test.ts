import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../core/types.js';
import { OS_REF, renderCycloneDx, TARGET_REF } from './cyclonedx.js';
import { expectGolden } from './testdata/golden.js';
import { fsScan, imageScan } from './testdata/scan-result.js';
import { validateCycloneDx } from './testdata/schemas.js';

interface Component {
  type: string;
  name: string;
  group?: string;
  version?: string;
  'bom-ref': string;
  purl?: string;
  licenses?: Array<{ license?: { id?: string; name?: string }; expression?: string }>;
  properties?: Array<{ name: string; value: string }>;
}
interface Bom {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: Component[] }; component: Component };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}

const bom = JSON.parse(renderCycloneDx(imageScan)) as Bom;
const component = (ref: string) => bom.components.find((c) => c['bom-ref'] === ref)!;
const props = (c: Component, name: string) => (c.properties ?? []).filter((p) => p.name === name).map((p) => p.value);

describe('renderCycloneDx', () => {
  it('is valid CycloneDX 1.6 and matches the golden files', () => {
    for (const [name, result] of [
      ['image.cdx.golden.json', imageScan],
      ['fs.cdx.golden.json', fsScan],
    ] as const) {
      const text = renderCycloneDx(result);
      const check = validateCycloneDx(JSON.parse(text));
      expect(check.errors).toEqual([]);
      expect(check.valid).toBe(true);
      expectGolden(name, text);
    }
  });

  it('is checked by a schema that rejects what CycloneDX forbids', () => {
    const broken = structuredClone(bom) as unknown as Record<string, unknown> & Bom;
    broken.serialNumber = 'urn:uuid:not-a-uuid';
    (broken.components[1] as unknown as Record<string, unknown>).type = 'package';
    const check = validateCycloneDx(broken);
    expect(check.valid).toBe(false);
    expect(check.errors.join('\n')).toMatch(/\/serialNumber/);
  });

  it('describes the image as a container with its pkg:oci purl, and the tool', () => {
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.timestamp).toBe('2026-03-02T10:15:30.123Z');
    expect(bom.metadata.tools.components).toEqual([{ type: 'application', name: 'bulkhead', version: '0.1.0' }]);
    const target = bom.metadata.component;
    expect(target).toMatchObject({
      type: 'container',
      name: 'registry.example.com/shop/orders-api:1.4.2',
      version: 'sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe',
      'bom-ref': TARGET_REF,
      purl: 'pkg:oci/orders-api@sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe?arch=amd64&repository_url=registry.example.com%2Fshop%2Forders-api&tag=1.4.2',
    });
    expect(props(target, 'bulkhead:image:configDigest')).toEqual(['sha256:1968a2058e1a73e88a183f33e9897f0c48043e0035846b3123f08bff564df61e']);
    expect(props(target, 'bulkhead:image:diffID')).toHaveLength(4);
  });

  it('has the OS as an operating-system component and one component per package, bom-ref = package id', () => {
    expect(component(OS_REF)).toMatchObject({ type: 'operating-system', name: 'debian', version: '12.15' });
    expect(props(component(OS_REF), 'bulkhead:os:codename')).toEqual(['bookworm']);
    expect(bom.components).toHaveLength(1 + imageScan.packages.length);
    for (const p of imageScan.packages) expect(component(p.id).purl).toBe(p.purl);
    const login = component('deb:login@1:4.13+dfsg1-1+deb12u2');
    expect(login).toMatchObject({ type: 'library', name: 'login', version: '1:4.13+dfsg1-1+deb12u2' });
    expect(props(login, 'bulkhead:package:sourceName')).toEqual(['shadow']);
    expect(props(login, 'bulkhead:package:sourceVersion')).toEqual(['1:4.13+dfsg1-1+deb12u2']);
    expect(props(login, 'bulkhead:layer:diffID')).toEqual(['sha256:5a44143ac067c9cb30ff258a2c87140513336563bb833d6d0c92dd66353ffdf5']);
    expect(props(login, 'bulkhead:location')).toEqual(['/var/lib/dpkg/status']);
    expect(props(login, 'bulkhead:package:type')).toEqual(['deb']);
    const log4j = component('maven:org.apache.logging.log4j/log4j-core@2.14.1');
    expect(log4j).toMatchObject({ group: 'org.apache.logging.log4j', name: 'log4j-core' });
    expect(props(log4j, 'bulkhead:location')).toEqual(['/opt/orders/reports.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar']);
    expect(props(component('pypi:PyYAML@6.0'), 'bulkhead:package:ownedBy')).toEqual(['deb:python3-yaml']);
    expect(component('golang:example.com/shop/orders-worker@v1.4.2').type).toBe('application');
    expect(props(component('golang:example.com/shop/orders-worker@v1.4.2'), 'bulkhead:property:go.version')).toEqual(['go1.22.1']);
  });

  it('writes SPDX ids, one expression, or names as written', () => {
    expect(component('deb:zlib1g@1:1.2.13.dfsg-1').licenses).toEqual([{ license: { id: 'Zlib' } }]);
    expect(component('npm:atob@2.1.2').licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(component('deb:login@1:4.13+dfsg1-1+deb12u2').licenses).toEqual([
      { license: { id: 'BSD-3-Clause' } },
      { license: { name: 'GPL-1' } },
      { license: { name: 'GPL-2+' } },
      { license: { name: 'public-domain' } },
    ]);
    expect(component('deb:libc6@2.36-9+deb12u14').licenses).toBeUndefined();
  });

  it('joins expressions into one when every license is SPDX, keeps names when free text is among them', () => {
    const withLicenses = (licenses: string[]): ScanResult => ({ ...fsScan, packages: [{ ...fsScan.packages[0]!, licenses }] });
    const first = (r: ScanResult) => (JSON.parse(renderCycloneDx(r)) as Bom).components[0]!.licenses;
    expect(first(withLicenses(['(MIT OR Apache-2.0)', 'ISC']))).toEqual([{ expression: '(MIT OR Apache-2.0) AND ISC' }]);
    expect(first(withLicenses(['MIT OR Apache-2.0', 'GPL-2+']))).toEqual([{ license: { name: 'MIT OR Apache-2.0' } }, { license: { name: 'GPL-2+' } }]);
  });

  it('links target → OS and direct language packages, OS → its packages, packages → their dependencies', () => {
    const deps = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
    expect(deps.get(TARGET_REF)).toEqual([
      OS_REF,
      'golang:example.com/shop/orders-worker@v1.4.2',
      'golang:github.com/docker/docker@v24.0.9+incompatible',
      'maven:org.apache.logging.log4j/log4j-core@2.14.1',
      'npm:@babel/runtime@7.24.0',
      'npm:atob@2.1.2',
      'npm:express@4.17.1',
      'pypi:PyYAML@6.0',
    ]);
    expect(deps.get(OS_REF)).toHaveLength(6);
    expect(deps.get('npm:express@4.17.1')).toEqual(['npm:accepts@1.3.7']);
    expect(deps.get('deb:bash@5.2.15-2+b13')).toEqual(['deb:libc6@2.36-9+deb12u14']);
    expect(deps.get('npm:accepts@1.3.7')).toEqual([]);
  });

  it('is deterministic: same input, same bytes, whatever the package order; serial number from the content', () => {
    const shuffled = { ...imageScan, packages: [...imageScan.packages].reverse() };
    expect(renderCycloneDx(shuffled)).toBe(renderCycloneDx(imageScan));
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = JSON.parse(renderCycloneDx({ ...imageScan, createdAt: '2026-03-03T00:00:00.000Z' })) as Bom;
    expect(other.serialNumber).not.toBe(bom.serialNumber);
    const random = JSON.parse(renderCycloneDx(imageScan, { randomSerialNumber: true })) as Bom;
    expect(random.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(random.serialNumber).not.toBe(bom.serialNumber);
  });

  it('describes a directory as an application', () => {
    const fs = JSON.parse(renderCycloneDx(fsScan)) as Bom;
    expect(fs.metadata.component).toMatchObject({ type: 'application', name: './orders-api', 'bom-ref': TARGET_REF });
    expect(fs.components.map((c) => c['bom-ref'])).toEqual(['npm:accepts@1.3.7', 'npm:express@4.17.1', 'npm:nodemon@3.1.0']);
    expect(fs.dependencies.find((d) => d.ref === TARGET_REF)?.dependsOn).toEqual(['npm:express@4.17.1', 'npm:nodemon@3.1.0']);
    expect(props(fs.components[2]!, 'bulkhead:package:dev')).toEqual(['true']);
  });
});
