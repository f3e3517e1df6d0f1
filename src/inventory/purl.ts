/**
 * Package URLs (purl spec) for every package type, with the distro and arch
 * qualifiers OS packages need to be told apart.
 */
import { PackageURL } from 'packageurl-js';
import type { OSInfo, PackageType } from '../core/types.js';
import type { PackageRecord } from './analyzer.js';

/** The version without a leading `epoch:`; the epoch goes in a qualifier. */
function withoutEpoch(version: string): string {
  const m = /^(\d+):(.+)$/.exec(version);
  return m ? m[2]! : version;
}

/** rpm purl namespaces name the vendor (`redhat`, `almalinux`, `opensuse`); others use the distro id. */
function osNamespace(os: OSInfo | undefined, type: PackageType): string | undefined {
  if (!os) return type === 'apk' ? 'alpine' : undefined;
  if (type === 'rpm' && (os.family === 'rhel' || os.family === 'redhat')) return 'redhat';
  return os.family;
}

export function buildPurl(p: PackageRecord, os: OSInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  let namespace: string | undefined = p.namespace;
  let name = p.name;
  let version: string | undefined = p.version || undefined;
  switch (p.type) {
    case 'deb':
    case 'rpm':
    case 'apk': {
      namespace = osNamespace(os, p.type);
      if (p.arch) qualifiers.arch = p.arch;
      if (p.epoch) qualifiers.epoch = String(p.epoch);
      if (version) version = withoutEpoch(version);
      if (os) qualifiers.distro = p.type === 'apk' ? os.version : `${os.family}-${os.version}`;
      if (p.sourceName && p.sourceName !== p.name) {
        qualifiers.upstream = p.sourceVersion && p.sourceVersion !== p.version ? `${p.sourceName}@${p.sourceVersion}` : p.sourceName;
      }
      break;
    }
    case 'npm': {
      const m = /^(@[^/]+)\/(.+)$/.exec(name);
      if (m) [namespace, name] = [m[1], m[2]!];
      break;
    }
    case 'golang':
    case 'composer': {
      const i = name.lastIndexOf('/');
      if (i > 0) [namespace, name] = [name.slice(0, i), name.slice(i + 1)];
      break;
    }
    case 'pypi':
      name = name.toLowerCase().replace(/[-_.]+/g, '-');
      break;
    default:
      break;
  }
  return new PackageURL(p.type, namespace ?? undefined, name, version, Object.keys(qualifiers).length ? qualifiers : undefined, undefined).toString();
}
