/**
 * SPDX 2.3 JSON from a ScanResult, written by hand (no kept-up 2.3 library
 * exists on npm): one root package for the target (CONTAINER for an image,
 * APPLICATION for a directory), one OPERATING-SYSTEM package, one LIBRARY
 * package per package with its purl as a PACKAGE-MANAGER reference.
 * Relationships: the document DESCRIBES the root, the root CONTAINS the rest,
 * DEPENDS_ON where package metadata says so. Licenses are declared as SPDX
 * expressions, free text through LicenseRefs defined in the document.
 * Layers, locations and other `bulkhead:` facts are annotations (`name=value`).
 * Deterministic: SPDXIDs and the namespace are hashes of the content.
 */
import type { Package, ScanResult, TargetKind } from '../core/types.js';
import { OS_PACKAGE_TYPES } from '../core/types.js';
import { imageFacts, osFacts, packageFacts, Prop, type Fact } from './facts.js';
import { shortHash, sha256Hex } from './hash.js';
import { imagePurl } from './image-ref.js';
import { LicenseRefs, spdxDeclaredLicense } from './license.js';

export const SPDX_VERSION = 'SPDX-2.3';
export const SPDX_NAMESPACE_BASE = 'https://bulkhead.dev/spdx/';

type Purpose = 'CONTAINER' | 'OPERATING-SYSTEM' | 'LIBRARY' | 'APPLICATION';

interface SpdxAnnotation {
  annotationDate: string;
  annotationType: 'OTHER';
  annotator: string;
  comment: string;
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  licenseConcluded: 'NOASSERTION';
  licenseDeclared: string;
  sourceInfo?: string;
  externalRefs?: Array<{ referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }>;
  primaryPackagePurpose: Purpose;
  annotations?: SpdxAnnotation[];
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON';
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: typeof SPDX_VERSION;
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { creators: string[]; created: string };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
  hasExtractedLicensingInfos?: Array<{ licenseId: string; name: string; extractedText: string }>;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** SPDX wants `YYYY-MM-DDThh:mm:ssZ`: no fractions. */
function spdxDate(iso: string): string {
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date(0) : d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Letters, digits, `.` and `-` only (the SPDXID alphabet). */
function idPart(text: string, max = 64): string {
  return (
    text
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, max)
      .replace(/[-.]+$/, '') || 'unnamed'
  );
}

const rootKind: Record<TargetKind, string> = { image: 'Image', fs: 'Filesystem', rootfs: 'Rootfs', sbom: 'Sbom', dockerfile: 'Dockerfile', kubernetes: 'Kubernetes', 'container-config': 'ContainerConfig' };

export function packageSpdxId(p: Package): string {
  return `SPDXRef-Package-${idPart(p.type)}-${idPart(p.name)}-${shortHash(p.id, 16)}`;
}

export function renderSpdxJson(result: ScanResult): string {
  const created = spdxDate(result.createdAt);
  const annotator = `Tool: ${result.tool.name}-${result.tool.version}`;
  const annotations = (facts: readonly Fact[]): SpdxAnnotation[] | undefined =>
    facts.length ? facts.map(([name, value]) => ({ annotationDate: created, annotationType: 'OTHER', annotator, comment: `${name}=${value}` })) : undefined;
  const refs = new LicenseRefs();

  const image = result.image;
  const root: SpdxPackage = {
    SPDXID: `SPDXRef-${rootKind[result.target.kind] ?? 'Target'}-${idPart(result.target.name)}`,
    name: image?.reference ?? result.target.name,
    versionInfo: image?.manifestDigest,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    primaryPackagePurpose: result.target.kind === 'image' ? 'CONTAINER' : 'APPLICATION',
    annotations: annotations([[Prop.targetKind, result.target.kind], ...(image ? imageFacts(image) : [])]),
  };
  const rootPurl = image ? imagePurl(image) : undefined;
  if (rootPurl) root.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: rootPurl }];

  const packages: SpdxPackage[] = [root];
  const relationships: SpdxRelationship[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root.SPDXID }];
  const contains = (id: string) => relationships.push({ spdxElementId: root.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: id });

  if (result.os) {
    const os: SpdxPackage = {
      SPDXID: `SPDXRef-OperatingSystem-${idPart(result.os.family)}`,
      name: result.os.family,
      versionInfo: result.os.version || undefined,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING-SYSTEM',
      annotations: annotations(osFacts(result.os)),
    };
    packages.push(os);
    contains(os.SPDXID);
  }

  const sorted = [...result.packages].sort((a, b) => byCodePoint(a.id, b.id));
  const spdxIds = new Map<string, string>();
  const taken = new Set(packages.map((p) => p.SPDXID));
  for (const p of sorted) {
    let id = packageSpdxId(p);
    for (let n = 2; taken.has(id); n++) id = `${packageSpdxId(p)}-${n}`;
    taken.add(id);
    if (!spdxIds.has(p.id)) spdxIds.set(p.id, id);
    const entry: SpdxPackage = {
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: spdxDeclaredLicense(p.licenses, refs),
      sourceInfo:
        OS_PACKAGE_TYPES.has(p.type) && p.sourceName ? `built package from: ${p.sourceName}${p.sourceVersion ? ` ${p.sourceVersion}` : ''}` : undefined,
      externalRefs: p.purl ? [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }] : undefined,
      primaryPackagePurpose: p.properties?.main === 'true' ? 'APPLICATION' : 'LIBRARY',
      annotations: annotations(packageFacts(p, { withId: true })),
    };
    packages.push(entry);
    contains(id);
  }

  const dependsOn: SpdxRelationship[] = [];
  for (const p of sorted) {
    const from = spdxIds.get(p.id)!;
    for (const dep of new Set(p.dependsOn ?? [])) {
      const to = spdxIds.get(dep);
      if (to && to !== from) dependsOn.push({ spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to });
    }
  }
  dependsOn.sort((a, b) => byCodePoint(a.spdxElementId, b.spdxElementId) || byCodePoint(a.relatedSpdxElement, b.relatedSpdxElement));
  relationships.push(...dependsOn);

  const doc: SpdxDocument = {
    spdxVersion: SPDX_VERSION,
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: result.target.name,
    documentNamespace: '',
    creationInfo: { creators: [annotator], created },
    packages,
    relationships,
  };
  const licenseInfos = refs.definitions();
  if (licenseInfos.length) doc.hasExtractedLicensingInfos = licenseInfos;
  doc.documentNamespace = `${SPDX_NAMESPACE_BASE}${idPart(result.target.name)}-${sha256Hex(JSON.stringify(doc))}`;
  return `${JSON.stringify(doc, null, 2)}\n`;
}
