/**
 * CycloneDX 1.6 JSON from a ScanResult, built with the CycloneDX library's
 * models and its spec-aware normaliser and serialiser.
 *
 * Shape: the metadata component is the target (the image as a `container`
 * with its `pkg:oci` purl, or the scanned directory as an `application`);
 * the OS is an `operating-system` component; every package is a `library`
 * whose bom-ref is its package id. The dependency graph says: target → OS
 * and every directly required language package, OS → its packages, package
 * → what its metadata says it depends on. Output is deterministic: lists in
 * code-point order, the serial number derived from the content.
 */
import { randomUUID } from 'node:crypto';
import { Enums, Models, Serialize, SPDX, Spec } from '@cyclonedx/cyclonedx-library';
import type { Package, ScanResult } from '../core/types.js';
import { OS_PACKAGE_TYPES } from '../core/types.js';
import { imageFacts, osFacts, packageFacts, Prop, type Fact } from './facts.js';
import { uuidFromContent } from './hash.js';
import { imagePurl } from './image-ref.js';
import { classifyLicense, conjoin, type LicenseClass } from './license.js';

export interface CycloneDxOptions {
  /** A random serial number instead of one derived from the content. */
  randomSerialNumber?: boolean;
}

/** bom-refs of the two components that are not packages (package ids never start with `bulkhead:`). */
export const TARGET_REF = 'bulkhead:target';
export const OS_REF = 'bulkhead:os';

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function propertyRepository(facts: readonly Fact[]): Models.PropertyRepository {
  return new Models.PropertyRepository(facts.map(([name, value]) => new Models.Property(name, value)));
}

/**
 * CycloneDX takes either a list of licenses (SPDX ids and names) or exactly
 * one expression: expressions are joined into one when everything is SPDX,
 * and kept as names, as written, when free text is among them.
 */
function licenseRepository(licenses: readonly string[] | undefined): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  const seen = new Set<string>();
  const classes: Array<{ raw: string; c: LicenseClass }> = [];
  for (const raw of licenses ?? []) {
    const text = raw.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    classes.push({ raw: text, c: classifyLicense(text) });
  }
  const anyText = classes.some(({ c }) => c.kind === 'text');
  const anyExpression = classes.some(({ c }) => c.kind === 'expression');
  if (anyExpression && !anyText) {
    const parts = classes.map(({ c }) => (c.kind === 'id' ? c.id : c.kind === 'expression' ? c.expression : ''));
    repo.add(new Models.LicenseExpression(conjoin([...new Set(parts)])));
    return repo;
  }
  for (const { raw, c } of classes) {
    const id = c.kind === 'id' ? SPDX.fixupSpdxId(c.id) : undefined;
    repo.add(id ? new Models.SpdxLicense(id) : new Models.NamedLicense(raw));
  }
  return repo;
}

function packageComponent(p: Package, id: string): Models.Component {
  // A Go main module (and anything an analyzer marks `main`) is the program itself.
  const type = p.properties?.main === 'true' ? Enums.ComponentType.Application : Enums.ComponentType.Library;
  return new Models.Component(type, p.name, {
    bomRef: id,
    group: p.namespace || undefined,
    version: p.version,
    purl: p.purl || undefined,
    licenses: licenseRepository(p.licenses),
    properties: propertyRepository(packageFacts(p, { withId: false })),
  });
}

function targetComponent(result: ScanResult): Models.Component {
  const kind: Fact = [Prop.targetKind, result.target.kind];
  const image = result.image;
  if (image) {
    return new Models.Component(Enums.ComponentType.Container, image.reference, {
      bomRef: TARGET_REF,
      version: image.manifestDigest,
      purl: imagePurl(image),
      properties: propertyRepository([kind, ...imageFacts(image)]),
    });
  }
  const type = result.target.kind === 'image' ? Enums.ComponentType.Container : Enums.ComponentType.Application;
  return new Models.Component(type, result.target.name, { bomRef: TARGET_REF, properties: propertyRepository([kind]) });
}

/** Package ids as bom-refs: unique (the library would otherwise invent random ones). */
function uniqueIds(packages: readonly Package[]): string[] {
  const taken = new Set<string>([TARGET_REF, OS_REF]);
  return packages.map((p) => {
    const base = p.id || `${p.type}:${p.name}@${p.version}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}#${n}`;
    taken.add(id);
    return id;
  });
}

function buildBom(result: ScanResult): Models.Bom {
  const packages = [...result.packages].sort((a, b) => byCodePoint(a.id, b.id));
  const ids = uniqueIds(packages);
  const target = targetComponent(result);
  const components = new Models.ComponentRepository();

  let os: Models.Component | undefined;
  if (result.os) {
    os = new Models.Component(Enums.ComponentType.OperatingSystem, result.os.family, {
      bomRef: OS_REF,
      version: result.os.version || undefined,
      properties: propertyRepository(osFacts(result.os)),
    });
    components.add(os);
    target.dependencies.add(os.bomRef);
  }

  const byId = new Map<string, Models.Component>();
  const built = packages.map((p, i) => {
    const c = packageComponent(p, ids[i]!);
    byId.set(p.id, c);
    components.add(c);
    return c;
  });
  packages.forEach((p, i) => {
    const c = built[i]!;
    if (OS_PACKAGE_TYPES.has(p.type)) (os ?? target).dependencies.add(c.bomRef);
    else if (!p.indirect) target.dependencies.add(c.bomRef);
    for (const dep of [...new Set(p.dependsOn ?? [])].sort(byCodePoint)) {
      const other = byId.get(dep);
      if (other && other !== c) c.dependencies.add(other.bomRef);
    }
  });

  const vulnerabilities = vulnerabilityRepository(result, byId);

  const timestamp = new Date(result.createdAt);
  const tool = new Models.Component(Enums.ComponentType.Application, result.tool.name, { version: result.tool.version });
  const metadata = new Models.Metadata({
    timestamp: Number.isNaN(timestamp.getTime()) ? undefined : timestamp,
    tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
    component: target,
  });
  return new Models.Bom({ metadata, components, vulnerabilities });
}

const cdxSeverity: Record<string, Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  info: Enums.Vulnerability.Severity.Info,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

/**
 * Vulnerability findings as CycloneDX vulnerabilities: one per id, affecting
 * each package component it was found in (with the installed version),
 * rated with our severity, and the fix as the recommendation.
 */
function vulnerabilityRepository(result: ScanResult, byId: ReadonlyMap<string, Models.Component>): Models.Vulnerability.VulnerabilityRepository {
  const repo = new Models.Vulnerability.VulnerabilityRepository();
  const byVuln = new Map<string, Models.Vulnerability.Vulnerability>();
  const found = result.findings
    .filter((f) => f.kind === 'vulnerability' && !f.suppressedBy && f.package && byId.has(f.package.id))
    .sort((a, b) => byCodePoint(a.id, b.id) || byCodePoint(a.package!.id, b.package!.id));
  for (const f of found) {
    let v = byVuln.get(f.id);
    if (!v) {
      v = new Models.Vulnerability.Vulnerability({
        bomRef: `bulkhead:vulnerability:${f.id}`,
        id: f.id,
        description: f.title,
        ratings: new Models.Vulnerability.RatingRepository([new Models.Vulnerability.Rating({ severity: cdxSeverity[f.severity] })]),
        properties: propertyRepository(f.status ? [['bulkhead:status', f.status]] : []),
      });
      byVuln.set(f.id, v);
      repo.add(v);
    }
    const component = byId.get(f.package!.id)!;
    const installed = f.installedVersion ?? f.package!.version;
    v.affects.add(
      new Models.Vulnerability.Affect(component.bomRef, {
        versions: new Models.Vulnerability.AffectedVersionRepository([
          new Models.Vulnerability.AffectedSingleVersion(installed, { status: Enums.Vulnerability.AffectStatus.Affected }),
        ]),
      }),
    );
    if (f.fixedVersion) {
      const fix = `${f.package!.name}: upgrade to ${f.fixedVersion}`;
      v.recommendation = v.recommendation ? `${v.recommendation}; ${fix}` : fix;
    }
  }
  return repo;
}

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

export function renderCycloneDx(result: ScanResult, options: CycloneDxOptions = {}): string {
  const bom = buildBom(result);
  // Our own order, not the library's (its sorting uses the locale's collation).
  const write = () => serializer.serialize(bom, { sortLists: false, space: 2 });
  bom.serialNumber = `urn:uuid:${options.randomSerialNumber ? randomUUID() : uuidFromContent(write())}`;
  return `${write()}\n`;
}
