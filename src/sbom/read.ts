/**
 * An SBOM as a scan target: CycloneDX JSON (1.x) or SPDX 2.x JSON in, the
 * packages, OS and image it describes out. Purls are the source of truth
 * (type, name, version, epoch, arch, source package); `bulkhead:` facts,
 * when the document is one Bulkhead wrote, restore layers, locations and the
 * rest. The document is hostile: its shape is checked with zod at the
 * boundary (the first problem is named by its JSON path), counts are capped,
 * and anything else that is wrong becomes a BulkheadError, never another throw.
 */
import { z } from 'zod';
import { BulkheadError } from '../core/errors.js';
import type { OSInfo, Package } from '../core/types.js';
import { OS_PACKAGE_TYPES } from '../core/types.js';
import { applyPackageFacts, FactBag, imageFrom, osFrom, Prop, type Fact, type SbomImage } from './facts.js';
import { conjunctionTerms } from './license.js';
import { normalizePypiName, packageFromPurl, type PurlPackage } from './purl-package.js';

export type { SbomImage } from './facts.js';

export interface SbomContents {
  format: 'cyclonedx' | 'spdx';
  /** `1.6` for CycloneDX, `2.3` for SPDX. */
  specVersion: string;
  os?: OSInfo;
  image?: SbomImage;
  packages: Package[];
  /** What was skipped or guessed: components without a purl, unsupported purl types, invalid purls. */
  warnings: string[];
}

/** Caps on what one document may hold (a 256 MiB SBOM stays well inside them). */
export const SBOM_LIMITS = {
  components: 1_000_000,
  nesting: 64,
  relationships: 5_000_000,
  dependencyEdges: 10_000_000,
  perComponentList: 100_000,
  stringLength: 1024 * 1024,
} as const;

export const FOUND_BY = { cyclonedx: 'sbom-cyclonedx', spdx: 'sbom-spdx' } as const;

const HINT = 'give a CycloneDX JSON (1.x) or SPDX 2.x JSON document; XML, tag-value and SPDX 3 are not read';

type Path = ReadonlyArray<PropertyKey>;

function jsonPath(path: Path): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function invalid(where: string, what: string, path: Path, message: string): never {
  throw new BulkheadError('SBOM_INVALID', `${what} is not valid at ${jsonPath(path)}: ${message}`, { where, hint: HINT });
}

function tooMany(where: string, path: Path, count: number, limit: number): never {
  throw new BulkheadError('LIMIT_EXCEEDED', `${jsonPath(path)} has ${count} entries, more than the ${limit} an SBOM may have`, {
    where,
    hint: 'split the SBOM',
  });
}

function check<T>(schema: z.ZodType<T>, value: unknown, where: string, what: string, path: Path): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  return invalid(where, what, [...path, ...(issue?.path ?? [])], issue?.message ?? 'unexpected shape');
}

const str = () => z.string().max(SBOM_LIMITS.stringLength);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(SBOM_LIMITS.perComponentList);

// ---- CycloneDX ---------------------------------------------------------------

const CdxLicense = z.union([
  z.object({ license: z.object({ id: str().optional(), name: str().optional() }) }),
  z.object({ expression: str() }),
]);

const CdxComponent = z.object({
  type: str(),
  name: str(),
  group: str().optional(),
  version: str().optional(),
  'bom-ref': str().optional(),
  purl: str().optional(),
  licenses: list(CdxLicense).optional(),
  properties: list(z.object({ name: str(), value: str().optional() })).optional(),
  components: z.array(z.unknown()).optional(),
});
type CdxComponent = z.infer<typeof CdxComponent>;

const CdxDocument = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string().regex(/^1\.\d{1,2}$/, 'expected a CycloneDX 1.x spec version'),
  metadata: z.object({ component: CdxComponent.optional() }).optional(),
  components: z.array(z.unknown()).optional(),
  dependencies: z.array(z.object({ ref: str(), dependsOn: z.array(str()).optional() })).optional(),
});

// ---- SPDX --------------------------------------------------------------------

const SpdxPackage = z.object({
  SPDXID: str(),
  name: str(),
  versionInfo: str().optional(),
  licenseDeclared: str().optional(),
  licenseConcluded: str().optional(),
  sourceInfo: str().optional(),
  primaryPackagePurpose: str().optional(),
  externalRefs: list(z.object({ referenceCategory: str(), referenceType: str(), referenceLocator: str() })).optional(),
  annotations: list(z.object({ comment: str() })).optional(),
});
type SpdxPackage = z.infer<typeof SpdxPackage>;

const SpdxDocument = z.object({
  spdxVersion: z.string().regex(/^SPDX-2\.\d$/, 'expected SPDX-2.x'),
  SPDXID: str(),
  packages: z.array(SpdxPackage).optional(),
  relationships: z.array(z.object({ spdxElementId: str(), relationshipType: str(), relatedSpdxElement: str() })).optional(),
  documentDescribes: z.array(str()).optional(),
  hasExtractedLicensingInfos: z.array(z.object({ licenseId: str(), name: str().optional(), extractedText: str() })).optional(),
});

// ---- shared ------------------------------------------------------------------

/** One package found in the document, before ids are given out. */
interface Candidate {
  pkg: Package;
  /** The id the document gives (a Bulkhead bom-ref or `bulkhead:package:id`). */
  docId?: string;
  /** The document's handle for it (bom-ref, SPDXID), for dependencies. */
  ref?: string;
  dependsOnRefs: string[];
  distro?: PurlPackage['distro'];
}

class Tally {
  noPurl = 0;
  keptWithoutPurl = 0;
  invalidPurl = 0;
  unsupported = new Map<string, number>();

  warnings(): string[] {
    const out: string[] = [];
    if (this.noPurl) out.push(`${this.noPurl} component(s) without a purl or package type were skipped`);
    if (this.keptWithoutPurl) out.push(`${this.keptWithoutPurl} package(s) without a purl were kept from their bulkhead:package:type`);
    if (this.invalidPurl) out.push(`${this.invalidPurl} component(s) with an invalid purl were skipped`);
    if (this.unsupported.size) {
      const types = [...this.unsupported].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => `${t} (${n})`);
      out.push(`components of unsupported purl types were skipped: ${types.join(', ')}`);
    }
    return out;
  }
}

/**
 * A Package from what the document says: its purl (or, without one, a
 * Bulkhead package type), its display name and version, licenses and facts.
 */
function candidateFrom(
  input: { purl?: string; name: string; version?: string; licenses: string[]; facts: FactBag; foundBy: string },
  where: string,
  tally: Tally,
): Candidate | undefined {
  let read: PurlPackage | undefined;
  if (input.purl) {
    const r = packageFromPurl(input.purl);
    if (!r.ok) {
      if (r.reason === 'invalid') tally.invalidPurl++;
      else tally.unsupported.set(r.type, (tally.unsupported.get(r.type) ?? 0) + 1);
      return undefined;
    }
    read = r.pkg;
  } else {
    const type = input.facts.get(Prop.packageType);
    const facts = packageFromPurlless(type, input.name, input.version);
    if (!facts) {
      tally.noPurl++;
      return undefined;
    }
    tally.keptWithoutPurl++;
    read = facts;
  }
  const pkg: Package = {
    id: '',
    type: read.type,
    name: read.name,
    version: read.version || input.version || '',
    purl: read.purl,
    foundBy: input.foundBy,
    locations: [where],
  };
  // pypi purls carry the normalised name; the document's name keeps the project's spelling.
  if (read.type === 'pypi' && normalizePypiName(input.name) === normalizePypiName(read.name)) pkg.name = input.name;
  if (read.namespace) pkg.namespace = read.namespace;
  if (read.epoch) pkg.epoch = read.epoch;
  if (read.release) pkg.release = read.release;
  if (read.arch) pkg.arch = read.arch;
  if (read.sourceName) pkg.sourceName = read.sourceName;
  if (read.sourceVersion) pkg.sourceVersion = read.sourceVersion;
  if (input.licenses.length) pkg.licenses = input.licenses;
  applyPackageFacts(pkg, input.facts);
  const candidate: Candidate = { pkg, dependsOnRefs: [] };
  const docId = input.facts.get(Prop.packageId);
  if (docId) candidate.docId = docId;
  if (read.distro) candidate.distro = read.distro;
  return candidate;
}

function packageFromPurlless(type: string | undefined, name: string, version: string | undefined): PurlPackage | undefined {
  if (!type || !name) return undefined;
  const r = packageFromPurl(`pkg:${type}/${encodeURIComponent(name)}`);
  if (!r.ok) return undefined;
  return { ...r.pkg, name, purl: '', version: version ?? '', sourceName: undefined, sourceVersion: undefined };
}

/** Ids as the assembler gives them (`type:ns/name@version`, then the location, then `#n`), or the document's own. */
function assignIds(candidates: Candidate[]): void {
  const taken = new Set<string>();
  const docIds = new Map<string, number>();
  for (const c of candidates) if (c.docId) docIds.set(c.docId, (docIds.get(c.docId) ?? 0) + 1);
  for (const c of candidates) {
    if (c.docId && docIds.get(c.docId) === 1) {
      c.pkg.id = c.docId;
      taken.add(c.docId);
    }
  }
  for (const c of candidates) {
    if (c.pkg.id) continue;
    const p = c.pkg;
    let id = `${p.type}:${p.namespace ? `${p.namespace}/` : ''}${p.name}@${p.version}`;
    if (taken.has(id)) id = `${id}:${p.locations[0]}`;
    const base = id;
    for (let n = 2; taken.has(id); n++) id = `${base}#${n}`;
    taken.add(id);
    p.id = id;
  }
}

function linkDependencies(candidates: Candidate[]): void {
  const byRef = new Map<string, string>();
  for (const c of candidates) if (c.ref !== undefined && !byRef.has(c.ref)) byRef.set(c.ref, c.pkg.id);
  for (const c of candidates) {
    if (!c.dependsOnRefs.length) continue;
    const ids = new Set<string>();
    for (const ref of c.dependsOnRefs) {
      const id = byRef.get(ref);
      if (id && id !== c.pkg.id) ids.add(id);
    }
    if (ids.size) c.pkg.dependsOn = [...ids].sort(byCodePoint);
  }
}

/** Without an OS component: the distribution named by the OS packages' purls. */
function osFromPurls(candidates: Candidate[], where: string): OSInfo | undefined {
  const first = candidates.find((c) => c.distro);
  return first?.distro ? { family: first.distro.family, version: first.distro.version, source: where } : undefined;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function finish(candidates: Candidate[]): Package[] {
  assignIds(candidates);
  linkDependencies(candidates);
  return candidates
    .map((c) => c.pkg)
    .sort((a, b) => byCodePoint(a.type, b.type) || byCodePoint(a.name, b.name) || byCodePoint(a.version, b.version) || byCodePoint(a.id, b.id));
}

// ---- CycloneDX reader ----------------------------------------------------------

function cdxLicenses(c: CdxComponent): string[] {
  const out: string[] = [];
  for (const l of c.licenses ?? []) {
    const text = 'expression' in l ? l.expression : (l.license.id ?? l.license.name);
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}

function cdxFacts(c: CdxComponent): FactBag {
  return new FactBag((c.properties ?? []).map((p): Fact => [p.name, p.value ?? '']));
}

const NOT_PACKAGES = new Set(['operating-system', 'container', 'file', 'firmware', 'device', 'platform', 'data', 'machine-learning-model', 'cryptographic-asset', 'device-driver']);

function readCycloneDx(doc: unknown, where: string): SbomContents {
  const what = 'CycloneDX document';
  const root = check(CdxDocument, doc, where, what, []);
  if ((root.components?.length ?? 0) > SBOM_LIMITS.components) tooMany(where, ['components'], root.components!.length, SBOM_LIMITS.components);
  if ((root.dependencies?.length ?? 0) > SBOM_LIMITS.relationships) tooMany(where, ['dependencies'], root.dependencies!.length, SBOM_LIMITS.relationships);

  const tally = new Tally();
  const candidates: Candidate[] = [];
  let os: OSInfo | undefined;

  // Breadth-first over components and their nested components, each checked with its own path.
  const queue: Array<{ value: unknown; path: Path; depth: number }> = [];
  (root.components ?? []).forEach((value, i) => queue.push({ value, path: ['components', i], depth: 0 }));
  const meta = root.metadata?.component;
  (meta?.components ?? []).forEach((value, i) => queue.push({ value, path: ['metadata', 'component', 'components', i], depth: 0 }));
  for (let head = 0; head < queue.length; head++) {
    const { value, path, depth } = queue[head]!;
    if (queue.length > SBOM_LIMITS.components) tooMany(where, ['components'], queue.length, SBOM_LIMITS.components);
    const c = check(CdxComponent, value, where, what, path);
    if (c.components?.length) {
      if (depth + 1 > SBOM_LIMITS.nesting) invalid(where, what, [...path, 'components'], `components nested deeper than ${SBOM_LIMITS.nesting}`);
      c.components.forEach((child, i) => queue.push({ value: child, path: [...path, 'components', i], depth: depth + 1 }));
    }
    if (c.type === 'operating-system') {
      os ??= osFrom(c.name.toLowerCase(), c.version ?? '', cdxFacts(c), where);
      continue;
    }
    const facts = cdxFacts(c);
    // Without a purl, an application is a grouping (Trivy's lock files), not a package.
    if (!c.purl && (NOT_PACKAGES.has(c.type) || c.type === 'application') && !facts.get(Prop.packageType)) continue;
    const name = c.group && !c.purl ? `${c.group}/${c.name}` : c.name;
    const candidate = candidateFrom({ purl: c.purl, name, version: c.version, licenses: cdxLicenses(c), facts, foundBy: FOUND_BY.cyclonedx }, where, tally);
    if (!candidate) continue;
    if (c['bom-ref']) candidate.ref = c['bom-ref'];
    // Our bom-refs are package ids; another tool's are only handles.
    if (c['bom-ref'] && facts.get(Prop.packageType)) candidate.docId ??= c['bom-ref'];
    candidates.push(candidate);
  }

  let edges = 0;
  const byRef = new Map<string, Candidate>();
  for (const c of candidates) if (c.ref !== undefined && !byRef.has(c.ref)) byRef.set(c.ref, c);
  (root.dependencies ?? []).forEach((d, i) => {
    edges += d.dependsOn?.length ?? 0;
    if (edges > SBOM_LIMITS.dependencyEdges) tooMany(where, ['dependencies', i, 'dependsOn'], edges, SBOM_LIMITS.dependencyEdges);
    const from = byRef.get(d.ref);
    if (from && d.dependsOn) from.dependsOnRefs.push(...d.dependsOn);
  });

  const contents: SbomContents = { format: 'cyclonedx', specVersion: root.specVersion, packages: finish(candidates), warnings: tally.warnings() };
  os ??= osFromPurls(candidates, where);
  if (os) contents.os = os;
  if (meta?.type === 'container') contents.image = cdxImage(meta);
  return contents;
}

function cdxImage(meta: CdxComponent): SbomImage {
  const image = imageFrom(meta.name, cdxFacts(meta));
  return completeImage(image, meta.version, meta.purl);
}

/** The manifest digest and architecture from the version or the `pkg:oci` purl when no fact gives them. */
function completeImage(image: SbomImage, version: string | undefined, purl: string | undefined): SbomImage {
  const digest = /^sha256:[a-f0-9]{64}$/;
  if (!image.manifestDigest && version && digest.test(version)) image.manifestDigest = version;
  if (purl?.startsWith('pkg:oci/')) {
    const m = /@(sha256(?::|%3A)[a-f0-9]{64})/i.exec(purl);
    if (!image.manifestDigest && m) image.manifestDigest = m[1]!.replace(/%3A/i, ':');
    const arch = /[?&]arch=([A-Za-z0-9_-]+)/.exec(purl);
    if (!image.architecture && arch) image.architecture = arch[1]!;
  }
  return image;
}

// ---- SPDX reader ---------------------------------------------------------------

function spdxFacts(p: SpdxPackage): FactBag {
  const facts: Fact[] = [];
  for (const a of p.annotations ?? []) {
    const eq = a.comment.indexOf('=');
    if (eq > 0 && a.comment.startsWith('bulkhead:')) facts.push([a.comment.slice(0, eq), a.comment.slice(eq + 1)]);
  }
  return new FactBag(facts);
}

function spdxPurl(p: SpdxPackage): string | undefined {
  return p.externalRefs?.find((r) => /^PACKAGE[-_]MANAGER$/.test(r.referenceCategory) && r.referenceType === 'purl')?.referenceLocator;
}

/**
 * The declared (else concluded) license. An AND of terms that uses the
 * document's LicenseRefs is split back into its terms, each LicenseRef
 * replaced by the text it stands for: how a package's license list is written.
 */
function spdxLicenses(p: SpdxPackage, extracted: Map<string, string>): string[] {
  for (const value of [p.licenseDeclared, p.licenseConcluded]) {
    const text = value?.trim();
    if (!text || text === 'NOASSERTION' || text === 'NONE') continue;
    const terms = extracted.size && text.includes('LicenseRef-') ? conjunctionTerms(text) : undefined;
    if (terms?.some((t) => extracted.has(t))) return [...new Set(terms.map((t) => extracted.get(t) ?? t))];
    return [extracted.get(text) ?? text];
  }
  return [];
}

function readSpdx(doc: unknown, where: string): SbomContents {
  const what = 'SPDX document';
  // Counts before the per-item checks, so a huge document fails fast.
  const raw = doc as { packages?: unknown; relationships?: unknown };
  if (Array.isArray(raw.packages) && raw.packages.length > SBOM_LIMITS.components) tooMany(where, ['packages'], raw.packages.length, SBOM_LIMITS.components);
  if (Array.isArray(raw.relationships) && raw.relationships.length > SBOM_LIMITS.relationships) {
    tooMany(where, ['relationships'], raw.relationships.length, SBOM_LIMITS.relationships);
  }
  const root = check(SpdxDocument, doc, where, what, []);
  const extracted = new Map<string, string>();
  for (const info of root.hasExtractedLicensingInfos ?? []) extracted.set(info.licenseId, info.name || info.extractedText);

  const described = new Set<string>(root.documentDescribes ?? []);
  for (const r of root.relationships ?? []) {
    if (r.spdxElementId === root.SPDXID && r.relationshipType === 'DESCRIBES') described.add(r.relatedSpdxElement);
    if (r.relatedSpdxElement === root.SPDXID && r.relationshipType === 'DESCRIBED_BY') described.add(r.spdxElementId);
  }
  // One described package is the target itself; a document that "describes" every package has none.
  const targetId = described.size === 1 ? [...described][0] : undefined;

  const tally = new Tally();
  const candidates: Candidate[] = [];
  let os: OSInfo | undefined;
  let image: SbomImage | undefined;
  for (const p of root.packages ?? []) {
    const facts = spdxFacts(p);
    if (p.SPDXID === targetId) {
      const purl = spdxPurl(p);
      if (p.primaryPackagePurpose === 'CONTAINER' || purl?.startsWith('pkg:oci/') || facts.get(Prop.targetKind) === 'image') {
        image = completeImage(imageFrom(p.name, facts), p.versionInfo, purl);
      }
      continue;
    }
    if (p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      os ??= osFrom(p.name.toLowerCase(), p.versionInfo ?? '', facts, where);
      continue;
    }
    const candidate = candidateFrom(
      { purl: spdxPurl(p), name: p.name, version: p.versionInfo, licenses: spdxLicenses(p, extracted), facts, foundBy: FOUND_BY.spdx },
      where,
      tally,
    );
    if (!candidate) continue;
    // Without an `upstream` qualifier or a fact, another tool's `sourceInfo` may still name the source package.
    if (OS_PACKAGE_TYPES.has(candidate.pkg.type) && candidate.pkg.sourceName === candidate.pkg.name && !facts.get(Prop.sourceName)) {
      const built = /^built package from: (\S+)(?: (\S+))?$/.exec(p.sourceInfo ?? '');
      if (built) {
        candidate.pkg.sourceName = built[1]!;
        if (built[2]) candidate.pkg.sourceVersion = built[2];
      }
    }
    candidate.ref = p.SPDXID;
    candidates.push(candidate);
  }

  const byRef = new Map<string, Candidate>();
  for (const c of candidates) if (c.ref !== undefined && !byRef.has(c.ref)) byRef.set(c.ref, c);
  for (const r of root.relationships ?? []) {
    if (r.relationshipType === 'DEPENDS_ON') byRef.get(r.spdxElementId)?.dependsOnRefs.push(r.relatedSpdxElement);
    else if (r.relationshipType === 'DEPENDENCY_OF') byRef.get(r.relatedSpdxElement)?.dependsOnRefs.push(r.spdxElementId);
  }

  const contents: SbomContents = {
    format: 'spdx',
    specVersion: root.spdxVersion.slice('SPDX-'.length),
    packages: finish(candidates),
    warnings: tally.warnings(),
  };
  os ??= osFromPurls(candidates, where);
  if (os) contents.os = os;
  if (image) contents.image = image;
  return contents;
}

// ---- entry -------------------------------------------------------------------

/** Reads a CycloneDX or SPDX JSON document; throws BulkheadError (SBOM_INVALID, LIMIT_EXCEEDED) and nothing else. */
export function readSbom(text: string, where: string): SbomContents {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new BulkheadError('SBOM_INVALID', `not JSON: ${(e as Error).message}`, { where, hint: HINT });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) invalid(where, 'SBOM', [], 'expected a JSON object');
  try {
    if ('bomFormat' in doc) return readCycloneDx(doc, where);
    if ('spdxVersion' in doc) return readSpdx(doc, where);
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('SBOM_INVALID', `could not read the SBOM: ${(e as Error)?.message ?? String(e)}`, { where, hint: HINT, cause: e });
  }
  const context = (doc as Record<string, unknown>)['@context'];
  const spdx3 = [context].flat().some((c) => typeof c === 'string' && c.includes('spdx'));
  throw new BulkheadError('SBOM_INVALID', spdx3 ? 'SPDX 3 documents are not read yet' : 'neither a CycloneDX (bomFormat) nor an SPDX (spdxVersion) document', {
    where,
    hint: HINT,
  });
}
