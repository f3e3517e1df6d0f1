/**
 * Installed Debian packages from dpkg's database: `/var/lib/dpkg/status`,
 * and the one-file-per-package `/var/lib/dpkg/status.d/*` that distroless
 * images ship instead (the file name is not trusted: the stanza names the
 * package).
 *
 * Only stanzas whose Status says `installed` count: `config-files`,
 * `half-installed`, `unpacked` and the rest describe packages whose files
 * are gone or incomplete. Depends and Pre-Depends are kept as package names
 * in the `deb.depends` property (alternatives included, version constraints
 * and `:arch` qualifiers dropped); turning them into package ids is left to
 * whoever joins the whole inventory.
 */
import type { Analyzer, PackageRecord } from '../analyzer.js';
import { basename } from '../analyzer.js';
import { field, parseControl } from './deb-control.js';
import type { Stanza } from './deb-control.js';
import { WarningList } from './warnings.js';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';

/** Package names per Debian policy 5.6.1, loosened to upper case seen in the wild. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9+.-]*$/;
/** `[epoch:]upstream[-revision]`, no blanks; loose on purpose, the comparator decides the rest. */
const VERSION = /^(?:(\d{1,9}):)?([A-Za-z0-9][A-Za-z0-9.+~:-]*)$/;
const SOURCE = /^(\S+)(?:\s+\(([^)\s]+)\))?$/;

export function isDpkgStatusPath(path: string): boolean {
  if (path === STATUS) return true;
  if (!path.startsWith(STATUS_D)) return false;
  const name = path.slice(STATUS_D.length);
  return name.length > 0 && !name.includes('/') && !name.endsWith('.md5sums') && !name.endsWith('.list');
}

/** Names of the packages a `Depends:` style field mentions, in order, without duplicates. */
export function dependencyNames(value: string | undefined): string[] {
  if (!value) return [];
  const names = new Set<string>();
  for (const alternatives of value.split(',')) {
    for (const alt of alternatives.split('|')) {
      const name = /^\s*([A-Za-z0-9][A-Za-z0-9+.-]*)/.exec(alt)?.[1];
      if (name) names.add(name);
    }
  }
  return [...names];
}

function isInstalled(stanza: Stanza, inStatusD: boolean): boolean {
  const status = field(stanza, 'Status');
  // Distroless status.d files describe installed packages and may omit Status.
  if (status === undefined) return inStatusD;
  const words = status.split(/\s+/);
  return words.length === 3 && words[2] === 'installed';
}

export function parseDpkgStatus(text: string, inStatusD = false): { packages: PackageRecord[]; warnings: string[] } {
  const warnings = new WarningList();
  const packages: PackageRecord[] = [];
  for (const stanza of parseControl(text, warnings)) {
    if (!isInstalled(stanza, inStatusD)) continue;
    const name = field(stanza, 'Package');
    const version = field(stanza, 'Version');
    if (!name || !NAME.test(name)) {
      warnings.add(`line ${stanza.line}: installed stanza without a valid Package field, skipped`);
      continue;
    }
    const v = version ? VERSION.exec(version) : null;
    if (!version || !v || version.length > 256) {
      warnings.add(`line ${stanza.line}: ${name} has no valid Version, skipped`);
      continue;
    }
    const record: PackageRecord = { type: 'deb', name, version };
    if (v[1] !== undefined) record.epoch = Number(v[1]);
    const dash = v[2]!.lastIndexOf('-');
    if (dash > 0) record.release = v[2]!.slice(dash + 1);
    const arch = field(stanza, 'Architecture');
    if (arch) record.arch = arch;

    record.sourceName = name;
    record.sourceVersion = version;
    const source = field(stanza, 'Source');
    if (source) {
      const m = SOURCE.exec(source);
      if (m && NAME.test(m[1]!)) {
        record.sourceName = m[1]!;
        if (m[2]) record.sourceVersion = m[2];
      } else {
        warnings.add(`line ${stanza.line}: ${name} has an unreadable Source field, using the binary package`);
      }
    }

    const depends = dependencyNames([field(stanza, 'Pre-Depends'), field(stanza, 'Depends')].filter(Boolean).join(','));
    if (depends.length) record.properties = { 'deb.depends': depends.join(', ') };
    packages.push(record);
  }
  return { packages, warnings: warnings.list() };
}

export const dpkgAnalyzer: Analyzer = {
  id: 'dpkg',
  version: 1,
  description: 'Installed Debian packages from /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/*',
  targets: ['image', 'rootfs'],
  wants: (path) => isDpkgStatusPath(path),
  analyze({ path, content }) {
    const inStatusD = path !== STATUS;
    const { packages, warnings } = parseDpkgStatus(content.toString('utf8'), inStatusD);
    if (inStatusD && packages.length === 0 && warnings.length === 0) {
      return { warnings: [`no installed package in ${basename(path)}`] };
    }
    return warnings.length ? { packages, warnings } : { packages };
  },
};
