/**
 * Maven artifacts in Java archives (`.jar`, `.war`, `.ear`, and the `.jpi`,
 * `.hpi`, `.par`, `.sar`, `.nar` variants), in images, root filesystems and
 * checkouts alike (a jar is installed code wherever it lies).
 *
 * How an archive is identified, most trusted first:
 * 1. every `META-INF/maven/<groupId>/<artifactId>/pom.properties` is one
 *    package: a shaded or fat jar yields several;
 * 2. when none of those is the archive itself (judged by the file name's
 *    artifact id), `META-INF/MANIFEST.MF`: version from Implementation-Version,
 *    Bundle-Version or Specification-Version; artifact id from the file name,
 *    else from an id-like Implementation-Title or Bundle-SymbolicName; group id
 *    from Implementation-Vendor-Id, else from Bundle-SymbolicName when it is
 *    `<group>.<artifactId>`;
 * 3. as a last resort the file name `artifact-1.2.3.jar`, without group id.
 * `properties["java.identified-by"]` says which one applied. Identifying jars
 * by their SHA-1 against Maven Central (as Trivy can) is not done: scans
 * stay offline.
 *
 * Archives inside archives (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, `lib/`
 * of an ear, anything with an archive extension) are read recursively, with
 * locations like `/app/x.war!/WEB-INF/lib/y.jar`. Depth, count and inflated
 * bytes are capped: a zip bomb or deep nesting ends in a warning, not in
 * exhausted memory.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { ZipArchive, ZipError, type ZipEntry } from '../../../core/zip.js';

const ARCHIVE = /\.(?:jar|war|ear|jpi|hpi|par|sar|nar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'meta-inf/manifest.mf';

const MAX_TOP_LEVEL_BYTES = 256 * 1024 * 1024;
/** Archives nest this deep at most (an ear holding a war holding jars is depth 2). */
export const MAX_DEPTH = 4;
const MAX_NESTED_ARCHIVES = 5000;
/** A nested archive larger than this once inflated is not read. */
const MAX_NESTED_BYTES = 128 * 1024 * 1024;
/** All nested archives of one file together. */
const MAX_TOTAL_INFLATED = 512 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024 * 1024;
/** Per archive: entries in its directory, and what may be inflated from it (a jar of many pom.properties is bounded too). */
const ZIP_LIMITS = { maxEntries: 200_000, maxEntrySize: MAX_NESTED_BYTES, maxTotalSize: MAX_TOTAL_INFLATED } as const;
const MAX_WARNINGS = 20;

export interface JarIdentity {
  groupId?: string;
  artifactId: string;
  version: string;
}

/** `.properties` text as written by Maven: `key=value`, `key: value`, comments, continuations. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length && out.size < 1000; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    const m = /^((?:[^\\=: \t\f]|\\.)*)[ \t\f]*[=: \t\f]?[ \t\f]*(.*)$/.exec(line);
    if (!m) continue;
    out.set(unescapeProperty(m[1]!), unescapeProperty(m[2]!));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

/** Main attributes of a manifest (up to the first blank line); names lower-cased, continuations joined. */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    if (line === '') {
      if (out.size > 0) break;
      continue;
    }
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, out.get(last)! + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    out.set(last, line.slice(colon + 1).trim());
    if (out.size > 500) break;
  }
  return out;
}

/** `log4j-core-2.14.1.jar` → log4j-core 2.14.1; the version is the last part that starts with a digit after a `-`. */
export function parseArchiveFileName(file: string): { artifactId: string; version: string } | null {
  const stem = file.replace(ARCHIVE, '');
  const m = /^(.+)-(\d[\w.+]*(?:-[\w.+]+)*)$/.exec(stem);
  if (!m) return null;
  return { artifactId: m[1]!, version: m[2]! };
}

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const isId = (s: string | undefined): s is string => s !== undefined && s.length <= 256 && ID.test(s);
const VERSION = /^[A-Za-z0-9_][A-Za-z0-9_.+~-]*$/;
const isVersion = (s: string | undefined): s is string => s !== undefined && s.length <= 128 && VERSION.test(s);

function fromPom(props: Map<string, string>): JarIdentity | null {
  const groupId = props.get('groupId')?.trim();
  const artifactId = props.get('artifactId')?.trim();
  const version = props.get('version')?.trim();
  if (!isId(groupId) || !isId(artifactId) || !isVersion(version)) return null;
  return { groupId, artifactId, version };
}

function fromManifest(m: Map<string, string>, file: { artifactId: string; version: string } | null): JarIdentity | null {
  const version = [m.get('implementation-version'), m.get('bundle-version'), m.get('specification-version')].find(isVersion);
  if (!version) return null;
  const bsn = m.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const title = m.get('implementation-title');
  const artifactId = file?.artifactId ?? (isId(title) ? title : undefined) ?? (isId(bsn) ? bsn.slice(bsn.lastIndexOf('.') + 1) : undefined);
  if (!artifactId) return null;
  const vendorId = m.get('implementation-vendor-id');
  let groupId: string | undefined;
  if (isId(vendorId)) groupId = vendorId;
  else if (isId(bsn) && bsn.endsWith(`.${artifactId}`)) {
    // `com.fasterxml.jackson.core.jackson-databind` names its group; `org.opentest4j` (group `org`?) does not.
    const prefix = bsn.slice(0, -artifactId.length - 1);
    if (prefix.includes('.')) groupId = prefix;
  }
  return groupId ? { groupId, artifactId, version } : { artifactId, version };
}

function record(id: JarIdentity, how: string, location: string | undefined, license?: string): PackageRecord {
  const r: PackageRecord = { type: 'maven', name: id.artifactId, version: id.version, properties: { 'java.identified-by': how } };
  if (id.groupId) r.namespace = id.groupId;
  if (license) r.licenses = [license];
  if (location) r.locations = [location];
  return r;
}

interface Walk {
  packages: PackageRecord[];
  warnings: string[];
  nested: number;
  inflated: number;
}

function warn(w: Walk, message: string): void {
  if (w.warnings.length < MAX_WARNINGS) w.warnings.push(message);
  else if (w.warnings.length === MAX_WARNINGS) w.warnings.push('more warnings not shown');
}

/**
 * Packages of one archive and, recursively, of the archives inside it.
 * `location` is undefined for the analysed file itself, `outer!/inner.jar` below it.
 */
function walkArchive(w: Walk, buf: Buffer, fileName: string, location: string | undefined, topPath: string, depth: number): void {
  // Warnings about the analysed file itself are prefixed with its path by the pipeline.
  const at = (message: string) => (location ? `${location}: ${message}` : message);
  let zip: ZipArchive;
  try {
    zip = ZipArchive.fromBuffer(buf, ZIP_LIMITS);
  } catch (e) {
    warn(w, at(`not a readable zip archive (${(e as Error).message})`));
    return;
  }
  const read = (name: string, entry: ZipEntry): string | null => {
    try {
      return zip.read(entry, MAX_METADATA_BYTES).toString('utf8');
    } catch (e) {
      warn(w, at(`${name} unreadable (${(e as Error).message})`));
      return null;
    }
  };

  const file = parseArchiveFileName(fileName);
  const own: PackageRecord[] = [];
  const seen = new Set<string>();
  let manifest: Map<string, string> | undefined;
  for (const entry of zip.entries) {
    if (POM_PROPERTIES.test(entry.name)) {
      const text = read(entry.name, entry);
      const id = text === null ? null : fromPom(parseProperties(text));
      if (!id) {
        if (text !== null) warn(w, at(`${entry.name} lacks a valid groupId, artifactId or version`));
        continue;
      }
      const key = `${id.groupId}:${id.artifactId}:${id.version}`;
      if (!seen.has(key)) {
        seen.add(key);
        own.push(record(id, 'pom.properties', location));
      }
    } else if (manifest === undefined && entry.name.toLowerCase() === MANIFEST) {
      const text = read(entry.name, entry);
      if (text !== null) manifest = parseManifest(text);
    }
  }

  // Is the archive itself among the pom.properties? Without a versioned file name, a lone one is taken to be it.
  let self = own.find((p) => p.name === file?.artifactId) ?? (file === null && own.length === 1 ? own[0] : undefined);
  if (!self && manifest) {
    const id = fromManifest(manifest, file);
    if (id) {
      self = record(id, 'manifest', location);
      own.push(self);
    }
  }
  if (!self && own.length === 0 && file) {
    self = record(file, 'filename', location);
    own.push(self);
  }
  const license = manifest?.get('bundle-license');
  if (self && license && license.length <= 512 && !self.licenses) self.licenses = [license];
  w.packages.push(...own);

  for (const entry of zip.entries) {
    if (!ARCHIVE.test(entry.name) || entry.name.endsWith('/')) continue;
    const inner = `${location ?? topPath}!/${entry.name}`;
    if (depth + 1 > MAX_DEPTH) {
      warn(w, `${inner}: archive nested deeper than ${MAX_DEPTH} levels, not read`);
      continue;
    }
    if (w.nested >= MAX_NESTED_ARCHIVES) {
      warn(w, at(`more than ${MAX_NESTED_ARCHIVES} nested archives, the rest not read`));
      return;
    }
    const budget = Math.min(MAX_NESTED_BYTES, MAX_TOTAL_INFLATED - w.inflated);
    let content: Buffer;
    try {
      content = zip.read(entry, budget);
    } catch (e) {
      warn(w, `${inner}: not read (${(e as Error).message})`);
      continue;
    }
    w.nested++;
    w.inflated += content.length;
    walkArchive(w, content, basename(entry.name), inner, topPath, depth + 1);
  }
}

export const javaArchiveAnalyzer: Analyzer = {
  id: 'java-archive',
  version: 1,
  description: 'Maven artifacts in Java archives (jar, war, ear and variants), nested archives included',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: MAX_TOP_LEVEL_BYTES,
  wants: (path) => ARCHIVE.test(path),
  analyze({ path, content }) {
    const w: Walk = { packages: [], warnings: [], nested: 0, inflated: 0 };
    try {
      walkArchive(w, content, basename(path), undefined, path, 0);
    } catch (e) {
      // ZipErrors are handled where they arise; anything else is a malformed archive we did not foresee.
      warn(w, `archive not fully read (${e instanceof ZipError ? e.message : String(e)})`);
    }
    if (w.packages.length === 0 && w.warnings.length === 0) return null;
    const result: { packages?: PackageRecord[]; warnings?: string[] } = {};
    if (w.packages.length) result.packages = w.packages;
    if (w.warnings.length) result.warnings = w.warnings;
    return result;
  },
};
