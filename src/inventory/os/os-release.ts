/**
 * os-release(5): the distribution's own statement of what it is. `ID` gives
 * the family, `VERSION_ID` the version (often only the major one: Debian
 * writes `12`, CentOS `7`; `mergeOsFacts` refines it from other files).
 */
import type { Analyzer } from '../analyzer.js';
import type { OsFacts } from './facts.js';
import { compactOs } from './facts.js';
import { parseEnvFile } from './env-file.js';

export const OS_RELEASE_PATHS: readonly string[] = ['/etc/os-release', '/usr/lib/os-release'];

export function parseOsRelease(text: string): { os?: OsFacts; warnings: string[] } {
  const { values, warnings } = parseEnvFile(text);
  const id = values.get('ID')?.trim().toLowerCase();
  if (!id) {
    warnings.push('no ID= line, the distribution is unknown');
    return { warnings };
  }
  const os = compactOs({
    family: id,
    version: values.get('VERSION_ID')?.trim() ?? '',
    name: values.get('NAME'),
    prettyName: values.get('PRETTY_NAME'),
    codename: values.get('VERSION_CODENAME') || values.get('UBUNTU_CODENAME'),
  });
  return { os, warnings };
}

export const osReleaseAnalyzer: Analyzer = {
  id: 'os-release',
  version: 1,
  description: 'Distribution id, version and names from /etc/os-release and /usr/lib/os-release',
  targets: ['image', 'rootfs'],
  maxBytes: 64 * 1024,
  wants: (path) => path === '/etc/os-release' || path === '/usr/lib/os-release',
  analyze({ content }) {
    const { os, warnings } = parseOsRelease(content.toString('utf8'));
    if (!os) return { warnings };
    return warnings.length ? { os, warnings } : { os };
  },
};
