/**
 * The one-line release files of the Red Hat family:
 * `CentOS Linux release 7.9.2009 (Core)`, `Rocky Linux release 9.4 (Blue Onyx)`.
 * CentOS 7's os-release says only `7`, so the precise version comes from here.
 */
import type { Analyzer } from '../analyzer.js';
import { basename } from '../analyzer.js';
import { compactOs, firstLine } from './facts.js';
import type { OsFacts } from './facts.js';

export const REDHAT_RELEASE_FILES: ReadonlyMap<string, string> = new Map([
  ['/etc/redhat-release', 'rhel'],
  ['/etc/centos-release', 'centos'],
  ['/etc/rocky-release', 'rocky'],
  ['/etc/almalinux-release', 'almalinux'],
  ['/etc/fedora-release', 'fedora'],
]);

/** Distribution names as the release line spells them, to the os-release ID. */
const FAMILIES: ReadonlyArray<[RegExp, string]> = [
  [/^centos/i, 'centos'],
  [/^red hat/i, 'rhel'],
  [/^rocky/i, 'rocky'],
  [/^almalinux/i, 'almalinux'],
  [/^fedora/i, 'fedora'],
  [/^oracle/i, 'ol'],
  [/^amazon/i, 'amzn'],
];

const LINE = /^(.+?)\s+release\s+([0-9][0-9A-Za-z._-]*)(?:\s+\(([^)]*)\))?/i;

export function parseRedhatRelease(line: string, fallbackFamily: string): OsFacts | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const name = m[1]!;
  const family = FAMILIES.find(([re]) => re.test(name))?.[1] ?? fallbackFamily;
  return compactOs({ family, version: m[2]!, name, prettyName: line, codename: m[3]?.trim() });
}

export const redhatReleaseAnalyzer: Analyzer = {
  id: 'redhat-release',
  version: 1,
  description: 'Red Hat family release lines (/etc/redhat-release, centos-, rocky-, almalinux-, fedora-release)',
  targets: ['image', 'rootfs'],
  maxBytes: 4096,
  wants: (path) => REDHAT_RELEASE_FILES.has(path),
  analyze({ path, content }) {
    const fallback = REDHAT_RELEASE_FILES.get(path) ?? basename(path).replace(/-release$/, '');
    const os = parseRedhatRelease(firstLine(content), fallback);
    return os ? { os } : { warnings: ['not a "<name> release <version>" line'] };
  },
};
