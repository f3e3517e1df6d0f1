/**
 * The `bulkhead:` facts an SBOM carries beyond names and purls (source
 * package, layer, locations, owner, OS and image details): written as
 * CycloneDX properties and as SPDX annotations (`name=value`), and read back
 * from either, so that an SBOM Bulkhead wrote scans like the image it came from.
 */
import type { ImageMetadata, LayerRef, OSInfo, Package, PackageType } from '../core/types.js';

export const Prop = {
  packageId: 'bulkhead:package:id',
  packageType: 'bulkhead:package:type',
  foundBy: 'bulkhead:package:foundBy',
  sourceName: 'bulkhead:package:sourceName',
  sourceVersion: 'bulkhead:package:sourceVersion',
  ownedBy: 'bulkhead:package:ownedBy',
  indirect: 'bulkhead:package:indirect',
  dev: 'bulkhead:package:dev',
  location: 'bulkhead:location',
  layerDiffID: 'bulkhead:layer:diffID',
  layerIndex: 'bulkhead:layer:index',
  layerDigest: 'bulkhead:layer:digest',
  osName: 'bulkhead:os:name',
  osPrettyName: 'bulkhead:os:prettyName',
  osCodename: 'bulkhead:os:codename',
  osDistroless: 'bulkhead:os:distroless',
  osSource: 'bulkhead:os:source',
  targetKind: 'bulkhead:target:kind',
  imageReference: 'bulkhead:image:reference',
  imageManifestDigest: 'bulkhead:image:manifestDigest',
  imageIndexDigest: 'bulkhead:image:indexDigest',
  imageConfigDigest: 'bulkhead:image:configDigest',
  imageOs: 'bulkhead:image:os',
  imageArchitecture: 'bulkhead:image:architecture',
  imageVariant: 'bulkhead:image:variant',
  imageRepoTag: 'bulkhead:image:repoTag',
  imageDiffID: 'bulkhead:image:diffID',
} as const;

/** Analyzer-specific `Package.properties` keys go under this prefix. */
export const PROPERTY_PREFIX = 'bulkhead:property:';

export type Fact = readonly [name: string, value: string];

export const PACKAGE_TYPES: ReadonlySet<PackageType> = new Set<PackageType>([
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'golang',
  'maven',
  'cargo',
  'gem',
  'composer',
  'nuget',
]);

export function isPackageType(value: string): value is PackageType {
  return PACKAGE_TYPES.has(value as PackageType);
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function packageFacts(p: Package, options: { withId: boolean }): Fact[] {
  const facts: Fact[] = [];
  if (options.withId) facts.push([Prop.packageId, p.id]);
  facts.push([Prop.packageType, p.type], [Prop.foundBy, p.foundBy]);
  if (p.sourceName) facts.push([Prop.sourceName, p.sourceName]);
  if (p.sourceVersion) facts.push([Prop.sourceVersion, p.sourceVersion]);
  if (p.ownedBy) facts.push([Prop.ownedBy, `${p.ownedBy.type}:${p.ownedBy.name}`]);
  if (p.indirect) facts.push([Prop.indirect, 'true']);
  if (p.dev) facts.push([Prop.dev, 'true']);
  for (const loc of p.locations) facts.push([Prop.location, loc]);
  if (p.layer) {
    facts.push([Prop.layerDiffID, p.layer.diffID], [Prop.layerIndex, String(p.layer.index)]);
    if (p.layer.digest) facts.push([Prop.layerDigest, p.layer.digest]);
  }
  for (const key of Object.keys(p.properties ?? {}).sort(byCodePoint)) {
    facts.push([`${PROPERTY_PREFIX}${key}`, p.properties![key]!]);
  }
  return facts;
}

export function osFacts(os: OSInfo): Fact[] {
  const facts: Fact[] = [];
  if (os.name) facts.push([Prop.osName, os.name]);
  if (os.prettyName) facts.push([Prop.osPrettyName, os.prettyName]);
  if (os.codename) facts.push([Prop.osCodename, os.codename]);
  if (os.distroless) facts.push([Prop.osDistroless, 'true']);
  facts.push([Prop.osSource, os.source]);
  return facts;
}

export function imageFacts(image: ImageMetadata): Fact[] {
  const facts: Fact[] = [[Prop.imageReference, image.reference]];
  if (image.manifestDigest) facts.push([Prop.imageManifestDigest, image.manifestDigest]);
  if (image.indexDigest) facts.push([Prop.imageIndexDigest, image.indexDigest]);
  facts.push([Prop.imageConfigDigest, image.configDigest], [Prop.imageOs, image.os], [Prop.imageArchitecture, image.architecture]);
  if (image.variant) facts.push([Prop.imageVariant, image.variant]);
  for (const tag of image.repoTags ?? []) facts.push([Prop.imageRepoTag, tag]);
  for (const layer of image.layers) facts.push([Prop.imageDiffID, layer.diffID]);
  return facts;
}

/** Facts read from a document: many values per name, first one wins where one is wanted. */
export class FactBag {
  private readonly values = new Map<string, string[]>();

  constructor(facts: Iterable<Fact>) {
    for (const [name, value] of facts) {
      const list = this.values.get(name);
      if (list) list.push(value);
      else this.values.set(name, [value]);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  flag(name: string): boolean {
    return this.get(name) === 'true';
  }

  withPrefix(prefix: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [name, list] of this.values) {
      if (name.startsWith(prefix) && name.length > prefix.length) out.push([name.slice(prefix.length), list[0]!]);
    }
    return out;
  }
}

function layerFrom(bag: FactBag): LayerRef | undefined {
  const diffID = bag.get(Prop.layerDiffID);
  const index = Number(bag.get(Prop.layerIndex));
  if (!diffID || !Number.isSafeInteger(index) || index < 0) return undefined;
  const layer: LayerRef = { index, diffID };
  const digest = bag.get(Prop.layerDigest);
  if (digest) layer.digest = digest;
  return layer;
}

/** Adds what the facts say to a package built from a purl. */
export function applyPackageFacts(pkg: Package, bag: FactBag): void {
  const sourceName = bag.get(Prop.sourceName);
  if (sourceName) pkg.sourceName = sourceName;
  const sourceVersion = bag.get(Prop.sourceVersion);
  if (sourceVersion) pkg.sourceVersion = sourceVersion;
  const foundBy = bag.get(Prop.foundBy);
  if (foundBy) pkg.foundBy = foundBy;
  const owner = bag.get(Prop.ownedBy);
  const colon = owner ? owner.indexOf(':') : -1;
  if (owner && colon > 0 && isPackageType(owner.slice(0, colon)) && colon < owner.length - 1) {
    pkg.ownedBy = { type: owner.slice(0, colon) as PackageType, name: owner.slice(colon + 1) };
  }
  if (bag.flag(Prop.indirect)) pkg.indirect = true;
  if (bag.flag(Prop.dev)) pkg.dev = true;
  const locations = bag.all(Prop.location).filter((l) => l.length > 0);
  if (locations.length) pkg.locations = locations;
  const layer = layerFrom(bag);
  if (layer) pkg.layer = layer;
  const props = bag.withPrefix(PROPERTY_PREFIX);
  if (props.length) pkg.properties = Object.fromEntries(props);
}

export function osFrom(family: string, version: string, bag: FactBag, where: string): OSInfo {
  const os: OSInfo = { family, version, source: bag.get(Prop.osSource) || where };
  const name = bag.get(Prop.osName);
  if (name) os.name = name;
  const prettyName = bag.get(Prop.osPrettyName);
  if (prettyName) os.prettyName = prettyName;
  const codename = bag.get(Prop.osCodename);
  if (codename) os.codename = codename;
  if (bag.flag(Prop.osDistroless)) os.distroless = true;
  return os;
}

/** What an SBOM can tell about the image it describes. */
export type SbomImage = Pick<ImageMetadata, 'reference'> &
  Partial<Pick<ImageMetadata, 'manifestDigest' | 'indexDigest' | 'configDigest' | 'os' | 'architecture' | 'variant' | 'repoTags'>>;

export function imageFrom(reference: string, bag: FactBag): SbomImage {
  const image: SbomImage = { reference: bag.get(Prop.imageReference) || reference };
  const set = (key: Exclude<keyof SbomImage, 'reference' | 'repoTags'>, name: string) => {
    const v = bag.get(name);
    if (v) image[key] = v;
  };
  set('manifestDigest', Prop.imageManifestDigest);
  set('indexDigest', Prop.imageIndexDigest);
  set('configDigest', Prop.imageConfigDigest);
  set('os', Prop.imageOs);
  set('architecture', Prop.imageArchitecture);
  set('variant', Prop.imageVariant);
  const tags = bag.all(Prop.imageRepoTag);
  if (tags.length) image.repoTags = tags;
  return image;
}
