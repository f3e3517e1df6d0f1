/**
 * A package URL read back into the fields of a Package, undoing what
 * `inventory/purl.ts` (and other tools' writers) put where: the epoch as a
 * qualifier or in the version, the source package in `upstream`, the npm
 * scope and Go or Composer paths split into a namespace, the distribution in
 * `distro`.
 */
import { PackageURL } from 'packageurl-js';
import type { PackageType } from '../core/types.js';
import { OS_PACKAGE_TYPES } from '../core/types.js';
import { isPackageType } from './facts.js';

/** Longer strings are not purls anyone wrote (and the parser's regexes should not see them). */
export const MAX_PURL_LENGTH = 4096;

export interface PurlPackage {
  /** The purl as packageurl-js writes it. */
  purl: string;
  type: PackageType;
  name: string;
  namespace?: string;
  /** Empty when the purl has none. */
  version: string;
  epoch?: number;
  release?: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  /** From the `distro` qualifier of OS packages (`debian-12.15`, or apk's bare `3.20.3`). */
  distro?: { family: string; version: string };
}

export type PurlReading = { ok: true; pkg: PurlPackage } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'unsupported'; type: string };

/** purl vendors that are not our OS family ids. */
const familyAliases: Record<string, string> = { redhat: 'rhel' };

function distroOf(value: string | undefined, namespace: string | undefined): PurlPackage['distro'] {
  if (!value) return undefined;
  const m = /^([a-z][a-z0-9._-]*?)-(\d[\w.~+-]*)$/i.exec(value);
  const family = (m ? m[1]! : namespace ?? '').toLowerCase();
  const version = m ? m[2]! : /^\d/.test(value) ? value : '';
  if (!family || !version) return undefined;
  return { family: familyAliases[family] ?? family, version };
}

export function packageFromPurl(text: string): PurlReading {
  if (!text.startsWith('pkg:') || text.length > MAX_PURL_LENGTH) return { ok: false, reason: 'invalid' };
  let purl: PackageURL;
  let canonical: string;
  try {
    purl = PackageURL.fromString(text);
    canonical = purl.toString();
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const type = purl.type.toLowerCase();
  if (!isPackageType(type)) return { ok: false, reason: 'unsupported', type };
  const q: Record<string, string> = { ...(purl.qualifiers ?? {}) };
  const ns = purl.namespace || undefined;
  const pkg: PurlPackage = { purl: canonical, type, name: purl.name, version: purl.version ?? '' };

  if (OS_PACKAGE_TYPES.has(type)) {
    let version = pkg.version;
    const inVersion = /^(\d+):(.+)$/.exec(version);
    if (inVersion) version = inVersion[2]!;
    const epochText = inVersion?.[1] ?? q.epoch;
    const epoch = epochText !== undefined && /^\d{1,9}$/.test(epochText) ? Number(epochText) : 0;
    if (type !== 'apk' && epoch > 0) {
      pkg.epoch = epoch;
      version = `${epoch}:${version}`;
    }
    pkg.version = version;
    if (type !== 'apk') {
      const upstream = version.replace(/^\d+:/, '');
      const dash = upstream.lastIndexOf('-');
      if (dash > 0 && dash < upstream.length - 1) pkg.release = upstream.slice(dash + 1);
    }
    if (q.arch) pkg.arch = q.arch;
    const srpm = type === 'rpm' ? /^(.+)-([^-]+)-([^-]+)\.src\.rpm$/.exec(q.upstream ?? '') : null;
    if (srpm) {
      // rpm writers name the source rpm file; it has no epoch, the binary's applies (as rpm/package.ts reads it).
      pkg.sourceName = srpm[1]!;
      pkg.sourceVersion = `${pkg.epoch ? `${pkg.epoch}:` : ''}${srpm[2]}-${srpm[3]}`;
    } else if (q.upstream) {
      const at = q.upstream.indexOf('@');
      pkg.sourceName = at > 0 ? q.upstream.slice(0, at) : q.upstream;
      if (at > 0 && at < q.upstream.length - 1) pkg.sourceVersion = q.upstream.slice(at + 1);
    } else {
      // No upstream: the source package has the binary's name (dpkg, apk and rpm writers omit it then).
      pkg.sourceName = pkg.name;
      if (pkg.version) pkg.sourceVersion = pkg.version;
    }
    const distro = distroOf(q.distro, ns ?? (type === 'apk' ? 'alpine' : undefined));
    if (distro) pkg.distro = distro;
    return { ok: true, pkg };
  }

  if (type === 'maven') {
    if (ns) pkg.namespace = ns;
  } else if (ns) {
    // npm scopes, Go module paths, Composer vendors: part of the name.
    pkg.name = `${ns}/${pkg.name}`;
  }
  if (q.arch) pkg.arch = q.arch;
  return { ok: true, pkg };
}

/** PEP 503 normalisation: how pypi purls write names. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
